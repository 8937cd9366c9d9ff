//! Suspendable calls on wasmi: a guest call runs as a resumable call, and a
//! host function that fails with [`Suspend`] leaves it suspended, with the
//! guest's stack kept in wasmi's resumable-call handle, instead of failing.

use ::wasmi as w;
use ::wasmi::{AsContext, AsContextMut};

use super::{SLICE, from_raw, refill, refill_for, settle, sliced, take_error, to_raw};
use crate::engine::{EngineData, Suspend};
use crate::error::Result;
use crate::raw::{CoreFuncType, CoreType, ValRaw};

/// A suspended guest call.
pub(crate) struct Thread {
    call: w::ResumableCallHostTrap,
    /// The core result types of the call's function.
    results: Vec<CoreType>,
}

/// Calls `func` so that a host function inside it may suspend it.
pub(crate) fn call<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    func: w::Func,
    ty: &CoreFuncType,
    params: &[ValRaw],
    results: &mut [ValRaw],
) -> Result<Option<Thread>> {
    let args: Vec<w::Val> = params
        .iter()
        .zip(&ty.params)
        .map(|(v, t)| from_raw(*v, *t))
        .collect();
    let mut rets = zeroed(&ty.results);
    let sliced = sliced(cx);
    if sliced {
        refill(cx, SLICE)?;
    }
    let call = func.call_resumable(cx.as_context_mut(), &args, &mut rets);
    drive(cx, call, &ty.results, &mut rets, results, sliced)
}

/// Resumes `thread`, whose suspending host function returns `host_results`.
pub(crate) fn resume<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    thread: Thread,
    host_results: &[ValRaw],
    results: &mut [ValRaw],
) -> Result<Option<Thread>> {
    let Thread { call, results: tys } = thread;
    let host_ty = call.host_func().ty(cx.as_context());
    let inputs: Vec<w::Val> = host_ty
        .results()
        .iter()
        .zip(host_results.iter().chain(core::iter::repeat(&ValRaw::ZERO)))
        .map(|(t, v)| from_raw(*v, core_type(t)))
        .collect();
    let mut rets = zeroed(&tys);
    let sliced = sliced(cx);
    if sliced {
        refill(cx, SLICE)?;
    }
    let resumed = call.resume(cx.as_context_mut(), &inputs, &mut rets);
    drive(cx, resumed, &tys, &mut rets, results, sliced)
}

fn zeroed(tys: &[CoreType]) -> Vec<w::Val> {
    tys.iter().map(|t| from_raw(ValRaw::ZERO, *t)).collect()
}

fn core_type(t: &w::ValType) -> CoreType {
    match t {
        w::ValType::I64 => CoreType::I64,
        w::ValType::F32 => CoreType::F32,
        w::ValType::F64 => CoreType::F64,
        _ => CoreType::I32,
    }
}

/// Runs a resumable call until it finishes, fails or suspends, refilling
/// fuel slice by slice when the store meters it.
fn drive<D: EngineData>(
    cx: &mut w::StoreContextMut<'_, D>,
    mut call: core::result::Result<w::ResumableCall, w::Error>,
    tys: &[CoreType],
    rets: &mut [w::Val],
    results: &mut [ValRaw],
    sliced: bool,
) -> Result<Option<Thread>> {
    let out = loop {
        match call {
            Ok(w::ResumableCall::Finished) => break Ok(None),
            Ok(w::ResumableCall::HostTrap(trap)) => {
                // A host function failed; it may have asked to suspend.
                match cx.data_mut().take_pending() {
                    Some(e) if e.is::<Suspend>() => {
                        break Ok(Some(Thread {
                            call: trap,
                            results: tys.to_vec(),
                        }));
                    }
                    Some(e) => break Err(e),
                    None => break Err(take_error(cx, trap.host_error())),
                }
            }
            Ok(w::ResumableCall::OutOfFuel(more)) => {
                if !sliced {
                    break Err(crate::engine::limits::out_of_fuel());
                }
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
    if sliced {
        settle(cx);
    }
    if let Ok(None) = out {
        for (out, r) in results.iter_mut().zip(rets.iter()) {
            *out = to_raw(r);
        }
    }
    out
}
