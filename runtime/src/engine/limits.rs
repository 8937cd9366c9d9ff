//! Limits for untrusted guests: fuel, interruption from another thread, and
//! a limiter on memory and table growth, the same on every engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result, Trap};

/// Decides whether a store's memories and tables may grow, as wasmtime's
/// `ResourceLimiter` does. Set one with [`Store::limiter`](crate::Store::limiter).
///
/// Sizes are in bytes for memories and in elements for tables; `maximum` is
/// what the module declares, if anything. Returning `Ok(false)` makes the
/// growth fail as the guest sees it (`memory.grow` returns -1, and an
/// initial size fails instantiation); returning `Err` traps instead.
pub trait ResourceLimiter {
    /// A memory asks to grow from `current` to `desired` bytes.
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool>;

    /// A table asks to grow from `current` to `desired` elements.
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool>;
}

/// Fixed limits on memory and table sizes: the [`ResourceLimiter`] most
/// hosts need. Build one with [`StoreLimits::builder`].
///
/// ```
/// use hostbind::{Engine, StoreLimits, Store};
///
/// struct Ctx { limits: StoreLimits }
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, Ctx {
///     limits: StoreLimits::builder().memory_size(1 << 20).build(),
/// });
/// store.limiter(|cx: &mut Ctx| &mut cx.limits);
/// ```
#[derive(Clone, Debug, Default)]
pub struct StoreLimits {
    memory_size: Option<usize>,
    table_elements: Option<usize>,
    trap_on_grow_failure: bool,
}

/// Builds [`StoreLimits`].
#[derive(Clone, Debug, Default)]
pub struct StoreLimitsBuilder(StoreLimits);

impl StoreLimits {
    /// No limits yet; add them with the builder's methods.
    pub fn builder() -> StoreLimitsBuilder {
        StoreLimitsBuilder::default()
    }
}

impl StoreLimitsBuilder {
    /// No memory of the store may be larger than `bytes`.
    pub fn memory_size(mut self, bytes: usize) -> Self {
        self.0.memory_size = Some(bytes);
        self
    }

    /// No table of the store may have more than `elements` elements.
    pub fn table_elements(mut self, elements: usize) -> Self {
        self.0.table_elements = Some(elements);
        self
    }

    /// Trap, naming the limit, instead of letting the growth fail quietly
    /// (`memory.grow` returning -1).
    pub fn trap_on_grow_failure(mut self, trap: bool) -> Self {
        self.0.trap_on_grow_failure = trap;
        self
    }

    /// The limits.
    pub fn build(self) -> StoreLimits {
        self.0
    }
}

impl StoreLimits {
    fn decide(
        &self,
        what: &str,
        unit: &str,
        current: usize,
        desired: usize,
        limit: Option<usize>,
    ) -> Result<bool> {
        match limit {
            Some(limit) if desired > limit => {
                if self.trap_on_grow_failure {
                    Err(Trap::new(format!(
                        "{what} limit reached: a {what} of {current} {unit} may not grow to {desired} {unit}; the store allows at most {limit} {unit}"
                    ))
                    .into())
                } else {
                    Ok(false)
                }
            }
            _ => Ok(true),
        }
    }
}

impl ResourceLimiter for StoreLimits {
    fn memory_growing(&mut self, current: usize, desired: usize, _: Option<usize>) -> Result<bool> {
        self.decide("memory", "bytes", current, desired, self.memory_size)
    }

    fn table_growing(&mut self, current: usize, desired: usize, _: Option<usize>) -> Result<bool> {
        self.decide("table", "elements", current, desired, self.table_elements)
    }
}

/// Stops a store's guest code from any thread: the guest code running in
/// the store, or the next that starts, traps with an error saying it was
/// interrupted. Get one with [`Store::interrupt_handle`](crate::Store::interrupt_handle);
/// the engine needs [`Config::interruptible`](crate::Config::interruptible).
///
/// Each interruption stops one call; the store is usable afterwards
/// (though the instance it stopped is poisoned, as after any trap).
#[derive(Clone)]
pub struct InterruptHandle {
    pub(crate) flag: Arc<AtomicBool>,
    /// Makes the engine look at the flag soon (wasmtime's epoch).
    pub(crate) wake: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl InterruptHandle {
    /// Interrupts the store's guest code.
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::SeqCst);
        if let Some(wake) = &self.wake {
            wake();
        }
    }
}

impl core::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InterruptHandle")
            .field("interrupted", &self.flag.load(Ordering::Relaxed))
            .finish()
    }
}

/// A store's limits, as its engine backend applies them.
pub(crate) struct LimitState<T> {
    /// Whether the engine meters fuel for the user.
    pub(crate) fuel: bool,
    /// Whether the engine can be interrupted.
    pub(crate) interruptible: bool,
    /// The user's remaining fuel where the backend meters it itself (wasmi
    /// running interruptibly, in slices); `None` for unmetered.
    pub(crate) user_fuel: Option<u64>,
    /// The fuel handed to the engine at the last refill.
    pub(crate) given: u64,
    pub(crate) interrupt: Arc<AtomicBool>,
    pub(crate) limiter: Option<LimiterFn<T>>,
    /// The error a limiter returned, while the engine unwinds with its own.
    pub(crate) limit_error: Option<Error>,
    /// The store's data, for the engines, whose limiter is this state
    /// itself; set just before the engine is handed it.
    pub(crate) data: *mut T,
    /// Counts the times a memory of the store asked to grow: a memory's
    /// bytes move or change length only when it grows, and both engines
    /// ask the limiter (this state, installed on every store) first. Host
    /// calls keep a memory's location with the count it was found at.
    pub(crate) memory_epoch: u64,
}

// SAFETY: both engines require their resource limiter, which this state
// is, to be `Send`. Its other fields are `Send` whatever `T` is; `data` is
// the exception. It is only dereferenced during a limiter call, on the
// thread running the store, and it is set from the store's own `&mut` data
// right before each such call. The state is never sent apart from its
// store, which is `Send` only when `T` is, so no `T` is reached from
// another thread through it.
unsafe impl<T> Send for LimitState<T> {}

// SAFETY: `data` is only read through `&mut self` (a limiter call, which
// needs the store borrowed mutably); a shared borrow of the state, from any
// thread, cannot reach it. The other fields are `Sync` when `T` is.
unsafe impl<T: Sync> Sync for LimitState<T> {}

/// The user's getter from the store's data to its limiter.
pub(crate) type LimiterFn<T> = Box<dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync>;

impl<T> LimitState<T> {
    pub(crate) fn new(fuel: bool, interruptible: bool) -> LimitState<T> {
        LimitState {
            fuel,
            interruptible,
            user_fuel: fuel.then_some(0),
            given: 0,
            interrupt: Arc::new(AtomicBool::new(false)),
            limiter: None,
            limit_error: None,
            data: core::ptr::null_mut(),
            memory_epoch: 1,
        }
    }

    /// Asks the user's limiter from inside an engine's growth check, with
    /// the data the engine's limiter closure set.
    pub(crate) fn ask_engine(
        &mut self,
        memory: bool,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> core::result::Result<bool, ()> {
        if memory {
            // Before the answer: whatever it is, the memory may be
            // elsewhere when the engine is done.
            self.memory_epoch = self.memory_epoch.wrapping_add(1);
        }
        if self.data.is_null() {
            return Ok(true);
        }
        // SAFETY: `enable_limiter`'s closure set `data` from the store's
        // `&mut` data just before the engine called this, and the engine
        // holds that borrow of the store for the whole call; `data` points
        // to a field disjoint from this state.
        let data = unsafe { &mut *self.data };
        self.ask(data, memory, current, desired, maximum)
    }

    /// Takes a pending interruption, if any.
    pub(crate) fn take_interrupt(&self) -> bool {
        self.interrupt.swap(false, Ordering::SeqCst)
    }

    /// Asks the user's limiter, if any; an `Err` is kept for the caller.
    pub(crate) fn ask(
        &mut self,
        data: &mut T,
        memory: bool,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> core::result::Result<bool, ()> {
        let Some(get) = self.limiter.as_mut() else {
            return Ok(true);
        };
        let limiter = get(data);
        let answer = if memory {
            limiter.memory_growing(current, desired, maximum)
        } else {
            limiter.table_growing(current, desired, maximum)
        };
        answer.map_err(|e| self.limit_error = Some(e))
    }
}

/// The message of a guest that used all its fuel.
pub(crate) const OUT_OF_FUEL: &str =
    "fuel ran out: the guest used all the fuel the store was given (`Store::set_fuel`)";

/// The trap of a guest that used all its fuel.
pub(crate) fn out_of_fuel() -> Error {
    Trap::new(OUT_OF_FUEL).into()
}

/// The message of a guest stopped through an [`InterruptHandle`].
pub(crate) const INTERRUPTED: &str = "interrupted: the store's `InterruptHandle` stopped the guest";

/// The trap of a guest stopped through an [`InterruptHandle`].
pub(crate) fn interrupted() -> Error {
    Trap::new(INTERRUPTED).into()
}

/// The error for a fuel call on an engine that does not meter fuel.
pub(crate) fn fuel_off() -> Error {
    anyhow::anyhow!(
        "fuel is not enabled for this engine; create it with `Config::consume_fuel(true)`"
    )
}
