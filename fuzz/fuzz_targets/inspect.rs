//! Any bytes through `inspect` (and the WAT path), and a module it reads through the
//! recorder's rewrite (whose output must validate): errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope::inspect::{function_wat, inspect, render_text, to_binary};
use wasmscope::record::instrument;

fuzz_target!(|data: &[u8]| {
    if let Ok(binary) = to_binary(data)
        && let Ok(info) = inspect(&binary)
    {
        let _ = render_text(&info);
        let _ = function_wat(&binary, info.imported_functions);
        if let Ok(Some(recording)) = instrument(&binary) {
            let mut validator = wasmparser::Validator::new_with_features(
                wasmparser::WasmFeatures::all(),
            );
            assert!(validator.validate_all(&recording.bytes).is_ok());
        }
    }
});
