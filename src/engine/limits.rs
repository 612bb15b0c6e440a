//! What a guest may spend: time per call (epoch interruption, a ticker thread, and a
//! Stop that works from another thread) and memory (a resource limiter).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wasmtime::{Engine, ResourceLimiter};

/// How often the ticker advances the epoch while a call runs (and how often a guest
/// asleep in WASI looks at the deadline and Stop).
pub const TICK: Duration = Duration::from_millis(5);

/// Limits applied to every call and instantiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time one call may take before it is interrupted.
    pub timeout_ms: u64,
    /// Largest linear memory (or sum of table bytes) a guest may grow to.
    pub memory_limit_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout_ms: 5_000,
            // The whole wasm32 address space: big enough for any wasm32 module.
            memory_limit_bytes: 4 << 30,
        }
    }
}

impl Limits {
    /// The limits a session file asks for.
    pub fn from_settings(settings: crate::recipe::LimitSettings) -> Self {
        Self {
            timeout_ms: settings.timeout_ms,
            memory_limit_bytes: settings.memory_limit_mb.saturating_mul(1 << 20),
        }
    }

    /// These limits as a session file writes them.
    pub fn settings(self) -> crate::recipe::LimitSettings {
        crate::recipe::LimitSettings {
            timeout_ms: self.timeout_ms,
            memory_limit_mb: self.memory_limit_bytes >> 20,
        }
    }
}

/// Why a call was interrupted (the error inside a wasmtime error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// The call ran past `Limits::timeout_ms`.
    Timeout {
        /// The limit that ran out.
        timeout_ms: u64,
    },
    /// Someone pressed Stop (or called `StopHandle::stop`).
    Stopped {
        /// How long the call had run.
        elapsed_ms: u64,
    },
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout { timeout_ms } => write!(f, "time limit of {timeout_ms} ms ran out"),
            Self::Stopped { elapsed_ms } => write!(f, "stopped by the user after {elapsed_ms} ms"),
        }
    }
}

impl std::error::Error for Interrupted {}

/// The guest asked for more memory than `Limits::memory_limit_bytes` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimitHit {
    /// Bytes the guest asked for.
    pub desired_bytes: u64,
    /// The limit.
    pub limit_bytes: u64,
}

impl fmt::Display for MemoryLimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "memory limit reached: the guest tried to grow to {} but the limit is {}",
            human_bytes(self.desired_bytes),
            human_bytes(self.limit_bytes)
        )
    }
}

impl std::error::Error for MemoryLimitHit {}

/// `65536` → `64 KiB`, `1073741824` → `1 GiB`, `1000` → `1000 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of((size / 16).max(1)) {
            let value = bytes as f64 / size as f64;
            return format!("{} {unit}", trim_float(value));
        }
    }
    format!("{bytes} bytes")
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The store's resource limiter: traps with `MemoryLimitHit` instead of failing quietly,
/// so the user learns why the guest stopped.
#[derive(Debug)]
pub struct Limiter {
    /// The memory limit in bytes.
    pub memory_limit_bytes: u64,
    /// The declared maximum of a recorded module's trace memory, in bytes: the memory
    /// of that maximum is wasmscope's, not the guest's, so the limit does not apply.
    pub trace_max_bytes: Option<u64>,
}

impl Limiter {
    /// A limit of `memory_limit_bytes` on every memory.
    pub fn new(memory_limit_bytes: u64) -> Self {
        Self {
            memory_limit_bytes,
            trace_max_bytes: None,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        if self.trace_max_bytes.is_some() && maximum.map(|max| max as u64) == self.trace_max_bytes {
            return Ok(true);
        }
        if desired as u64 > self.memory_limit_bytes {
            return Err(wasmtime::Error::new(MemoryLimitHit {
                desired_bytes: desired as u64,
                limit_bytes: self.memory_limit_bytes,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max) && desired < 10_000_000)
    }
}

/// Ends a running call from any thread.
#[derive(Clone)]
pub struct StopHandle {
    engine: Engine,
    requested: Arc<AtomicBool>,
}

impl StopHandle {
    /// A handle for calls running on `engine`.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            requested: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Interrupts the running call (if any) within a few milliseconds.
    pub fn stop(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.engine.increment_epoch();
    }

    /// Whether Stop was pressed since the current call began.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Clears a Stop left over from before this call.
    pub fn reset(&self) {
        self.requested.store(false, Ordering::SeqCst);
    }

    /// The engine whose epoch this handle advances.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// The clock of the call in progress, kept in the store for the epoch callback.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// When the call began.
    pub started: Instant,
    /// The limit.
    pub timeout_ms: u64,
}

impl Deadline {
    /// Decides, at each epoch tick, whether the call may go on.
    pub fn check(&self, stop: &StopHandle) -> Result<(), Interrupted> {
        let elapsed_ms = self.started.elapsed().as_millis() as u64;
        if stop.is_requested() {
            return Err(Interrupted::Stopped { elapsed_ms });
        }
        if elapsed_ms >= self.timeout_ms {
            return Err(Interrupted::Timeout {
                timeout_ms: self.timeout_ms,
            });
        }
        Ok(())
    }
}

/// Runs `work` while a ticker thread advances `engine`'s epoch every few milliseconds,
/// so the store's epoch callback gets to check the deadline and the Stop flag.
pub fn with_ticker<R>(engine: &Engine, work: impl FnOnce() -> R) -> R {
    let (done_tx, done_rx) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(TICK) {
                engine.increment_epoch();
            }
        });
        let result = work();
        drop(done_tx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(65536), "64 KiB");
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(3 << 29), "1.5 GiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
        assert_eq!(human_bytes(4 << 30), "4 GiB");
    }

    #[test]
    fn deadline_reports_stop_before_timeout() {
        let stop = StopHandle::new(Engine::default());
        let deadline = Deadline {
            started: Instant::now(),
            timeout_ms: 0,
        };
        assert!(matches!(
            deadline.check(&stop),
            Err(Interrupted::Timeout { timeout_ms: 0 })
        ));
        stop.stop();
        assert!(matches!(
            deadline.check(&stop),
            Err(Interrupted::Stopped { .. })
        ));
        stop.reset();
        assert!(!stop.is_requested());
    }
}
