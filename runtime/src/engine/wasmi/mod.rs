//! The wasmi backend: hostbind's engine seam over wasmi's core API.

mod host_func;
mod thread;

use ::wasmi as w;
use ::wasmi::{AsContext, AsContextMut};

use super::{Backend, EngineData, Family, PerEngine};
use crate::engine::limits::LimitState;
use crate::error::{Error, Result};
use crate::raw::MAX_STORAGE;
use crate::raw::{CoreFuncType, CoreType, ValRaw};

/// The wasmi backend.
pub(crate) struct Wasmi;

/// The fuel wasmi runs an interruptible store's guest code with between two
/// looks at its interrupt flag: small enough to stop a spinning guest within
/// a fraction of a millisecond, large enough that the checks cost nothing.
const SLICE: u64 = 100_000;

/// wasmi's own default for the bulk memory and table operations.
const BYTES_COPIED_PER_FUEL: u32 = 64;

pub(crate) fn new_engine(config: &crate::Config) -> w::Engine {
    let mut c = w::Config::default();
    // Interruption rides on fuel: out of a slice, the flag is checked.
    c.consume_fuel(config.consume_fuel || config.interruptible);
    // An interruptible store runs in slices of fuel, resumed as each runs
    // out; but wasmi 2.0 charges the lazy translation of a function at its
    // first call to the running call, and cannot resume a call that ran
    // out of fuel there. A large function (CPython's interpreter loop)
    // costs more than a slice, and its first call would fail with plenty
    // of fuel left. Sliced, fuel counts the guest's work only.
    if config.interruptible {
        c.fuel_cost(w::CustomFuelCosts {
            bytes_copied_per_fuel: BYTES_COPIED_PER_FUEL,
            fuel_per_bytes_translated: 0,
            fuel_per_bytes_validated: 0,
        });
    }
    c.compilation_mode(match config.wasmi_compilation {
        crate::config::WasmiCompilation::Eager => w::CompilationMode::Eager,
        crate::config::WasmiCompilation::LazyTranslation => w::CompilationMode::LazyTranslation,
        crate::config::WasmiCompilation::Lazy => w::CompilationMode::Lazy,
    });
    w::Engine::new(&c)
}

/// `realloc` called in slices of fuel: resumable calls are untyped in wasmi.
#[cold]
#[inline(never)]
fn realloc_sliced<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    realloc: w::TypedFunc<(i32, i32, i32, i32), i32>,
    args: [i32; 4],
) -> Result<i32> {
    let args = args.map(w::Val::I32);
    let mut ret = [w::Val::I32(0)];
    call_sliced(cx, *realloc.func(), &args, &mut ret)?;
    Ok(ret[0].i32().unwrap_or(0))
}

/// Whether hostbind meters the store's fuel itself, in slices.
fn sliced<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>) -> bool {
    cx.data().limits().interruptible
}

/// Charges the user's budget for what the engine used since the last
/// refill, so that nested calls and their callers share one account.
fn settle<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>) {
    let left = cx.get_fuel().unwrap_or(0);
    let limits = cx.data_mut().limits_mut();
    if let Some(user) = &mut limits.user_fuel {
        *user = user.saturating_sub(limits.given.saturating_sub(left));
    }
    limits.given = left;
}

/// Settles, then hands the engine the next slice of fuel, or the trap that
/// stops the guest: an interruption, or the user's fuel running out.
fn refill<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>, slice: u64) -> Result<()> {
    refill_for(cx, slice, 1)
}

/// [`refill`] for a step that needs `need` fuel to make progress (a
/// resumed call that ran out): less than that would only run out again.
fn refill_for<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    slice: u64,
    need: u64,
) -> Result<()> {
    settle(cx);
    let limits = cx.data_mut().limits_mut();
    if limits.take_interrupt() {
        return Err(crate::engine::limits::interrupted());
    }
    let next = slice.max(need).min(limits.user_fuel.unwrap_or(u64::MAX));
    if next == 0 || next < need {
        // What is left cannot take the guest a step further: spent.
        if let Some(user) = &mut limits.user_fuel {
            *user = 0;
        }
        return Err(crate::engine::limits::out_of_fuel());
    }
    limits.given = next;
    cx.set_fuel(next).map_err(Error::new)
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
fn to_raw(v: &w::Val) -> ValRaw {
    match v {
        w::Val::I32(x) => ValRaw::i32(*x),
        w::Val::I64(x) => ValRaw::i64(*x),
        w::Val::F32(x) => ValRaw::f32(x.to_bits()),
        w::Val::F64(x) => ValRaw::f64(x.to_bits()),
        // Lowered component functions only use numeric core types.
        _ => ValRaw::ZERO,
    }
}

#[inline]
fn from_raw(v: ValRaw, ty: CoreType) -> w::Val {
    match ty {
        CoreType::I32 => w::Val::I32(v.get_i32()),
        CoreType::I64 => w::Val::I64(v.get_i64()),
        CoreType::F32 => w::Val::F32(w::F32::from_bits(v.get_f32())),
        CoreType::F64 => w::Val::F64(w::F64::from_bits(v.get_f64())),
    }
}

fn func_type(ty: &CoreFuncType) -> w::FuncType {
    w::FuncType::new(
        ty.params.iter().map(|t| val_type(*t)).collect::<Vec<_>>(),
        ty.results.iter().map(|t| val_type(*t)).collect::<Vec<_>>(),
    )
}

/// The error a host function returns to wasmi; the real error waits in the
/// store's data, so that it reaches the caller with its type intact.
#[derive(Debug)]
struct HostTrapped;

impl core::fmt::Display for HostTrapped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("host function trapped")
    }
}

impl w::errors::HostError for HostTrapped {}

impl Backend for Wasmi {
    fn per_engine<F: Family>(of: F::Of<Self>) -> PerEngine<F> {
        PerEngine::Wasmi(of)
    }

    #[inline(always)]
    fn of_engine<F: Family>(of: &PerEngine<F>) -> Option<&F::Of<Self>> {
        #[allow(unreachable_patterns)]
        match of {
            PerEngine::Wasmi(v) => Some(v),
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
                w::ExternType::Func(f) => CoreKind::func(
                    f.params().iter().copied().map(core_type),
                    f.results().iter().copied().map(core_type),
                ),
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
                .map(|i| (i.module().to_owned(), i.name().to_owned(), kind(i.ty())))
                .collect(),
            exports: module
                .exports()
                .map(|e| (e.name().to_owned(), kind(e.ty())))
                .collect(),
        }
    }

    fn new_store<D: EngineData>(engine: &w::Engine, data: D) -> Self::Store<D> {
        let mut store = w::Store::new(engine, data);
        // Always: the limiter also tells host calls that memory grew.
        Self::enable_limiter(&mut store);
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
        if !sliced(cx) {
            return w::Instance::new(cx.as_context_mut(), module, imports)
                .map_err(|e| take_error(cx, &e));
        }
        // A start function runs in one go: it can use all the fuel left,
        // but not be interrupted.
        refill(cx, u64::MAX)?;
        let r = w::Instance::new(cx.as_context_mut(), module, imports);
        settle(cx);
        r.map_err(|e| take_error(cx, &e))
    }

    fn export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        instance: w::Instance,
        name: &str,
    ) -> Option<w::Extern> {
        instance.get_export(cx.as_context(), name)
    }

    fn as_func(ext: &w::Extern) -> Option<w::Func> {
        ext.into_func()
    }

    fn as_memory(ext: &w::Extern) -> Option<w::Memory> {
        ext.into_memory()
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
        Ok(w::Global::new(
            cx.as_context_mut(),
            w::Val::I32(value),
            w::Mutability::Var,
        ))
    }

    type FuncTy = w::FuncType;

    fn func_ty(_: &w::Engine, ty: &CoreFuncType) -> w::FuncType {
        func_type(ty)
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
        match host_func::typed_host_func(cx, ty, len, run) {
            Ok(f) => f,
            Err(run) => host_func::untyped_host_func(cx, ty, fty, len, run),
        }
    }

    type Realloc = w::TypedFunc<(i32, i32, i32, i32), i32>;

    fn realloc<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: w::Func) -> Option<Self::Realloc> {
        func.typed(cx.as_context()).ok()
    }

    #[inline(always)]
    fn call_realloc<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        realloc: Self::Realloc,
        args: [i32; 4],
    ) -> Result<i32> {
        if sliced(cx) {
            return realloc_sliced(cx, realloc, args);
        }
        realloc
            .call(cx.as_context_mut(), args.into())
            .map_err(|e| take_error(cx, &e))
    }

    fn set_fuel<D: EngineData>(store: &mut Self::Store<D>, fuel: u64) -> Result<()> {
        let limits = store.data_mut().limits_mut();
        if !limits.fuel {
            return Err(crate::engine::limits::fuel_off());
        }
        if limits.interruptible {
            limits.user_fuel = Some(fuel);
            Ok(())
        } else {
            store.set_fuel(fuel).map_err(Error::new)
        }
    }

    fn get_fuel<D: EngineData>(store: &Self::Store<D>) -> Result<u64> {
        let limits = store.data().limits();
        match (limits.fuel, limits.user_fuel) {
            (false, _) => Err(crate::engine::limits::fuel_off()),
            (true, Some(left)) if limits.interruptible => Ok(left),
            _ => store.get_fuel().map_err(Error::new),
        }
    }

    fn interrupt_waker<D: EngineData>(
        _: &Self::Store<D>,
    ) -> Option<std::sync::Arc<dyn Fn() + Send + Sync>> {
        None
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
        let params: Vec<w::ValType> = core::iter::repeat_n(w::ValType::FuncRef, refs)
            .chain(ty.params.iter().map(|t| val_type(*t)))
            .collect();
        let fty = w::FuncType::new(params, ty.results.iter().map(|t| val_type(*t)));
        let results_ty = ty.results.clone();
        let len = ty.params.len().max(ty.results.len()).min(MAX_STORAGE);
        w::Func::new(
            cx.as_context_mut(),
            fty,
            move |mut caller: w::Caller<'_, D>, params, results| {
                let mut funcs = [None; 2];
                for (f, v) in funcs.iter_mut().zip(&params[..refs.min(params.len())]) {
                    if let w::Val::FuncRef(w::Nullable::Val(func)) = v {
                        *f = Some(*func);
                    }
                }
                let mut storage = [ValRaw::ZERO; MAX_STORAGE];
                for (slot, v) in storage.iter_mut().zip(params.iter().skip(refs)) {
                    *slot = to_raw(v);
                }
                let slots = &mut storage[..len];
                if !run(caller.as_context_mut(), &funcs[..refs.min(2)], slots) {
                    return Err(w::Error::host(HostTrapped));
                }
                for ((out, v), t) in results.iter_mut().zip(slots.iter()).zip(&results_ty) {
                    *out = from_raw(*v, *t);
                }
                Ok(())
            },
        )
    }

    fn func_type<D: EngineData>(cx: &mut Self::Cx<'_, D>, func: w::Func) -> Option<CoreFuncType> {
        let ty = func.ty(cx.as_context());
        Some(CoreFuncType {
            params: ty
                .params()
                .iter()
                .copied()
                .map(core_type)
                .collect::<Option<_>>()?,
            results: ty
                .results()
                .iter()
                .copied()
                .map(core_type)
                .collect::<Option<_>>()?,
        })
    }

    fn func_matches<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> bool {
        let have = func.ty(cx.as_context());
        let same = |a: &[w::ValType], b: &[CoreType]| {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| *a == val_type(*b))
        };
        same(have.params(), &ty.params) && same(have.results(), &ty.results)
    }

    fn call<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()> {
        let mut args = [const { w::Val::I32(0) }; MAX_STORAGE];
        let mut rets = [const { w::Val::I32(0) }; MAX_STORAGE];
        let (Some(args), Some(rets)) = (
            args.get_mut(..ty.params.len()),
            rets.get_mut(..ty.results.len()),
        ) else {
            return Err(anyhow::anyhow!(
                "core function type {ty:?} has more values than hostbind passes"
            ));
        };
        for ((a, v), t) in args.iter_mut().zip(params).zip(&ty.params) {
            *a = from_raw(*v, *t);
        }
        for (r, t) in rets.iter_mut().zip(&ty.results) {
            *r = from_raw(ValRaw::ZERO, *t);
        }
        if sliced(cx) {
            call_sliced(cx, func, args, rets)?;
        } else {
            func.call(cx.as_context_mut(), args, rets)
                .map_err(|e| take_error(cx, &e))?;
        }
        for (out, r) in results.iter_mut().zip(rets.iter()) {
            *out = to_raw(r);
        }
        Ok(())
    }

    type Export = TypedExport;

    fn prepare_export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> TypedExport {
        TypedExport::new(cx, func, ty)
    }

    fn export_func(export: TypedExport) -> w::Func {
        export.func
    }

    const SUSPENDS: bool = true;
    type Thread = thread::Thread;

    fn call_thread<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<Option<thread::Thread>> {
        thread::call(cx, func, ty, params, results)
    }

    fn resume_thread<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        thread: thread::Thread,
        host_results: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<Option<thread::Thread>> {
        thread::resume(cx, thread, host_results, results)
    }

    #[inline(always)]
    fn call_export<D: EngineData>(
        cx: &mut Self::Cx<'_, D>,
        export: TypedExport,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()> {
        // Resumable calls are untyped in wasmi.
        let Some(typed) = export.typed.filter(|_| !sliced(cx)) else {
            return Self::call(cx, export.func, ty, params, results);
        };
        // The shape was checked against `ty` when the export was prepared.
        let a: [i32; 4] = core::array::from_fn(|i| params.get(i).map_or(0, |v| v.get_i32()));
        let ctx = cx.as_context_mut();
        let called = match typed {
            Typed::P0(f) => f.call(ctx, ()).map(|()| None),
            Typed::P1(f) => f.call(ctx, a[0]).map(|()| None),
            Typed::P2(f) => f.call(ctx, (a[0], a[1])).map(|()| None),
            Typed::P3(f) => f.call(ctx, (a[0], a[1], a[2])).map(|()| None),
            Typed::P4(f) => f.call(ctx, (a[0], a[1], a[2], a[3])).map(|()| None),
            Typed::R0(f) => f.call(ctx, ()).map(Some),
            Typed::R1(f) => f.call(ctx, a[0]).map(Some),
            Typed::R2(f) => f.call(ctx, (a[0], a[1])).map(Some),
            Typed::R3(f) => f.call(ctx, (a[0], a[1], a[2])).map(Some),
            Typed::R4(f) => f.call(ctx, (a[0], a[1], a[2], a[3])).map(Some),
        };
        let ret = called.map_err(|e| take_error(cx, &e))?;
        if let (Some(v), Some(out)) = (ret, results.first_mut()) {
            *out = ValRaw::i32(v);
        }
        Ok(())
    }
}

/// An export or `post-return` prepared for calls: the function, and for the
/// shapes C guests' exports have (up to four `i32` params and no result or
/// one `i32`) a wasmi `TypedFunc` of it, whose calls skip the check of each
/// value's type and the conversion to and from `Val`s of an untyped call.
#[derive(Clone, Copy)]
pub(crate) struct TypedExport {
    func: w::Func,
    typed: Option<Typed>,
}

#[derive(Clone, Copy)]
enum Typed {
    P0(w::TypedFunc<(), ()>),
    P1(w::TypedFunc<i32, ()>),
    P2(w::TypedFunc<(i32, i32), ()>),
    P3(w::TypedFunc<(i32, i32, i32), ()>),
    P4(w::TypedFunc<(i32, i32, i32, i32), ()>),
    R0(w::TypedFunc<(), i32>),
    R1(w::TypedFunc<i32, i32>),
    R2(w::TypedFunc<(i32, i32), i32>),
    R3(w::TypedFunc<(i32, i32, i32), i32>),
    R4(w::TypedFunc<(i32, i32, i32, i32), i32>),
}

impl TypedExport {
    fn new<D: EngineData>(
        cx: &w::StoreContextMut<'_, D>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> TypedExport {
        let cx = cx.as_context();
        let typed = match ty.small_i32_shape() {
            Some((0, 0)) => func.typed(cx).map(Typed::P0).ok(),
            Some((1, 0)) => func.typed(cx).map(Typed::P1).ok(),
            Some((2, 0)) => func.typed(cx).map(Typed::P2).ok(),
            Some((3, 0)) => func.typed(cx).map(Typed::P3).ok(),
            Some((4, 0)) => func.typed(cx).map(Typed::P4).ok(),
            Some((0, 1)) => func.typed(cx).map(Typed::R0).ok(),
            Some((1, 1)) => func.typed(cx).map(Typed::R1).ok(),
            Some((2, 1)) => func.typed(cx).map(Typed::R2).ok(),
            Some((3, 1)) => func.typed(cx).map(Typed::R3).ok(),
            Some((4, 1)) => func.typed(cx).map(Typed::R4).ok(),
            _ => None,
        };
        TypedExport { func, typed }
    }
}

/// Runs `func` resumably, refilling fuel slice by slice and checking the
/// store's interrupt flag between slices.
fn call_sliced<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    func: w::Func,
    args: &[w::Val],
    rets: &mut [w::Val],
) -> Result<()> {
    refill(cx, SLICE)?;
    let mut call = func.call_resumable(cx.as_context_mut(), args, rets);
    let result = loop {
        match call {
            Ok(w::ResumableCall::Finished) => break Ok(()),
            // A host function failed: the call ends here, not resumed.
            Ok(w::ResumableCall::HostTrap(trap)) => break Err(take_error(cx, trap.host_error())),
            Ok(w::ResumableCall::OutOfFuel(more)) => {
                // A step can need more than a slice (a large `memory.grow`):
                // give it what it needs, or stop if the user's fuel cannot.
                if let Err(e) = refill_for(cx, SLICE, more.required_fuel()) {
                    break Err(e);
                }
                call = more.resume(cx.as_context_mut(), rets);
            }
            Err(e) => break Err(take_error(cx, &e)),
        }
    };
    settle(cx);
    result
}

/// The error to report for a failed wasmi call: a host function's own error
/// when one is waiting, a limit's trap, else wasmi's.
fn take_error<D: EngineData>(cx: &mut w::StoreContextMut<'_, D>, e: &w::Error) -> Error {
    let data = cx.data_mut();
    if e.downcast_ref::<HostTrapped>().is_some()
        && let Some(pending) = data.take_pending()
    {
        return pending;
    }
    if let Some(limit) = data.limits_mut().limit_error.take() {
        return limit;
    }
    if e.as_trap_code() == Some(w::TrapCode::OutOfFuel) {
        return crate::engine::limits::out_of_fuel();
    }
    Error::msg(e.to_string()).context("wasm trap")
}

impl<T: 'static> w::ResourceLimiter for LimitState<T> {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> core::result::Result<bool, wasmi_core::LimiterError> {
        self.ask_engine(true, current, desired, maximum)
            .map_err(|()| wasmi_core::LimiterError::ResourceLimiterDeniedAllocation)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> core::result::Result<bool, wasmi_core::LimiterError> {
        self.ask_engine(false, current, desired, maximum)
            .map_err(|()| wasmi_core::LimiterError::ResourceLimiterDeniedAllocation)
    }

    // Component instances are made of several core instances; these counts
    // are not what hosts mean to limit, so they stay out of the way.
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
