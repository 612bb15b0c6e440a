// A host program for the component `component.wasm`, exported by wasmscope from the
// session `component.toml`. It calls the component's functions with Node and prints what
// wasmscope printed. jco turns the component into JavaScript when it starts.
//
// Once, in this file's folder or one above it (Node 18 or later):
//   npm install @bytecodealliance/jco@1.35.0 @bytecodealliance/preview2-shim@0.26.1
// Then: node host.mjs [path/to/component.wasm]
// Without a path it reads ../../../assets/component.wasm from this file's folder.

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// A package from npm, or one line saying how to install it.
const need = (name) =>
  import(name).catch((err) => {
    if (err.code !== "ERR_MODULE_NOT_FOUND") throw err;
    console.error(`cannot find ${name}: npm install @bytecodealliance/jco@1.35.0 @bytecodealliance/preview2-shim@0.26.1`);
    process.exit(1);
  });
const { transpile } = await need("@bytecodealliance/jco");

// The component, from this file's folder.
const source = "../../../assets/component.wasm";
const path = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), source);
const bytes = await readFile(path).catch((err) => {
  const why = err.code === "ENOENT" ? "no such file" : err.message;
  console.error(`cannot read the component at ${path} (${why}): give its path, node host.mjs PATH`);
  process.exit(1);
});

// jco writes the component as JavaScript that takes its imports when instantiated.
const { files } = await transpile(bytes, { name: "guest", instantiation: "async", quiet: true });
const code = Buffer.from(files["guest.js"]).toString("base64");
const { instantiate } = await import(`data:text/javascript;base64,${code}`);
const imports = {};
const guest = await instantiate((name) => WebAssembly.compile(files[name]), imports);

// 1. append("The input string")
invoke(guest.append, ["The input string"], "append(\"The input string\")", "string");

// 2. sum([1, 2, 3])
invoke(guest.sum, [[1, 2, 3]], "sum([1, 2, 3])", "u64");

// 3. label({name: "x\n\"y", count: 3})
// A record goes in and comes back changed.
invoke(
  guest.label,
  [{ name: "x\n\"y", count: 3 }],
  "label({name: \"x\\n\\\"y\", count: 3})",
  { record: [["name", "name", "string"], ["count", "count", "u32"]] },
);

// Calls `func` with `args` and prints `call` and its result (of the type `result`
// describes) in WAVE, as wasmscope does: `upper("The input string") returned "THE
// INPUT STRING"`. jco throws a function's `err` result (with its `payload`) and
// returns its `ok` value.
function invoke(func, args, call, result) {
  let value;
  try {
    value = func(...args);
    if (result?.result) value = { tag: "ok", val: value };
  } catch (err) {
    if (!result?.result || !("payload" in err)) throw err;
    value = { tag: "err", val: err.payload };
  }
  console.log(`${call} returned ${result === null ? "()" : wave(value, result)}`);
}

// A value of the type `t` describes, in WAVE.
function wave(v, t) {
  const keyword = (name) => (["true", "false", "some", "none", "ok", "err", "inf", "nan"].includes(name) ? `%${name}` : name);
  const payload = (tag, p, val) => (p === null ? tag : `${tag}(${wave(val, p)})`);
  if (typeof t === "string") {
    if (t === "string") return `"${escape(v)}"`;
    if (t === "char") return `'${escape(v)}'`;
    if (t === "f32" || t === "f64") return float(v, t === "f32");
    return String(v);
  }
  if (t.list !== undefined) return `[${Array.from(v, (x) => wave(x, t.list)).join(", ")}]`;
  if (t.tuple) return `(${t.tuple.map((e, i) => wave(v[i], e)).join(", ")})`;
  if (t.record) {
    const shown = t.record.filter(([, js, ft]) => ft.option === undefined || v[js] !== undefined);
    const fields = shown.map(([name, js, ft]) => `${name}: ${wave(v[js], ft)}`);
    return fields.length ? `{${fields.join(", ")}}` : "{:}";
  }
  if (t.option !== undefined) return v === undefined || v === null ? "none" : `some(${wave(v, t.option)})`;
  if (t.result) return payload(v.tag, t.result[v.tag === "ok" ? 0 : 1], v.val);
  if (t.variant) return payload(keyword(v.tag), t.variant.find(([c]) => c === v.tag)[1], v.val);
  if (t.enum) return keyword(v);
  if (t.flags) return `{${t.flags.filter(([, js]) => v[js]).map(([name]) => name).join(", ")}}`;
  throw new Error(`cannot show a value of type ${JSON.stringify(t)}`);
}

// A string's characters as WAVE escapes them.
function escape(s) {
  const named = { "\\": "\\\\", '"': '\\"', "'": "\\'", "\t": "\\t", "\r": "\\r", "\n": "\\n" };
  return Array.from(s, (c) => {
    if (c in named) return named[c];
    const code = c.codePointAt(0);
    return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `\\u{${code.toString(16)}}` : c;
  }).join("");
}

// A float as Rust prints it: the shortest digits that read back the same (an f32's
// as an f32), `nan`, `inf`, `-inf`.
function float(x, single) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0";
  let shortest = x;
  for (let digits = 1; single && digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) {
      shortest = candidate;
      break;
    }
  }
  return String(shortest);
}
