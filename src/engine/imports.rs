//! Everything a module imports, provided so that "open and explore" works with no
//! configuration: WASI where the module asks for it, a stub for every other function
//! (zeros or a trap, each call noted), and memories, tables and globals created to fit
//! their declared types.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, Result, bail};
use wasmtime::{
    Caller, Extern, ExternType, FuncType, ImportType, Linker, Memory, Module, Store, Val,
};

use super::guest_errors::{guest_said, toolchain_import};
use super::limits::human_bytes;
use super::steps::arg_text;
use super::store::StoreData;
use super::values::Value;
use super::wasi::{self, WasiConfig};
use super::wasi_sleep::guard_poll_oneoff;
use crate::inspect::{ImportKind, ModuleInfo};

pub use crate::recipe::StubPolicy;

/// How the host answers a module's imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostConfig {
    /// What WASI guests see (used only when the module imports WASI).
    pub wasi: WasiConfig,
    /// What stubbed functions do unless `stubs` says otherwise.
    pub default_stub: StubPolicy,
    /// Per-import policies, keyed `module.name` (e.g. `env.abort`).
    pub stubs: BTreeMap<String, StubPolicy>,
}

impl HostConfig {
    /// The host a session's settings describe; `program` is the WASI program name
    /// (`argv[0]`).
    pub fn from_settings(settings: &crate::recipe::HostSettings, program: &str) -> Self {
        Self {
            wasi: WasiConfig {
                args: std::iter::once(program.to_owned())
                    .chain(settings.wasi_args.iter().cloned())
                    .collect(),
                env: settings.wasi_env.clone(),
                dirs: settings.wasi_dirs.clone(),
            },
            default_stub: settings.default_stub,
            stubs: settings.stubs.clone(),
        }
    }

    /// The session settings for this host (the program name is left out).
    pub fn settings(&self) -> crate::recipe::HostSettings {
        crate::recipe::HostSettings {
            default_stub: self.default_stub,
            stubs: self.stubs.clone(),
            wasi_args: self.wasi.args.iter().skip(1).cloned().collect(),
            wasi_env: self.wasi.env.clone(),
            wasi_dirs: self.wasi.dirs.clone(),
        }
    }

    /// The policy for the import `module.name`.
    pub fn policy_for(&self, module: &str, name: &str) -> StubPolicy {
        self.stubs
            .get(&import_name(module, name))
            .copied()
            .unwrap_or(self.default_stub)
    }
}

/// A stub with the trap policy was called (the error inside the wasmtime error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubTrapped {
    /// The import, as `module.name`.
    pub import: String,
    /// What the guest said through it, for a toolchain's error import
    /// (`abort: "index out of range" at assembly/index.ts:12:5`).
    pub said: Option<String>,
}

impl fmt::Display for StubTrapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "it called the import `{}`, whose stub is set to trap",
            self.import
        )?;
        match &self.said {
            Some(said) => write!(f, " — {said}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for StubTrapped {}

/// `env.abort`: how per-import policies are keyed.
pub fn import_name(module: &str, name: &str) -> String {
    format!("{module}.{name}")
}

/// Why a module importing the shared memory `full` cannot run.
fn shared_memory_refusal(full: &str) -> String {
    format!(
        "this module imports the shared memory `{full}` (WebAssembly threads); wasmscope \
         does not create shared memories (wasmtime supports them only at tier 2, without \
         security fixes), so it cannot run this module"
    )
}

/// Refuses, before the (possibly long) compilation, a module whose imports cannot be
/// provided: a shared memory or an exception tag.
pub fn check_imports(info: &ModuleInfo) -> Result<()> {
    for import in &info.imports {
        let full = import_name(&import.module, &import.name);
        match import.kind {
            ImportKind::Memory if import.ty.memory.as_ref().is_some_and(|m| m.shared) => {
                bail!(shared_memory_refusal(&full))
            }
            ImportKind::Tag => bail!(
                "this module imports the exception tag `{full}`, which wasmscope cannot provide"
            ),
            _ => {}
        }
    }
    Ok(())
}

/// What `link` provided, for the session.
pub struct Linked {
    /// The linker, ready to instantiate the module.
    pub linker: Linker<StoreData>,
    /// The first imported memory, created here.
    pub imported_memory: Option<Memory>,
}

/// Provides every import of `module`: WASI first, then stubs and created items.
/// Notes what it did in the store's notes.
pub fn link(store: &mut Store<StoreData>, module: &Module, host: &HostConfig) -> Result<Linked> {
    let mut linker = Linker::new(store.engine());
    wasi::add_to_linker(&mut linker, module, |data: &mut StoreData| &mut data.wasi)?;
    guard_poll_oneoff(store, &mut linker)?;
    let mut linked = Linked {
        linker,
        imported_memory: None,
    };
    let mut stubbed: Vec<String> = Vec::new();
    let mut wasi_funcs = 0usize;
    for import in module.imports() {
        let full = import_name(import.module(), import.name());
        let provided = linked
            .linker
            .get(&mut *store, import.module(), import.name());
        // Older emscripten builds import some WASI functions with their i64s split in
        // two i32s (`fd_seek`): such an import gets a stub rather than failing the load.
        if let (Ok(Extern::Func(func)), ExternType::Func(ty)) = (&provided, import.ty())
            && !func.ty(&*store).matches(&ty)
        {
            let policy = host.policy_for(import.module(), import.name());
            let wasi_ty = func.ty(&*store);
            linked.linker.allow_shadowing(true);
            define_stub(&mut linked.linker, &import, ty.clone(), policy)?;
            linked.linker.allow_shadowing(false);
            store.data_mut().notes.info(format!(
                "`{full}` is imported as {}, not as {}, which is what this host \
                 provides: it is a stub instead",
                signature(&ty),
                signature(&wasi_ty)
            ));
            stubbed.push(full);
            continue;
        }
        if provided.is_ok() {
            // WASI provides it, or the module imports the same name twice (Go does).
            if wasi::is_wasi(import.module()) {
                wasi_funcs += 1;
            }
            continue;
        }
        match import.ty() {
            ExternType::Func(ty) => {
                let policy = host.policy_for(import.module(), import.name());
                define_stub(&mut linked.linker, &import, ty, policy)?;
                stubbed.push(if policy == host.default_stub {
                    full
                } else {
                    format!("{full} ({})", policy.name())
                });
            }
            ExternType::Tag(_) => bail!(
                "this module imports the exception tag `{full}`, which wasmscope cannot provide"
            ),
            ExternType::Memory(memory) if memory.is_shared() => {
                bail!(shared_memory_refusal(&full))
            }
            ty => define_item(store, &mut linked, &import, &ty, &full)?,
        }
    }
    let notes = &mut store.data_mut().notes;
    if wasi_funcs > 0 {
        notes.info(format!(
            "WASI: {wasi_funcs} imported function(s) provided; stdout and stderr are shown here{}",
            if host.wasi.dirs.is_empty() {
                ", and the guest has no filesystem access"
            } else {
                ""
            }
        ));
    }
    if !stubbed.is_empty() {
        notes.info(stubs_note(&stubbed, host.default_stub));
    }
    Ok(linked)
}

/// `(i32, i64) -> i32`, as the exports table writes signatures.
fn signature(ty: &FuncType) -> String {
    let list = |types: &mut dyn ExactSizeIterator<Item = wasmtime::ValType>| {
        types.map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
    };
    let results = list(&mut ty.results());
    let results = match ty.results().len() {
        1 => results,
        _ => format!("({results})"),
    };
    format!("({}) -> {results}", list(&mut ty.params()))
}

/// Most stubbed imports named in the note after loading.
const STUBS_NAMED: usize = 12;

/// `3 imported function(s) are stubs that return zeros (each call is logged): env.a,
/// env.b (trap), env.c`.
fn stubs_note(stubbed: &[String], default: StubPolicy) -> String {
    let what = match default {
        StubPolicy::Zeros => "return zeros",
        StubPolicy::Trap => "trap",
    };
    let mut names = stubbed[..stubbed.len().min(STUBS_NAMED)].join(", ");
    if stubbed.len() > STUBS_NAMED {
        names.push_str(&format!(" and {} more", stubbed.len() - STUBS_NAMED));
    }
    format!(
        "{} imported function(s) are stubs that {what} (each call is logged): {names}",
        stubbed.len()
    )
}

/// Creates an imported memory, table or global to fit its declared type.
fn define_item(
    store: &mut Store<StoreData>,
    linked: &mut Linked,
    import: &ImportType,
    ty: &ExternType,
    full: &str,
) -> Result<()> {
    let item = ty
        .default_value(&mut *store)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot create the imported item `{full}` ({ty:?})"))?;
    let note = match &item {
        Extern::Memory(memory) => {
            linked.imported_memory.get_or_insert(*memory);
            let size = memory.data_size(&*store) as u64;
            format!(
                "imported memory `{full}` created at its minimum size, {}",
                human_bytes(size)
            )
        }
        Extern::Global(_) => format!("imported global `{full}` created with the value 0"),
        Extern::Table(table) => format!(
            "imported table `{full}` created with {} empty entries",
            table.size(&*store)
        ),
        _ => format!("imported `{full}` created"),
    };
    linked
        .linker
        .define(&*store, import.module(), import.name(), item)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot provide the import `{full}`"))?;
    store.data_mut().notes.info(note);
    Ok(())
}

/// Defines a stub for the imported function `import` that follows `policy`.
fn define_stub(
    linker: &mut Linker<StoreData>,
    import: &ImportType,
    ty: FuncType,
    policy: StubPolicy,
) -> Result<()> {
    let name = import_name(import.module(), import.name());
    // A non-nullable reference has no zero; such a stub can only trap.
    let zeros: Option<Vec<Val>> = ty.results().map(|t| t.default_value()).collect();
    let toolchain = toolchain_import(import.module(), import.name(), &ty);
    let stub_name = name.clone();
    let stub = move |mut caller: Caller<'_, StoreData>, params: &[Val], results: &mut [Val]| {
        // A toolchain's error import: what the guest said, read from its memory.
        let said = toolchain.map(|kind| guest_said(&mut caller, kind, params));
        let told = said
            .as_deref()
            .map(|said| format!(" — {said}"))
            .unwrap_or_default();
        let notes = &mut caller.data_mut().notes;
        match (&zeros, policy) {
            (Some(zeros), StubPolicy::Zeros) => {
                results.copy_from_slice(zeros);
                notes.stub_call(|| {
                    format!(
                        "stub {stub_name}({}) -> {}{told}",
                        vals(params),
                        vals_result(zeros)
                    )
                });
                Ok(())
            }
            _ => {
                notes.stub_call(|| format!("stub {stub_name}({}) -> trap{told}", vals(params)));
                Err(wasmtime::Error::new(StubTrapped {
                    import: stub_name.clone(),
                    said,
                }))
            }
        }
    };
    linker
        .func_new(import.module(), import.name(), ty, stub)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot stub the import `{name}`"))?;
    Ok(())
}

/// `0x110008, 16` — arguments as the step log writes them.
fn vals(values: &[Val]) -> String {
    values.iter().map(val_text).collect::<Vec<_>>().join(", ")
}

/// `()`, `0`, or `(0, 0)`.
fn vals_result(values: &[Val]) -> String {
    match values {
        [] => "()".to_owned(),
        [one] => val_text(one),
        many => format!("({})", vals(many)),
    }
}

fn val_text(value: &Val) -> String {
    match Value::from_val(value) {
        Some(value) => arg_text(&value),
        None if matches!(value, Val::V128(_)) => "v128".to_owned(),
        None => "ref".to_owned(),
    }
}
