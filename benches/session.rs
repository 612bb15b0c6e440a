//! `replay/100_steps`: a session of 100 steps (the seed's alloc, write, call, read, 25
//! times over) replayed on a fresh instance of `append.wasm`, as "Continue from here"
//! and `wasmscope replay` do: instantiate, then run every step through the one runner,
//! a snapshot after each. The module is compiled once, outside the measurement.
//!
//! The bench profile builds wasmtime at opt-level 0 (see `Cargo.toml`), so calls into
//! the guest are slower here than in a release build; the snapshots (this crate and
//! memchr, optimised) are the same work.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wasmscope::engine::{
    AfterFailure, HostConfig, Limits, RunObserver, Runner, Session, StepReport, StopHandle,
    new_engine, run_steps,
};
use wasmscope::recipe::{Expr, Input, Returns, SeedChoice, Step, seed_steps};

/// Counts the steps that failed.
struct Count(usize);

impl RunObserver for Count {
    fn done(&mut self, report: StepReport) -> anyhow::Result<()> {
        self.0 += usize::from(report.failed());
        Ok(())
    }
}

fn replay(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm"))
        .expect("the demo module");
    let stop = StopHandle::new(new_engine().expect("an engine"));
    let module = wasmtime::Module::new(stop.engine(), &bytes).expect("append.wasm compiles");
    let choice = SeedChoice {
        allocator: "alloc".into(),
        size: Expr::new("len(input) + 30"),
        call: Some("append".into()),
        returns: Returns::Len,
        len_from: String::new(),
    };
    let steps: Vec<Step> = (0..25).flat_map(|_| seed_steps(&choice)).collect();
    assert_eq!(steps.len(), 100);
    let input = Input::Text("The input string".into());
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.bench_function("100_steps", |b| {
        b.iter(|| {
            let mut session =
                Session::from_module(&stop, &module, Limits::default(), &HostConfig::default())
                    .expect("instantiates");
            let mut runner = Runner::new(Some(&input));
            let mut failed = Count(0);
            let end = run_steps(
                &mut session,
                &mut runner,
                &steps,
                AfterFailure::Continue,
                &mut failed,
            )
            .expect("runs");
            assert_eq!((end.ran, failed.0), (100, 0));
            black_box(end)
        });
    });
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
