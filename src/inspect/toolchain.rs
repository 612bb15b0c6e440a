//! Imports that a toolchain's runtime calls to report an error, recognised by module,
//! name and signature: wasm-bindgen's throw, AssemblyScript's `abort` and emscripten's
//! `abort` and `__assert_fail`. wasmscope still stubs them, but reads their message.

use super::model::{ImportInfo, ImportKind};
use super::types::{FuncSignature, ValType};

/// An error import of a known toolchain, whose message wasmscope reads from memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolchainImport {
    /// wasm-bindgen's `__wbindgen_throw(ptr, len)`: throws a JavaScript `Error` whose
    /// message is the UTF-8 text at `ptr..ptr+len`.
    WasmBindgenThrow,
    /// wasm-bindgen's `__wbindgen_error_new(ptr, len)` (newer: `__wbg_Error_<hash>`):
    /// makes a JavaScript `Error` with that UTF-8 message, which the guest returns.
    WasmBindgenErrorNew,
    /// AssemblyScript's `env.abort(msg, file, line, col)`, with two string pointers.
    AssemblyScriptAbort,
    /// emscripten's `abort()` (`_abort_js()` in newer builds, `abort(code)` in old ones).
    EmscriptenAbort,
    /// emscripten's `__assert_fail(cond, file, line, func)`, with C strings.
    EmscriptenAssert,
}

impl ToolchainImport {
    /// The short tag the import lists show, e.g. `AssemblyScript abort`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::WasmBindgenThrow => "wasm-bindgen throw",
            Self::WasmBindgenErrorNew => "wasm-bindgen Error",
            Self::AssemblyScriptAbort => "AssemblyScript abort",
            Self::EmscriptenAbort => "emscripten abort",
            Self::EmscriptenAssert => "emscripten assert",
        }
    }

    /// What the log shows of a call, for `inspect`'s import list.
    pub fn logged(self) -> &'static str {
        match self {
            Self::WasmBindgenThrow | Self::WasmBindgenErrorNew => "its message is logged",
            Self::AssemblyScriptAbort => "its message and place are logged",
            Self::EmscriptenAbort => "a call is logged as the guest's abort",
            Self::EmscriptenAssert => "the assertion and its place are logged",
        }
    }

    /// What the import is and what wasmscope does with it (the tag's hover text).
    pub fn about(self) -> &'static str {
        match self {
            Self::WasmBindgenThrow => {
                "wasm-bindgen's throw(ptr, len): the guest's error message; wasmscope reads \
                 it from memory and logs it (the import is still a stub)"
            }
            Self::WasmBindgenErrorNew => {
                "wasm-bindgen's new Error(ptr, len): an error the guest returns; wasmscope \
                 reads its message from memory and logs it (the import is still a stub)"
            }
            Self::AssemblyScriptAbort => {
                "AssemblyScript's abort(msg, file, line, col): wasmscope reads the message and \
                 where it was raised from memory and logs them (the import is still a stub)"
            }
            Self::EmscriptenAbort => {
                "emscripten's abort(): wasmscope logs the call (the import is still a stub)"
            }
            Self::EmscriptenAssert => {
                "emscripten's __assert_fail(cond, file, line, func): wasmscope reads the failed \
                 assertion from memory and logs it (the import is still a stub)"
            }
        }
    }
}

/// Which toolchain error import `module.name` with signature `sig` is, if any. The
/// signature must match too: an `env.abort` of another shape is someone else's.
pub fn classify_import(module: &str, name: &str, sig: &FuncSignature) -> Option<ToolchainImport> {
    let params = sig.params.as_slice();
    let i32s = |n: usize| params.len() == n && params.iter().all(|p| *p == ValType::I32);
    let returns_nothing = sig.results.is_empty();
    if is_wasm_bindgen_module(module) {
        if (name == "__wbindgen_throw" || hashed(name, "__wbg___wbindgen_throw_"))
            && i32s(2)
            && returns_nothing
        {
            return Some(ToolchainImport::WasmBindgenThrow);
        }
        if (name == "__wbindgen_error_new" || hashed(name, "__wbg_Error_"))
            && i32s(2)
            && sig.results.len() == 1
        {
            return Some(ToolchainImport::WasmBindgenErrorNew);
        }
        return None;
    }
    if module != "env" || !returns_nothing {
        return None;
    }
    match name {
        "abort" if i32s(4) => Some(ToolchainImport::AssemblyScriptAbort),
        "abort" | "_abort" | "_abort_js" if i32s(0) || i32s(1) => {
            Some(ToolchainImport::EmscriptenAbort)
        }
        "__assert_fail" | "___assert_fail" if i32s(4) => Some(ToolchainImport::EmscriptenAssert),
        _ => None,
    }
}

impl ImportInfo {
    /// Which toolchain error import this is, if any (see [`classify_import`]).
    pub fn toolchain(&self) -> Option<ToolchainImport> {
        match (self.kind, &self.ty.signature) {
            (ImportKind::Func, Some(sig)) => classify_import(&self.module, &self.name, sig),
            _ => None,
        }
    }
}

/// The module names wasm-bindgen imports its glue from: `wbg`, the placeholder of its
/// unprocessed output, or the glue file of a bundler build (`./tiktoken_bg.js`).
fn is_wasm_bindgen_module(module: &str) -> bool {
    module == "wbg" || module == "__wbindgen_placeholder__" || module.ends_with("_bg.js")
}

/// `prefix` followed by a hash in hex, as newer wasm-bindgen names its imports
/// (`__wbg___wbindgen_throw_5d9e815e6fdf150f`).
fn hashed(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(params: &[ValType], results: &[ValType]) -> FuncSignature {
        FuncSignature {
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }

    const I: ValType = ValType::I32;

    #[test]
    fn each_toolchain_import_is_recognised_by_module_name_and_signature() {
        let cases = [
            (
                "wbg",
                "__wbindgen_throw",
                sig(&[I, I], &[]),
                ToolchainImport::WasmBindgenThrow,
            ),
            (
                "__wbindgen_placeholder__",
                "__wbindgen_throw",
                sig(&[I, I], &[]),
                ToolchainImport::WasmBindgenThrow,
            ),
            (
                "./tiktoken_bg.js",
                "__wbindgen_throw",
                sig(&[I, I], &[]),
                ToolchainImport::WasmBindgenThrow,
            ),
            (
                "wbg",
                "__wbg___wbindgen_throw_5d9e815e6fdf150f",
                sig(&[I, I], &[]),
                ToolchainImport::WasmBindgenThrow,
            ),
            (
                "./tiktoken_bg.js",
                "__wbindgen_error_new",
                sig(&[I, I], &[I]),
                ToolchainImport::WasmBindgenErrorNew,
            ),
            (
                "wbg",
                "__wbg_Error_52673b7de5a0ca89",
                sig(&[I, I], &[ValType::Ref("externref".into())]),
                ToolchainImport::WasmBindgenErrorNew,
            ),
            (
                "env",
                "abort",
                sig(&[I, I, I, I], &[]),
                ToolchainImport::AssemblyScriptAbort,
            ),
            (
                "env",
                "abort",
                sig(&[], &[]),
                ToolchainImport::EmscriptenAbort,
            ),
            (
                "env",
                "abort",
                sig(&[I], &[]),
                ToolchainImport::EmscriptenAbort,
            ),
            (
                "env",
                "_abort_js",
                sig(&[], &[]),
                ToolchainImport::EmscriptenAbort,
            ),
            (
                "env",
                "_abort",
                sig(&[], &[]),
                ToolchainImport::EmscriptenAbort,
            ),
            (
                "env",
                "__assert_fail",
                sig(&[I, I, I, I], &[]),
                ToolchainImport::EmscriptenAssert,
            ),
            (
                "env",
                "___assert_fail",
                sig(&[I, I, I, I], &[]),
                ToolchainImport::EmscriptenAssert,
            ),
        ];
        for (module, name, sig, expected) in cases {
            assert_eq!(
                classify_import(module, name, &sig),
                Some(expected),
                "{module}.{name}"
            );
        }
    }

    #[test]
    fn look_alikes_of_another_shape_or_place_are_not_recognised() {
        let cases = [
            // Wrong signature.
            ("wbg", "__wbindgen_throw", sig(&[I], &[])),
            (
                "wbg",
                "__wbindgen_throw",
                sig(&[ValType::I64, ValType::I64], &[]),
            ),
            ("env", "abort", sig(&[I, I, I], &[])),
            ("env", "abort", sig(&[I, I, I, I], &[I])),
            ("env", "__assert_fail", sig(&[I, I, I], &[])),
            ("wbg", "__wbindgen_error_new", sig(&[I, I], &[])),
            // Wrong module.
            ("env", "__wbindgen_throw", sig(&[I, I], &[])),
            ("wbg", "abort", sig(&[I, I, I, I], &[])),
            ("wasi_snapshot_preview1", "abort", sig(&[], &[])),
            // Not a hash after the prefix.
            ("wbg", "__wbg___wbindgen_throw_", sig(&[I, I], &[])),
            ("wbg", "__wbg___wbindgen_throw_notahash", sig(&[I, I], &[])),
            ("wbg", "__wbg_error_f851667af71bcfc6", sig(&[I, I], &[I])),
        ];
        for (module, name, sig) in cases {
            assert_eq!(
                classify_import(module, name, &sig),
                None,
                "{module}.{name} {sig}"
            );
        }
    }
}
