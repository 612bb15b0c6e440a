//! Helpers for tests that drive the engine's worker directly.
#![allow(dead_code)] // Each test file uses some of them.

use wasmscope::recipe::{Expr, Op, Returns, Step};

/// A call of `export` with literal arguments, as the window's call panel sends it.
pub fn call(export: &str, args: &[&str]) -> Step {
    Step::new(Op::Call {
        export: export.into(),
        args: args.iter().map(|a| Expr::new(*a)).collect(),
        name: "result".into(),
        returns: Returns::Value,
    })
}
