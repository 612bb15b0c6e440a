// A host program for `strings.wasm`, exported by wasmscope from the session `strings_sum_value.toml`.
// It does the session's steps with the WebAssembly JS API and prints what wasmscope
// printed, except the host addresses, which JavaScript cannot see.
//
// Node 18 or later: node host.mjs [path/to/strings.wasm]
// Without a path it reads ../../../assets/strings.wasm from this file's folder.
// Browser: serve this file beside strings.wasm and load it with <script type="module">.

// The module, from this file's folder.
const source = "../../../assets/strings.wasm";
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

let input = new Uint8Array([0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

// 1. alloc(len(input) + 30)
console.log("Allocator: alloc (alloc)");
let ptr = exports.alloc(input.length + 30) >>> 0;
console.log(`Pointer received 0x${ptr.toString(16)}, ${input.length}`);

// 2. write at ptr
view().set(input, ptr);

// 3. sum_u32(ptr, len(input))
let result = exports.sum_u32(ptr, input.length);
console.log(`\`sum_u32\` returned ${result >= 0x1000n ? `${result} (0x${BigInt.asUintN(64, result).toString(16)}): i64` : `${result}: i64`}`);
