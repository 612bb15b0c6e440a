//! Speed of the pure memory layer at sizes a real guest reaches, each beside the plain
//! `memcmp` of the same bytes that bounds it:
//!
//! - `snapshot_diff/256MiB` (two snapshots that share no chunk and differ in a few
//!   pages) and `snapshot_capture/256MiB` (what the worker does per step) vs
//!   `memcmp/256MiB` (`a == b` over the same bytes); target: within 1.5×.
//! - `search/1GiB` (a needle at the very end of 1 GiB of pseudo-random bytes) vs
//!   `memcmp/1GiB`; target: at least half its throughput. `search/1GiB_backward`
//!   (`find_prev` from the end, the needle at 0) for comparison.
//! - `history/100_steps_1_page_each` on 64 MiB: capture and push 100 snapshots, each
//!   after changing one page; target: held bytes ≤ 64 MiB + 100 × 64 KiB (asserted).
//!
//! Run with `cargo bench --bench memory`. At most ~2 GiB is alive at once.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{
    BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use wasmscope::memory::{
    CHUNK_BYTES, History, Needle, Snapshot, changed_ranges, find_next, find_prev,
};

const MIB: usize = 1 << 20;

/// `len` pseudo-random bytes (xorshift64*): not zeros, which would make search and
/// diff unrealistically fast or slow.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = vec![0u8; len];
    for word in bytes.chunks_mut(8) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let value = state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
        word.copy_from_slice(&value[..word.len()]);
    }
    bytes
}

/// Few samples, short runs: every iteration here moves hundreds of megabytes.
fn group<'a>(c: &'a mut Criterion, name: &str, bytes: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Bytes(bytes as u64));
    group
}

fn snapshot_diff(c: &mut Criterion) {
    let len = 256 * MIB;
    let old = random_bytes(len, 1);
    let mut new = old.clone();
    // A few changed pages, the last ones, so that `old == new` scans all but 256 KiB
    // before it meets a difference (the diff's work does not depend on where they are).
    let pages = len / CHUNK_BYTES;
    for page in pages - 4..pages {
        let at = page * CHUNK_BYTES + 1000;
        new[at..at + 40].iter_mut().for_each(|b| *b = !*b);
    }
    let a = Snapshot::capture(None, &old, 0);
    // Captured without `a`: no chunk is shared, every page must be compared.
    let b = Snapshot::capture(None, &new, 0);
    assert_eq!(changed_ranges(&a, &b).len(), 4);
    assert!(old != new);

    let mut diff = group(c, "snapshot_diff", len);
    diff.bench_function("256MiB", |bench| {
        bench.iter(|| changed_ranges(black_box(&a), black_box(&b)))
    });
    diff.finish();
    let mut capture = group(c, "snapshot_capture", len);
    capture.bench_function("256MiB", |bench| {
        bench.iter(|| Snapshot::capture(Some(black_box(&a)), black_box(&new), 0))
    });
    capture.finish();
    let mut memcmp = group(c, "memcmp", len);
    memcmp.bench_function("256MiB", |bench| {
        bench.iter(|| black_box(&old[..]) == black_box(&new[..]))
    });
    memcmp.finish();
}

fn search(c: &mut Criterion) {
    let len = 1024 * MIB;
    let mut data = random_bytes(len, 2);
    let needle_bytes = b"wasmscope needle";
    let needle = match Needle::bytes(needle_bytes) {
        Ok(needle) => needle,
        Err(err) => panic!("{err:#}"),
    };
    let mut search = group(c, "search", len);

    data[len - needle_bytes.len()..].copy_from_slice(needle_bytes);
    let snapshot = Snapshot::capture(None, &data, 0);
    assert_eq!(
        find_next(&snapshot, &needle, 0),
        Some((len - needle_bytes.len()) as u64)
    );
    search.bench_function("1GiB", |bench| {
        bench.iter(|| find_next(black_box(&snapshot), black_box(&needle), 0))
    });
    drop(snapshot);

    // The same scan from the other end (memmem's reverse searcher has no SIMD
    // prefilter): the needle sits at offset 0.
    data[len - needle_bytes.len()..].fill(0);
    data[..needle_bytes.len()].copy_from_slice(needle_bytes);
    let snapshot = Snapshot::capture(None, &data, 0);
    assert_eq!(find_prev(&snapshot, &needle, u64::MAX), Some(0));
    search.bench_function("1GiB_backward", |bench| {
        bench.iter(|| find_prev(black_box(&snapshot), black_box(&needle), u64::MAX))
    });
    search.finish();
    drop(snapshot);

    let copy = data.clone();
    let mut memcmp = group(c, "memcmp", len);
    memcmp.bench_function("1GiB", |bench| {
        bench.iter(|| black_box(&data[..]) == black_box(&copy[..]))
    });
    memcmp.finish();
}

const STEPS: usize = 100;

/// Pushes the base snapshot, then `STEPS` snapshots each taken after changing one byte
/// of a different page.
fn hundred_steps(data: &mut [u8], base: &Arc<Snapshot>) -> History {
    let mut history = History::new();
    history.push("start", base.clone());
    let mut prev = base.clone();
    let pages = data.len() / CHUNK_BYTES;
    for step in 0..STEPS {
        let at = (step * 7 % pages) * CHUNK_BYTES + step;
        data[at] = !data[at];
        let snapshot = Arc::new(Snapshot::capture(Some(&prev), data, 0));
        history.push(format!("step {step}"), snapshot.clone());
        prev = snapshot;
    }
    history
}

fn history(c: &mut Criterion) {
    let len = 64 * MIB;
    let data = random_bytes(len, 3);
    let base = Arc::new(Snapshot::capture(None, &data, 0));
    let held = hundred_steps(&mut data.clone(), &base).held_bytes();
    let target = (len + STEPS * CHUNK_BYTES) as u64;
    eprintln!(
        "history/100_steps_1_page_each: held_bytes = {held} ({:.2} MiB), target ≤ {target} \
         ({:.2} MiB)",
        held as f64 / MIB as f64,
        target as f64 / MIB as f64
    );
    assert!(held <= target, "history holds {held} bytes, over {target}");

    // Throughput: bytes of memory compared, 100 captures of 64 MiB.
    let mut group = group(c, "history", STEPS * len);
    group.bench_function("100_steps_1_page_each", |bench| {
        bench.iter_batched(
            || data.clone(),
            |mut data| hundred_steps(&mut data, &base),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, snapshot_diff, search, history);
criterion_main!(benches);
