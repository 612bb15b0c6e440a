//! The newsletter's guest: the host asks for memory with `alloc`, copies a string in,
//! and `append` writes a suffix right after it, in place, returning the new length.
//!
//! Like the seed, `append` trusts the host to have allocated room for the suffix
//! (`alloc(len + 30)`); allocate fewer than 25 spare bytes and it writes past the
//! allocation, which wasmscope flags as an overrun.

/// The suffix that `append` adds (25 bytes).
const SUFFIX: &[u8] = b"<---- This is your string";

/// Reserves `size` bytes and returns their guest pointer (never freed, as in the seed).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(size: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(size);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Writes the suffix right after the `len` bytes at `ptr` and returns the new length.
///
/// # Safety
/// `ptr` must point at `len + 25` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn append(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller promised room for the suffix.
    let out = unsafe { std::slice::from_raw_parts_mut(ptr.add(len), SUFFIX.len()) };
    out.copy_from_slice(SUFFIX);
    len + SUFFIX.len()
}
