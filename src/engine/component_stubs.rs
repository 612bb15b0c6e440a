//! A component's imports that WASI does not provide: stubs that answer the zero of
//! their WIT result type, or trap, as the host settings say; each call is noted.

use anyhow::Result;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Linker, Type, Val};

use super::component::ComponentHost;
use super::imports::{HostConfig, StubPolicy, StubTrapped};

/// Defines every import that WASI does not provide as a stub that answers zeros or
/// traps, as `host` says (keyed by the import's name, `host-log` or
/// `interface#function`), each call noted; resources become empty host resources.
/// Returns their names. Not `define_unknown_imports_as_traps`: it defines
/// `wasi:cli/stdout@0.2.6` by its exact name, which then hides the WASI (0.2.12) that
/// semver matching would have found.
pub(super) fn stub_imports(
    linker: &mut Linker<ComponentHost>,
    component: &Component,
    wasi_linked: bool,
    host: &HostConfig,
) -> Result<Vec<String>> {
    let engine = component.engine();
    let mut stubbed = Vec::new();
    let policy = |full: &str| host.stubs.get(full).copied().unwrap_or(host.default_stub);
    let stub = |full: String, policy: StubPolicy| {
        move |mut caller: wasmtime::StoreContextMut<'_, ComponentHost>,
              ty: ComponentFunc,
              params: &[Val],
              results: &mut [Val]| {
            let zeros: Option<Vec<Val>> = ty.results().map(|t| zero(&t)).collect();
            let args = params
                .iter()
                .map(|v| v.to_wave().unwrap_or_else(|_| "?".to_owned()))
                .collect::<Vec<_>>()
                .join(", ");
            let notes = &mut caller.data_mut().notes;
            match (policy, zeros) {
                (StubPolicy::Zeros, Some(zeros)) => {
                    let answer = zeros
                        .iter()
                        .map(|v| v.to_wave().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(", ");
                    notes.stub_call(|| format!("stub {full}({args}) -> {answer}"));
                    for (slot, value) in results.iter_mut().zip(zeros) {
                        *slot = value;
                    }
                    Ok(())
                }
                _ => {
                    notes.stub_call(|| format!("stub {full}({args}) -> trap"));
                    Err(wasmtime::Error::new(StubTrapped {
                        import: full.clone(),
                        said: None,
                    }))
                }
            }
        }
    };
    for (name, item) in component.component_type().imports(engine) {
        if wasi_linked && name.starts_with("wasi:") {
            continue;
        }
        match item.ty {
            ComponentItem::ComponentFunc(_) => {
                linker
                    .root()
                    .func_new(name, stub(name.to_owned(), policy(name)))
                    .map_err(anyhow::Error::from)?;
                stubbed.push(format!("{name} ({})", policy(name).name()));
            }
            ComponentItem::ComponentInstance(instance) => {
                let mut inner = linker.instance(name).map_err(anyhow::Error::from)?;
                for (member, item) in instance.exports(engine) {
                    let full = format!("{name}#{member}");
                    match item.ty {
                        ComponentItem::ComponentFunc(_) => inner
                            .func_new(member, stub(full.clone(), policy(&full)))
                            .map_err(anyhow::Error::from)?,
                        ComponentItem::Resource(_) => inner
                            .resource(
                                member,
                                wasmtime::component::ResourceType::host::<()>(),
                                |_, _| Ok(()),
                            )
                            .map_err(anyhow::Error::from)?,
                        _ => {}
                    }
                }
                stubbed.push(name.to_owned());
            }
            _ => {}
        }
    }
    Ok(stubbed)
}

/// The zero of WIT type `ty`, what a zeros stub answers: 0, false, "", [], none, the
/// first case; `None` for handles and streams, which have no zero (the stub traps).
fn zero(ty: &Type) -> Option<Val> {
    Some(match ty {
        Type::Bool => Val::Bool(false),
        Type::S8 => Val::S8(0),
        Type::U8 => Val::U8(0),
        Type::S16 => Val::S16(0),
        Type::U16 => Val::U16(0),
        Type::S32 => Val::S32(0),
        Type::U32 => Val::U32(0),
        Type::S64 => Val::S64(0),
        Type::U64 => Val::U64(0),
        Type::Float32 => Val::Float32(0.0),
        Type::Float64 => Val::Float64(0.0),
        Type::Char => Val::Char('\0'),
        Type::String => Val::String(String::new()),
        Type::List(_) => Val::List(Vec::new()),
        Type::Option(_) => Val::Option(None),
        Type::Flags(_) => Val::Flags(Vec::new()),
        Type::Enum(e) => Val::Enum(e.names().next()?.to_owned()),
        Type::Tuple(t) => Val::Tuple(t.types().map(|t| zero(&t)).collect::<Option<_>>()?),
        Type::Record(r) => Val::Record(
            r.fields()
                .map(|f| Some((f.name.to_owned(), zero(&f.ty)?)))
                .collect::<Option<_>>()?,
        ),
        Type::Result(r) => Val::Result(Ok(match r.ok() {
            Some(ok) => Some(Box::new(zero(&ok)?)),
            None => None,
        })),
        Type::Variant(v) => {
            let case = v.cases().next()?;
            let payload = match case.ty {
                Some(ty) => Some(Box::new(zero(&ty)?)),
                None => None,
            };
            Val::Variant(case.name.to_owned(), payload)
        }
        _ => return None,
    })
}
