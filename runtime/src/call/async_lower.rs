//! A host function called through an `async` lowering: the guest passes
//! its params flat only up to four values and gets every result through a
//! pointer, and the call returns a subtask status. hostbind's host
//! functions run to completion, so such a call always returns at once:
//! this moves the values between the two layouts around the function's
//! synchronous glue and reports `RETURNED`.

use super::host::Lowered;
use crate::abi::async_lower::AsyncLower;
use crate::engine::Backend;
use crate::error::{Place, Result, Site};
use crate::raw::{MAX_STORAGE, ValRaw};
use crate::store::Cx;
use wasmtime_environ::component::{InterfaceType, TypeFuncIndex};

/// The subtask status of a call that has returned.
const RETURNED: i32 = 2;

/// Calls the host function behind `lowered` with the async-lowered
/// call's values in `storage`; leaves the status in `storage[0]`.
pub(crate) fn call<B: Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    lowered: &Lowered<T, B>,
    layout: AsyncLower,
    storage: &mut [ValRaw],
) -> bool {
    let mut sync = [ValRaw::ZERO; MAX_STORAGE];
    // Params: flat up to four are flat in both layouts; past sixteen both
    // pass a pointer; in between the async layout's pointer is spread.
    let np = layout.params_flat.unwrap_or(1);
    let retptr = match spread_params::<B, T>(&mut cx, lowered, layout, storage) {
        Ok(Some((spread, retptr))) => {
            sync[..np].copy_from_slice(&spread[..np]);
            retptr
        }
        Ok(None) => {
            sync[..np].copy_from_slice(&storage[..np]);
            layout.has_results.then(|| storage[np].get_u32())
        }
        Err(e) => return super::host::finish::<B, T>(cx, Err(e)),
    };
    let mut len = np;
    if layout.results_flat.is_none()
        && let Some(p) = retptr
    {
        sync[np] = ValRaw::i32(p as i32);
        len += 1;
    }
    let len = len.max(1);
    if super::host::call_lowered::<B, T>(B::reborrow(&mut cx), lowered, &mut sync[..len]).is_none()
    {
        return false;
    }
    if let (Some(1), Some(p)) = (layout.results_flat, retptr) {
        // One flat result: it goes to memory, as its type's bytes.
        let stored = store_result::<B, T>(&mut cx, lowered, layout, p, sync[0]);
        if let Err(e) = stored {
            return super::host::finish::<B, T>(cx, Err(e));
        }
    }
    storage[0] = ValRaw::i32(RETURNED);
    true
}

/// For a call whose five to sixteen flat params the async layout passes
/// through a pointer: the params spread into flat values (followed by the
/// results' pointer, as the synchronous layout places it), and that
/// pointer. `None` for any other call, whose params need no spreading.
pub(crate) fn spread_params<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lowered: &Lowered<T, B>,
    layout: AsyncLower,
    storage: &[ValRaw],
) -> Result<Option<([ValRaw; MAX_STORAGE], Option<u32>)>> {
    if !layout.params_spread {
        return Ok(None);
    }
    let site = Site {
        func: lowered.func.name(),
        place: Place::Params,
    };
    let state = B::data(cx)
        .instances
        .get(lowered.site().res.instance)
        .ok_or_else(|| site.trap(format_args!("the lowering's instance is gone")))?;
    let types = state.component.types.clone();
    let memory = state
        .options(lowered.opts.options)
        .and_then(|o| o.memory)
        .ok_or_else(|| {
            site.trap(format_args!(
                "an async lowering of spilled params has no memory"
            ))
        })?;
    let params =
        InterfaceType::Tuple(types[TypeFuncIndex::from_u32(lowered.site().func_ty)].params);
    let abi = types.canonical_abi(&params);
    let (mem, _) = B::memory(cx, memory);
    let at = crate::abi::memory::check_array(
        &site,
        "params",
        mem.len(),
        storage[0].get_u32(),
        1,
        abi.size32,
        abi.align32,
    )?;
    let mut flat = Vec::with_capacity(MAX_STORAGE);
    crate::abi::spread::spread(&types, &params, &mem[at], 0, &mut flat);
    let retptr = layout.has_results.then(|| storage[1].get_u32());
    if let Some(p) = retptr {
        flat.push(ValRaw::i32(p as i32));
    }
    let mut out = [ValRaw::ZERO; MAX_STORAGE];
    out[..flat.len()].copy_from_slice(&flat);
    Ok(Some((out, retptr)))
}

/// Writes the one flat result `v` at `ptr` in the lowering's memory.
fn store_result<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lowered: &Lowered<T, B>,
    layout: AsyncLower,
    ptr: u32,
    v: ValRaw,
) -> Result<()> {
    let site = Site {
        func: lowered.func.name(),
        place: Place::Result,
    };
    let memory = B::data(cx)
        .instances
        .get(lowered.site().res.instance)
        .and_then(|s| s.options(lowered.opts.options))
        .and_then(|o| o.memory)
        .ok_or_else(|| {
            site.trap(format_args!(
                "an async lowering with a result has no memory"
            ))
        })?;
    let (mem, _) = B::memory(cx, memory);
    let at = crate::abi::memory::check_array(
        &site,
        "return",
        mem.len(),
        ptr,
        1,
        layout.size,
        layout.align,
    )?;
    let bytes = v.get_i64().to_le_bytes();
    mem[at.clone()].copy_from_slice(&bytes[..at.len()]);
    Ok(())
}
