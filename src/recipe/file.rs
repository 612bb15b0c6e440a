//! Session files: TOML, because people write and read them by hand (lessons, bug
//! reports), TOML allows comments and multi-line notes, and its parser reports the
//! line of every mistake. `parse` turns text into a checked `Recipe`; `print` is its
//! inverse (`parse(print(r)) == r`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{
    Data, Expr, HostSettings, Input, Lesson, LimitSettings, ModuleRef, Op, Recipe, Returns, Show,
    Step, StubPolicy, check_names,
};
use crate::memory::{format_hex, parse_hex};

/// The `version` this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why a session file cannot be used: one line, naming the line and the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipeError {
    /// 1-based line of the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RecipeError {
    /// One line always: a value quoted from the file may hold line breaks, which are
    /// shown as `\n`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.message.replace('\n', "\\n").replace('\r', "\\r");
        match self.line {
            Some(line) => write!(f, "line {line}: {message}"),
            None => f.write_str(&message),
        }
    }
}

impl std::error::Error for RecipeError {}

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_hex: Option<String>,
    module: RawModule,
    #[serde(default, skip_serializing_if = "RawHost::is_empty")]
    host: RawHost,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limits: Option<RawLimits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lesson: Option<RawLesson>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    intro: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHost {
    #[serde(default)]
    default_stub: StubPolicy,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    stubs: BTreeMap<String, StubPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    wasi_args: Vec<String>,
    /// `KEY=VALUE`, as `--env` takes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    wasi_env: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    wasi_dirs: Vec<PathBuf>,
}

impl RawHost {
    fn is_empty(&self) -> bool {
        self.default_stub == StubPolicy::Zeros
            && self.stubs.is_empty()
            && self.wasi_args.is_empty()
            && self.wasi_env.is_empty()
            && self.wasi_dirs.is_empty()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    timeout_ms: u64,
    memory_limit_mb: u64,
}

/// A number in a file: `46`, `1.5` or `"len(input) + 30"`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum RawExpr {
    Int(i64),
    Float(f64),
    Text(String),
}

impl RawExpr {
    fn from_expr(expr: &Expr) -> Self {
        match expr.as_str().parse::<i64>() {
            Ok(n) if n.to_string() == expr.as_str() => Self::Int(n),
            _ => Self::Text(expr.0.clone()),
        }
    }

    fn into_expr(self) -> Expr {
        match self {
            Self::Int(n) => Expr(n.to_string()),
            Self::Float(f) => Expr(f.to_string()),
            Self::Text(text) => Expr(text),
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    op: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    export: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<RawExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<RawExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    len: Option<RawExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    args: Option<Vec<RawExpr>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    returns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    show: Option<RawExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    show_len: Option<RawExpr>,
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a session file and checks it: syntax, fields, ops, names.
pub fn parse(text: &str) -> Result<Recipe, RecipeError> {
    let raw: RawRecipe = toml::from_str(text).map_err(|err| RecipeError {
        line: err.span().map(|span| line_of(text, span.start)),
        message: err.message().trim().replace('\n', "; "),
    })?;
    if raw.version != FORMAT_VERSION {
        return Err(RecipeError {
            line: text
                .lines()
                .position(|l| l.trim_start().starts_with("version"))
                .map(|i| i + 1),
            message: format!(
                "`version` is {}, but this wasmscope reads session files of version {FORMAT_VERSION}",
                raw.version
            ),
        });
    }
    let input = input_from(raw.input, raw.input_hex, "input", "input_hex").map_err(|message| {
        RecipeError {
            line: None,
            message,
        }
    })?;
    let host = host_from(raw.host).map_err(|message| RecipeError {
        line: text
            .lines()
            .position(|l| l.trim() == "[host]")
            .map(|i| i + 1),
        message,
    })?;
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut steps = Vec::new();
    for (index, spanned) in raw.step.into_iter().enumerate() {
        let span = spanned.span();
        let line = Some(line_of(text, span.start));
        let step = step_from(spanned.into_inner()).map_err(|message| RecipeError {
            line,
            message: format!("step {}: {message}", index + 1),
        })?;
        spans.push(span);
        steps.push(step);
    }
    let given: &[&str] = if input.is_some() { &["input"] } else { &[] };
    check_names(&steps, given).map_err(|err| RecipeError {
        line: spans.get(err.step).map(|span| line_of(text, span.start)),
        message: err.message,
    })?;
    Ok(Recipe {
        module: ModuleRef {
            path: raw.module.path,
            sha256: raw.module.sha256,
        },
        input,
        host,
        limits: raw.limits.map(|l| LimitSettings {
            timeout_ms: l.timeout_ms,
            memory_limit_mb: l.memory_limit_mb,
        }),
        steps,
        lesson: raw.lesson.map(|l| Lesson {
            title: l.title,
            intro: l.intro,
        }),
    })
}

/// `text` or `hex` (at most one), as bytes.
fn input_from(
    text: Option<String>,
    hex: Option<String>,
    text_key: &str,
    hex_key: &str,
) -> Result<Option<Input>, String> {
    match (text, hex) {
        (Some(_), Some(_)) => Err(format!("give `{text_key}` or `{hex_key}`, not both")),
        (Some(text), None) => Ok(Some(Input::Text(text))),
        (None, Some(hex)) => parse_hex(&hex)
            .map(|bytes| Some(Input::Bytes(bytes)))
            .map_err(|err| format!("`{hex_key}`: {err:#}")),
        (None, None) => Ok(None),
    }
}

fn host_from(raw: RawHost) -> Result<HostSettings, String> {
    let mut wasi_env = Vec::new();
    for pair in raw.wasi_env {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("`wasi_env`: `{pair}` is not KEY=VALUE"))?;
        wasi_env.push((key.to_owned(), value.to_owned()));
    }
    Ok(HostSettings {
        default_stub: raw.default_stub,
        stubs: raw.stubs,
        wasi_args: raw.wasi_args,
        wasi_env,
        wasi_dirs: raw.wasi_dirs,
    })
}

/// Fields each op takes besides `op`, `name` and `note`.
fn fields_of(op: &str) -> Option<&'static [&'static str]> {
    Some(match op {
        "input" => &["text", "hex"],
        "alloc" => &["export", "size", "name"],
        "write" => &["at", "data", "text", "hex"],
        "call" => &["export", "args", "returns", "name"],
        "read" => &["at", "len", "name"],
        "invoke" => &["export", "args"],
        _ => return None,
    })
}

fn step_from(raw: RawStep) -> Result<Step, String> {
    let Some(allowed) = fields_of(&raw.op) else {
        return Err(format!(
            "unknown op `{}` (expected input, alloc, write, call, read or invoke)",
            raw.op
        ));
    };
    let present = [
        ("export", raw.export.is_some()),
        ("size", raw.size.is_some()),
        ("at", raw.at.is_some()),
        ("len", raw.len.is_some()),
        ("data", raw.data.is_some()),
        ("text", raw.text.is_some()),
        ("hex", raw.hex.is_some()),
        ("args", raw.args.is_some()),
        ("returns", raw.returns.is_some()),
        ("name", raw.name.is_some()),
    ];
    if let Some((field, _)) = present
        .iter()
        .find(|(field, there)| *there && !allowed.contains(field))
    {
        return Err(format!("`{field}` does not belong in a `{}` step", raw.op));
    }
    let need = |value: Option<RawExpr>, field: &str| {
        value
            .map(RawExpr::into_expr)
            .ok_or_else(|| format!("`{}` needs `{field}`", raw.op))
    };
    let name = |default: &str| raw.name.clone().unwrap_or_else(|| default.to_owned());
    let op = match raw.op.as_str() {
        "input" => Op::Input(
            input_from(raw.text, raw.hex, "text", "hex")?.ok_or("`input` needs `text` or `hex`")?,
        ),
        "alloc" => Op::Alloc {
            export: raw.export.clone().ok_or("`alloc` needs `export`")?,
            size: need(raw.size, "size")?,
            name: name("ptr"),
        },
        "write" => {
            let literal = input_from(raw.text, raw.hex, "text", "hex")?;
            let data = match (raw.data, literal) {
                (Some(_), Some(_)) => return Err("give `data` or `text`/`hex`, not both".into()),
                (Some(name), None) => Data::Named(name),
                (None, Some(input)) => Data::Literal(input),
                (None, None) => return Err("`write` needs `data`, `text` or `hex`".into()),
            };
            Op::Write {
                at: need(raw.at, "at")?,
                data,
            }
        }
        "call" => Op::Call {
            export: raw.export.clone().ok_or("`call` needs `export`")?,
            args: raw
                .args
                .unwrap_or_default()
                .into_iter()
                .map(RawExpr::into_expr)
                .collect(),
            returns: match raw.returns.as_deref() {
                None => Returns::Value,
                Some(text) => Returns::from_name(text)
                    .ok_or_else(|| format!("`returns` is `{text}`; expected len, ptr or value"))?,
            },
            name: name("result"),
        },
        "invoke" => Op::Invoke {
            export: raw.export.clone().ok_or("`invoke` needs `export`")?,
            args: raw
                .args
                .unwrap_or_default()
                .into_iter()
                .map(|arg| match arg {
                    RawExpr::Text(text) => Ok(text),
                    _ => Err("`invoke`'s `args` are WAVE texts, each in quotes".to_owned()),
                })
                .collect::<Result<_, _>>()?,
        },
        _ => Op::Read {
            at: need(raw.at, "at")?,
            len: need(raw.len, "len")?,
            name: name("output"),
        },
    };
    let show = match (raw.show, raw.show_len) {
        (Some(at), len) => Some(Show {
            at: at.into_expr(),
            len: len.map(RawExpr::into_expr),
        }),
        (None, Some(_)) => return Err("`show_len` needs `show` (where to look)".into()),
        (None, None) => None,
    };
    Ok(Step {
        op,
        note: raw.note,
        show,
    })
}

fn raw_step(step: &Step) -> RawStep {
    let mut raw = RawStep {
        op: step.op.kind().to_owned(),
        note: step.note.clone(),
        show: step.show.as_ref().map(|s| RawExpr::from_expr(&s.at)),
        show_len: step
            .show
            .as_ref()
            .and_then(|s| s.len.as_ref().map(RawExpr::from_expr)),
        ..RawStep::default()
    };
    let literal = |raw: &mut RawStep, input: &Input| match input {
        Input::Text(text) => raw.text = Some(text.clone()),
        Input::Bytes(bytes) => raw.hex = Some(format_hex(bytes)),
    };
    let named = |name: &str, default: &str| (name != default).then(|| name.to_owned());
    match &step.op {
        Op::Input(input) => literal(&mut raw, input),
        Op::Alloc { export, size, name } => {
            raw.export = Some(export.clone());
            raw.size = Some(RawExpr::from_expr(size));
            raw.name = named(name, "ptr");
        }
        Op::Write { at, data } => {
            raw.at = Some(RawExpr::from_expr(at));
            match data {
                Data::Named(name) => raw.data = Some(name.clone()),
                Data::Literal(input) => literal(&mut raw, input),
            }
        }
        Op::Call {
            export,
            args,
            name,
            returns,
        } => {
            raw.export = Some(export.clone());
            raw.args = Some(args.iter().map(RawExpr::from_expr).collect());
            raw.returns = Some(returns.name().to_owned());
            raw.name = named(name, "result");
        }
        Op::Read { at, len, name } => {
            raw.at = Some(RawExpr::from_expr(at));
            raw.len = Some(RawExpr::from_expr(len));
            raw.name = named(name, "output");
        }
        Op::Invoke { export, args } => {
            raw.export = Some(export.clone());
            raw.args = Some(args.iter().map(|a| RawExpr::Text(a.clone())).collect());
        }
    }
    raw
}

/// Writes `recipe` as a session file.
pub fn print(recipe: &Recipe) -> Result<String, RecipeError> {
    let (input, input_hex) = match &recipe.input {
        Some(Input::Text(text)) => (Some(text.clone()), None),
        Some(Input::Bytes(bytes)) => (None, Some(format_hex(bytes))),
        None => (None, None),
    };
    let host = &recipe.host;
    let raw = RawRecipe {
        version: FORMAT_VERSION,
        input,
        input_hex,
        module: RawModule {
            path: recipe.module.path.clone(),
            sha256: recipe.module.sha256.clone(),
        },
        host: RawHost {
            default_stub: host.default_stub,
            stubs: host.stubs.clone(),
            wasi_args: host.wasi_args.clone(),
            wasi_env: host
                .wasi_env
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
            wasi_dirs: host.wasi_dirs.clone(),
        },
        limits: recipe.limits.map(|l| RawLimits {
            timeout_ms: l.timeout_ms,
            memory_limit_mb: l.memory_limit_mb,
        }),
        lesson: recipe.lesson.as_ref().map(|l| RawLesson {
            title: l.title.clone(),
            intro: l.intro.clone(),
        }),
        step: recipe
            .steps
            .iter()
            .map(|s| Spanned::new(0..0, raw_step(s)))
            .collect(),
    };
    let body = toml::to_string_pretty(&raw).map_err(|err| RecipeError {
        line: None,
        message: format!("cannot write the session: {err}"),
    })?;
    Ok(format!(
        "# A wasmscope session: `wasmscope replay FILE`, or File > Open session.\n{body}"
    ))
}
