//! Turns wasmtime's errors into sentences a learner understands.

use anyhow::anyhow;
use wasmtime::{Trap, WasmBacktrace};

use super::imports::StubTrapped;
use super::limits::{Interrupted, MemoryLimitHit, human_bytes};

/// Explains why calling `what` (e.g. "`append`" or "instantiation") failed.
pub fn explain(err: wasmtime::Error, what: &str) -> anyhow::Error {
    let sentence = if let Some(interrupted) = err.downcast_ref::<Interrupted>() {
        match interrupted {
            Interrupted::Timeout { timeout_ms } => format!(
                "{what} was interrupted: it ran longer than the time limit of {timeout_ms} ms \
                 (does it loop forever? the limit is in Settings, or --timeout-ms)"
            ),
            Interrupted::Stopped { elapsed_ms } => {
                format!("{what} was stopped by the user after {elapsed_ms} ms")
            }
        }
    } else if let Some(stub) = err.downcast_ref::<StubTrapped>() {
        format!(
            "{what} trapped: {stub} (a stub can return zeros instead: choose it in the \
             Module tab's Imports, or `--stub zeros`)"
        )
    } else if let Some(exit) = err.downcast_ref::<wasmtime_wasi::I32Exit>() {
        format!(
            "{what} ended the program: the guest called WASI `proc_exit` with status {}{}",
            exit.0,
            if exit.0 == 0 { " (success)" } else { "" }
        )
    } else if let Some(limit) = err.downcast_ref::<MemoryLimitHit>() {
        format!("{what} trapped: {limit} (raise it in Settings, or --memory-limit-mb)")
    } else if let Some(trap) = err.downcast_ref::<Trap>() {
        format!("{what} trapped: {}", trap_sentence(*trap, &err))
    } else if err.downcast_ref::<WasmBacktrace>().is_some() {
        // A host function (e.g. WASI) failed while the guest ran: its message, without
        // the multi-line backtrace wasmtime wraps it in.
        let causes: Vec<String> = err
            .chain()
            .map(|cause| cause.to_string())
            .filter(|text| !text.starts_with("error while executing at wasm backtrace"))
            .collect();
        format!("{what} failed in a host function: {}", causes.join(": "))
    } else {
        return anyhow::Error::from(err).context(format!("{what} failed"));
    };
    match innermost_function(&err) {
        Some(func) => anyhow!("{sentence} [in {func}]"),
        None => anyhow!("{sentence}"),
    }
}

/// The learner's version of one trap code.
fn trap_sentence(trap: Trap, err: &wasmtime::Error) -> String {
    match trap {
        Trap::MemoryOutOfBounds => match memory_fault(err) {
            Some((address, size)) => format!(
                "out-of-bounds memory access at offset {address:#x} of a memory of {size} bytes \
                 ({}) — a bad pointer or length",
                human_bytes(size)
            ),
            None => "out-of-bounds memory access — a bad pointer or length".to_owned(),
        },
        Trap::UnreachableCodeReached => "it executed `unreachable` (in a Rust guest this is \
                                         usually a panic or an allocation failure)"
            .to_owned(),
        Trap::StackOverflow => {
            "call stack exhausted (stack overflow) — probably recursion without end".to_owned()
        }
        Trap::IntegerDivisionByZero => "integer division by zero".to_owned(),
        Trap::IntegerOverflow => "integer overflow (e.g. i32::MIN / -1)".to_owned(),
        Trap::BadConversionToInteger => {
            "a float could not be converted to an integer (NaN or out of range)".to_owned()
        }
        Trap::IndirectCallToNull => "call through a null function-table entry".to_owned(),
        Trap::BadSignature => "indirect call with the wrong function signature".to_owned(),
        Trap::TableOutOfBounds => "function-table index out of bounds".to_owned(),
        Trap::Interrupt => "interrupted".to_owned(),
        other => other.to_string(),
    }
}

/// Parses wasmtime's "memory fault at wasm address 0x… in linear memory of size 0x…"
/// context into (address, memory size).
fn memory_fault(err: &wasmtime::Error) -> Option<(u64, u64)> {
    err.chain().find_map(|cause| {
        let text = cause.to_string();
        let rest = text.strip_prefix("memory fault at wasm address 0x")?;
        let (address, rest) = rest.split_once(" in linear memory of size 0x")?;
        let size = rest.split_whitespace().next()?;
        Some((
            u64::from_str_radix(address, 16).ok()?,
            u64::from_str_radix(size, 16).ok()?,
        ))
    })
}

/// The name of the guest function that was running, from the trap's backtrace.
fn innermost_function(err: &wasmtime::Error) -> Option<String> {
    let backtrace = err.downcast_ref::<WasmBacktrace>()?;
    let frame = backtrace.frames().first()?;
    Some(match frame.func_name() {
        Some(name) => format!("`{name}`"),
        None => format!("function #{}", frame.func_index()),
    })
}
