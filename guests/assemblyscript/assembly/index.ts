// An AssemblyScript guest. Built with `--exportRuntime`, so the host can allocate
// through the runtime: `__new(size, id)` returns a managed object (id 1 = ArrayBuffer)
// and `__pin(ptr)` keeps the garbage collector away from it. wasmscope detects that
// convention from those exports.
//
// `shout(ptr, len) -> new_len` has the seed's shape: it upper-cases the ASCII letters
// of ptr[0..len) in place and appends "!!!" (allocate 3 bytes extra), then tells the
// host through the imported `env.notify`, which wasmscope stubs and logs.

@external("env", "notify")
declare function notify(ptr: usize, len: i32): void;

export function shout(ptr: usize, len: i32): i32 {
  for (let i = 0; i < len; i++) {
    const c = load<u8>(ptr + <usize>i);
    if (c >= 0x61 && c <= 0x7a) store<u8>(ptr + <usize>i, c - 0x20);
  }
  for (let i = 0; i < 3; i++) store<u8>(ptr + <usize>(len + i), 0x21);
  notify(ptr, len + 3);
  return len + 3;
}

// The byte length of a managed ArrayBuffer, read from its runtime header: shows that
// `__new` made a real object whose size the runtime knows.
export function bufferLength(ptr: usize): i32 {
  return changetype<ArrayBuffer>(ptr).byteLength;
}
