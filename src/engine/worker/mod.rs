//! The thread that owns the `Session`. The UI (or a test) sends `Command`s and drains
//! `Event`s; a running call never blocks the sender, and `Worker::stop` interrupts it.
//! A worker thread that dies (a panic) is noticed: `try_recv` says why.

mod component;
mod files;
mod load;
mod protocol;
mod replay;
mod state;
mod stepping;

use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use wasmtime::Module;

use std::sync::Arc;

use super::cache::CompileCache;
use super::compiler::{CompileInfo, Compiler, Engines};
use super::debugger::{DebugCommand, Debugger, PauseGeneration};
use super::limits::{Limits, StopHandle};
use load::PendingLoad;
pub use protocol::{Command, Described, Event, ReplayInfo};
use state::WorkerState;

/// What reaches the worker thread: the user's commands, and compiles finishing on
/// their own threads.
enum Message {
    User(Command),
    Compiled {
        generation: u64,
        module: Result<(Module, CompileInfo)>,
        load: Box<PendingLoad>,
    },
    ComponentCompiled {
        generation: u64,
        component: Result<wasmtime::component::Component>,
        pending: Box<component::PendingComponent>,
    },
    Shutdown,
}

/// What `Worker::try_recv` found.
#[derive(Debug)]
pub enum Received {
    /// An event.
    Event(Event),
    /// Nothing yet.
    Empty,
    /// The worker thread has ended on its own (it panicked); why, as far as known.
    Dead(String),
}

/// Handle to the worker thread.
pub struct Worker {
    commands: Sender<Message>,
    /// Straight to a paused call (the worker thread waits inside it).
    debug: Sender<DebugCommand>,
    events: Receiver<Event>,
    stop: StopHandle,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker; modules it compiles are kept in `cache` when given. `wake`
    /// is called after each event is sent (the UI passes
    /// `egui::Context::request_repaint`), and once more if the thread dies.
    pub fn spawn(
        limits: Limits,
        cache: Option<CompileCache>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self> {
        let engines = Engines::new(cache.as_ref())?;
        let stop = StopHandle::new(engines.get(Compiler::Winch).clone());
        let (commands, command_rx) = mpsc::channel();
        let (event_tx, events) = mpsc::channel();
        let thread_stop = stop.clone();
        let internal = commands.clone();
        let (debug, debug_rx) = mpsc::channel();
        let wake = Arc::new(wake);
        let thread = std::thread::Builder::new()
            .name("wasmscope-engine".into())
            .spawn(move || {
                // Wakes the UI when this thread ends, however it ends, so that a
                // panic is seen at once.
                let _wake_on_exit = WakeOnDrop(wake.clone());
                let send = move |event: Event| {
                    // A closed receiver means the UI is gone; nothing left to tell.
                    let _ = event_tx.send(event);
                    wake();
                };
                let send = Arc::new(send);
                let generation = Arc::new(PauseGeneration::default());
                let pauses = {
                    let (send, generation) = (send.clone(), generation.clone());
                    Debugger::new(debug_rx, move |pause| {
                        send(Event::Paused {
                            generation: generation.get(),
                            pause: Box::new(pause),
                        });
                    })
                };
                let mut state = WorkerState::new(thread_stop, engines, limits, cache, internal);
                state.set_debugger(pauses, generation);
                let send = |event: Event| send(event);
                for message in command_rx {
                    match message {
                        Message::User(command) => state.handle(command, &send),
                        Message::Compiled {
                            generation,
                            module,
                            load,
                        } => state.compiled(generation, module, *load, &send),
                        Message::ComponentCompiled {
                            generation,
                            component,
                            pending,
                        } => state.component_compiled(generation, component, *pending, &send),
                        Message::Shutdown => break,
                    }
                }
            })
            .context("cannot start the engine thread")?;
        Ok(Self {
            commands,
            debug,
            events,
            stop,
            thread: Some(thread),
        })
    }

    /// Queues a command. A Stop pressed after this returns ends the command's call.
    /// A load first stops the call running now, if any: that module is being replaced,
    /// and the load should not wait for the call's time limit.
    pub fn send(&self, command: Command) {
        match command {
            // The worker clears the flag when the load begins.
            Command::Load { .. }
            | Command::LoadFile { .. }
            | Command::OpenSession { .. }
            | Command::Rewind { .. } => self.stop(),
            Command::Run { .. } => self.stop.reset(),
            _ => {}
        }
        // A dead thread is reported by `try_recv`; the command is lost with it.
        let _ = self.commands.send(Message::User(command));
    }

    /// Interrupts the running call, if any (and the steps queued after it), paused
    /// or not.
    pub fn stop(&self) {
        self.stop.stop();
        let _ = self.debug.send(DebugCommand::Stop);
    }

    /// Tells a paused call what to do next.
    pub fn debug(&self, command: DebugCommand) {
        let _ = self.debug.send(command);
    }

    /// The next event, if one is ready, or the news that the thread died.
    pub fn try_recv(&mut self) -> Received {
        match self.events.try_recv() {
            Ok(event) => Received::Event(event),
            Err(TryRecvError::Empty) => Received::Empty,
            Err(TryRecvError::Disconnected) => Received::Dead(self.death()),
        }
    }

    /// Waits up to `timeout` for the next event.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Why the thread ended: its panic message.
    fn death(&mut self) -> String {
        let Some(thread) = self.thread.take() else {
            return "the engine thread has ended".to_owned();
        };
        match thread.join() {
            Ok(()) => "the engine thread has ended".to_owned(),
            Err(payload) => {
                let text = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "no message".to_owned());
                format!("the engine thread panicked: {text}")
            }
        }
    }
}

struct WakeOnDrop(Arc<dyn Fn() + Send + Sync>);

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        (self.0)();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
        // A compile still running finishes on its own thread; its result is dropped.
        let _ = self.commands.send(Message::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
