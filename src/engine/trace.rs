//! Tracing writes: a store on an engine compiled for guest debugging, with a
//! breakpoint on every instruction that writes memory. At each, the debug handler reads
//! the instruction's operands off the paused frame and records what it is about to
//! write, and where the instruction is; a trap at the same instruction marks the
//! write as not done.
//!
//! Debug hooks need wasmtime's async entry points; `block_on` drives them on the
//! calling thread (the worker's, or the CLI's).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use anyhow::{Context as _, Result};
use wasmtime::{
    AsContextMut, DebugEvent, DebugHandler, Engine, FrameHandle, Module, ModulePC, Store,
    StoreContextMut, Trap, Val,
};

use super::cache::CompileCache;
use super::debugger::Debugger;
use super::store::StoreData;
use crate::inspect::{WriteKind, WriteSite, WriteSites};
use crate::memory::{CHUNK_BYTES, TracedWrite, Written};

/// An engine whose modules can be traced and stepped (guest debugging on). Modules
/// compiled for it run slower, so only traced sessions use it.
pub fn new_debug_engine(cache: Option<&CompileCache>) -> Result<Engine> {
    super::compiler::new_engine(cache, |c| c.guest_debug(true))
        .context("guest debugging (for tracing and stepping)")
}

/// Runs `future` to completion on this thread. The futures here (wasmtime's async
/// calls on a store whose debug handler never waits) only pend to yield.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// What a traced store needs: the module's writing instructions, and a debugger when
/// its calls can be stepped.
#[derive(Clone)]
pub struct Tracing {
    /// The module's writing instructions.
    pub sites: Arc<WriteSites>,
    /// Pauses stepped calls, when given.
    pub debugger: Option<Arc<Debugger>>,
}

/// The debug handler that records writes, and lets a `Debugger` pause the call.
#[derive(Clone)]
pub struct WriteTracer {
    sites: Arc<WriteSites>,
    debugger: Option<Arc<Debugger>>,
}

impl WriteTracer {
    /// Sets the tracer on `store` (an engine with guest debugging), with `debugger`
    /// to step calls when given.
    pub fn install(store: &mut Store<StoreData>, tracing: &Tracing) {
        store.set_debug_handler(Self {
            sites: tracing.sites.clone(),
            debugger: tracing.debugger.clone(),
        });
    }

    /// Puts a breakpoint on every writing instruction of `module`.
    pub fn arm(store: &mut Store<StoreData>, module: &Module, sites: &WriteSites) -> Result<()> {
        let mut edit = store
            .edit_breakpoints()
            .context("this engine cannot set breakpoints (guest debugging is off)")?;
        for &pc in sites.sites.keys() {
            let pc = u32::try_from(pc).context("a write instruction past 4 GiB of module")?;
            edit.add_breakpoint(module, ModulePC::new(pc))
                .map_err(anyhow::Error::from)
                .context("cannot set a breakpoint on a write")?;
        }
        Ok(())
    }

    fn site_here(
        &self,
        store: &mut StoreContextMut<'_, StoreData>,
    ) -> Option<(FrameHandle, &WriteSite)> {
        let frame = store.debug_exit_frames().next()?;
        let (_, pc) = frame.wasm_function_index_and_pc(&mut *store).ok()??;
        let site = self.sites.sites.get(&u64::from(pc.raw()))?;
        Some((frame, site))
    }

    fn record(&self, mut store: StoreContextMut<'_, StoreData>) {
        let Some((frame, site)) = self.site_here(&mut store) else {
            return;
        };
        let Some(write) = write_at(&mut store, &frame, site, &self.sites) else {
            return;
        };
        store.data_mut().trace.push_at(site.pc, write);
    }

    /// A trap at the instruction just recorded: it wrote nothing.
    fn trapped(&self, mut store: StoreContextMut<'_, StoreData>) {
        let Some((_, site)) = self.site_here(&mut store) else {
            return;
        };
        store.data_mut().trace.trapped_at(site.pc);
    }
}

/// What the instruction at `site` (one of `sites`) is about to write, from its
/// operands on the paused `frame`. Any store's data: modules' and components'.
pub(super) fn write_at<T>(
    store: &mut StoreContextMut<'_, T>,
    frame: &FrameHandle,
    site: &WriteSite,
    sites: &WriteSites,
) -> Option<TracedWrite> {
    let depth = frame.num_stacks(&mut *store).ok()?;
    // `nth_top(1)` is the top of the operand stack.
    let mut nth_top = |n: u32| frame.stack(&mut *store, depth.checked_sub(n)?).ok();
    let (range, written) = match site.kind {
        WriteKind::Store { width, offset } => {
            let value = nth_top(1)?;
            let address = unsigned(&nth_top(2)?)?.checked_add(offset)?;
            let bytes = value_bytes(&value, usize::from(width));
            (address..address + u64::from(width), Written::bytes(&bytes))
        }
        WriteKind::Fill => {
            let len = unsigned(&nth_top(1)?)?;
            let byte = unsigned(&nth_top(2)?)? as u8;
            let dst = unsigned(&nth_top(3)?)?;
            (dst..dst.checked_add(len)?, Written::Fill(byte))
        }
        WriteKind::Copy => {
            let len = unsigned(&nth_top(1)?)?;
            let src = unsigned(&nth_top(2)?)?;
            let dst = unsigned(&nth_top(3)?)?;
            let from = src..src.checked_add(len)?;
            (dst..dst.checked_add(len)?, Written::Copy { from })
        }
        WriteKind::Init { segment } => {
            let len = unsigned(&nth_top(1)?)?;
            let offset = unsigned(&nth_top(2)?)?;
            let dst = unsigned(&nth_top(3)?)?;
            (
                dst..dst.checked_add(len)?,
                Written::Segment {
                    index: segment,
                    offset,
                },
            )
        }
        // What a read-modify-write stores is known only after it ran (the recorder
        // copies it then); a breakpoint before it cannot tell.
        WriteKind::Rmw { .. } => return None,
        WriteKind::Grow => {
            let pages = unsigned(&nth_top(1)?)?;
            let instance = frame.instance(&mut *store).ok()?;
            let memory = instance.debug_memory(&mut *store, site.memory)?;
            let size = memory.data_size(&mut *store) as u64;
            let grown = pages.checked_mul(CHUNK_BYTES as u64)?;
            (size..size.checked_add(grown)?, Written::Grown { pages })
        }
    };
    Some(TracedWrite {
        range,
        place: sites.place(site).into(),
        pc: site.pc,
        op: site.op,
        memory: site.memory,
        written,
        trapped: false,
    })
}

impl DebugHandler for WriteTracer {
    type Data = StoreData;

    fn handle(
        &self,
        store: StoreContextMut<'_, StoreData>,
        event: DebugEvent<'_>,
    ) -> impl Future<Output = ()> + Send {
        let mut store = store;
        match event {
            DebugEvent::Breakpoint => {
                self.record(store.as_context_mut());
                if let Some(debugger) = &self.debugger {
                    debugger.at_instruction(&mut store, &self.sites);
                }
            }
            // A stack overflow traps in a function's prologue, before its frame can be
            // read (wasmtime 48 panics, and aborts, reading it): no write is there.
            DebugEvent::Trap(Trap::StackOverflow) => {}
            DebugEvent::Trap(trap) => {
                self.trapped(store.as_context_mut());
                if let Some(debugger) = &self.debugger {
                    debugger.at_trap(&mut store, &self.sites, trap.to_string());
                }
            }
            _ => {}
        }
        std::future::ready(())
    }
}

/// An integer operand as an unsigned address or length (i32 as u32).
fn unsigned(value: &Val) -> Option<u64> {
    match *value {
        Val::I32(v) => Some(u64::from(v as u32)),
        Val::I64(v) => Some(v as u64),
        _ => None,
    }
}

/// The first `width` little-endian bytes of a stored value.
fn value_bytes(value: &Val, width: usize) -> Vec<u8> {
    let bytes: Vec<u8> = match *value {
        Val::I32(v) => v.to_le_bytes().to_vec(),
        Val::I64(v) => v.to_le_bytes().to_vec(),
        Val::F32(bits) => bits.to_le_bytes().to_vec(),
        Val::F64(bits) => bits.to_le_bytes().to_vec(),
        Val::V128(v) => v.as_u128().to_le_bytes().to_vec(),
        _ => Vec::new(),
    };
    bytes.into_iter().take(width).collect()
}
