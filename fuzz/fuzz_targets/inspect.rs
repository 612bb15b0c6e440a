//! Any bytes through `inspect` (and the WAT path): errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope::inspect::{function_wat, inspect, render_text, to_binary};

fuzz_target!(|data: &[u8]| {
    if let Ok(binary) = to_binary(data)
        && let Ok(info) = inspect(&binary)
    {
        let _ = render_text(&info);
        let _ = function_wat(&binary, info.imported_functions);
    }
});
