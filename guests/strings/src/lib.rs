//! A guest that follows the ownership rules the seed skips.
//!
//! - `alloc(size) -> ptr` / `dealloc(ptr, size)`: the host owns what it allocates and
//!   gives it back.
//! - `upper(ptr, len) -> ptr`: returns a pointer to a *new* buffer owned by the host;
//!   its length is `last_len()`, and the host frees it with `dealloc(ptr, last_len())`.
//! - `reverse(ptr, len) -> len`: reverses the UTF-8 text in place (the seed's shape).
//! - `sum_u32(ptr, count) -> u64`: sums an array of little-endian `u32`s.

use std::cell::Cell;

thread_local! {
    static LAST_LEN: Cell<usize> = const { Cell::new(0) };
}

/// Reserves `size` bytes (owned by the caller until `dealloc`).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(size: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(size);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees `size` bytes at `ptr` that `alloc` (or `upper`) returned.
///
/// # Safety
/// `ptr`/`size` must come from `alloc(size)` or `upper` + `last_len()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: usize) {
    // SAFETY: see the function's contract.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, size) });
}

/// Borrows `len` bytes at `ptr` as a byte slice.
///
/// # Safety
/// `ptr` must point at `len` readable bytes.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    // SAFETY: see the function's contract.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// Upper-cases the UTF-8 text at `ptr` into a new buffer and returns its pointer.
/// Its length is `last_len()`; invalid UTF-8 is replaced with U+FFFD.
///
/// # Safety
/// `ptr` must point at `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upper(ptr: *const u8, len: usize) -> *mut u8 {
    // SAFETY: see the function's contract.
    let text = String::from_utf8_lossy(unsafe { bytes(ptr, len) }).to_uppercase();
    let mut out = text.into_bytes();
    out.shrink_to_fit();
    LAST_LEN.with(|last| last.set(out.len()));
    let ptr = out.as_mut_ptr();
    std::mem::forget(out);
    ptr
}

/// The length in bytes of the buffer that the last `upper` returned.
#[unsafe(no_mangle)]
pub extern "C" fn last_len() -> usize {
    LAST_LEN.with(Cell::get)
}

/// Reverses the characters of the UTF-8 text at `ptr` in place; returns `len`.
/// Bytes that are not valid UTF-8 are reversed as bytes.
///
/// # Safety
/// `ptr` must point at `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn reverse(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: see the function's contract.
    let buf = unsafe { std::slice::from_raw_parts_mut(ptr, len) };
    match std::str::from_utf8(buf) {
        Ok(text) => {
            let reversed: String = text.chars().rev().collect();
            buf.copy_from_slice(reversed.as_bytes());
        }
        Err(_) => buf.reverse(),
    }
    len
}

/// Sums `count` little-endian `u32`s at `ptr` (which need not be aligned).
///
/// # Safety
/// `ptr` must point at `count * 4` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sum_u32(ptr: *const u8, count: usize) -> u64 {
    // SAFETY: see the function's contract.
    let raw = unsafe { bytes(ptr, count * 4) };
    raw.chunks_exact(4)
        .map(|c| u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .sum()
}
