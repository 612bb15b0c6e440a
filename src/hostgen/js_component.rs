//! A component's plan as an ES module for Node: jco (the Bytecode Alliance's
//! JavaScript toolchain for components) transpiles the component when the program
//! starts, `@bytecodealliance/preview2-shim` provides WASI preview 2, and each call
//! passes JavaScript values written from the session's WAVE arguments (checked
//! against the WIT types here) and prints its result in WAVE, as `wasmscope replay`.

use std::fmt::Write as _;

use wasm_wave::value::{Type, Value};
use wasm_wave::wasm::{WasmType, WasmTypeKind, WasmValue};

use super::comment_lines;
use super::component_plan::ComponentPlan;
use super::js::{js_string, property};

/// What a component's JavaScript program needs from npm (`npm install …`): jco and
/// preview2-shim (WASI preview 2 for Node), the releases the programs are tested with
/// (`.ci/run` installs the same).
pub const JCO_PACKAGES: &str =
    "@bytecodealliance/jco@1.35.0 @bytecodealliance/preview2-shim@0.26.1";

/// The program.
pub fn program(plan: &ComponentPlan) -> String {
    let mut out = String::new();
    header(plan, &mut out);
    setup(plan, &mut out);
    for (index, step) in plan.steps.iter().enumerate() {
        out.push('\n');
        let mut comment = |text: &str| {
            for line in comment_lines(text, 88) {
                let _ = writeln!(out, "{}", format!("// {line}").trim_end());
            }
        };
        comment(&format!("{}. {}", index + 1, step.title));
        if let Some(note) = &step.note {
            comment(note);
        }
        let args: Vec<String> = step.params.iter().map(|(_, ty, v)| value(ty, v)).collect();
        let parts = [
            function_ref(&step.function),
            format!("[{}]", args.join(", ")),
            js_string(&step.title),
            step.result.as_ref().map_or("null".to_owned(), descriptor),
        ];
        let one_line = format!("invoke({});", parts.join(", "));
        if one_line.len() <= 100 {
            let _ = writeln!(out, "{one_line}");
        } else {
            let _ = writeln!(out, "invoke(\n  {},\n);", parts.join(",\n  "));
        }
    }
    out.push_str(INVOKE);
    out
}

fn header(plan: &ComponentPlan, out: &mut String) {
    let _ = write!(
        out,
        "// A host program for the component `{module}`, exported by wasmscope from the\n\
         // session `{session}`. It calls the component's functions with Node and prints what\n\
         // wasmscope printed. jco turns the component into JavaScript when it starts.\n\
         //\n\
         // Once, in this file's folder or one above it (Node 18 or later):\n\
         //   npm install {JCO_PACKAGES}\n\
         // Then: node host.mjs [path/to/{module}]\n\
         // Without a path it reads {path} from this file's folder.\n\n",
        module = plan.module_file,
        session = plan.session,
        path = plan.module_path,
    );
    out.push_str("import { readFile } from \"node:fs/promises\";\n");
    out.push_str("import { dirname, resolve } from \"node:path\";\n");
    out.push_str("import { fileURLToPath } from \"node:url\";\n\n");
    let _ = write!(
        out,
        "// A package from npm, or one line saying how to install it.\n\
         const need = (name) =>\n  \
           import(name).catch((err) => {{\n    \
             if (err.code !== \"ERR_MODULE_NOT_FOUND\") throw err;\n    \
             console.error(`cannot find ${{name}}: npm install {JCO_PACKAGES}`);\n    \
             process.exit(1);\n  \
           }});\n\
         const {{ transpile }} = await need(\"@bytecodealliance/jco\");\n",
    );
    if plan.wasi.is_some() {
        out.push_str(
            "const { WASIShim } = await need(\"@bytecodealliance/preview2-shim/instantiation\");\n",
        );
    }
    out.push('\n');
}

fn setup(plan: &ComponentPlan, out: &mut String) {
    let _ = writeln!(out, "// The component, from this file's folder.");
    let _ = writeln!(out, "const source = {};", js_string(&plan.module_path));
    out.push_str(
        "const path = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), source);\n\
         const bytes = await readFile(path).catch((err) => {\n  \
           const why = err.code === \"ENOENT\" ? \"no such file\" : err.message;\n  \
           console.error(`cannot read the component at ${path} (${why}): give its path, node host.mjs PATH`);\n  \
           process.exit(1);\n\
         });\n\n\
         // jco writes the component as JavaScript that takes its imports when instantiated.\n\
         const { files } = await transpile(bytes, { name: \"guest\", instantiation: \"async\", quiet: true });\n\
         const code = Buffer.from(files[\"guest.js\"]).toString(\"base64\");\n\
         const { instantiate } = await import(`data:text/javascript;base64,${code}`);\n",
    );
    match &plan.wasi {
        Some(wasi) => {
            let args: Vec<String> = wasi.args.iter().map(|a| js_string(a)).collect();
            let env: Vec<String> = wasi
                .env
                .iter()
                .map(|(k, v)| format!("{}: {}", property(k), js_string(v)))
                .collect();
            let dirs: Vec<String> = wasi
                .dirs
                .iter()
                .map(|d| format!("{}: {}", js_string(d), js_string(d)))
                .collect();
            out.push_str(
                "// The component imports WASI preview 2: its output goes to this program's.\n",
            );
            out.push_str("const wasi = new WASIShim({\n  sandbox: {\n");
            let _ = writeln!(out, "    args: [{}],", args.join(", "));
            let _ = writeln!(out, "    env: {{{}}},", env.join(", "));
            let _ = writeln!(out, "    preopens: {{{}}},", dirs.join(", "));
            out.push_str("    enableNetwork: false,\n");
            out.push_str("  },\n});\n");
            out.push_str("const imports = wasi.getImportObject();\n");
        }
        None => out.push_str("const imports = {};\n"),
    }
    out.push_str(
        "const guest = await instantiate((name) => WebAssembly.compile(files[name]), imports);\n",
    );
}

/// The exported function `name` in jco's bindings: `guest.append`, or
/// `guest["wasi:cli/run@0.2.0"].run` for one in an interface (names in camelCase).
fn function_ref(name: &str) -> String {
    let member = |name: &str| {
        let camel = camel(name);
        if camel.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            format!(".{camel}")
        } else {
            format!("[{}]", js_string(&camel))
        }
    };
    match name.split_once('#') {
        Some((interface, function)) => {
            format!("guest[{}]{}", js_string(interface), member(function))
        }
        None => format!("guest{}", member(name)),
    }
}

/// A WIT name as jco writes it in JavaScript: `to-upper` → `toUpper`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    for (index, part) in name.split('-').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(first) if index > 0 => {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
            Some(first) => {
                out.push(first);
                out.push_str(chars.as_str());
            }
            None => {}
        }
    }
    out
}

/// `value` of type `ty` as jco takes it: numbers (64-bit integers as BigInt),
/// strings, arrays for lists and tuples, objects for records (camelCase fields) and
/// flags, `{ tag, val }` for variants and results, `undefined` for `none`.
fn value(ty: &Type, v: &Value) -> String {
    // Rust's shortest digits (an f32's as an f32: jco rounds the number back to them).
    let float = |f: f64, digits: String| {
        if f.is_nan() {
            "NaN".to_owned()
        } else if f.is_infinite() {
            if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        } else {
            digits
        }
    };
    let tagged = |tag: &str, payload: Option<String>| match payload {
        Some(payload) => format!("{{ tag: {}, val: {payload} }}", js_string(tag)),
        None => format!("{{ tag: {} }}", js_string(tag)),
    };
    match ty.kind() {
        WasmTypeKind::Bool => v.unwrap_bool().to_string(),
        WasmTypeKind::S8 => v.unwrap_s8().to_string(),
        WasmTypeKind::S16 => v.unwrap_s16().to_string(),
        WasmTypeKind::S32 => v.unwrap_s32().to_string(),
        WasmTypeKind::S64 => format!("{}n", v.unwrap_s64()),
        WasmTypeKind::U8 => v.unwrap_u8().to_string(),
        WasmTypeKind::U16 => v.unwrap_u16().to_string(),
        WasmTypeKind::U32 => v.unwrap_u32().to_string(),
        WasmTypeKind::U64 => format!("{}n", v.unwrap_u64()),
        WasmTypeKind::F32 => {
            let f = v.unwrap_f32();
            float(f64::from(f), format!("{f:?}"))
        }
        WasmTypeKind::F64 => {
            let f = v.unwrap_f64();
            float(f, format!("{f:?}"))
        }
        WasmTypeKind::Char => js_string(&v.unwrap_char().to_string()),
        WasmTypeKind::String => js_string(&v.unwrap_string()),
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            let Some(element) = ty.list_element_type() else {
                return "[]".to_owned();
            };
            let items: Vec<String> = v.unwrap_list().map(|item| value(&element, &item)).collect();
            format!("[{}]", items.join(", "))
        }
        WasmTypeKind::Record => {
            let fields: Vec<String> = ty
                .record_fields()
                .zip(v.unwrap_record())
                .map(|((name, field), (_, item))| {
                    format!("{}: {}", property(&camel(&name)), value(&field, &item))
                })
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        WasmTypeKind::Tuple => {
            let items: Vec<String> = ty
                .tuple_element_types()
                .zip(v.unwrap_tuple())
                .map(|(element, item)| value(&element, &item))
                .collect();
            format!("[{}]", items.join(", "))
        }
        WasmTypeKind::Variant => {
            let (case, payload) = v.unwrap_variant();
            let payload_ty = ty
                .variant_cases()
                .find(|(name, _)| *name == case)
                .and_then(|(_, t)| t);
            let payload = payload.zip(payload_ty).map(|(p, t)| value(&t, &p));
            tagged(&case, payload)
        }
        WasmTypeKind::Enum => js_string(&v.unwrap_enum()),
        WasmTypeKind::Option => match (v.unwrap_option(), ty.option_some_type()) {
            (Some(some), Some(some_ty)) => value(&some_ty, &some),
            _ => "undefined".to_owned(),
        },
        WasmTypeKind::Result => {
            let (ok_ty, err_ty) = ty.result_types().unwrap_or((None, None));
            match v.unwrap_result() {
                Ok(ok) => tagged("ok", ok.zip(ok_ty).map(|(p, t)| value(&t, &p))),
                Err(err) => tagged("err", err.zip(err_ty).map(|(p, t)| value(&t, &p))),
            }
        }
        WasmTypeKind::Flags => {
            let set: Vec<String> = v.unwrap_flags().map(|f| f.into_owned()).collect();
            let flags: Vec<String> = ty
                .flags_names()
                .map(|name| {
                    let on = set.iter().any(|s| *s == name);
                    format!("{}: {on}", property(&camel(&name)))
                })
                .collect();
            format!("{{ {} }}", flags.join(", "))
        }
        _ => "undefined".to_owned(),
    }
}

/// `ty` as the program's `wave` function reads it: a type's name, or an object
/// (`{ list: "u32" }`, `{ record: [["name", "name", "string"]] }`).
fn descriptor(ty: &Type) -> String {
    let opt = |t: Option<Type>| t.as_ref().map_or("null".to_owned(), descriptor);
    match ty.kind() {
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            format!("{{ list: {} }}", opt(ty.list_element_type()))
        }
        WasmTypeKind::Record => {
            let fields: Vec<String> = ty
                .record_fields()
                .map(|(name, field)| {
                    format!(
                        "[{}, {}, {}]",
                        js_string(&name),
                        js_string(&camel(&name)),
                        descriptor(&field)
                    )
                })
                .collect();
            format!("{{ record: [{}] }}", fields.join(", "))
        }
        WasmTypeKind::Tuple => {
            let items: Vec<String> = ty.tuple_element_types().map(|t| descriptor(&t)).collect();
            format!("{{ tuple: [{}] }}", items.join(", "))
        }
        WasmTypeKind::Variant => {
            let cases: Vec<String> = ty
                .variant_cases()
                .map(|(name, payload)| format!("[{}, {}]", js_string(&name), opt(payload)))
                .collect();
            format!("{{ variant: [{}] }}", cases.join(", "))
        }
        WasmTypeKind::Enum => {
            let cases: Vec<String> = ty.enum_cases().map(|c| js_string(&c)).collect();
            format!("{{ enum: [{}] }}", cases.join(", "))
        }
        WasmTypeKind::Option => format!("{{ option: {} }}", opt(ty.option_some_type())),
        WasmTypeKind::Result => {
            let (ok, err) = ty.result_types().unwrap_or((None, None));
            format!("{{ result: [{}, {}] }}", opt(ok), opt(err))
        }
        WasmTypeKind::Flags => {
            let flags: Vec<String> = ty
                .flags_names()
                .map(|name| format!("[{}, {}]", js_string(&name), js_string(&camel(&name))))
                .collect();
            format!("{{ flags: [{}] }}", flags.join(", "))
        }
        kind => js_string(&kind.to_string()),
    }
}

/// The program's `invoke` and `wave` functions.
const INVOKE: &str = r#"
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
"#;

#[cfg(test)]
mod tests {
    use super::{camel, function_ref};

    #[test]
    fn wit_names_are_jcos_camel_case() {
        assert_eq!(camel("next-color"), "nextColor");
        assert_eq!(camel("exec-it"), "execIt");
        assert_eq!(camel("run"), "run");
        assert_eq!(function_ref("add-pair"), "guest.addPair");
        assert_eq!(
            function_ref("wasi:cli/run@0.2.0#run"),
            "guest[\"wasi:cli/run@0.2.0\"].run"
        );
    }
}
