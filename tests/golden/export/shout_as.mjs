// A host program for `shout_as.wasm`, exported by wasmscope from the session `shout_as.toml`.
// It does the session's steps with the WebAssembly JS API and prints what wasmscope
// printed, except the host addresses, which JavaScript cannot see.
//
// Node 18 or later: node host.mjs [path/to/shout_as.wasm]
// Without a path it reads ../../../assets/shout_as.wasm from this file's folder.
// Browser: serve this file beside shout_as.wasm and load it with <script type="module">.

// The module, from this file's folder.
const source = "../../../assets/shout_as.wasm";
const inNode = typeof process === "object" && process.versions?.node !== undefined;
const bytes = inNode ? await readInNode() : await (await fetch(new URL(source, import.meta.url))).arrayBuffer();

async function readInNode() {
  const { fileURLToPath } = await import("node:url");
  const { dirname, resolve } = await import("node:path");
  const path = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), source);
  try {
    return await (await import("node:fs/promises")).readFile(path);
  } catch (err) {
    const why = err.code === "ENOENT" ? "no such file" : err.message;
    console.error(`cannot read the module at ${path} (${why}): give its path, node host.mjs PATH`);
    process.exit(1);
  }
}

// Imports this host does not provide get stubs, as in the session.
const stub = (name, trap, zero) => () => {
  if (trap) throw new Error(`the guest called ${name}, which this host does not provide`);
  return zero;
};
const imports = {
  env: {
    abort: stub("env.abort", false, undefined), // (i32, i32, i32, i32) -> ()
    notify: stub("env.notify", false, undefined), // (i32, i32) -> ()
  },
};
const { instance } = await WebAssembly.instantiate(bytes, imports);
const exports = instance.exports;
const memory = exports.memory;
// A view of linear memory; made anew after each call, as growing memory replaces the
// buffer.
const view = () => new Uint8Array(memory.buffer);

let input = new TextEncoder().encode("hello");

// 1. __new(len(input) + 30)
console.log("Allocator: __new (assemblyscript, id 1 = ArrayBuffer, pinned with __pin)");
let ptr = exports.__new(input.length + 30, 1) >>> 0;
exports.__pin(ptr); // keep it from the GC
console.log(`Pointer received 0x${ptr.toString(16)}, ${input.length}`);

// 2. write at ptr
view().set(input, ptr);
