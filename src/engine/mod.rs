//! Everything that touches wasmtime: a `Session` over one instance, the imports it is
//! given (WASI, stubs), allocator conventions, the limits that keep guests in check,
//! trap explanations, and the worker thread the UI talks to.

mod alloc_step;
pub mod allocators;
mod cache;
mod call_replay;
mod compiler;
mod component;
mod component_abi;
mod component_record;
mod component_stubs;
mod debugger;
mod frame_variables;
mod glue;
mod guest_errors;
mod imports;
mod instance;
mod instantiate;
mod limits;
mod notes;
mod recorder;
mod runner;
mod session;
mod setup;
mod steps;
mod store;
mod trace;
mod trace_log;
mod traps;
mod values;
mod wasi;
mod wasi_sleep;
pub mod worker;

pub use allocators::{AllocArg, Allocator, Convention};
pub use cache::{CompileCache, default_cache_dir};
pub use call_replay::CallReplay;
pub use compiler::{CompileInfo, Compiler, CompilerChoice, Engines, compile};
pub use component::{
    AbiTrace, ComponentExport, ComponentSession, TracedCall, compile_component, results_text,
};
pub use component_abi::{AbiEvent, AbiRoles, ComponentWrites, ReturnArea, export_name};
pub use debugger::{DebugCommand, Debugger, FrameView, Pause, PauseGeneration};
pub use glue::{glue_allocator, malloc_from_glue};
pub use imports::{HostConfig, StubPolicy, StubTrapped, check_imports, import_name};
pub use instance::Instance;
pub use limits::{Interrupted, Limits, MemoryLimitHit, StopHandle, human_bytes};
pub use notes::{OUTPUT_CAPACITY_BYTES, OUTPUT_LINES_PER_STEP, STUB_LINES_PER_STEP};
pub use runner::{AfterFailure, Bindings, RunEnd, RunObserver, Runner, StepReport, run_steps};
pub use session::{GlobalValue, Session, new_engine};
pub use steps::{Step, StepOutput, arg_text, call_line, changed_line, pointer_lines, result_line};
pub use trace::{Tracing, block_on, new_debug_engine};
pub use trace_log::{TRACED_WRITES_PER_STEP, WritePos, Writes, WritesIter};
pub use values::{NumType, Value, format_values};
pub use wasi::{WasiConfig, is_wasi};
