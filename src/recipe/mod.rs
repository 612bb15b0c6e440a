//! A session as data: the module it runs on, the host settings, the limits, and the
//! steps a host takes (alloc, write, call, read), whose results are named so that
//! later steps can use them (`write` at `ptr`, `read` `result` bytes).
//!
//! Pure: no wasmtime, no egui. The engine runs a `Recipe` (`engine::run_steps`); the
//! window and `wasmscope run` build one; `file` reads and writes it as TOML.

mod check;
mod file;
#[cfg(test)]
mod file_tests;
mod io;
mod lesson;
mod seed;

use crate::text::count;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use check::{NameError, check_names};
pub use file::{FORMAT_VERSION, RecipeError, parse, print, sha256_hex};
pub use io::{file_name, load, module_path_line, relative_path, save, write_atomically};
pub use lesson::{NoteValues, fill_note, placeholders};
pub use seed::{Returns, SeedChoice, SeedStage, seed_step, seed_steps};

/// What a stubbed import does when the guest calls it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StubPolicy {
    /// Return zero for every result (null for references). The default.
    #[default]
    #[serde(alias = "Zeros")]
    Zeros,
    /// Trap with a message naming the import.
    #[serde(alias = "Trap")]
    Trap,
}

impl StubPolicy {
    /// `zeros` or `trap`, as the CLI and session files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zeros => "zeros",
            Self::Trap => "trap",
        }
    }
}

/// A whole session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recipe {
    /// The module the steps run on.
    pub module: ModuleRef,
    /// The bytes named `input` before the first step, if any.
    pub input: Option<Input>,
    /// How imports are provided.
    pub host: HostSettings,
    /// Limits per call; `None`: the runner's defaults.
    pub limits: Option<LimitSettings>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// With a `[lesson]` table, the window runs the steps one at a time with their
    /// notes (see `lesson`).
    pub lesson: Option<Lesson>,
}

/// What makes a session a lesson: a title, and text before the first step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// Shown above every page.
    pub title: String,
    /// The first page, before any step runs.
    pub intro: Option<String>,
}

/// Where a step's note points: the view goes there and highlights `len` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Show {
    /// Guest offset (an expression: `ptr`, `result + 4`).
    pub at: Expr,
    /// Bytes to highlight (default 1).
    pub len: Option<Expr>,
}

/// Which module, and how to notice that it changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleRef {
    /// Path, relative to the session file's folder (or absolute).
    pub path: PathBuf,
    /// SHA-256 of the module's bytes as loaded (binary, after WAT conversion), in hex.
    pub sha256: Option<String>,
}

/// Bytes given by the host: UTF-8 text or raw bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Text, passed as its UTF-8 bytes.
    Text(String),
    /// Raw bytes (written as hex in files).
    Bytes(Vec<u8>),
}

impl Input {
    /// The bytes passed to the guest.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Bytes(bytes) => bytes,
        }
    }
}

/// How the host answers the module's imports (see `engine::HostConfig`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostSettings {
    /// What stubbed functions do unless `stubs` says otherwise.
    pub default_stub: StubPolicy,
    /// Per-import policies, keyed `module.name`.
    pub stubs: std::collections::BTreeMap<String, StubPolicy>,
    /// WASI `argv` after the program name.
    pub wasi_args: Vec<String>,
    /// WASI environment variables, `(KEY, VALUE)`.
    pub wasi_env: Vec<(String, String)>,
    /// Host folders a WASI guest may read and write.
    pub wasi_dirs: Vec<PathBuf>,
}

impl HostSettings {
    /// What these settings grant beyond a sandbox with nothing: folders and
    /// environment variables (a shared session file must not get them silently).
    pub fn grants(&self) -> Vec<String> {
        let mut grants: Vec<String> = self
            .wasi_dirs
            .iter()
            .map(|dir| format!("read and write the folder {}", dir.display()))
            .collect();
        grants.extend(
            self.wasi_env
                .iter()
                .map(|(key, value)| format!("see the environment variable {key}={value}")),
        );
        grants
    }

    /// These settings without folders and environment variables.
    pub fn without_grants(&self) -> Self {
        Self {
            wasi_dirs: Vec::new(),
            wasi_env: Vec::new(),
            ..self.clone()
        }
    }
}

/// Limits applied to every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Time one call may take.
    pub timeout_ms: u64,
    /// Largest memory a guest may grow to, in MiB.
    pub memory_limit_mb: u64,
}

/// One thing the host does, with an optional note for readers (lessons use it).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What to do.
    pub op: Op,
    /// Free text shown with the step; `{ptr}`, `{host(ptr)}`, `{len}` are filled in
    /// with the values after it ran (see `lesson::fill_note`).
    pub note: Option<String>,
    /// Where the note points in memory.
    pub show: Option<Show>,
}

impl Step {
    /// A step without a note.
    pub fn new(op: Op) -> Self {
        Self {
            op,
            note: None,
            show: None,
        }
    }
}

/// The operations. Numbers are expressions over earlier results: `ptr`,
/// `len(input) + 30`, `0x110008`, `result - 4` (see `memory::parse_address`).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Names new bytes `input` (a second round of the walkthrough with other text).
    Input(Input),
    /// Calls an allocator export; names the pointer it returns.
    Alloc {
        /// The allocator export.
        export: String,
        /// Bytes to ask for.
        size: Expr,
        /// Name of the returned pointer (default `ptr`).
        name: String,
    },
    /// Copies bytes into linear memory.
    Write {
        /// Guest offset.
        at: Expr,
        /// The bytes.
        data: Data,
    },
    /// Calls any export; names its (first) result.
    Call {
        /// The export.
        export: String,
        /// Arguments, converted to the types the function takes.
        args: Vec<Expr>,
        /// Name of the first result (default `result`).
        name: String,
        /// What the result means, for the line that reports it.
        returns: Returns,
    },
    /// Calls a component's function with WAVE arguments (`"text"`, `[1, 2]`); the
    /// canonical ABI passes them. Only in a component's session.
    Invoke {
        /// The function: `append`, or `interface#function`.
        export: String,
        /// One WAVE value per parameter.
        args: Vec<String>,
    },
    /// Copies bytes out of linear memory; names them (their length is `len(name)`).
    Read {
        /// Guest offset.
        at: Expr,
        /// Byte count.
        len: Expr,
        /// Name of the bytes read (default `output`).
        name: String,
    },
}

impl Op {
    /// The step as written, names unresolved: `append(ptr, len(input))`,
    /// `read result bytes at ptr`.
    pub fn describe(&self) -> String {
        match self {
            Self::Input(input) => format!("input ({})", count(input.bytes().len() as u64, "byte")),
            Self::Alloc { export, size, .. } => format!("{export}({size})"),
            Self::Write { at, .. } => format!("write at {at}"),
            Self::Call { export, args, .. } => {
                let args: Vec<&str> = args.iter().map(Expr::as_str).collect();
                format!("{export}({})", args.join(", "))
            }
            Self::Read { at, len, .. } => format!("read {len} bytes at {at}"),
            Self::Invoke { export, args } => format!("{export}({})", args.join(", ")),
        }
    }

    /// The op's name as files spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Input(_) => "input",
            Self::Alloc { .. } => "alloc",
            Self::Write { .. } => "write",
            Self::Call { .. } => "call",
            Self::Read { .. } => "read",
            Self::Invoke { .. } => "invoke",
        }
    }
}

/// Bytes a `write` copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data {
    /// Bytes named by an earlier step (`input`, or a read's name).
    Named(String),
    /// Literal bytes (an edit in the hex view).
    Literal(Input),
}

/// A number as written: an expression over names, or a literal (`1.5` for floats).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr(pub String);

impl Expr {
    /// An expression from text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// A literal number, hex from 0x1000 up (addresses read better that way).
    pub fn literal(value: u64) -> Self {
        if value >= 0x1000 {
            Self(format!("{value:#x}"))
        } else {
            Self(value.to_string())
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Recipe {
    /// Whether appending `step` would set the session's `input` rather than add a
    /// step: an `input` (without a note) before any other step. A session begun in
    /// the window then reads like one from `run`.
    pub fn folds(&self, step: &Step) -> bool {
        self.steps.is_empty() && step.note.is_none() && matches!(step.op, Op::Input(_))
    }

    /// Appends `step`, folding a first `input` into the session's (see
    /// [`Recipe::folds`]). Returns the input when it was folded.
    pub fn push(&mut self, step: Step) -> Option<&Input> {
        if self.folds(&step)
            && let Op::Input(input) = step.op
        {
            self.input = Some(input);
            return self.input.as_ref();
        }
        self.steps.push(step);
        None
    }

    /// Removes every step after the first `keep`.
    pub fn truncate(&mut self, keep: usize) {
        self.steps.truncate(keep);
    }
}
