// A host program for `greet.wasm`, exported by wasmscope from the session `greet_wasi.toml`.
// It does the session's steps with the WebAssembly JS API and prints what wasmscope
// printed, except the host addresses, which JavaScript cannot see.
//
// Node 18 or later: node host.mjs [path/to/greet.wasm]
// Without a path it reads ../../../assets/greet.wasm from this file's folder.
// The module imports WASI, which only Node provides (node:wasi).

// The module, from this file's folder.
const source = "../../../assets/greet.wasm";
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

// The module imports WASI: its output goes to this program's.
const { WASI } = await import("node:wasi");
const wasi = new WASI({
  version: "preview1",
  args: ["greet.wasm", "--loud"],
  env: {"GREETING": "Hi"},
  preopens: {},
});
const imports = {
  wasi_snapshot_preview1: wasi.wasiImport,
};
const { instance } = await WebAssembly.instantiate(bytes, imports);
const exports = instance.exports;
wasi.initialize(instance); // calls `_initialize` when the module has it
const memory = exports.memory;
// A view of linear memory; made anew after each call, as growing memory replaces the
// buffer.
const view = () => new Uint8Array(memory.buffer);

let input = new TextEncoder().encode("world");

// 1. alloc(len(input) + 30)
console.log("Allocator: alloc (alloc)");
let ptr = exports.alloc(input.length + 30) >>> 0;
console.log(`Pointer received 0x${ptr.toString(16)}, ${input.length}`);

// 2. write at ptr
view().set(input, ptr);

// 3. greet(ptr, len(input))
let result = exports.greet(ptr, input.length);
console.log(`\`greet\` returned ${result >= 0x1000 ? `${result} (0x${(result >>> 0).toString(16)}): i32` : `${result}: i32`}`);
