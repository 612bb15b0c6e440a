//! How a component's load differs from a module's: it is described by
//! `inspect_component` and compiled for guest debugging (its canonical ABI is observed
//! at breakpoints) on a thread of its own; from then on it is a load like any other
//! ([`WorkerState::arrived`]): its `invoke` steps run on the one runner.

use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::component::Component;

use super::Message;
use super::load::Arrival;
use super::protocol::{Described, Event};
use super::state::{Compiled, WorkerState};
use crate::engine::component::{compile_component, component_exports};
use crate::inspect::{ComponentInfo, inspect_component};
use crate::recipe::{self, Recipe};

/// A component being compiled, and what its load needs afterwards.
pub struct PendingComponent {
    name: String,
    bytes: Arc<[u8]>,
    info: ComponentInfo,
    path: Option<PathBuf>,
    session: Option<Box<Recipe>>,
}

impl WorkerState {
    /// Loads the component in `bytes`: describes it here, then compiles it on a
    /// thread of its own (Stop and a new load do not wait behind it);
    /// [`WorkerState::component_compiled`] goes on.
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

    /// A component compiled: unless another load began since, says what it exports
    /// and makes its first instance as any load does.
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
        let info = Arc::new(info);
        let compiled = component.map(|component| {
            send(Event::Inspected {
                generation,
                name: name.clone(),
                bytes: bytes.clone(),
                described: Described::Component {
                    info: info.clone(),
                    exports: component_exports(&component),
                },
            });
            (Compiled::Component { component, info }, None)
        });
        let arrival = Arrival {
            name,
            path,
            sha256: recipe::sha256_hex(&bytes),
            binary: bytes,
            session,
            notes: Vec::new(),
        };
        self.arrived(generation, arrival, compiled, send);
    }
}
