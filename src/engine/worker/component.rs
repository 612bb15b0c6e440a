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
use crate::record::{ComponentRecording, instrument_component};

/// A component being compiled, and what its load needs afterwards.
pub struct PendingComponent {
    name: String,
    bytes: Arc<[u8]>,
    info: ComponentInfo,
    /// The component instrumented to record its writes (what is compiled then).
    recorded: Option<Arc<RecordedComponent>>,
    path: Option<PathBuf>,
    session: Option<Box<Recipe>>,
    /// What the log says of the load (why its writes are not recorded).
    notes: Vec<String>,
}

/// A component instrumented to record its writes, and what `inspect_component` says
/// of the instrumented bytes (where its core modules are, for the breakpoints).
pub struct RecordedComponent {
    /// The instrumented component and its modules' recordings.
    pub recording: ComponentRecording,
    /// The instrumented component, described.
    pub info: ComponentInfo,
}

/// `bytes` instrumented and described, or why not (`None` with no note: nothing in
/// it writes memory).
fn recorded(bytes: &[u8]) -> (Option<Arc<RecordedComponent>>, Option<String>) {
    let recorded = instrument_component(bytes).and_then(|recording| {
        recording
            .map(|recording| {
                let info = inspect_component(&recording.bytes)?;
                Ok(Arc::new(RecordedComponent { recording, info }))
            })
            .transpose()
    });
    match recorded {
        Ok(recorded) => (recorded, None),
        Err(err) => (
            None,
            Some(format!(
                "Its writes are not recorded: cannot instrument it ({err:#})."
            )),
        ),
    }
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
        let record = self.record && !self.trace;
        let mut pending = Box::new(PendingComponent {
            name: name.clone(),
            bytes: bytes.into(),
            info,
            recorded: None,
            path,
            session,
            notes: Vec::new(),
        });
        self.spawn_compile(generation, &name, send, move || {
            // Instrumenting a big component takes a while: here, not on the worker.
            if record {
                let (recorded, note) = recorded(&pending.bytes);
                pending.recorded = recorded;
                pending.notes.extend(note);
            }
            let compiled = match &pending.recorded {
                Some(recorded) => &recorded.recording.bytes[..],
                None => &pending.bytes[..],
            };
            let component = compile_component(&engine, compiled);
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
            recorded,
            path,
            session,
            notes,
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
            let compiled = Compiled::Component {
                component,
                info,
                recorded,
            };
            (compiled, None)
        });
        let arrival = Arrival {
            name,
            path,
            sha256: recipe::sha256_hex(&bytes),
            binary: bytes,
            session,
            notes,
        };
        self.arrived(generation, arrival, compiled, send);
    }
}
