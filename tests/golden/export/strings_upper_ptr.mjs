// A host program for `strings.wasm`, exported by wasmscope from the session `strings_upper_ptr.toml`.
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
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

let input = new TextEncoder().encode("hello");

// 1. alloc(len(input) + 30)
console.log("Allocator: alloc (alloc)");
let ptr = exports.alloc(input.length + 30) >>> 0;
console.log(`Pointer received 0x${ptr.toString(16)}, ${input.length}`);

// 2. write at ptr
view().set(input, ptr);

// 3. upper(ptr, len(input))
let result = exports.upper(ptr, input.length) >>> 0;
console.log(`Pointer returned 0x${result.toString(16)}`);

// 4. last_len()
let new_len = exports.last_len() >>> 0;
console.log(`New Size received: ${new_len} (from \`last_len\`)`);

// 5. read new_len bytes at result
let output = view().slice(result, result + new_len);
console.log(`Result: ${new TextDecoder().decode(output)}`);
try {
  new TextDecoder("utf-8", { fatal: true }).decode(output);
} catch {
  console.log(`Result (hex): ${hex(output)}`);
}
