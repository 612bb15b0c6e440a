//! Emscripten's minified modules export `malloc` under a one- or two-letter name (`Ia`);
//! only the JavaScript glue shipped next to the `.wasm` says which. This reads that
//! glue text for `_malloc = <exports>.Ia` (and the `Module["asm"]["Ia"]` form).

use super::allocators::{Allocator, Convention};
use crate::inspect::ModuleInfo;

/// `malloc` as named by the emscripten glue `MODULE.js` beside `module`, if there is
/// one (minified emscripten builds export it under a one- or two-letter name).
pub fn glue_allocator(module: &std::path::Path, info: &ModuleInfo) -> Option<Allocator> {
    let glue = module.with_extension("js");
    let text = std::fs::read_to_string(&glue).ok()?;
    let name = glue.file_name()?.to_string_lossy().into_owned();
    malloc_from_glue(&text, info, &name)
}

/// The malloc export named in emscripten glue `js`, checked against the module: it
/// must be an exported function taking one size and returning one pointer.
/// `glue_name` (the file name) goes into the allocator's description.
pub fn malloc_from_glue(js: &str, info: &ModuleInfo, glue_name: &str) -> Option<Allocator> {
    const NEEDLE: &str = "_malloc";
    js.match_indices(NEEDLE).find_map(|(at, _)| {
        let before = js[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            return None;
        }
        let rest = &js[at + NEEDLE.len()..];
        let rest = rest
            .strip_prefix("\"]")
            .or_else(|| rest.strip_prefix("']"))
            .unwrap_or(rest);
        let rest = rest.trim_start().strip_prefix('=')?.trim_start();
        let name = last_member(rest)?;
        let sig = info.export_func(name)?;
        let mut allocator = Allocator::classify(name, sig, None)?;
        if !matches!(allocator.convention, Convention::Alloc | Convention::Malloc) {
            return None;
        }
        allocator.convention = Convention::Malloc;
        allocator.source = Some(format!("`_malloc` in {glue_name}"));
        Some(allocator)
    })
}

/// The last member named in an expression such as `c.Ia` or `Module["asm"]["Ia"]`,
/// which ends where the expression ends (`;`, `,`, `)`, `(`, `=`, space, …). An arrow
/// function (`a=>…`) has none.
fn last_member(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| {
            matches!(c, ';' | ',' | ')' | '(' | '}' | '=' | '|' | '&' | '?') || c.is_whitespace()
        })
        .unwrap_or(text.len());
    let expr = &text[..end];
    if expr.is_empty() || text[end..].starts_with("=>") {
        return None;
    }
    let name = if let Some(inner) = expr.strip_suffix("\"]").or_else(|| expr.strip_suffix("']")) {
        let open = inner.rfind(['"', '\''])?;
        &inner[open + 1..]
    } else {
        expr.rsplit('.').next()?
    };
    let is_ident = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    is_ident.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::inspect;

    fn module() -> ModuleInfo {
        let wasm = wat::parse_str(
            r#"(module (memory (export "O") 1)
                 (func (export "Ia") (param i32) (result i32) i32.const 16)
                 (func (export "Ja") (param i32))
                 (func (export "xx") (param i32) (result i32) i32.const 16))"#,
        )
        .unwrap();
        inspect(&wasm).unwrap()
    }

    #[test]
    fn finds_malloc_in_minified_glue() {
        let info = module();
        let sql = "k._sqlite3_open=c.Ha;da=k._malloc=c.Ia;ea=k._free=c.Ja;";
        let found = malloc_from_glue(sql, &info, "sql-wasm.js").unwrap();
        assert_eq!(found.export, "Ia");
        assert_eq!(found.convention, Convention::Malloc);
        assert_eq!(
            found.to_string(),
            "Ia (malloc, found as `_malloc` in sql-wasm.js)"
        );
        let old = r#"var _malloc=Module["_malloc"]=function(){return(_malloc=Module["_malloc"]=Module["asm"]["xx"]).apply(null,arguments)};"#;
        assert_eq!(malloc_from_glue(old, &info, "x.js").unwrap().export, "xx");
    }

    #[test]
    fn ignores_what_is_not_an_allocator() {
        let info = module();
        for js in [
            "x._malloc=c.Ja;",            // wrong signature
            "x._malloc=c.Nope;",          // not exported
            "var _malloc=a=>(0,c.Q)(a);", // an arrow function
            "my_malloc=c.Ia;",            // another name
            "",
        ] {
            assert_eq!(malloc_from_glue(js, &info, "x.js"), None, "{js}");
        }
    }
}
