//! A WASI guest (Rust for `wasm32-wasip1`) that prints: wasmscope provides WASI
//! preview 1 and shows what the guest writes to stdout and stderr in its log.
//!
//! `greet(ptr, len)` prints `GREETING, <input>!` on stdout (GREETING from the
//! environment, `Hello` when unset) and a line with its arguments on stderr.
//! `count_entries(ptr, len)` counts the entries of the folder named by the input, or
//! prints why it cannot on stderr and returns -1: the guest sees no filesystem
//! unless the user grants a folder (`wasmscope run --dir PATH`). `nap(ms)` sleeps.

/// Reserves `size` bytes and returns their guest pointer (freed with `dealloc`).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(size: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(size);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees `size` bytes at `ptr` that `alloc` returned.
///
/// # Safety
/// `ptr` and `size` must come from one `alloc` call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: usize) {
    // SAFETY: the caller passes back what `alloc` gave out.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, size) });
}

/// The `len` bytes at `ptr` as text (invalid UTF-8 replaced).
///
/// # Safety
/// `ptr` must point at `len` readable bytes.
unsafe fn input(ptr: *const u8, len: usize) -> String {
    // SAFETY: the caller promised `len` readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// Prints a greeting for the input on stdout and its arguments on stderr; returns the
/// greeting's length in bytes.
///
/// # Safety
/// `ptr` must point at `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn greet(ptr: *const u8, len: usize) -> usize {
    // SAFETY: forwarded from the caller.
    let name = unsafe { input(ptr, len) };
    let greeting = std::env::var("GREETING").unwrap_or_else(|_| "Hello".to_owned());
    let line = format!("{greeting}, {name}!");
    println!("{line}");
    let args: Vec<String> = std::env::args().collect();
    eprintln!("greet was called with args {args:?}");
    line.len()
}

/// Counts the entries of the folder named by the input, or returns -1 (and says why
/// on stderr).
///
/// # Safety
/// `ptr` must point at `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn count_entries(ptr: *const u8, len: usize) -> i32 {
    // SAFETY: forwarded from the caller.
    let path = unsafe { input(ptr, len) };
    match std::fs::read_dir(&path) {
        Ok(entries) => entries.count() as i32,
        Err(err) => {
            eprintln!("cannot read {path}: {err}");
            -1
        }
    }
}

/// Sleeps `ms` milliseconds (WASI `poll_oneoff` on a clock) and returns `ms`. The
/// time limit and Stop end the call even while the guest waits in the host.
#[unsafe(no_mangle)]
pub extern "C" fn nap(ms: u32) -> u32 {
    std::thread::sleep(std::time::Duration::from_millis(ms.into()));
    ms
}
