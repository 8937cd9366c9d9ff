//! The wasmtime backend: hostbind's engine seam over wasmtime's core API
//! (no part of wasmtime's component model is used).
//!
//! Host functions are `Func::new_unchecked` over raw value storage, and
//! calls are `Func::call_unchecked`: the cheapest entries wasmtime offers,
//! with the types checked once, where hostbind builds them from environ's.

use core::mem::MaybeUninit;

use ::wasmtime as w;
use ::wasmtime::{AsContext, AsContextMut};

use super::{Backend, EngineData, Family, PerEngine};
use crate::engine::limits::LimitState;
use crate::error::{Error, Result};
use crate::raw::{CoreFuncType, CoreType, ValRaw};
use crate::raw::{MAX_STORAGE, SMALL_STORAGE, zeroed};

/// The wasmtime backend.
pub(crate) struct Wasmtime;

pub(crate) fn new_engine(config: &crate::Config) -> Result<w::Engine> {
    let mut c = w::Config::new();
    c.consume_fuel(config.consume_fuel);
    c.epoch_interruption(config.interruptible);
    c.parallel_compilation(config.parallel_compilation);
    // What wasmtime runs by default and components use: GC types (a core
    // module may declare them) and exceptions (an uncaught one traps at the
    // component boundary, in environ's adapters or in `call`).
    c.wasm_gc(true);
    c.wasm_function_references(true);
    c.wasm_exceptions(true);
    Ok(w::Engine::new(&c)?)
}

/// The core type of a numeric value type; `None` for a reference.
fn core_type(t: w::ValType) -> Option<CoreType> {
    match t {
        w::ValType::I32 => Some(CoreType::I32),
        w::ValType::I64 => Some(CoreType::I64),
        w::ValType::F32 => Some(CoreType::F32),
        w::ValType::F64 => Some(CoreType::F64),
        _ => None,
    }
}

fn val_type(ty: CoreType) -> w::ValType {
    match ty {
        CoreType::I32 => w::ValType::I32,
        CoreType::I64 => w::ValType::I64,
        CoreType::F32 => w::ValType::F32,
        CoreType::F64 => w::ValType::F64,
    }
}

#[inline]
fn to_raw(v: w::ValRaw, ty: CoreType) -> ValRaw {
    match ty {
        CoreType::I32 => ValRaw::i32(v.get_i32()),
        CoreType::I64 => ValRaw::i64(v.get_i64()),
        CoreType::F32 => ValRaw::f32(v.get_f32()),
        CoreType::F64 => ValRaw::f64(v.get_f64()),
    }
}

#[inline]
fn from_raw(v: ValRaw, ty: CoreType) -> w::ValRaw {
    match ty {
        CoreType::I32 => w::ValRaw::i32(v.get_i32()),
        CoreType::I64 => w::ValRaw::i64(v.get_i64()),
        CoreType::F32 => w::ValRaw::f32(v.get_f32()),
        CoreType::F64 => w::ValRaw::f64(v.get_f64()),
    }
}

fn func_type(engine: &w::Engine, ty: &CoreFuncType) -> w::FuncType {
    w::FuncType::new(
        engine,
        ty.params.iter().map(|t| val_type(*t)),
        ty.results.iter().map(|t| val_type(*t)),
    )
}

/// The error a host function returns to wasmtime; the real error waits in
/// the store's data, so that it reaches the caller with its type intact.
#[derive(Debug)]
struct HostTrapped;

impl core::fmt::Display for HostTrapped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("host function trapped")
    }
}

impl std::error::Error for HostTrapped {}

impl Backend for Wasmtime {
    fn per_engine<F: Family>(of: F::Of<Self>) -> PerEngine<F> {
        PerEngine::Wasmtime(of)
    }

    #[inline(always)]
    fn of_engine<F: Family>(of: &PerEngine<F>) -> Option<&F::Of<Self>> {
        #[allow(unreachable_patterns)]
        match of {
            PerEngine::Wasmtime(v) => Some(v),
            _ => None,
        }
    }

    type Module = w::Module;
    type Store<D: EngineData> = w::Store<D>;
    type Cx<'a, D: EngineData> = w::StoreContextMut<'a, D>;
    type Instance = w::Instance;
    type Func = w::Func;
    type Memory = w::Memory;
    type Global = w::Global;
    type Extern = w::Extern;
    type Engine = w::Engine;

    fn compile(engine: &w::Engine, wasm: &[u8]) -> Result<w::Module> {
        Ok(w::Module::new(engine, wasm)?)
    }

    fn describe(module: &w::Module) -> super::shape::Shape {
        fn kind(ty: &w::ExternType) -> super::shape::CoreKind {
            use super::shape::CoreKind;
            match ty {
                w::ExternType::Func(f) => {
                    CoreKind::func(f.params().map(core_type), f.results().map(core_type))
                }
                w::ExternType::Memory(_) => CoreKind::Memory,
                w::ExternType::Table(_) => CoreKind::Table,
                w::ExternType::Global(_) => CoreKind::Global,
                #[allow(unreachable_patterns)]
                _ => CoreKind::Other,
            }
        }
        super::shape::Shape {
            imports: module
                .imports()
                .map(|i| (i.module().to_owned(), i.name().to_owned(), kind(&i.ty())))
                .collect(),
            exports: module
                .exports()
                .map(|e| (e.name().to_owned(), kind(&e.ty())))
                .collect(),
        }
    }

    fn new_store<D: EngineData>(engine: &w::Engine, data: D) -> Self::Store<D> {
        let interruptible = data.limits().interruptible;
        let mut store = w::Store::new(engine, data);
        // Always: the limiter also tells host calls that memory grew.
        Self::enable_limiter(&mut store);
        if interruptible {
            // The epoch is the engine's, shared by its stores: each tick
            // makes every store look at its own flag, and only an
            // interrupted one stops.
            store.set_epoch_deadline(1);
            store.epoch_deadline_callback(|cx| {
                if cx.data().limits().take_interrupt() {
                    Err(w::Error::new(crate::error::Trap::new(
                        crate::engine::limits::INTERRUPTED,
                    )))
                } else {
                    Ok(w::UpdateDeadline::Continue(1))
                }
            });
        }
        store
    }

    fn cx<D: EngineData>(store: &mut Self::Store<D>) -> Self::Cx<'_, D> {
        store.as_context_mut()
    }

    fn reborrow<'a, D: EngineData>(cx: &'a mut Self::Cx<'_, D>) -> Self::Cx<'a, D> {
        cx.as_context_mut()
    }

    fn data<'a, D: EngineData>(cx: &'a mut Self::Cx<'_, D>) -> &'a mut D {
        cx.data_mut()
    }

    fn store_data<D: EngineData>(store: &Self::Store<D>) -> &D {
        store.data()
    }

    fn store_data_mut<D: EngineData>(store: &mut Self::Store<D>) -> &mut D {
        store.data_mut()
    }

    fn memory_raw<D: EngineData>(cx: &mut Self::Cx<'_, D>, memory: w::Memory) -> (*mut u8, usize) {
        (
            memory.data_ptr(cx.as_context()),
            memory.data_size(cx.as_context()),
        )
    }

    fn memory<'a, D: EngineData>(
        cx: &'a mut Self::Cx<'_, D>,
        memory: w::Memory,
    ) -> (&'a mut [u8], &'a mut D) {
        memory.data_and_store_mut(cx.as_context_mut())
    }

    fn instantiate<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        module: &w::Module,
        imports: &[w::Extern],
    ) -> Result<w::Instance> {
        check_interrupt(cx)?;
        w::Instance::new(cx.as_context_mut(), module, imports).map_err(|e| take_error(cx, e))
    }

    fn export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        instance: w::Instance,
        name: &str,
    ) -> Option<w::Extern> {
        instance.get_export(cx.as_context_mut(), name)
    }

    fn as_func(ext: &w::Extern) -> Option<w::Func> {
        ext.clone().into_func()
    }

    fn as_memory(ext: &w::Extern) -> Option<w::Memory> {
        ext.clone().into_memory()
    }

    fn func_extern(func: w::Func) -> w::Extern {
        w::Extern::Func(func)
    }

    fn global_extern(global: w::Global) -> w::Extern {
        w::Extern::Global(global)
    }

    fn global_get<D: EngineData>(cx: &mut Self::Cx<'_, D>, global: Self::Global) -> i32 {
        match global.get(cx.as_context_mut()) {
            w::Val::I32(v) => v,
            _ => 0,
        }
    }

    fn global_set<D: EngineData>(cx: &mut Self::Cx<'_, D>, global: Self::Global, value: i32) {
        // hostbind makes these globals mutable `i32`s, so this cannot fail.
        let _ = global.set(cx.as_context_mut(), w::Val::I32(value));
    }

    fn new_global<D: EngineData>(cx: &mut Self::Cx<'_, D>, value: i32) -> Result<w::Global> {
        let ty = w::GlobalType::new(w::ValType::I32, w::Mutability::Var);
        Ok(w::Global::new(cx.as_context_mut(), ty, w::Val::I32(value))?)
    }

    type FuncTy = w::FuncType;

    fn func_ty(engine: &w::Engine, ty: &CoreFuncType) -> w::FuncType {
        func_type(engine, ty)
    }

    fn new_host_func<D: EngineData, F>(
        cx: &mut Self::Cx<'_, D>,
        ty: &CoreFuncType,
        fty: &w::FuncType,
        storage_len: usize,
        run: F,
    ) -> w::Func
    where
        F: for<'a> Fn(Self::Cx<'a, D>, &mut [ValRaw]) -> Option<ValRaw> + Send + Sync + 'static,
    {
        let len = storage_len.min(MAX_STORAGE);
        match typed_host_func(cx, ty, len, run) {
            Ok(f) => f,
            Err(run) => untyped_host_func(cx, ty, fty, len, run),
        }
    }

    type Realloc = w::Func;

    fn realloc<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: w::Func) -> Option<Self::Realloc> {
        func.typed::<(i32, i32, i32, i32), i32>(cx.as_context())
            .ok()
            .map(|_| func)
    }

    fn call_realloc<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        realloc: Self::Realloc,
        args: [i32; 4],
    ) -> Result<i32> {
        // SAFETY: `realloc` was checked to have type
        // `(i32, i32, i32, i32) -> i32` when it became a `Realloc`.
        unsafe { call_i32s(cx, realloc, args) }
    }

    fn set_fuel<D: EngineData>(store: &mut Self::Store<D>, fuel: u64) -> Result<()> {
        if !store.data().limits().fuel {
            return Err(crate::engine::limits::fuel_off());
        }
        Ok(store.set_fuel(fuel)?)
    }

    fn get_fuel<D: EngineData>(store: &Self::Store<D>) -> Result<u64> {
        if !store.data().limits().fuel {
            return Err(crate::engine::limits::fuel_off());
        }
        Ok(store.get_fuel()?)
    }

    fn interrupt_waker<D: EngineData>(
        store: &Self::Store<D>,
    ) -> Option<std::sync::Arc<dyn Fn() + Send + Sync>> {
        let engine = store.engine().clone();
        Some(std::sync::Arc::new(move || engine.increment_epoch()))
    }

    fn enable_limiter<D: EngineData>(store: &mut Self::Store<D>) {
        store.limiter(|d| d.armed_limits() as &mut dyn w::ResourceLimiter);
    }

    fn new_ref_host_func<D: EngineData, F>(
        cx: &mut Self::Cx<'_, D>,
        refs: usize,
        ty: &CoreFuncType,
        run: F,
    ) -> w::Func
    where
        F: for<'a> Fn(Self::Cx<'a, D>, &[Option<w::Func>], &mut [ValRaw]) -> bool
            + Send
            + Sync
            + 'static,
    {
        let params = core::iter::repeat_n(w::ValType::FUNCREF, refs)
            .chain(ty.params.iter().map(|t| val_type(*t)));
        let fty = w::FuncType::new(cx.engine(), params, ty.results.iter().map(|t| val_type(*t)));
        let results_ty = ty.results.clone();
        let len = ty.params.len().max(ty.results.len()).min(MAX_STORAGE);
        let func = move |mut caller: w::Caller<'_, D>,
                         params: &[w::Val],
                         results: &mut [w::Val]|
              -> w::Result<()> {
            let mut funcs = [None; 2];
            for (f, v) in funcs.iter_mut().zip(&params[..refs.min(params.len())]) {
                if let w::Val::FuncRef(Some(func)) = v {
                    *f = Some(*func);
                }
            }
            let mut storage = [ValRaw::ZERO; MAX_STORAGE];
            for (slot, v) in storage.iter_mut().zip(params.iter().skip(refs)) {
                *slot = match v {
                    w::Val::I32(x) => ValRaw::i32(*x),
                    w::Val::I64(x) => ValRaw::i64(*x),
                    w::Val::F32(x) => ValRaw::f32(*x),
                    w::Val::F64(x) => ValRaw::f64(*x),
                    _ => ValRaw::ZERO,
                };
            }
            let slots = &mut storage[..len];
            if !run(caller.as_context_mut(), &funcs[..refs.min(2)], slots) {
                return Err(w::Error::new(HostTrapped));
            }
            for ((out, v), t) in results.iter_mut().zip(slots.iter()).zip(&results_ty) {
                *out = match t {
                    CoreType::I32 => w::Val::I32(v.get_i32()),
                    CoreType::I64 => w::Val::I64(v.get_i64()),
                    CoreType::F32 => w::Val::F32(v.get_f32()),
                    CoreType::F64 => w::Val::F64(v.get_f64()),
                };
            }
            Ok(())
        };
        w::Func::new(cx.as_context_mut(), fty, func)
    }

    fn func_type<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: w::Func) -> Option<CoreFuncType> {
        let ty = func.ty(cx.as_context());
        Some(CoreFuncType {
            params: ty.params().map(core_type).collect::<Option<_>>()?,
            results: ty.results().map(core_type).collect::<Option<_>>()?,
        })
    }

    fn func_matches<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> bool {
        // Compared in place: building a `FuncType` registers it with the
        // engine, which is what made instantiation slow.
        let have = func.ty(cx.as_context());
        let same = |a: &mut dyn ExactSizeIterator<Item = w::ValType>, b: &[CoreType]| {
            a.len() == b.len() && a.zip(b).all(|(a, b)| w::ValType::eq(&a, &val_type(*b)))
        };
        same(&mut have.params(), &ty.params) && same(&mut have.results(), &ty.results)
    }

    fn call<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()> {
        let n = ty.params.len().max(ty.results.len());
        if n > MAX_STORAGE || params.len() < ty.params.len() || results.len() < ty.results.len() {
            return Err(anyhow::anyhow!(
                "core function type {ty:?} has more values than hostbind passes"
            ));
        }
        let zero = w::ValRaw::i32(0);
        let (mut small, mut large) = ([zero; SMALL_STORAGE], None);
        let slots = zeroed(zero, n, &mut small, &mut large);
        for ((slot, v), t) in slots.iter_mut().zip(params).zip(&ty.params) {
            *slot = from_raw(*v, *t);
        }
        check_interrupt(cx)?;
        // SAFETY: `func` has type `ty` (every caller checked it with
        // `func_matches` when it resolved the function), and `slots` holds
        // its params and has room for its results.
        unsafe { func.call_unchecked(cx.as_context_mut(), slots as *mut [w::ValRaw]) }
            .map_err(|e| take_error(cx, e))?;
        for ((out, slot), t) in results.iter_mut().zip(slots.iter()).zip(&ty.results) {
            *out = to_raw(*slot, *t);
        }
        Ok(())
    }

    type Export = WtExport;

    fn prepare_export<D: EngineData>(
        _: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> WtExport {
        WtExport {
            func,
            i32s: ty.small_i32_shape(),
        }
    }

    fn export_func(export: WtExport) -> w::Func {
        export.func
    }

    // wasmtime's core API suspends a call only on an async store, with one
    // call at a time; tasks block by nesting the event loop instead.
    const SUSPENDS: bool = false;
    type Thread = core::convert::Infallible;

    fn call_thread<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<Option<Self::Thread>> {
        Self::call(cx, func, ty, params, results).map(|()| None)
    }

    fn resume_thread<D: EngineData>(
        _: &mut Self::Cx<'_, D>,
        thread: Self::Thread,
        _: &[ValRaw],
        _: &mut [ValRaw],
    ) -> Result<Option<Self::Thread>> {
        match thread {}
    }

    #[inline(always)]
    fn call_export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        export: WtExport,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()> {
        let Some((n_params, n_results)) = export.i32s else {
            return Self::call(cx, export.func, ty, params, results);
        };
        let (n_params, n_results) = (usize::from(n_params), usize::from(n_results));
        if params.len() < n_params || results.len() < n_results {
            return Self::call(cx, export.func, ty, params, results);
        }
        // Slots past the params are scratch to the callee.
        let args: [i32; 4] = core::array::from_fn(|i| params.get(i).map_or(0, |v| v.get_i32()));
        // SAFETY: `export.func` has type `ty` (checked with `func_matches`
        // when it was resolved), which `prepare_export` found to be at most
        // four `i32` params and at most one `i32` result.
        let ret = unsafe { call_i32s(cx, export.func, args) }?;
        if let Some(out) = results[..n_results].first_mut() {
            *out = ValRaw::i32(ret);
        }
        Ok(())
    }
}

/// Calls `func` with `args` through four raw slots, and reads the first
/// slot back as its `i32` result (meaningless if it has none).
///
/// # Safety
///
/// `func` takes at most four `i32` params, which are the first of `args`,
/// and returns nothing or one `i32`.
#[inline]
unsafe fn call_i32s<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    func: w::Func,
    args: [i32; 4],
) -> Result<i32> {
    check_interrupt(cx)?;
    let [a, b, c, d] = args;
    let mut slots = [
        w::ValRaw::i32(a),
        w::ValRaw::i32(b),
        w::ValRaw::i32(c),
        w::ValRaw::i32(d),
    ];
    // SAFETY: per the contract, the four slots hold `func`'s params and have
    // room for its result.
    unsafe { func.call_unchecked(cx.as_context_mut(), &mut slots as *mut [w::ValRaw]) }
        .map_err(|e| take_error(cx, e))?;
    Ok(slots[0].get_i32())
}

/// An export or `post-return` prepared for calls: the function, and for the
/// shapes C guests' exports have (up to four `i32` params and no result or
/// one `i32`) their counts, so that a call moves them through a fixed array
/// without looking at each value's type.
#[derive(Clone, Copy)]
pub(crate) struct WtExport {
    func: w::Func,
    i32s: Option<(u8, u8)>,
}

/// An interruption that came while no guest code ran stops the next call
/// before it starts, as on wasmi; epochs alone would let it run a tick.
fn check_interrupt<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>) -> Result<()> {
    let limits = cx.data().limits();
    if limits.interruptible && limits.take_interrupt() {
        return Err(crate::engine::limits::interrupted());
    }
    Ok(())
}

/// environ's text for its `UncaughtException` trap code, so that both
/// boundaries report one message.
const UNCAUGHT_EXCEPTION: &str = "uncaught exception propagated out of component";

/// The error to report for a failed wasmtime call: a host function's own
/// error when one is waiting, a limit's trap, else wasmtime's.
fn take_error<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>, e: w::Error) -> Error {
    let data = cx.data_mut();
    if e.downcast_ref::<HostTrapped>().is_some()
        && let Some(pending) = data.take_pending()
    {
        return pending;
    }
    if let Some(limit) = data.limits_mut().limit_error.take() {
        return limit;
    }
    if e.downcast_ref::<w::Trap>() == Some(&w::Trap::OutOfFuel) {
        return crate::engine::limits::out_of_fuel();
    }
    // The epoch callback's own trap, as it made it.
    if let Some(trap) = e.downcast_ref::<crate::error::Trap>() {
        return trap.clone().into();
    }
    // An exception no guest caught may not reach another component or the
    // host; like environ's adapter barriers, the boundary makes it a trap,
    // and the store forgets the exception object.
    if e.downcast_ref::<w::ThrownException>().is_some() {
        let _ = cx.take_pending_exception();
        return crate::error::Trap::new(UNCAUGHT_EXCEPTION).into();
    }
    Error::from(e).context("wasm trap")
}

/// What wasmtime unwinds with when the store's limiter returned an error;
/// the error itself waits in the store's limit state.
#[derive(Debug)]
struct LimitHit;

impl core::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the store's resource limiter refused")
    }
}

impl std::error::Error for LimitHit {}

impl<T: 'static> LimitState<T> {
    fn ask_wasmtime(
        &mut self,
        memory: bool,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> w::Result<bool> {
        self.ask_engine(memory, current, desired, maximum)
            .map_err(|()| w::Error::new(LimitHit))
    }
}

impl<T: 'static> w::ResourceLimiter for LimitState<T> {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> w::Result<bool> {
        self.ask_wasmtime(true, current, desired, maximum)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> w::Result<bool> {
        self.ask_wasmtime(false, current, desired, maximum)
    }

    // As on wasmi: core instance counts are not what hosts mean to limit.
    fn instances(&self) -> usize {
        100_000
    }

    fn tables(&self) -> usize {
        100_000
    }

    fn memories(&self) -> usize {
        100_000
    }
}

/// A compiled module's bytes, for [`deserialize_module`].
pub(crate) fn serialize_module(module: &w::Module) -> Result<Vec<u8>> {
    Ok(module.serialize()?)
}

/// A module from [`serialize_module`]'s bytes; wasmtime refuses bytes made
/// by another wasmtime version or configuration.
///
/// # Safety
///
/// As for wasmtime's `Module::deserialize`: `bytes` must come from
/// [`serialize_module`], since wasmtime runs the machine code in them.
pub(crate) unsafe fn deserialize_module(engine: &w::Engine, bytes: &[u8]) -> Result<w::Module> {
    // SAFETY: the caller's contract is wasmtime's.
    Ok(unsafe { w::Module::deserialize(engine, bytes) }?)
}

/// What must match for code compiled by one engine to run on another.
pub(crate) fn compatibility(engine: &w::Engine) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    h.finish()
}

/// A host function over raw value storage, for any core type.
fn untyped_host_func<D: EngineData, F>(
    cx: &mut w::StoreContextMut<'_, D>,
    ty: &CoreFuncType,
    fty: &w::FuncType,
    len: usize,
    run: F,
) -> w::Func
where
    F: for<'a> Fn(w::StoreContextMut<'a, D>, &mut [ValRaw]) -> Option<ValRaw>
        + Send
        + Sync
        + 'static,
{
    // wasmtime keeps every numeric value little-endian in the low bytes
    // of its slot; the 32-bit ones are masked to keep hostbind's upper
    // half zero. Results need no mask: hostbind's are already zero-extended.
    // A fixed array, not a boxed slice: one allocation less per host
    // function at every instantiation.
    let mut masks = [0u64; MAX_STORAGE];
    for (m, t) in masks.iter_mut().zip(&ty.params) {
        *m = match t {
            CoreType::I32 | CoreType::F32 => u64::from(u32::MAX),
            CoreType::I64 | CoreType::F64 => u64::MAX,
        };
    }
    let params = ty.params.len().min(MAX_STORAGE);
    let results = ty.results.len();
    let fty = fty.clone();
    let func = move |mut caller: w::Caller<'_, D>,
                     slots: &mut [MaybeUninit<w::ValRaw>]|
          -> w::Result<()> {
        let (mut small, mut large) = ([ValRaw::ZERO; SMALL_STORAGE], None);
        let storage = zeroed(ValRaw::ZERO, len, &mut small, &mut large);
        for ((out, slot), mask) in storage.iter_mut().zip(slots.iter()).zip(&masks[..params]) {
            // SAFETY: wasmtime initialises one slot per param of the
            // function's type, which `masks` follows.
            *out = ValRaw::i64((unsafe { slot.assume_init() }.get_i64() as u64 & mask) as i64);
        }
        if run(caller.as_context_mut(), storage).is_none() {
            return Err(w::Error::new(HostTrapped));
        }
        for (slot, v) in slots.iter_mut().zip(storage.iter()).take(results) {
            slot.write(w::ValRaw::i64(v.get_i64()));
        }
        Ok(())
    };
    // SAFETY: the closure reads exactly the params of `fty` from the
    // storage and writes exactly its results, with their types.
    unsafe { w::Func::new_unchecked(cx.as_context_mut(), fty, func) }
}

/// A host function through wasmtime's typed `Func::wrap`, for the core
/// types of `engine::typed`'s list: its params arrive as arguments, and
/// the storage is built from them directly. Anything else is handed back
/// for [`untyped_host_func`].
fn typed_host_func<D: EngineData, F>(
    cx: &mut w::StoreContextMut<'_, D>,
    ty: &CoreFuncType,
    len: usize,
    run: F,
) -> core::result::Result<w::Func, F>
where
    F: for<'a> Fn(w::StoreContextMut<'a, D>, &mut [ValRaw]) -> Option<ValRaw>
        + Send
        + Sync
        + 'static,
{
    use crate::engine::typed::{core_raw, core_rust, fits, typed_shapes};
    if !fits(ty, len) {
        return Err(run);
    }
    let ctx = cx.as_context_mut();
    macro_rules! one {
        ([$($p:ident: $pt:ident),*] $r:ty, $read:expr) => {
            Ok(w::Func::wrap(
                ctx,
                move |mut caller: w::Caller<'_, D>, $($p: core_rust!($pt)),*| -> w::Result<$r> {
                    // The params, and a slot for a result where there are none.
                    let mut slots = [$(core_raw!($pt, $p),)* ValRaw::ZERO];
                    // SAFETY: `fits` held when the closure was made: `len`
                    // is at most one more than the params, the array's length.
                    let slots = unsafe { slots.get_unchecked_mut(..len) };
                    // The result comes back from the call, not from memory.
                    match run(caller.as_context_mut(), slots) {
                        Some(first) => Ok($read(first)),
                        None => Err(w::Error::new(HostTrapped)),
                    }
                },
            ))
        };
    }
    typed_shapes!(ty, one, Err(run))
}
