//! Goto expressions: `0x1_0000`, `__heap_base`, `ptr + 16`, `(__data_end - 8) + 0x20`.
//!
//! Grammar: `expr = term (("+" | "-") term)*`,
//! `term = number | name | "len(" name ")" | "(" expr ")"`.
//! Numbers are decimal or `0x` hex, with optional `_` separators. Names are looked up
//! in a map the caller fills (wasm globals such as `__heap_base`, `__data_end`,
//! `__stack_pointer`; step results such as `ptr`); `len(input)` is looked up as the
//! name `len(input)`, which the caller binds to the length of the bytes called `input`.
//! Arithmetic is on `u64` and checked: going below 0 or past `u64::MAX` is an error, as
//! is an unknown name (the message lists the known ones). [`names_used`] lists the
//! names an expression needs without evaluating it (a session file is checked that way
//! before it runs).

use std::collections::BTreeMap;

use anyhow::{Result, bail};

/// How many known names an "unknown name" error lists before `…`.
const NAMES_LISTED: usize = 12;

/// Evaluates the address expression `text`, resolving names through `names`.
pub fn parse_address(text: &str, names: &BTreeMap<String, u64>) -> Result<u64> {
    Ok(parse(text, Some(names))?.0)
}

/// The names `text` refers to, in order (`len(input)` for a length), after checking
/// its syntax; nothing is evaluated.
pub fn names_used(text: &str) -> Result<Vec<String>> {
    Ok(parse(text, None)?.1)
}

/// `text` written again with every name (and `len(name)`) replaced by `name(..)`'s
/// text, after checking its syntax: how a generated host program computes
/// `len(input) + 30` (`input.len() as u64 + 30`). Numbers are kept as written.
pub fn rewrite_names(text: &str, name: impl Fn(&str) -> String) -> Result<String> {
    names_used(text)?;
    let tokens = tokenize(text)?;
    let mut out = String::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let source = token.text(text);
        i += 1;
        match token.kind {
            Kind::Number => out.push_str(source),
            Kind::Name if tokens.get(i).is_some_and(|t| t.kind == Kind::Open) => {
                // `len ( arg )`, checked by `names_used`.
                let arg = tokens.get(i + 1).map_or("", |t| t.text(text));
                out.push_str(&name(&format!("{source}({arg})")));
                i += 3;
            }
            Kind::Name => out.push_str(&name(source)),
            Kind::Plus => out.push_str(" + "),
            Kind::Minus => out.push_str(" - "),
            Kind::Open => out.push('('),
            Kind::Close => out.push(')'),
        }
    }
    Ok(out)
}

/// Parses `text`; with `names`, evaluates it too (without, every name counts as 0 and
/// arithmetic wraps). Returns the value and the names used.
fn parse(text: &str, names: Option<&BTreeMap<String, u64>>) -> Result<(u64, Vec<String>)> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        bail!(
            "type an address: a number like 0x1000, a name like __heap_base, or a sum like ptr + 16"
        );
    }
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        names,
        used: Vec::new(),
    };
    let (value, _) = parser.expr()?;
    if let Some(token) = parser.tokens.get(parser.pos) {
        match token.kind {
            Kind::Close => bail!("`)` at column {} has no matching `(`", token.column(text)),
            _ => bail!(
                "expected `+` or `-` before `{}` at column {}",
                token.text(text),
                token.column(text)
            ),
        }
    }
    Ok((value, parser.used))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Name,
    Plus,
    Minus,
    Open,
    Close,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Token {
    fn text(self, source: &str) -> &str {
        &source[self.start..self.end]
    }

    /// 1-based column, in characters, for messages.
    fn column(self, source: &str) -> usize {
        source[..self.start].chars().count() + 1
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '_' | '$' | '.')
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let single = |kind| Token {
            kind,
            start,
            end: start + c.len_utf8(),
        };
        let token = match c {
            c if c.is_whitespace() => continue,
            '+' => single(Kind::Plus),
            '-' => single(Kind::Minus),
            '(' => single(Kind::Open),
            ')' => single(Kind::Close),
            c if c.is_ascii_digit() || is_name_start(c) => {
                let mut end = start + c.len_utf8();
                while let Some(&(at, next)) = chars.peek() {
                    if !is_name_char(next) {
                        break;
                    }
                    end = at + next.len_utf8();
                    chars.next();
                }
                let kind = if c.is_ascii_digit() {
                    Kind::Number
                } else {
                    Kind::Name
                };
                Token { kind, start, end }
            }
            other => bail!(
                "unexpected `{other}` at column {}; an address is made of numbers, names, \
                 `+`, `-` and parentheses",
                text[..start].chars().count() + 1
            ),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// `None`: only check the syntax and collect the names.
    names: Option<&'a BTreeMap<String, u64>>,
    used: Vec<String>,
}

/// A value and the source text it came from (`ptr + 16`), for messages.
type Spanned = (u64, std::ops::Range<usize>);

impl Parser<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn expr(&mut self) -> Result<Spanned> {
        let (mut value, mut span) = self.term(None)?;
        while let Some(op) = self
            .peek()
            .filter(|t| matches!(t.kind, Kind::Plus | Kind::Minus))
        {
            self.pos += 1;
            let (right, right_span) = self.term(Some(op))?;
            let whole = span.start..right_span.end;
            let source = &self.text[whole.clone()];
            value = if self.names.is_none() {
                value.wrapping_add(right)
            } else if op.kind == Kind::Plus {
                value.checked_add(right).ok_or_else(|| {
                    anyhow::anyhow!(
                        "`{source}` is past the largest address ({value:#x} + {right:#x} overflows 64 bits)"
                    )
                })?
            } else {
                value.checked_sub(right).ok_or_else(|| {
                    anyhow::anyhow!("`{source}` is below 0 ({value:#x} - {right:#x})")
                })?
            };
            span = whole;
        }
        Ok((value, span))
    }

    fn term(&mut self, after: Option<Token>) -> Result<Spanned> {
        let where_ = || match after {
            Some(op) => format!(
                "after `{}` at column {}",
                op.text(self.text),
                op.column(self.text)
            ),
            None => "at the start".to_owned(),
        };
        let Some(token) = self.peek() else {
            bail!("expected a number or a name {}", where_());
        };
        self.pos += 1;
        let source = token.text(self.text);
        match token.kind {
            Kind::Number => Ok((parse_number(source)?, token.start..token.end)),
            Kind::Name if self.peek().is_some_and(|t| t.kind == Kind::Open) => self.call(token),
            Kind::Name => Ok((self.lookup(source)?, token.start..token.end)),
            Kind::Open => {
                let (value, _) = self.expr()?;
                match self.peek() {
                    Some(close) if close.kind == Kind::Close => {
                        self.pos += 1;
                        Ok((value, token.start..close.end))
                    }
                    _ => bail!(
                        "the `(` at column {} is never closed; add `)`",
                        token.column(self.text)
                    ),
                }
            }
            Kind::Plus | Kind::Minus | Kind::Close => {
                bail!("expected a number or a name {}, found `{source}`", where_())
            }
        }
    }

    /// `len(name)`, the name token already taken and `(` next.
    fn call(&mut self, function: Token) -> Result<Spanned> {
        let name = function.text(self.text);
        if name != "len" {
            bail!(
                "unknown function `{name}` at column {}; the only one is len(NAME)",
                function.column(self.text)
            );
        }
        let arg = self.tokens.get(self.pos + 1).copied();
        let close = self.tokens.get(self.pos + 2).copied();
        match (arg, close) {
            (Some(arg), Some(close)) if arg.kind == Kind::Name && close.kind == Kind::Close => {
                self.pos += 3;
                let key = format!("len({})", arg.text(self.text));
                Ok((self.lookup(&key)?, function.start..close.end))
            }
            _ => bail!(
                "`len` at column {} takes one name, as in len(input)",
                function.column(self.text)
            ),
        }
    }

    fn lookup(&mut self, name: &str) -> Result<u64> {
        let Some(names) = self.names else {
            self.used.push(name.to_owned());
            return Ok(0);
        };
        if let Some(&value) = names.get(name) {
            return Ok(value);
        }
        if let Some(similar) = names.keys().find(|k| k.eq_ignore_ascii_case(name)) {
            bail!("unknown name `{name}`; did you mean `{similar}`?");
        }
        if names.is_empty() {
            bail!("unknown name `{name}` (no names are known yet)");
        }
        let mut known: Vec<&str> = names
            .keys()
            .take(NAMES_LISTED)
            .map(String::as_str)
            .collect();
        if names.len() > NAMES_LISTED {
            known.push("…");
        }
        bail!("unknown name `{name}` (known: {})", known.join(", "));
    }
}

/// Parses `4096`, `0x1000`, `0x1_0000`, `1_000`.
fn parse_number(text: &str) -> Result<u64> {
    let (radix, digits) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (16, hex),
        None => (10, text),
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        let example = if radix == 16 { "0x1000" } else { "4096" };
        bail!("`{text}` is not a number (write it like {example})");
    }
    u64::from_str_radix(&digits, radix)
        .map_err(|_| anyhow::anyhow!("`{text}` is larger than any 64-bit address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeMap<String, u64> {
        [
            ("ptr", 0x40u64),
            ("__heap_base", 0x10_0270),
            ("__data_end", 0x10_0261),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn eval(text: &str) -> Result<u64> {
        parse_address(text, &names())
    }

    fn err(text: &str) -> String {
        eval(text).unwrap_err().to_string()
    }

    #[test]
    fn numbers_names_and_sums() {
        assert_eq!(eval("4096").unwrap(), 4096);
        assert_eq!(eval("0x1_0000").unwrap(), 0x1_0000);
        assert_eq!(eval("0XfF").unwrap(), 255);
        assert_eq!(eval("1_000").unwrap(), 1000);
        assert_eq!(eval("ptr").unwrap(), 0x40);
        assert_eq!(eval("  ptr+16 ").unwrap(), 0x50);
        assert_eq!(eval("__heap_base - __data_end").unwrap(), 0xf);
        assert_eq!(eval("__heap_base - 0x10 + 2").unwrap(), 0x10_0262);
        assert_eq!(eval("ptr - (8 + 8)").unwrap(), 0x30);
        assert_eq!(eval("((ptr))").unwrap(), 0x40);
        assert_eq!(eval("0xffffffffffffffff").unwrap(), u64::MAX);
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            err("foo"),
            "unknown name `foo` (known: __data_end, __heap_base, ptr)"
        );
        assert_eq!(err("PTR + 1"), "unknown name `PTR`; did you mean `ptr`?");
        assert_eq!(
            parse_address("x", &BTreeMap::new())
                .unwrap_err()
                .to_string(),
            "unknown name `x` (no names are known yet)"
        );
        assert_eq!(
            err("ptr - 0x100"),
            "`ptr - 0x100` is below 0 (0x40 - 0x100)"
        );
        assert!(err("0xffffffffffffffff + ptr").contains("past the largest address"));
        assert!(err("0x1_0000_0000_0000_0000").contains("larger than any 64-bit"));
        assert!(err("12ab").contains("not a number"));
        assert!(err("0x").contains("not a number"));
        assert!(err("").contains("type an address"));
        assert_eq!(
            err("ptr +"),
            "expected a number or a name after `+` at column 5"
        );
        assert!(err("+ 1").contains("at the start, found `+`"));
        assert!(err("ptr 16").contains("expected `+` or `-` before `16`"));
        assert!(err("(ptr + 1").contains("never closed"));
        assert!(err("ptr)").contains("no matching `(`"));
        assert!(err("ptr * 2").contains("unexpected `*` at column 5"));
        assert!(err("ptr – 2").contains("unexpected `–`"));
    }

    #[test]
    fn lengths_and_the_names_an_expression_needs() {
        let mut known = names();
        known.insert("len(input)".to_owned(), 16);
        assert_eq!(parse_address("len(input) + 30", &known).unwrap(), 46);
        assert_eq!(parse_address("ptr + len( input )", &known).unwrap(), 0x50);
        assert!(err("len(output)").contains("unknown name `len(output)`"));
        assert!(err("size(input)").contains("unknown function `size`"));
        assert!(err("len(1)").contains("takes one name"));
        assert_eq!(
            names_used("len(input) + 30 - ptr").unwrap(),
            vec!["len(input)", "ptr"]
        );
        assert_eq!(names_used("0 - 8").unwrap(), Vec::<String>::new());
        assert!(names_used("ptr +").is_err());
    }

    #[test]
    fn rewriting_replaces_names_and_keeps_numbers() {
        let rewrite = |text| {
            rewrite_names(text, |name| match name.strip_prefix("len(") {
                Some(rest) => format!("{}.len()", rest.trim_end_matches(')')),
                None => name.to_uppercase(),
            })
        };
        assert_eq!(rewrite("len( input )+30").unwrap(), "input.len() + 30");
        assert_eq!(rewrite("ptr - (0x1_0 + n)").unwrap(), "PTR - (0x1_0 + N)");
        assert!(rewrite("ptr +").is_err());
    }

    #[test]
    fn long_name_lists_are_cut() {
        let many: BTreeMap<String, u64> = (0..20).map(|i| (format!("n{i:02}"), i)).collect();
        let text = parse_address("zz", &many).unwrap_err().to_string();
        assert!(text.ends_with("n11, …)"), "{text}");
    }
}
