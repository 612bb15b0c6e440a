//! The command line: `wasmscope inspect` and `wasmscope run`, on the same engine as the
//! window. Errors print their chain on stderr and exit non-zero.

mod breaks;
mod export;
mod host;
mod play;
mod replay;
mod run;
mod run_component;
mod shot;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::engine::{CompilerChoice, TRACED_WRITES_PER_STEP};
use crate::hostgen::Lang;
use crate::inspect::{describe, load_module_bytes};

/// wasmscope — watch a host and a WebAssembly guest pass data through linear memory.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without a command, open the window.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Module or component to open in the window (`.wasm` or `.wat`), or a session
    /// (`.toml`) to replay there; the bundled demo when omitted.
    pub module: Option<PathBuf>,
    /// Compile every module instead of keeping compiled code in the cache folder
    /// ($WASMSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/wasmscope or ~/.cache/wasmscope).
    #[arg(long)]
    pub no_cache: bool,
    /// Which compiler the window uses from now on (as in Settings): `auto`, `winch`
    /// or `cranelift`.
    #[arg(long, value_enum)]
    pub compiler: Option<CompilerChoice>,
    /// Where the window looks for the source files a module's DWARF names (as in
    /// Settings > Source folder), when they are not at their recorded paths.
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Print a module's exports, imports, memories, globals and data segments, or a
    /// component's WIT world, what each export lifts, and its core modules.
    Inspect {
        /// The module (`.wasm` or `.wat`).
        module: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Where the module's source files are, when it was built elsewhere: DWARF's
        /// paths are looked for below this folder too.
        #[arg(long, value_name = "DIR")]
        source_dir: Option<PathBuf>,
    },
    /// The newsletter's walkthrough: alloc → write the input → call → read the result.
    /// Imports are provided: WASI when the module asks for it, stubs for the rest. On a
    /// component: call a function with WAVE arguments and print the canonical ABI's
    /// steps.
    Run(Box<RunArgs>),
    /// Run a saved session (from `run --save` or the window's File > Save session)
    /// on a fresh instance and print the same lines as `run`.
    Replay(ReplayArgs),
    /// Write a saved session as a host program of your own: a Rust `main.rs` for
    /// wasmtime, or a JavaScript module for Node and browsers (for a component's
    /// session: for Node, with jco from npm).
    Export(ExportArgs),
    /// Replay a saved session without a window and write a picture of the hex view
    /// (PNG), as File > Save picture makes it: for slides, docs and screenshot tests.
    Shot(ShotArgs),
}

/// Options of `wasmscope shot`.
#[derive(Debug, Args)]
pub struct ShotArgs {
    /// The session file (`.toml`).
    pub session: PathBuf,
    /// Where to write the PNG.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// The first row shows this guest offset: a number, a host address, or an
    /// expression (`ptr`, `__heap_base + 0x10`). Default: the allocation.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// How many rows.
    #[arg(long, default_value_t = 8)]
    pub rows: u64,
    /// Picture memory as it was after step N (1 is the first); default: after all.
    #[arg(long, value_name = "N")]
    pub step: Option<usize>,
    /// Bytes per row: 8, 16 or 32.
    #[arg(long, default_value_t = 16)]
    pub bytes_per_row: usize,
    /// Pixels per point (2 for a sharp picture on slides).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// Show this host base instead of the real one (it changes from run to run), so
    /// that the picture is the same every time.
    #[arg(long, value_name = "HEX", value_parser = parse_hex_u64)]
    pub host_base: Option<u64>,
    /// Grant the WASI folders and environment variables the session asks for.
    #[arg(long)]
    pub allow_host_settings: bool,
    /// Compile the module instead of using the compile cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Which compiler makes machine code (`auto`, `winch`, `cranelift`).
    #[arg(long, value_enum, default_value_t = CompilerChoice::Auto)]
    pub compiler: CompilerChoice,
    /// Write an animation of a step's writes instead — an animated PNG, or a GIF when
    /// the output ends in .gif (the step --step names, default the newest that
    /// wrote): a frame per write, or per --every writes.
    #[arg(long)]
    pub animate: bool,
    /// Writes per frame of --animate (default: as few as keep it to 240 frames).
    #[arg(long, value_name = "N", requires = "animate")]
    pub every: Option<usize>,
    /// Milliseconds per frame of --animate (the last frame stays 2 s).
    #[arg(long, value_name = "MS", default_value_t = 150, requires = "animate")]
    pub frame_ms: u16,
}

/// `0x7f0000000000` (or decimal).
fn parse_hex_u64(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a number (write it like 0x7f0000000000)"))
}

/// Options of `wasmscope export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The session file (`.toml`).
    pub session: PathBuf,
    /// The program's language.
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// Write the program to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this module instead of the one the session names.
    #[arg(long)]
    pub module: Option<PathBuf>,
}

/// Options of `wasmscope replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The session file (`.toml`).
    pub session: PathBuf,
    /// Use this module instead of the one the session names.
    #[arg(long)]
    pub module: Option<PathBuf>,
    /// Refuse a module whose SHA-256 differs from the session's (default: warn).
    #[arg(long)]
    pub strict: bool,
    /// Grant the WASI folders and environment variables the session asks for
    /// (default: run without them, and say so).
    #[arg(long)]
    pub allow_host_settings: bool,
    /// Compile the module instead of using the compile cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Which compiler makes machine code: `auto` (Winch, else Cranelift when Winch
    /// cannot compile the module), `winch` (fast compile) or `cranelift` (fast code).
    #[arg(long, value_enum, default_value_t = CompilerChoice::Auto)]
    pub compiler: CompilerChoice,
    /// Print every write the guest's instructions make, one line each.
    #[arg(long)]
    pub trace_writes: bool,
    /// With --trace-writes: most writes listed per step (later ones are counted).
    #[arg(long, value_name = "N", default_value_t = TRACED_WRITES_PER_STEP)]
    pub max_traced_writes: usize,
    /// Print each step's note (a lesson's text) after it, placeholders filled in;
    /// a placeholder that names nothing fails the replay.
    #[arg(long)]
    pub notes: bool,
}

/// Options of `wasmscope run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The module (`.wasm` or `.wat`).
    pub module: PathBuf,
    /// The input, as UTF-8 text (modules).
    #[arg(long, conflicts_with = "hex")]
    pub input: Option<String>,
    /// The input, as hex bytes (`de ad be ef`).
    #[arg(long)]
    pub hex: Option<String>,
    /// The allocator: an export name, or a convention (`alloc`, `malloc`,
    /// `wasm-bindgen`, `cabi`, `assemblyscript`). Detected when omitted.
    #[arg(long)]
    pub alloc: Option<String>,
    /// The function called as `NAME(ptr, len)`. Default: `append` when the module
    /// exports it; otherwise nothing is called (alloc + write only).
    #[arg(long)]
    pub call: Option<String>,
    /// Extra bytes allocated past the input (the seed adds 30 for append's suffix).
    #[arg(long, default_value_t = 30)]
    pub extra: u64,
    /// What the call returns: `len` — the new length of the data at ptr (the seed);
    /// `ptr` — a pointer to a new buffer whose length `--len-from` returns;
    /// `value` — just a value, nothing to read.
    #[arg(long, value_enum, default_value = "len")]
    pub result: ResultKind,
    /// With `--result ptr`: the export that returns the new buffer's length.
    #[arg(long, default_value = "last_len")]
    pub len_from: String,
    /// Time limit per call, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Memory limit, in MiB.
    #[arg(long, default_value_t = 4096)]
    pub memory_limit_mb: u64,
    /// Compile the module instead of using the compile cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Which compiler makes machine code: `auto` (Winch, else Cranelift when Winch
    /// cannot compile the module), `winch` (fast compile) or `cranelift` (fast code).
    #[arg(long, value_enum, default_value_t = CompilerChoice::Auto)]
    pub compiler: CompilerChoice,
    /// What stubbed imports do: `zeros` (return 0, the default) or `trap`; or, for one
    /// import, `MODULE.NAME=zeros|trap` (e.g. `env.abort=trap`). Repeatable.
    #[arg(long, value_name = "POLICY")]
    pub stub: Vec<String>,
    /// An argument for a WASI guest (after its program name). Repeatable.
    #[arg(long, value_name = "ARG", allow_hyphen_values = true)]
    pub wasi_arg: Vec<String>,
    /// An environment variable for a WASI guest, `KEY=VALUE`. Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// A folder a WASI guest may read and write, seen under the same path. Without it
    /// the guest has no filesystem. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub dir: Vec<PathBuf>,
    /// Also write the session that ran to FILE (TOML), for `wasmscope replay` or the
    /// window's File > Open session.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Print every write the guest's instructions make, one line each
    /// (`append+0x004c i32.store8 [0x110018..0x110019] <- 3c`).
    #[arg(long)]
    pub trace_writes: bool,
    /// With --trace-writes: most writes listed per step (later ones are counted).
    #[arg(long, value_name = "N", default_value_t = TRACED_WRITES_PER_STEP)]
    pub max_traced_writes: usize,
    /// Pause at this source line (the module needs DWARF), print the frame — its
    /// function, source location and call stack — and go on. Repeatable.
    #[arg(long = "break", value_name = "FILE:LINE", value_parser = breaks::parse_break)]
    pub breaks: Vec<breaks::BreakAt>,
    /// With --break: print each pause as one line of JSON (its breakpoint, hit,
    /// frames and the paused frame's variables) instead of the text lines.
    #[arg(long)]
    pub json: bool,
    /// For a component: the arguments of `--call`, one WAVE value each
    /// (`'"The input string"'`, `'[1, 2, 3]'`, `'{name: "x", count: 3}'`).
    #[arg(long, num_args = 1.., value_name = "WAVE", allow_negative_numbers = true)]
    pub args: Vec<String>,
}

/// How to read a call's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResultKind {
    /// The new length of the data at the input pointer.
    Len,
    /// A pointer to a new buffer.
    Ptr,
    /// A plain value.
    Value,
}

/// Runs a subcommand, printing to stdout; errors go to stderr with exit code 1.
pub fn main(command: CliCommand) -> ExitCode {
    let result = match command {
        CliCommand::Inspect {
            module,
            json,
            source_dir,
        } => inspect_cmd(&module, json, source_dir.as_deref()),
        CliCommand::Run(args) => run::run(&args, &mut std::io::stdout().lock()),
        CliCommand::Replay(args) => replay::replay(&args, &mut std::io::stdout().lock()),
        CliCommand::Export(args) => export::export(&args, &mut std::io::stdout().lock()),
        CliCommand::Shot(args) => shot::shot(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Each failure was printed as it happened.
        Err(err) if err.is::<replay::StepsFailed>() => ExitCode::FAILURE,
        // The reader went away (`wasmscope inspect big.wasm | head`): nothing to say.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `err` comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn inspect_cmd(
    path: &std::path::Path,
    json: bool,
    source_dir: Option<&std::path::Path>,
) -> Result<()> {
    let bytes = load_module_bytes(path)?;
    let text = describe(&bytes, json, source_dir)
        .map_err(|err| err.context(format!("cannot inspect {}", path.display())))?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
