//! The one live-instance type: a core module's [`Session`] or a component's
//! [`ComponentSession`]. The runner runs every step on it (`invoke` on a component,
//! the seed's steps on a module); the worker and the CLI hold one and never ask
//! which kind it is, but to step into a call (core modules only).

use std::sync::Arc;

use super::component::ComponentSession;
use super::limits::Limits;
use super::session::{GlobalValue, Session};
use super::trace_log::Writes;
use crate::memory::Snapshot;

/// A live instance, of either kind (wasmtime's CLI calls the pair `RunTarget`).
pub enum Instance {
    /// A core module's instance.
    Core(Session),
    /// A component's instance.
    Component(ComponentSession),
}

impl Instance {
    /// The memory shown now (a component's: the core memory its canonical ABI uses),
    /// with what changed since the last snapshot.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        match self {
            Self::Core(session) => session.snapshot(),
            Self::Component(component) => component.snapshot(),
        }
    }

    /// What the guest printed and the host noted since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        match self {
            Self::Core(session) => session.take_notes(),
            Self::Component(component) => component.take_notes(),
        }
    }

    /// The writes traced since the last call, and how many were only counted (a
    /// component's are in each step's canonical-ABI trace instead).
    pub fn take_writes(&mut self) -> (Writes, u64) {
        match self {
            Self::Core(session) => session.take_writes(),
            Self::Component(_) => (Writes::default(), 0),
        }
    }

    /// Exported globals (a component exports none that can be read).
    pub fn globals(&mut self) -> Vec<GlobalValue> {
        match self {
            Self::Core(session) => session.globals(),
            Self::Component(_) => Vec::new(),
        }
    }

    /// Most writes a step lists from now on (later ones are counted).
    pub fn set_write_cap(&mut self, cap: usize) {
        match self {
            Self::Core(session) => session.set_write_cap(cap),
            Self::Component(component) => component.set_write_cap(cap),
        }
    }

    /// The limits of the calls from now on.
    pub fn set_limits(&mut self, limits: Limits) {
        match self {
            Self::Core(session) => session.set_limits(limits),
            Self::Component(component) => component.set_limits(limits),
        }
    }

    /// Host address of guest offset 0 of the memory shown.
    pub fn host_base(&mut self) -> u64 {
        match self {
            Self::Core(session) => session.host_base(),
            Self::Component(component) => component.host_base(),
        }
    }

    /// The core session, when this is a module's instance (stepping, memories,
    /// breakpoints are core-module features).
    pub fn core_mut(&mut self) -> Option<&mut Session> {
        match self {
            Self::Core(session) => Some(session),
            Self::Component(_) => None,
        }
    }

    /// Whether writes are traced to their instructions (a component's always are:
    /// it runs on the debug engine to observe its canonical ABI).
    pub fn is_traced(&self) -> bool {
        match self {
            Self::Core(session) => session.is_traced(),
            Self::Component(_) => true,
        }
    }
}

impl From<Session> for Instance {
    fn from(session: Session) -> Self {
        Self::Core(session)
    }
}

impl From<ComponentSession> for Instance {
    fn from(component: ComponentSession) -> Self {
        Self::Component(component)
    }
}
