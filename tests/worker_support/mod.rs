//! Helpers for tests that drive the engine's worker directly.
#![allow(dead_code)] // Each test file uses some of them.

use std::time::Duration;

use wasmscope::engine::worker::{Event, Worker};
use wasmscope::recipe::{Expr, Op, Returns, Step};

/// Waits for the first event `wanted` accepts, skipping others. Fails the test on a
/// failed load (with its error), and when no event comes for 20 s (a stuck or dead
/// worker) instead of waiting forever.
pub fn wait_for(worker: &Worker, what: &str, wanted: impl Fn(&Event) -> bool) -> Event {
    loop {
        match worker.recv_timeout(Duration::from_secs(20)) {
            Some(event) if wanted(&event) => return event,
            Some(Event::LoadFailed { error, .. }) => panic!("waiting for {what}: {error}"),
            Some(_) => {}
            None => panic!("waiting for {what}: no event for 20 s (is the worker alive?)"),
        }
    }
}

/// A call of `export` with literal arguments, as the window's call panel sends it.
pub fn call(export: &str, args: &[&str]) -> Step {
    Step::new(Op::Call {
        export: export.into(),
        args: args.iter().map(|a| Expr::new(*a)).collect(),
        name: "result".into(),
        returns: Returns::Value,
    })
}
