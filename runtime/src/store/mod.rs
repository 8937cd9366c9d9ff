//! `Store<T>`: the user's data, call hooks, and the instances living in one engine store.

pub(crate) mod adapter;
pub(crate) mod instance;

pub(crate) mod resource;
pub(crate) mod tasks;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::limits::{InterruptHandle, LimitState, ResourceLimiter};
use crate::engine::wasmi::Wasmi;
use crate::engine::{Backend, Engine, EngineRepr};
use crate::error::{Error, Result};
use crate::store::instance::InstanceState;

/// Where a call hook fires, as in wasmtime's `CallHook`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallHook {
    /// The host is about to call an export of a component.
    CallingWasm,
    /// An export call has returned to the host.
    ReturningFromWasm,
    /// A component is about to call a host function.
    CallingHost,
    /// A host function is about to return to the component.
    ReturningFromHost,
}

type Hook<T> = Box<dyn FnMut(&mut T, CallHook) -> Result<()> + Send + Sync>;

/// hostbind's part of an engine store.
pub(crate) struct StoreData<T, B: Backend> {
    pub(crate) data: T,
    pub(crate) id: u64,
    pub(crate) hook: Option<Hook<T>>,
    /// The error of a host function that trapped, on its way to the export
    /// call that will report it.
    pub(crate) pending: Option<Error>,
    pub(crate) instances: Vec<InstanceState<B>>,
    pub(crate) limits: LimitState<T>,
    /// Tasks and waitable sets of the async ABI, made when a component
    /// that uses it is first called.
    pub(crate) tasks: Option<Box<tasks::Tasks<B>>>,
    /// Forgets the store's dropped host ends when the store goes.
    _ends: crate::concurrent::host_end::StoreEnds,
}

impl<T: 'static, B: Backend> crate::engine::EngineData for StoreData<T, B> {
    type User = T;
    fn limits(&self) -> &LimitState<T> {
        &self.limits
    }
    fn limits_mut(&mut self) -> &mut LimitState<T> {
        &mut self.limits
    }
    fn limiter(&mut self) -> (&mut LimitState<T>, &mut T) {
        (&mut self.limits, &mut self.data)
    }
    fn take_pending(&mut self) -> Option<Error> {
        self.pending.take()
    }
}

/// An engine's store context over hostbind's store data.
pub(crate) type Cx<'a, B, T> = <B as Backend>::Cx<'a, StoreData<T, B>>;

impl<T, B: Backend> StoreData<T, B> {
    fn new(data: T, id: u64, engine: &Engine) -> Self {
        let config = engine.config();
        StoreData {
            data,
            id,
            hook: None,
            pending: None,
            instances: Vec::new(),
            limits: LimitState::new(config.consume_fuel, config.interruptible),
            tasks: None,
            _ends: crate::concurrent::host_end::StoreEnds(id),
        }
    }

    /// Runs the call hook, if any.
    #[inline]
    pub(crate) fn hook(&mut self, hook: CallHook) -> Result<()> {
        match &mut self.hook {
            Some(f) => f(&mut self.data, hook),
            None => Ok(()),
        }
    }
}

/// All state of component instances, plus the user's data `T`.
pub struct Store<T: 'static> {
    pub(crate) repr: StoreRepr<T>,
}

// A store is made once and then used in place; boxing the larger engine
// store would add an indirection to every call for no gain.
#[allow(clippy::large_enum_variant)]
pub(crate) enum StoreRepr<T: 'static> {
    Wasmi(<Wasmi as Backend>::Store<StoreData<T, Wasmi>>),
    #[cfg(feature = "wasmtime")]
    Wasmtime(
        <crate::engine::wasmtime::Wasmtime as Backend>::Store<
            StoreData<T, crate::engine::wasmtime::Wasmtime>,
        >,
    ),
}

/// Dispatches on the store's engine, binding the backend type as `$B` and
/// the engine store as `$s`.
#[cfg(not(feature = "wasmtime"))]
macro_rules! with_backend {
    ($store:expr, |$s:ident, $B:ident| $body:expr) => {
        match $store {
            $crate::store::StoreRepr::Wasmi($s) => {
                type $B = $crate::engine::wasmi::Wasmi;
                $body
            }
        }
    };
}

/// Dispatches on the store's engine, binding the backend type as `$B` and
/// the engine store as `$s`.
#[cfg(feature = "wasmtime")]
macro_rules! with_backend {
    ($store:expr, |$s:ident, $B:ident| $body:expr) => {
        match $store {
            $crate::store::StoreRepr::Wasmi($s) => {
                type $B = $crate::engine::wasmi::Wasmi;
                $body
            }
            $crate::store::StoreRepr::Wasmtime($s) => {
                type $B = $crate::engine::wasmtime::Wasmtime;
                $body
            }
        }
    };
}
pub(crate) use with_backend;

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl<T: 'static> Store<T> {
    /// A store on `engine` holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let repr = match &engine.repr {
            EngineRepr::Wasmi(e) => {
                StoreRepr::Wasmi(Wasmi::new_store(e, StoreData::new(data, id, engine)))
            }
            #[cfg(feature = "wasmtime")]
            EngineRepr::Wasmtime(e) => StoreRepr::Wasmtime(
                crate::engine::wasmtime::Wasmtime::new_store(e, StoreData::new(data, id, engine)),
            ),
        };
        Store { repr }
    }

    /// The user's data.
    pub fn data(&self) -> &T {
        with_backend!(&self.repr, |s, B| &B::store_data(s).data)
    }

    /// The user's data, mutable.
    pub fn data_mut(&mut self) -> &mut T {
        with_backend!(&mut self.repr, |s, B| &mut B::store_data_mut(s).data)
    }

    /// Consumes the store and returns the user's data.
    pub fn into_data(self) -> T {
        match self.repr {
            StoreRepr::Wasmi(s) => s.into_data().data,
            #[cfg(feature = "wasmtime")]
            StoreRepr::Wasmtime(s) => s.into_data().data,
        }
    }

    /// Sets a hook that runs around every host call and export call.
    ///
    /// An `Err` from the hook traps the call it was about to enter or leave.
    pub fn call_hook(
        &mut self,
        hook: impl FnMut(&mut T, CallHook) -> Result<()> + Send + Sync + 'static,
    ) {
        with_backend!(&mut self.repr, |s, B| {
            let data = B::store_data_mut(s);
            data.hook = Some(Box::new(hook));
            // Host calls test the hook together with `may_leave`.
            for flag in data.instances.iter().flat_map(|i| i.may_leave.iter()) {
                flag.set_hooked();
            }
        })
    }

    /// Gives the store `fuel` units to run guest code with, replacing what
    /// it had; a guest that uses them all traps saying fuel ran out. The
    /// engine needs [`Config::consume_fuel`](crate::Config::consume_fuel).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        with_backend!(&mut self.repr, |s, B| B::set_fuel(s, fuel))
    }

    /// The fuel the store has left.
    pub fn get_fuel(&self) -> Result<u64> {
        with_backend!(&self.repr, |s, B| B::get_fuel(s))
    }

    /// A handle that stops this store's guest code from any thread. The
    /// engine needs [`Config::interruptible`](crate::Config::interruptible).
    pub fn interrupt_handle(&self) -> Result<InterruptHandle> {
        with_backend!(&self.repr, |s, B| {
            let limits = &B::store_data(s).limits;
            if !limits.interruptible {
                anyhow::bail!(
                    "this engine cannot be interrupted; create it with `Config::interruptible(true)`"
                );
            }
            Ok(InterruptHandle {
                flag: limits.interrupt.clone(),
                wake: B::interrupt_waker(s),
            })
        })
    }

    /// Sets the limiter that decides whether the store's memories and
    /// tables may grow: `get` finds it in the store's data.
    pub fn limiter(
        &mut self,
        get: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        // The engine already asks the store's limit state, from `Store::new`.
        with_backend!(&mut self.repr, |s, B| B::store_data_mut(s).limits.limiter =
            Some(Box::new(get)))
    }

    pub(crate) fn id(&self) -> u64 {
        with_backend!(&self.repr, |s, B| B::store_data(s).id)
    }
}

impl<T: core::fmt::Debug + 'static> core::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store").field("data", self.data()).finish()
    }
}
