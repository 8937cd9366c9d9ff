//! The core-wasm engine seam: everything hostbind needs from an engine, and
//! nothing of the component model, which hostbind implements on top.
//!
//! The engine layer depends only on the leaves below it (`config`,
//! `limits`, `raw`, `error`). What it calls back into is handed to it: the
//! store's data through [`EngineData`], a host function's body as a closure
//! given to [`Backend::new_host_func`]. A third engine is one more file
//! implementing [`Backend`].

pub(crate) mod limits;
pub(crate) mod shape;
pub(crate) mod typed;
pub(crate) mod wasmi;
#[cfg(feature = "wasmtime")]
pub(crate) mod wasmtime;

use crate::config::Config;
pub use crate::config::EngineKind;
use crate::engine::limits::LimitState;
use crate::error::Result;
use crate::raw::{CoreFuncType, ValRaw};

/// What an engine needs of the data its stores hold, which the runtime
/// defines: the limits the store imposes, and the error a failed host call
/// left behind for the call that reports it.
pub(crate) trait EngineData: 'static {
    /// The user's data, which the user's limiter is reached from.
    type User: 'static;
    /// The store's limits.
    fn limits(&self) -> &LimitState<Self::User>;
    /// The store's limits, mutable.
    fn limits_mut(&mut self) -> &mut LimitState<Self::User>;
    /// The limits with the user's data, for a growth check.
    fn limiter(&mut self) -> (&mut LimitState<Self::User>, &mut Self::User);
    /// The limits, pointed at the user's data, to hand an engine as its
    /// resource limiter for the growth check it is about to make.
    fn armed_limits(&mut self) -> &mut LimitState<Self::User> {
        let (limits, user) = self.limiter();
        limits.data = user;
        limits
    }
    /// The error a host function recorded before it returned `false`.
    fn take_pending(&mut self) -> Option<crate::error::Error>;
}

/// A family of types with one member per engine, `Of<B>`, so that a value
/// the layers above share between engines (behind an `Arc`, say) can hold
/// what only one engine's calls read.
pub(crate) trait Family {
    /// The member for engine `B`.
    type Of<B: Backend>;
}

/// `F`'s member for the engine that made it.
pub(crate) enum PerEngine<F: Family> {
    Wasmi(F::Of<wasmi::Wasmi>),
    #[cfg(feature = "wasmtime")]
    Wasmtime(F::Of<wasmtime::Wasmtime>),
}

impl<F: Family> core::fmt::Debug for PerEngine<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            PerEngine::Wasmi(_) => "PerEngine::Wasmi",
            #[cfg(feature = "wasmtime")]
            PerEngine::Wasmtime(_) => "PerEngine::Wasmtime",
        })
    }
}

/// A core wasm engine that can run decomposed components.
///
/// Handles (`Func`, `Memory`, …) are small copyable indices into the engine's
/// store, as in both wasmi and wasmtime. `Cx` is the engine's mutable store
/// context, which both a store and a host call's caller can produce, so one
/// piece of generic code serves instantiation, export calls and host calls.
pub(crate) trait Backend: Sized + 'static {
    /// `F`'s member for this engine, to share.
    fn per_engine<F: Family>(of: F::Of<Self>) -> PerEngine<F>;
    /// This engine's member of `F`, if `of` holds it.
    fn of_engine<F: Family>(of: &PerEngine<F>) -> Option<&F::Of<Self>>;

    /// A compiled core module.
    type Module: Send + Sync + 'static;
    /// The engine's store over the runtime's store data.
    type Store<D: EngineData>;
    /// A mutable borrow of the store, from the store itself or from a caller.
    type Cx<'a, D: EngineData>;
    /// A core instance.
    type Instance: Copy;
    /// A core function.
    type Func: Copy;
    /// A core memory.
    type Memory: Copy + Send + Sync + 'static;
    /// A core global.
    type Global: Copy;
    /// Any of the above, as passed to instantiation.
    type Extern: Clone;

    /// Compiles (and validates) a core module.
    fn compile(engine: &Self::Engine, wasm: &[u8]) -> Result<Self::Module>;
    /// The engine's native engine type.
    type Engine: Clone;
    /// The `(module, name)` pairs of a module's imports, in the order
    /// [`Backend::instantiate`] expects them.
    fn imports(module: &Self::Module) -> Vec<(String, String)> {
        Self::describe(module)
            .imports
            .into_iter()
            .map(|(m, n, _)| (m, n))
            .collect()
    }
    /// The kinds and function types of a module's imports, in
    /// [`Backend::imports`] order, and of its exports.
    fn describe(module: &Self::Module) -> shape::Shape;
    /// Creates a store.
    fn new_store<D: EngineData>(engine: &Self::Engine, data: D) -> Self::Store<D>;
    /// Borrows a store as a context.
    fn cx<D: EngineData>(store: &mut Self::Store<D>) -> Self::Cx<'_, D>;
    /// Reborrows a context for a shorter time.
    fn reborrow<'a, D: EngineData>(cx: &'a mut Self::Cx<'_, D>) -> Self::Cx<'a, D>;
    /// The runtime's data in the store.
    fn data<'a, D: EngineData>(cx: &'a mut Self::Cx<'_, D>) -> &'a mut D;
    /// The runtime's data in the store, read-only.
    fn store_data<D: EngineData>(store: &Self::Store<D>) -> &D;
    /// The runtime's data in the store, mutable.
    fn store_data_mut<D: EngineData>(store: &mut Self::Store<D>) -> &mut D;
    /// Where a memory's bytes are and how many there are, as raw parts
    /// taken without borrowing them: they stay valid until the memory
    /// next grows, which the store's resource limiter (always installed,
    /// see `LimitState::memory_epoch`) hears of first.
    fn memory_raw<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        memory: Self::Memory,
    ) -> (*mut u8, usize);
    /// A memory's bytes together with the store's data.
    fn memory<'a, D: EngineData>(
        cx: &'a mut Self::Cx<'_, D>,
        memory: Self::Memory,
    ) -> (&'a mut [u8], &'a mut D);
    /// Instantiates a module with imports in [`Backend::imports`] order and
    /// runs its start function.
    fn instantiate<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        module: &Self::Module,
        imports: &[Self::Extern],
    ) -> Result<Self::Instance>;
    /// An export of an instance.
    fn export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        instance: Self::Instance,
        name: &str,
    ) -> Option<Self::Extern>;
    /// The function in an extern, if it is one.
    fn as_func(ext: &Self::Extern) -> Option<Self::Func>;
    /// The memory in an extern, if it is one.
    fn as_memory(ext: &Self::Extern) -> Option<Self::Memory>;
    /// A function as an extern.
    fn func_extern(func: Self::Func) -> Self::Extern;
    /// A global as an extern.
    fn global_extern(global: Self::Global) -> Self::Extern;
    /// The value of an `i32` global.
    fn global_get<D: EngineData>(cx: &mut Self::Cx<'_, D>, global: Self::Global) -> i32;
    /// Sets an `i32` global.
    fn global_set<D: EngineData>(cx: &mut Self::Cx<'_, D>, global: Self::Global, value: i32);
    /// Creates a mutable `i32` global.
    fn new_global<D: EngineData>(cx: &mut Self::Cx<'_, D>, value: i32) -> Result<Self::Global>;
    /// A core function type as the engine keeps it, built once per
    /// component for each of its trampolines.
    type FuncTy: Send + Sync + 'static;
    /// Builds the engine's form of `ty`.
    fn func_ty(engine: &Self::Engine, ty: &CoreFuncType) -> Self::FuncTy;
    /// Creates a host function of type `ty` (`fty` in the engine's form,
    /// from [`Backend::func_ty`]) that runs `run` with the call's context
    /// and `storage_len` flat values: the params on entry, the results on
    /// return. `run` returns `None` when the call trapped, its error then
    /// waiting in the store's data, and else the first value of the storage
    /// as the call left it (a typed host function returns it from there,
    /// rather than reading the storage again). The engine knows nothing of
    /// what `run` does: the runtime hands it in.
    fn new_host_func<D: EngineData, F>(
        cx: &mut Self::Cx<'_, D>,
        ty: &CoreFuncType,
        fty: &Self::FuncTy,
        storage_len: usize,
        run: F,
    ) -> Self::Func
    where
        F: for<'a> Fn(Self::Cx<'a, D>, &mut [ValRaw]) -> Option<ValRaw> + Send + Sync + 'static;
    /// A host function whose first `refs` params are `funcref`s, followed
    /// by the params of `ty`, with the results of `ty`: the async ABI's
    /// adapter intrinsics take the adapter's helper functions so. `run`
    /// gets the functions (`None` for a null reference) beside the numeric
    /// values, which are laid out as for [`Backend::new_host_func`].
    fn new_ref_host_func<D: EngineData, F>(
        cx: &mut Self::Cx<'_, D>,
        refs: usize,
        ty: &CoreFuncType,
        run: F,
    ) -> Self::Func
    where
        F: for<'a> Fn(Self::Cx<'a, D>, &[Option<Self::Func>], &mut [ValRaw]) -> bool
            + Send
            + Sync
            + 'static;
    /// The type of `func`, if it has only numeric values.
    fn func_type<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: Self::Func)
    -> Option<CoreFuncType>;
    /// Whether `func` has type `ty`. Every function given to
    /// [`Backend::call`] is checked with this once, when it is resolved.
    fn func_matches<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: Self::Func,
        ty: &CoreFuncType,
    ) -> bool;
    /// A function of type `(i32, i32, i32, i32) -> i32`, checked once so
    /// that each call skips the check: a `realloc`.
    type Realloc: Copy + Send + Sync + 'static;
    /// `func` as a [`Backend::Realloc`], if it has that type.
    fn realloc<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: Self::Func) -> Option<Self::Realloc>;
    /// Calls a `realloc`.
    fn call_realloc<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        realloc: Self::Realloc,
        args: [i32; 4],
    ) -> Result<i32>;
    /// Replaces the store's fuel.
    fn set_fuel<D: EngineData>(store: &mut Self::Store<D>, fuel: u64) -> Result<()>;
    /// The store's remaining fuel.
    fn get_fuel<D: EngineData>(store: &Self::Store<D>) -> Result<u64>;
    /// What makes the engine check a store's interrupt flag soon, if
    /// anything must (wasmtime's epochs); wasmi checks it between slices.
    fn interrupt_waker<D: EngineData>(
        store: &Self::Store<D>,
    ) -> Option<std::sync::Arc<dyn Fn() + Send + Sync>>;
    /// Routes the engine's growth checks to the store's limiter.
    fn enable_limiter<D: EngineData>(store: &mut Self::Store<D>);
    /// Calls a function of type `ty`; the caller has checked the type with
    /// [`Backend::func_matches`].
    fn call<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: Self::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()>;
    /// A function that is called again and again with one core type (an
    /// export, a `post-return`), prepared once: an engine whose typed calls
    /// skip the type check of each call keeps the typed handle here.
    type Export: Copy;
    /// `func`, already checked with [`Backend::func_matches`] to have type
    /// `ty`, prepared for [`Backend::call_export`].
    fn prepare_export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: Self::Func,
        ty: &CoreFuncType,
    ) -> Self::Export;
    /// [`Backend::call`] of a prepared function of type `ty`.
    fn call_export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: Self::Export,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()>;
    /// The function a prepared export calls.
    fn export_func(export: Self::Export) -> Self::Func;

    /// Whether [`Backend::call_thread`] can suspend a call.
    const SUSPENDS: bool;
    /// A guest call suspended by a host function inside it, with the guest's
    /// stack, to be resumed later.
    type Thread: Send + Sync;
    /// Calls `func` like [`Backend::call`], except that a host function
    /// inside it that fails with a [`Suspend`] error suspends the call
    /// instead of failing it: the suspended call is returned, and `results`
    /// are written when it finishes instead.
    fn call_thread<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: Self::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<Option<Self::Thread>>;
    /// Resumes `thread`: the host function that suspended it returns
    /// `host_results`. Finishes (writing the call's `results`) or suspends
    /// again.
    fn resume_thread<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        thread: Self::Thread,
        host_results: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<Option<Self::Thread>>;
}

/// The error a host function fails with to suspend the guest call it is in
/// (see [`Backend::call_thread`]).
#[derive(Debug)]
pub(crate) struct Suspend;

impl core::fmt::Display for Suspend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a task suspended where it cannot be resumed")
    }
}

impl std::error::Error for Suspend {}

/// A core wasm engine configured for components. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) repr: EngineRepr,
    pub(crate) config: Config,
}

#[derive(Clone)]
pub(crate) enum EngineRepr {
    Wasmi(::wasmi::Engine),
    #[cfg(feature = "wasmtime")]
    Wasmtime(::wasmtime::Engine),
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(EngineKind::Wasmi)
    }
}

impl Engine {
    /// An engine of the given kind.
    ///
    /// # Panics
    ///
    /// If wasmtime cannot set up its engine on this host (see
    /// [`Engine::try_new`] to handle that instead).
    pub fn new(kind: EngineKind) -> Engine {
        match Engine::try_new(kind) {
            Ok(e) => e,
            Err(e) => panic!("cannot create a {kind:?} engine: {e:#}"),
        }
    }

    /// An engine of the given kind, or why this host cannot run it.
    pub fn try_new(kind: EngineKind) -> Result<Engine> {
        Engine::with_config(Config::new().kind(kind))
    }

    /// An engine set up as `config` says, or why this host cannot run it.
    pub fn with_config(config: &Config) -> Result<Engine> {
        let repr = match config.kind {
            EngineKind::Wasmi => EngineRepr::Wasmi(wasmi::new_engine(config)),
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => EngineRepr::Wasmtime(wasmtime::new_engine(config)?),
        };
        Ok(Engine {
            repr,
            config: *config,
        })
    }

    /// How the engine was set up.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Which engine this is.
    pub fn kind(&self) -> EngineKind {
        match self.repr {
            EngineRepr::Wasmi(_) => EngineKind::Wasmi,
            #[cfg(feature = "wasmtime")]
            EngineRepr::Wasmtime(_) => EngineKind::Wasmtime,
        }
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("kind", &self.kind())
            .finish()
    }
}
