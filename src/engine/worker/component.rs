//! Components on the worker: a load that finds a component instantiates it for
//! watching the canonical ABI (compiled for guest debugging, on the worker thread),
//! and `CallComponent` calls one of its functions with WAVE arguments.

use super::protocol::Event;
use super::state::WorkerState;
use crate::engine::component::{ComponentSession, compile_component};
use crate::engine::imports::HostConfig;
use crate::inspect::{ComponentInfo, inspect_component};
use crate::recipe::{self, ModuleRef, Op, Recipe};

/// The component loaded instead of a module.
pub struct LiveComponent {
    /// Its instance.
    pub session: ComponentSession,
}

impl WorkerState {
    /// Loads the component in `bytes`: describes it, compiles it for guest debugging
    /// and instantiates it; the module shown before is dropped.
    /// With `session`, its `invoke` steps are called in order, as a replay.
    pub(super) fn load_component(
        &mut self,
        generation: u64,
        name: String,
        bytes: &[u8],
        path: Option<std::path::PathBuf>,
        session: Option<Box<Recipe>>,
        send: &impl Fn(Event),
    ) {
        let loaded = (|| -> anyhow::Result<(ComponentInfo, ComponentSession)> {
            let info = inspect_component(bytes)?;
            let engine = self.debug_engine()?;
            let component = compile_component(&engine, bytes)?;
            // Arguments and environment as for modules; no folders yet.
            let host = HostConfig::from_settings(&self.host, &name);
            let session = ComponentSession::traced(
                &self.stop,
                &component,
                bytes,
                &info,
                self.limits,
                &host,
                self.trace,
            )?;
            Ok((info, session))
        })();
        match loaded {
            Ok((info, mut instance)) => {
                let exports = instance.exports();
                let snapshot = instance.memory_now();
                let notes = instance.take_notes();
                self.live = None;
                self.component = Some(LiveComponent { session: instance });
                let module = ModuleRef {
                    path: path.unwrap_or_else(|| name.clone().into()),
                    sha256: Some(recipe::sha256_hex(bytes)),
                };
                send(Event::ComponentLoaded {
                    generation,
                    name,
                    info: Box::new(info),
                    exports,
                    snapshot,
                    notes,
                    bytes: bytes.into(),
                    module,
                });
                for step in session.map(|s| s.steps).unwrap_or_default() {
                    match step.op {
                        Op::Invoke { export, args } => self.call_component(&export, &args, send),
                        other => send(Event::CommandFailed {
                            error: format!(
                                "`{}` is a step for core modules; a component's session has only \
                                 `invoke` steps",
                                other.kind()
                            ),
                        }),
                    }
                }
            }
            Err(err) => send(Event::LoadFailed {
                generation,
                name,
                error: format!("{err:#}"),
            }),
        }
    }

    /// Calls `name(args)` on the loaded component.
    pub(super) fn call_component(&mut self, name: &str, args: &[String], send: &impl Fn(Event)) {
        let Some(live) = &mut self.component else {
            send(Event::CommandFailed {
                error: "no component is loaded".to_owned(),
            });
            return;
        };
        self.stop.reset();
        let call = Op::Invoke {
            export: name.to_owned(),
            args: args.to_vec(),
        };
        // Arguments that do not fit fail like the call would: the window is waiting.
        let (results, trace) = match live.session.call_traced(name, args) {
            Ok(called) => (called.results, called.trace),
            Err(err) => (Err(err), None),
        };
        send(Event::ComponentCalled {
            generation: self.generation,
            call,
            results: results.map_err(|err| format!("{err:#}")),
            trace: trace.map(Box::new),
            notes: live.session.take_notes(),
        });
    }
}
