//! The `wasmscope` binary: the window, or a CLI subcommand.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use wasmscope::cli::{self, Cli};
use wasmscope::engine::default_cache_dir;
use wasmscope::ui::{AppOptions, run_native};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::main(command),
        None => match run_native(AppOptions {
            module: args.module,
            compile_cache: (!args.no_cache).then(default_cache_dir).flatten(),
            compiler: args.compiler,
            source_dir: args.source_dir,
            ..AppOptions::default()
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}
