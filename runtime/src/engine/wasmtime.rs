//! The wasmtime backend: hostbind's engine seam over wasmtime's core API
//! (no part of wasmtime's component model is used).
//!
//! Host functions are `Func::new_unchecked` over raw value storage, and
//! calls are `Func::call_unchecked`: the cheapest entries wasmtime offers,
//! with the types checked once, where hostbind builds them from environ's.

use core::mem::MaybeUninit;

use ::wasmtime as w;
use ::wasmtime::{AsContext, AsContextMut};

use super::Backend;
use crate::error::{Error, Result};
use crate::host::{HostBinding, MAX_STORAGE};
use crate::raw::{CoreFuncType, CoreType, ValRaw};
use crate::store::StoreData;

/// The wasmtime backend.
pub(crate) struct Wasmtime;

pub(crate) fn new_engine() -> Result<w::Engine> {
    Ok(w::Engine::new(&w::Config::new())?)
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
    type Module = w::Module;
    type Store<T: 'static> = w::Store<StoreData<T, Wasmtime>>;
    type Cx<'a, T: 'static> = w::StoreContextMut<'a, StoreData<T, Wasmtime>>;
    type Instance = w::Instance;
    type Func = w::Func;
    type Memory = w::Memory;
    type Global = w::Global;
    type Extern = w::Extern;
    type Engine = w::Engine;

    fn compile(engine: &w::Engine, wasm: &[u8]) -> Result<w::Module> {
        Ok(w::Module::new(engine, wasm)?)
    }

    fn imports(module: &w::Module) -> Vec<(String, String)> {
        module
            .imports()
            .map(|i| (i.module().to_owned(), i.name().to_owned()))
            .collect()
    }

    fn new_store<T: 'static>(engine: &w::Engine, data: StoreData<T, Wasmtime>) -> Self::Store<T> {
        w::Store::new(engine, data)
    }

    fn cx<T: 'static>(store: &mut Self::Store<T>) -> Self::Cx<'_, T> {
        store.as_context_mut()
    }

    fn reborrow<'a, T: 'static>(cx: &'a mut Self::Cx<'_, T>) -> Self::Cx<'a, T> {
        cx.as_context_mut()
    }

    fn data<'a, T: 'static>(cx: &'a mut Self::Cx<'_, T>) -> &'a mut StoreData<T, Wasmtime> {
        cx.data_mut()
    }

    fn store_data<T: 'static>(store: &Self::Store<T>) -> &StoreData<T, Wasmtime> {
        store.data()
    }

    fn store_data_mut<T: 'static>(store: &mut Self::Store<T>) -> &mut StoreData<T, Wasmtime> {
        store.data_mut()
    }

    fn memory<'a, T: 'static>(
        cx: &'a mut Self::Cx<'_, T>,
        memory: w::Memory,
    ) -> (&'a mut [u8], &'a mut StoreData<T, Wasmtime>) {
        memory.data_and_store_mut(cx.as_context_mut())
    }

    fn instantiate<T: 'static>(
        cx: &mut Self::Cx<'_, T>,
        module: &w::Module,
        imports: &[w::Extern],
    ) -> Result<w::Instance> {
        w::Instance::new(cx.as_context_mut(), module, imports).map_err(|e| take_error(cx, e))
    }

    fn export<T: 'static>(
        cx: &mut Self::Cx<'_, T>,
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

    fn new_global<T: 'static>(cx: &mut Self::Cx<'_, T>, value: i32) -> Result<w::Global> {
        let ty = w::GlobalType::new(w::ValType::I32, w::Mutability::Var);
        Ok(w::Global::new(cx.as_context_mut(), ty, w::Val::I32(value))?)
    }

    fn new_host_func<T: 'static>(
        cx: &mut Self::Cx<'_, T>,
        ty: &CoreFuncType,
        binding: HostBinding<T>,
    ) -> w::Func {
        let params_ty = ty.params.clone();
        let results_ty = ty.results.clone();
        let len = binding.storage_len.min(MAX_STORAGE);
        let fty = func_type(cx.engine(), ty);
        let func = move |mut caller: w::Caller<'_, StoreData<T, Wasmtime>>,
                         slots: &mut [MaybeUninit<w::ValRaw>]|
              -> w::Result<()> {
            let mut storage = [ValRaw::ZERO; MAX_STORAGE];
            for ((out, slot), t) in storage.iter_mut().zip(slots.iter()).zip(&params_ty) {
                // SAFETY: wasmtime initialises one slot per param of the
                // function's type, which is `params_ty`.
                *out = to_raw(unsafe { slot.assume_init() }, *t);
            }
            let storage = &mut storage[..len];
            if !crate::host::call::<Wasmtime, T>(caller.as_context_mut(), &binding, storage) {
                return Err(w::Error::new(HostTrapped));
            }
            for ((slot, v), t) in slots.iter_mut().zip(storage.iter()).zip(&results_ty) {
                slot.write(from_raw(*v, *t));
            }
            Ok(())
        };
        // SAFETY: the closure reads exactly the params of `fty` from the
        // storage and writes exactly its results, with their types.
        unsafe { w::Func::new_unchecked(cx.as_context_mut(), fty, func) }
    }

    fn func_matches<T: 'static>(
        cx: &mut Self::Cx<'_, T>,
        func: w::Func,
        ty: &CoreFuncType,
    ) -> bool {
        let want = func_type(cx.engine(), ty);
        func.ty(cx.as_context()).matches(&want)
    }

    fn call<T: 'static>(
        cx: &mut Self::Cx<'_, T>,
        func: w::Func,
        ty: &CoreFuncType,
        params: &[ValRaw],
        results: &mut [ValRaw],
    ) -> Result<()> {
        let mut slots = [w::ValRaw::i32(0); MAX_STORAGE];
        let n = ty.params.len().max(ty.results.len());
        if n > MAX_STORAGE || params.len() < ty.params.len() || results.len() < ty.results.len() {
            return Err(anyhow::anyhow!(
                "core function type {ty:?} has more values than hostbind passes"
            ));
        }
        for ((slot, v), t) in slots.iter_mut().zip(params).zip(&ty.params) {
            *slot = from_raw(*v, *t);
        }
        let slots = &mut slots[..n];
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
}

/// The error to report for a failed wasmtime call: a host function's own
/// error when one is waiting, else wasmtime's.
fn take_error<T: 'static>(
    cx: &mut w::StoreContextMut<'_, StoreData<T, Wasmtime>>,
    e: w::Error,
) -> Error {
    match cx.data_mut().pending.take() {
        Some(pending) if e.downcast_ref::<HostTrapped>().is_some() => pending,
        _ => Error::from(e).context("wasm trap"),
    }
}
