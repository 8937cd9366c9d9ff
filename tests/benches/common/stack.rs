//! Runs a benchmark's batches from stacks shifted by different amounts, so
//! that one process measures a system over many stack positions.
//!
//! How a call's stack slots fall against cache lines and 4 KiB pages, and
//! so whether its loads wait on unrelated stores, depends on where the
//! stack starts; the kernel picks that at random. On the machines these
//! benches run on, the same host call takes 17 or 28 ns, the fallible floor
//! 13 or 23 ns, from one run to the next (`setarch -R` with environments of
//! different sizes shows it). Shifting the stack within the process samples
//! those positions for every system alike.

use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How many shifts, of one frame of [`descend`] each: 48 bytes on x86-64,
/// so that they cover every 16-byte position in a cache line and 4 KiB.
const SHIFTS: u32 = 96;

/// The next shift, carried from one sample to the next.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// Runs `batch` `iters` times, each from the next shift, and returns the
/// time they took (with the shifting, a few nanoseconds a batch).
pub fn shifted_batches(iters: u64, batch: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let shift = NEXT.fetch_add(1, Ordering::Relaxed) % SHIFTS;
        descend(shift, batch);
    }
    start.elapsed()
}

/// Calls `f` from `depth` frames further down the stack.
#[inline(never)]
fn descend(depth: u32, f: &mut dyn FnMut()) {
    // A local the optimiser must keep, so every frame has the same size.
    let pad = black_box([0u8; 16]);
    if depth == 0 {
        f();
    } else {
        descend(depth - 1, f);
    }
    // Used after the call, so the recursion is not a jump.
    black_box(&pad);
}
