//! The seed's walkthrough as data: each step the host takes (alloc, write, call, read),
//! what it produced, and the lines the newsletter printed for it.

use std::ops::Range;

use anyhow::Result;

use super::session::Session;
use super::values::{Value, format_values};
use crate::memory::format_ranges;
use crate::text::count;

/// One thing the host does to the guest.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Call the allocator export with a size.
    Alloc {
        /// Allocator export name (e.g. `alloc`).
        export: String,
        /// Bytes to ask for.
        size: u64,
    },
    /// Copy bytes into linear memory.
    Write {
        /// Guest offset.
        ptr: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Call any export.
    Call {
        /// Export name.
        export: String,
        /// Arguments.
        args: Vec<Value>,
    },
    /// Copy bytes out of linear memory.
    Read {
        /// Guest offset.
        ptr: u64,
        /// Byte count.
        len: u64,
    },
}

/// What a step produced.
#[derive(Clone, Debug, PartialEq)]
pub enum StepOutput {
    /// The guest pointer an allocator returned.
    Pointer(u64),
    /// Bytes were written.
    Written,
    /// A call's results.
    Values(Vec<Value>),
    /// Bytes read.
    Bytes(Vec<u8>),
    /// A component function's results, in WAVE.
    Wave(Vec<String>),
}

impl Step {
    /// A short label for logs and buttons: `alloc(46)`, `write 16 bytes at 0x110008`.
    pub fn label(&self) -> String {
        match self {
            Self::Alloc { export, size } => format!("{export}({size})"),
            Self::Write { ptr, bytes } => {
                format!("write {} at {ptr:#x}", count(bytes.len() as u64, "byte"))
            }
            Self::Call { export, args } => {
                let args: Vec<String> = args.iter().map(arg_text).collect();
                format!("{export}({})", args.join(", "))
            }
            Self::Read { ptr, len } => format!("read {} at {ptr:#x}", count(*len, "byte")),
        }
    }

    /// The guest bytes this step is about, for highlighting and overrun checks.
    pub fn target(&self, output: &StepOutput) -> Option<Range<u64>> {
        match (self, output) {
            (Self::Alloc { size, .. }, StepOutput::Pointer(ptr)) => Some(*ptr..ptr + size),
            (Self::Write { ptr, bytes }, _) => Some(*ptr..ptr + bytes.len() as u64),
            (Self::Read { ptr, len }, _) => Some(*ptr..ptr + len),
            _ => None,
        }
    }
}

/// `export(args)` with the arguments flagged in `hex` (addresses) in hex and the
/// others as written: `append(0x400, 16)`.
pub fn call_label(export: &str, args: &[Value], hex: &[bool]) -> String {
    let args: Vec<String> = args
        .iter()
        .enumerate()
        .map(
            |(i, arg)| match (arg, hex.get(i).copied().unwrap_or(false)) {
                (Value::I32(v), true) => format!("{:#x}", *v as u32),
                (Value::I64(v), true) => format!("{:#x}", *v as u64),
                (Value::I32(v), false) => v.to_string(),
                (Value::I64(v), false) => v.to_string(),
                (Value::F32(v), _) => v.to_string(),
                (Value::F64(v), _) => v.to_string(),
            },
        )
        .collect();
    format!("{export}({})", args.join(", "))
}

/// A value as an argument in a label: integers that look like addresses in hex.
pub fn arg_text(value: &Value) -> String {
    match *value {
        Value::I32(v) if v >= 0x1000 => format!("{:#x}", v as u32),
        Value::I64(v) if v >= 0x1000 => format!("{:#x}", v as u64),
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F32(v) => v.to_string(),
        Value::F64(v) => v.to_string(),
    }
}

impl Session {
    /// Runs one step.
    pub fn run_step(&mut self, step: &Step) -> Result<StepOutput> {
        Ok(match step {
            Step::Alloc { export, size } => StepOutput::Pointer(self.alloc(export, *size)?),
            Step::Write { ptr, bytes } => {
                self.write(*ptr, bytes)?;
                StepOutput::Written
            }
            Step::Call { export, args } => StepOutput::Values(self.call(export, args)?),
            Step::Read { ptr, len } => StepOutput::Bytes(self.read(*ptr, *len)?),
        })
    }
}

/// The newsletter's lines after the allocator returned `ptr` for an input of
/// `input_len` bytes: the pointer, the host base, and the object's host address.
pub fn pointer_lines(ptr: u64, input_len: u64, host_base: u64) -> Vec<String> {
    vec![
        format!("Pointer received {ptr:#x}, {input_len}"),
        format!("Host memory pointer {host_base:#x}"),
        format!(
            "address for wasm object in rust: {:#x}",
            host_base.wrapping_add(ptr)
        ),
    ]
}

/// The newsletter's line for a call's results (`New Size received: 41` for one integer).
pub fn call_line(export: &str, results: &[Value]) -> String {
    match results {
        [one] if one.as_u64().is_some() => {
            format!("New Size received: {}", one.as_u64().unwrap_or_default())
        }
        _ => format!("`{export}` returned {}", format_values(results)),
    }
}

/// The newsletter's `Result:` line: the bytes as UTF-8 (invalid sequences replaced).
pub fn result_line(bytes: &[u8]) -> String {
    format!("Result: {}", String::from_utf8_lossy(bytes))
}

/// `changed: 0x110018..0x110031 (25 bytes)`.
pub fn changed_line(changed: &[Range<u64>]) -> String {
    format!("changed: {}", format_ranges(changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_like_the_newsletter() {
        let lines = pointer_lines(0x11_0008, 16, 0x7f00_0000_0000);
        assert_eq!(lines[0], "Pointer received 0x110008, 16");
        assert_eq!(lines[1], "Host memory pointer 0x7f0000000000");
        assert_eq!(lines[2], "address for wasm object in rust: 0x7f0000110008");
        assert_eq!(
            call_line("append", &[Value::I32(41)]),
            "New Size received: 41"
        );
        assert_eq!(call_line("f", &[Value::F32(1.5)]), "`f` returned 1.5: f32");
        assert_eq!(result_line(b"ab\xff"), "Result: ab\u{fffd}");
    }

    #[test]
    fn labels_and_targets() {
        let alloc = Step::Alloc {
            export: "alloc".into(),
            size: 46,
        };
        assert_eq!(alloc.label(), "alloc(46)");
        assert_eq!(
            alloc.target(&StepOutput::Pointer(0x400)),
            Some(0x400..0x42e)
        );
        let call = Step::Call {
            export: "append".into(),
            args: vec![Value::I32(0x11_0008), Value::I32(16)],
        };
        assert_eq!(call.label(), "append(0x110008, 16)");
        assert_eq!(call.target(&StepOutput::Values(vec![])), None);
    }
}
