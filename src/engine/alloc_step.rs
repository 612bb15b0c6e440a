//! The Alloc step: calling an allocator export by its convention.

use anyhow::{Context, Result, ensure};
use wasmtime::ValType;

use super::allocators::Allocator;
use super::session::{Session, type_list};
use super::values::{Value, format_values};
use crate::inspect::FuncSignature;

impl Session {
    /// Calls the allocator export `name` with `size`, following its convention
    /// (see [`Allocator::classify`]), and returns the guest pointer it gave, checked to
    /// lie inside memory.
    pub fn alloc(&mut self, name: &str, size: u64) -> Result<u64> {
        let allocator = self.allocator(name)?;
        self.alloc_with(&allocator, size)
    }

    /// The allocator convention the export `name` follows: as given to
    /// [`Session::set_known_allocators`], else judged from its name and signature.
    pub fn allocator(&mut self, name: &str) -> Result<Allocator> {
        if let Some(known) = self.known_allocators.iter().find(|a| a.export == name) {
            return Ok(known.clone());
        }
        let ty = self.func_type(name)?;
        let sig = FuncSignature {
            params: ty.params().map(|t| inspect_type(&t)).collect(),
            results: ty.results().map(|t| inspect_type(&t)).collect(),
        };
        let pin = self.has_func("__pin").then_some("__pin");
        Allocator::classify(name, &sig, pin).with_context(|| {
            format!(
                "`{name}` is not an allocator: it takes ({}), but an allocator takes one size \
                 (i32 or i64) or follows a known convention (malloc, __wbindgen_malloc, \
                 cabi_realloc, __new)",
                type_list(&ty.params().collect::<Vec<_>>())
            )
        })
    }

    /// Allocators learned elsewhere (emscripten glue names a minified `malloc`):
    /// [`Session::allocator`] answers with these first.
    pub fn set_known_allocators(&mut self, allocators: Vec<Allocator>) {
        self.known_allocators = allocators;
    }

    /// Asks `allocator` for `size` bytes (and pins them, for AssemblyScript); returns
    /// the pointer, checked to lie inside memory.
    pub fn alloc_with(&mut self, allocator: &Allocator, size: u64) -> Result<u64> {
        let name = &allocator.export;
        let results = self.call(name, &allocator.args(size)?)?;
        let ptr = match results.as_slice() {
            [one] => one.as_u64(),
            _ => None,
        }
        .with_context(|| {
            format!(
                "`{name}` returned {}, not one pointer",
                format_values(&results)
            )
        })?;
        ensure!(
            ptr != 0 || size == 0,
            "`{name}` returned a null pointer (0): the guest could not allocate {size} bytes"
        );
        if let Some(pin) = &allocator.pin {
            self.call(pin, &[Value::I32(ptr as i32)])?;
        }
        self.check_range(ptr, size, &format!("`{name}` returned pointer"))?;
        Ok(ptr)
    }
}

/// The `inspect` spelling of a wasmtime value type.
fn inspect_type(ty: &ValType) -> crate::inspect::ValType {
    use crate::inspect::ValType as T;
    match ty {
        ValType::I32 => T::I32,
        ValType::I64 => T::I64,
        ValType::F32 => T::F32,
        ValType::F64 => T::F64,
        ValType::V128 => T::V128,
        ValType::Ref(r) => T::Ref(r.to_string()),
    }
}
