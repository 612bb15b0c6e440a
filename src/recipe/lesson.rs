//! Lesson notes: `{ptr}`, `{host(ptr)}`, `{len}` and friends, filled in with the
//! values a session has after a step, so a note reads "`alloc` returned 0x110008" with
//! the real pointer. The format is in the README ("Lessons").

use std::collections::BTreeMap;

/// The values a note can show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteValues {
    /// Numbers the steps named (`ptr`, `result`).
    pub ints: BTreeMap<String, u64>,
    /// Bytes the steps named (`input`, `output`).
    pub bytes: BTreeMap<String, Vec<u8>>,
    /// The host address of guest offset 0.
    pub host_base: u64,
}

impl NoteValues {
    /// The text of placeholder `key` (without braces), if it names a value:
    /// `NAME` (a number, in hex from 0x1000 up; bytes, as text), `len(NAME)`,
    /// `host(NAME)` (host address of a pointer), `host_base`, and `len` for
    /// `len(input)`.
    fn text(&self, key: &str) -> Option<String> {
        let key = key.trim();
        if let Some(inner) = call(key, "len") {
            return self.bytes.get(inner).map(|b| b.len().to_string());
        }
        if let Some(inner) = call(key, "host") {
            let value = self.ints.get(inner)?;
            return Some(format!("{:#x}", self.host_base.wrapping_add(*value)));
        }
        match key {
            "len" => self.bytes.get("input").map(|b| b.len().to_string()),
            "host_base" => Some(format!("{:#x}", self.host_base)),
            _ => self
                .ints
                .get(key)
                .map(|&v| {
                    if v >= 0x1000 {
                        format!("{v:#x}")
                    } else {
                        v.to_string()
                    }
                })
                .or_else(|| {
                    self.bytes
                        .get(key)
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                }),
        }
    }
}

/// `name(inner)` → `inner`.
fn call<'a>(key: &'a str, name: &str) -> Option<&'a str> {
    key.strip_prefix(name)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
        .map(str::trim)
}

/// The placeholders of `note`, in order (`{{` and `}}` are literal braces).
pub fn placeholders(note: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = note;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        found.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    found
}

/// `note` with its placeholders filled in from `values`. A placeholder that names
/// nothing stays as written, and is listed in the error.
pub fn fill_note(note: &str, values: &NoteValues) -> Result<String, (String, Vec<String>)> {
    let mut out = String::with_capacity(note.len());
    let mut unknown = Vec::new();
    let mut rest = note;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            out.push_str(&tail[..1]);
            rest = after;
            continue;
        }
        match tail.find('}').filter(|_| tail.starts_with('{')) {
            Some(close) => {
                let key = &tail[1..close];
                match values.text(key) {
                    Some(text) => out.push_str(&text),
                    None => {
                        unknown.push(key.to_owned());
                        out.push_str(&tail[..=close]);
                    }
                }
                rest = &tail[close + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    if unknown.is_empty() {
        Ok(out)
    } else {
        Err((out, unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> NoteValues {
        NoteValues {
            ints: [("ptr".to_owned(), 0x11_0008), ("result".to_owned(), 41)].into(),
            bytes: [("input".to_owned(), b"The input string".to_vec())].into(),
            host_base: 0x7f00_0000_0000,
        }
    }

    #[test]
    fn placeholders_take_the_values_after_the_step() {
        let note = "alloc returned {ptr} ({len} bytes of {input}), at {host(ptr)} on the \
                    host; {result} back, len(input) = {len(input)}, base {host_base}";
        assert_eq!(
            fill_note(note, &values()).unwrap(),
            "alloc returned 0x110008 (16 bytes of The input string), at 0x7f0000110008 on \
             the host; 41 back, len(input) = 16, base 0x7f0000000000"
        );
        assert_eq!(
            placeholders(note),
            [
                "ptr",
                "len",
                "input",
                "host(ptr)",
                "result",
                "len(input)",
                "host_base"
            ]
        );
    }

    #[test]
    fn braces_and_unknown_names() {
        assert_eq!(
            fill_note("{{ptr}} is {ptr}", &values()).unwrap(),
            "{ptr} is 0x110008"
        );
        assert_eq!(fill_note("a } b {", &values()).unwrap(), "a } b {");
        let (text, unknown) = fill_note("{nope} and {host(output)}", &values()).unwrap_err();
        assert_eq!(text, "{nope} and {host(output)}");
        assert_eq!(unknown, ["nope", "host(output)"]);
        assert_eq!(placeholders("{{x}} {y}"), ["y"]);
    }
}
