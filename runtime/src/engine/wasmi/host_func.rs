//! wasmi host functions over hostbind's value storage: typed ones for the
//! common core signatures, untyped ones for the rest.

use ::wasmi as w;
use ::wasmi::AsContextMut;

use super::{HostTrapped, from_raw, to_raw};
use crate::engine::EngineData;
use crate::raw::{CoreFuncType, MAX_STORAGE, ValRaw};

/// Runs a host call from one of wasmi's trampolines.
#[inline(always)]
pub(super) fn host_call<D: EngineData, F>(
    mut caller: w::Caller<'_, D>,
    run: &F,
    storage: &mut [ValRaw],
) -> core::result::Result<ValRaw, w::Error>
where
    F: for<'a> Fn(w::StoreContextMut<'a, D>, &mut [ValRaw]) -> Option<ValRaw>,
{
    match run(caller.as_context_mut(), storage) {
        Some(first) => Ok(first),
        None => Err(w::Error::host(HostTrapped)),
    }
}

/// A host function through wasmi's dynamic `Func::new`, for any core type:
/// it copies a boxed slice of values on every call.
pub(super) fn untyped_host_func<D: EngineData, F>(
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
    let results_ty = ty.results.clone();
    w::Func::new(
        cx.as_context_mut(),
        fty.clone(),
        move |caller: w::Caller<'_, D>, params, results| {
            let mut storage = [ValRaw::ZERO; MAX_STORAGE];
            for (slot, v) in storage.iter_mut().zip(params) {
                *slot = to_raw(v);
            }
            let slots = &mut storage[..len];
            host_call(caller, &run, slots)?;
            for ((out, v), t) in results.iter_mut().zip(slots.iter()).zip(&results_ty) {
                *out = from_raw(*v, *t);
            }
            Ok(())
        },
    )
}

/// A host function through wasmi's typed `Func::wrap`, which passes values
/// without allocating, for the core types of `engine::typed`'s list.
/// Anything else is handed back for [`untyped_host_func`].
pub(super) fn typed_host_func<D: EngineData, F>(
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
                move |caller: w::Caller<'_, D>, $($p: core_rust!($pt)),*|
                      -> core::result::Result<$r, w::Error> {
                    // The params, and a slot for a result where there are none.
                    let mut slots = [$(core_raw!($pt, $p),)* ValRaw::ZERO];
                    // SAFETY: `fits` held when the closure was made: `len`
                    // is at most one more than the params, the array's length.
                    let slots = unsafe { slots.get_unchecked_mut(..len) };
                    // The result comes back from the call, not from memory.
                    let first = host_call(caller, &run, slots)?;
                    Ok($read(first))
                },
            ))
        };
    }
    typed_shapes!(ty, one, Err(run))
}
