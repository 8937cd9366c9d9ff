//! Where a lowering's memory was last found, kept between its calls while
//! the store's memories have not grown.
//!
//! Finding a memory's bytes is a lookup in the engine's store on every
//! call (wasmtime's takes about 22 instructions). A memory moves or
//! changes length only when it grows, and both engines ask the store's
//! resource limiter before any growth; hostbind installs one on every
//! store, which counts those requests (`LimitState::memory_epoch`). So a
//! location found at one count is still right while the count is the same.

use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering::Relaxed};

/// A memory's bytes as raw parts, with the store's growth count they were
/// found at. Atomics only because the engines want host functions to be
/// `Sync`: one store uses it, at one time, so relaxed loads and stores
/// (plain moves) see each other in order.
#[derive(Debug)]
pub(crate) struct MemoryPlace {
    base: AtomicPtr<u8>,
    len: AtomicUsize,
    /// 0: never found (the store's count starts at 1).
    epoch: AtomicU64,
}

impl MemoryPlace {
    /// A place not yet found.
    pub(crate) fn new() -> MemoryPlace {
        MemoryPlace {
            base: AtomicPtr::new(NonNull::dangling().as_ptr()),
            len: AtomicUsize::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    /// The bytes, if they were found at the store's growth count `epoch`.
    #[inline(always)]
    pub(crate) fn get(&self, epoch: u64) -> Option<(NonNull<u8>, usize)> {
        if self.epoch.load(Relaxed) != epoch {
            return None;
        }
        let base = NonNull::new(self.base.load(Relaxed))?;
        Some((base, self.len.load(Relaxed)))
    }

    /// Keeps `base` and `len`, found at count `epoch`.
    pub(crate) fn set(&self, epoch: u64, base: *mut u8, len: usize) {
        let Some(base) = NonNull::new(base) else {
            return;
        };
        self.base.store(base.as_ptr(), Relaxed);
        self.len.store(len, Relaxed);
        self.epoch.store(epoch, Relaxed);
    }
}
