//! A component guest (Rust for `wasm32-wasip2`): the same jobs as the core guests, but
//! typed by a WIT world (`wit/world.wit`), so the host passes strings, lists and records
//! through the canonical ABI instead of pointers and lengths.
//!
//! - `append(s) -> string`: `s` + "<---- This is your string" (the seed's behaviour).
//! - `sum(values) -> u64`: the sum of a `list<u32>`.
//! - `label(item) -> item`: the record with its name upper-cased and its count + 1.
//!
//! The host lowers each argument with the guest's `cabi_realloc` (below, over the
//! global allocator) and lifts the result through a return area; the `post-return`
//! functions wit-bindgen generates (`cabi_post_append`, `cabi_post_label`) free the
//! result afterwards.
//!
//! `no_std` on purpose: with Rust's std, wasip2 links wasi-libc, and the component then
//! imports 13 `wasi:cli`/`wasi:io` interfaces (0.2.6: environment, exit, stdin, stdout,
//! stderr, the terminal ones, streams, error, poll) that these functions never call.
//! Without std it imports nothing. Memory comes from dlmalloc (what std itself uses on
//! wasm32-unknown-unknown); a panic traps (`unreachable`). On wasip2 `cabi_realloc` is
//! otherwise wasi-libc's, so this crate exports its own.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

wit_bindgen::generate!({
    world: "strings",
    path: "wit",
});

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// The canonical ABI's allocator: a new block when `old_size` is 0 (how the host asks
/// for room for an argument), else `old_ptr`'s block resized to `new_size` bytes. A
/// zero-sized block is the address `align` (nothing allocated). Traps when memory runs
/// out.
///
/// # Safety
/// `old_ptr`/`old_size`/`align` must describe a live block from an earlier call, or
/// `old_size` be 0; `align` must be a power of two.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_size: usize,
    align: usize,
    new_size: usize,
) -> *mut u8 {
    use alloc::alloc::{Layout, alloc, dealloc, realloc};
    // SAFETY: `align` is a power of two (the contract).
    let layout = |size| unsafe { Layout::from_size_align_unchecked(size, align) };
    let ptr = match (old_size, new_size) {
        (0, 0) => return align as *mut u8,
        // SAFETY: a non-zero size.
        (0, _) => unsafe { alloc(layout(new_size)) },
        (_, 0) => {
            // SAFETY: the block was allocated with this size and align (the contract).
            unsafe { dealloc(old_ptr, layout(old_size)) };
            return align as *mut u8;
        }
        // SAFETY: as above, and the new size is not zero.
        _ => unsafe { realloc(old_ptr, layout(old_size), new_size) },
    };
    if ptr.is_null() {
        core::arch::wasm32::unreachable();
    }
    ptr
}

/// The suffix that `append` adds (25 bytes).
const SUFFIX: &str = "<---- This is your string";

struct Component;

impl Guest for Component {
    fn append(s: String) -> String {
        let mut out = s;
        out.push_str(SUFFIX);
        out
    }

    fn sum(values: Vec<u32>) -> u64 {
        values.into_iter().map(u64::from).sum()
    }

    fn label(item: Item) -> Item {
        Item {
            name: item.name.to_uppercase(),
            count: item.count.wrapping_add(1),
        }
    }
}

export!(Component);
