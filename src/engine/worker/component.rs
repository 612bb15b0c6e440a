//! Components on the worker: a load that finds a component compiles it for guest
//! debugging on a thread of its own (as modules are compiled) and instantiates it for
//! watching the canonical ABI; `CallComponent` calls one of its functions with WAVE
//! arguments.

use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::component::Component;

use super::Message;
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

/// A component being compiled, and what its load needs afterwards.
pub struct PendingComponent {
    name: String,
    bytes: Arc<[u8]>,
    info: ComponentInfo,
    path: Option<PathBuf>,
    session: Option<Box<Recipe>>,
}

impl WorkerState {
    /// Loads the component in `bytes`: describes it here, then compiles it for guest
    /// debugging on a thread of its own (Stop and a new load do not wait behind it);
    /// [`WorkerState::component_compiled`] instantiates it. With `session`, its
    /// `invoke` steps are called in order, as a replay.
    pub(super) fn load_component(
        &mut self,
        generation: u64,
        name: String,
        bytes: &[u8],
        path: Option<PathBuf>,
        session: Option<Box<Recipe>>,
        send: &impl Fn(Event),
    ) {
        let started = inspect_component(bytes).and_then(|info| Ok((info, self.debug_engine()?)));
        let (info, engine) = match started {
            Ok(started) => started,
            Err(err) => return self.load_failed(generation, name, format!("{err:#}"), send),
        };
        let pending = Box::new(PendingComponent {
            name: name.clone(),
            bytes: bytes.into(),
            info,
            path,
            session,
        });
        self.spawn_compile(generation, &name, send, move || {
            let component = compile_component(&engine, &pending.bytes);
            Message::ComponentCompiled {
                generation,
                component,
                pending,
            }
        });
    }

    /// Instantiates a compiled component, unless another load began since, and calls
    /// the `invoke` steps of the session that came with it.
    pub(super) fn component_compiled(
        &mut self,
        generation: u64,
        component: anyhow::Result<Component>,
        pending: PendingComponent,
        send: &impl Fn(Event),
    ) {
        if generation != self.generation {
            send(Event::LoadCancelled { name: pending.name });
            return;
        }
        let PendingComponent {
            name,
            bytes,
            info,
            path,
            session,
        } = pending;
        // Arguments and environment as for modules; no folders yet.
        let host = HostConfig::from_settings(&self.host, &name);
        let instance = component.and_then(|component| {
            ComponentSession::traced(
                &self.stop,
                &component,
                &bytes,
                &info,
                self.limits,
                &host,
                self.trace,
            )
        });
        let mut instance = match instance {
            Ok(instance) => instance,
            Err(err) => return self.load_failed(generation, name, format!("{err:#}"), send),
        };
        let exports = instance.exports();
        let snapshot = instance.memory_now();
        let notes = instance.take_notes();
        self.live = None;
        self.component = Some(LiveComponent { session: instance });
        let module = ModuleRef {
            path: path.unwrap_or_else(|| name.clone().into()),
            sha256: Some(recipe::sha256_hex(&bytes)),
        };
        send(Event::ComponentLoaded {
            generation,
            name,
            info: Box::new(info),
            exports,
            snapshot,
            notes,
            bytes,
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
        self.end_load(send);
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
