// A host program for `cabi.wasm`, exported by wasmscope from the session `cabi.toml`.
// It does the session's steps with the WebAssembly JS API and prints what wasmscope
// printed, except the host addresses, which JavaScript cannot see.
//
// Node 18 or later: node host.mjs [path/to/cabi.wasm]
// Without a path it reads ../../../assets/cabi.wasm from this file's folder.
// Browser: serve this file beside cabi.wasm and load it with <script type="module">.

// The module, from this file's folder.
const source = "../../../assets/cabi.wasm";
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

const imports = {
};
const { instance } = await WebAssembly.instantiate(bytes, imports);
const exports = instance.exports;
const memory = exports.memory;
// A view of linear memory; made anew after each call, as growing memory replaces the
// buffer.
const view = () => new Uint8Array(memory.buffer);

let input = new TextEncoder().encode("hello");

// 1. cabi_realloc(len(input) + 30)
console.log("Allocator: cabi_realloc (cabi, align 1)");
let ptr = exports.cabi_realloc(0, 0, 1, input.length + 30) >>> 0;
console.log(`Pointer received 0x${ptr.toString(16)}, ${input.length}`);

// 2. write at ptr
view().set(input, ptr);
