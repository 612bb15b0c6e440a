//! What a toolchain's error import says when the guest calls it: wasm-bindgen's throw,
//! AssemblyScript's `abort`, emscripten's `abort` and `__assert_fail` (recognised by
//! `inspect::classify_import`). Their strings are read from the caller's memory, so the
//! stub's line in the log carries the guest's own message.

use wasmtime::{Caller, Extern, FuncType, Val};

use super::store::StoreData;
use crate::inspect::{FuncSignature, ToolchainImport, ValType, classify_import};
use crate::memory::{GuestText, assemblyscript_text, c_text, utf8_text};

/// Which toolchain error import `module.name` of type `ty` is, if any.
pub fn toolchain_import(module: &str, name: &str, ty: &FuncType) -> Option<ToolchainImport> {
    let types = |types: &mut dyn Iterator<Item = wasmtime::ValType>| -> Vec<ValType> {
        types.map(|t| value_type(&t)).collect()
    };
    let sig = FuncSignature {
        params: types(&mut ty.params()),
        results: types(&mut ty.results()),
    };
    classify_import(module, name, &sig)
}

/// A wasmtime value type as `inspect` names it.
fn value_type(ty: &wasmtime::ValType) -> ValType {
    match ty {
        wasmtime::ValType::I32 => ValType::I32,
        wasmtime::ValType::I64 => ValType::I64,
        wasmtime::ValType::F32 => ValType::F32,
        wasmtime::ValType::F64 => ValType::F64,
        wasmtime::ValType::V128 => ValType::V128,
        wasmtime::ValType::Ref(r) => ValType::Ref(r.to_string()),
    }
}

/// What the guest said by calling the error import `kind` with `params`, its strings
/// read from the caller's memory (the export `memory`, else the session's).
pub fn guest_said(
    caller: &mut Caller<'_, StoreData>,
    kind: ToolchainImport,
    params: &[Val],
) -> String {
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => Some(memory),
        _ => caller.data().memory,
    };
    let args: Vec<u32> = params
        .iter()
        .map(|p| p.i32().map_or(0, |v| v as u32))
        .collect();
    said(kind, &args, memory.map(|m| m.data(&*caller)))
}

/// The sentence for a call to `kind` with the `i32` arguments `args` (as unsigned),
/// reading strings from `memory` (`None`: the module has none to read).
pub fn said(kind: ToolchainImport, args: &[u32], memory: Option<&[u8]>) -> String {
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    let read = |decode: &dyn Fn(&[u8]) -> GuestText| match memory {
        Some(memory) => decode(memory),
        None => GuestText::Unreadable("the module exports no memory".to_owned()),
    };
    match kind {
        ToolchainImport::WasmBindgenThrow => {
            let message = read(&|m| utf8_text(m, arg(0).into(), arg(1).into()));
            format!("the guest threw: {message}")
        }
        ToolchainImport::WasmBindgenErrorNew => {
            let message = read(&|m| utf8_text(m, arg(0).into(), arg(1).into()));
            format!("the guest made an Error: {message}")
        }
        ToolchainImport::AssemblyScriptAbort => {
            let message = match read(&|m| assemblyscript_text(m, arg(0).into())) {
                GuestText::Null => "(no message)".to_owned(),
                message => message.to_string(),
            };
            let place = match read(&|m| assemblyscript_text(m, arg(1).into())) {
                GuestText::Null => String::new(),
                file => format!(" at {}:{}:{}", shown_file(&file), arg(2), arg(3)),
            };
            format!("abort: {message}{place}")
        }
        ToolchainImport::EmscriptenAbort => match args {
            [] => "abort: the guest called abort()".to_owned(),
            [code, ..] => format!("abort: the guest called abort({code})"),
        },
        ToolchainImport::EmscriptenAssert => {
            let condition = read(&|m| c_text(m, arg(0).into()));
            let file = read(&|m| c_text(m, arg(1).into()));
            let function = match read(&|m| c_text(m, arg(3).into())) {
                GuestText::Null => String::new(),
                function => format!(" in {}", shown_file(&function)),
            };
            format!(
                "assertion failed: {condition} at {}:{}{function}",
                shown_file(&file),
                arg(2)
            )
        }
    }
}

/// A file or function name: unquoted when read whole, else as `GuestText` says it.
fn shown_file(text: &GuestText) -> String {
    text.as_whole()
        .map_or_else(|| text.to_string(), ToOwned::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of zeros with each `(at, bytes)` written.
    fn memory_with(parts: &[(usize, &[u8])]) -> Vec<u8> {
        let mut memory = vec![0; 0x10000];
        for (at, bytes) in parts {
            memory[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        memory
    }

    /// An AssemblyScript string's bytes, starting with its length (4 bytes before it).
    fn as_string(text: &str) -> Vec<u8> {
        let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut bytes = (units.len() as u32).to_le_bytes().to_vec();
        bytes.extend(units);
        bytes
    }

    #[test]
    fn each_toolchain_says_its_message() {
        let wbg = memory_with(&[(0x100, b"`unwrap_throw` failed")]);
        assert_eq!(
            said(ToolchainImport::WasmBindgenThrow, &[0x100, 21], Some(&wbg)),
            r#"the guest threw: "`unwrap_throw` failed""#
        );
        assert_eq!(
            said(
                ToolchainImport::WasmBindgenErrorNew,
                &[0x100, 14],
                Some(&wbg)
            ),
            r#"the guest made an Error: "`unwrap_throw`""#
        );
        let message = as_string("index out of range");
        let file = as_string("assembly/index.ts");
        let script = memory_with(&[(0x1c, &message), (0x7c, &file)]);
        assert_eq!(
            said(
                ToolchainImport::AssemblyScriptAbort,
                &[0x20, 0x80, 12, 5],
                Some(&script)
            ),
            r#"abort: "index out of range" at assembly/index.ts:12:5"#
        );
        assert_eq!(
            said(
                ToolchainImport::AssemblyScriptAbort,
                &[0, 0, 0, 0],
                Some(&script)
            ),
            "abort: (no message)"
        );
        let c = memory_with(&[(0x40, b"x > 0\0main.c\0f\0")]);
        assert_eq!(
            said(
                ToolchainImport::EmscriptenAssert,
                &[0x40, 0x46, 7, 0x4d],
                Some(&c)
            ),
            r#"assertion failed: "x > 0" at main.c:7 in f"#
        );
        assert_eq!(
            said(
                ToolchainImport::EmscriptenAssert,
                &[0x40, 0x46, 7, 0],
                Some(&c)
            ),
            r#"assertion failed: "x > 0" at main.c:7"#
        );
        assert_eq!(
            said(ToolchainImport::EmscriptenAbort, &[], Some(&c)),
            "abort: the guest called abort()"
        );
        assert_eq!(
            said(ToolchainImport::EmscriptenAbort, &[3], None),
            "abort: the guest called abort(3)"
        );
    }

    #[test]
    fn bad_pointers_and_no_memory_are_said_not_failed() {
        let empty = memory_with(&[]);
        assert_eq!(
            said(
                ToolchainImport::WasmBindgenThrow,
                &[0xfff0, 0x100],
                Some(&empty)
            ),
            "the guest threw: (unreadable: 0xfff0..0x100f0 is past the end of memory at 0x10000)"
        );
        assert_eq!(
            said(
                ToolchainImport::AssemblyScriptAbort,
                &[0x20, 0x20000, 1, 2],
                Some(&empty)
            ),
            r#"abort: "" at (unreadable: 0x1fffc..0x20000 is past the end of memory at 0x10000):1:2"#
        );
        assert_eq!(
            said(ToolchainImport::WasmBindgenThrow, &[0x10, 4], None),
            "the guest threw: (unreadable: the module exports no memory)"
        );
        // Missing arguments read as 0 rather than panicking.
        assert_eq!(
            said(ToolchainImport::EmscriptenAssert, &[], Some(&empty)),
            "assertion failed: (null) at (null):0"
        );
    }
}
