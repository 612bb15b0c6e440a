//! Everything that touches wasmtime: a `Session` over one instance, the limits that
//! keep guests in check, trap explanations, and the worker thread the UI talks to.

mod limits;
mod session;
mod steps;
mod traps;
mod values;
pub mod worker;

pub use limits::{Interrupted, Limits, MemoryLimitHit, StopHandle, human_bytes};
pub use session::{GlobalValue, Session, new_engine};
pub use steps::{Step, StepOutput, call_line, changed_line, pointer_lines, result_line};
pub use values::{NumType, Value, format_values};
