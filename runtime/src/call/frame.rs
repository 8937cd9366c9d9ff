//! A lowered import's call context: the [`HostCx`] its glue gets, and the
//! engine operations behind it.
//!
//! The context holds the engine's store context (one pointer on every
//! engine) and a pointer to the lowering's options; what the glue asks of
//! the engine (memory that moved, `realloc`, handle tables, a trap) goes
//! through one table of functions per engine and store type, which the
//! options point to, that turn those back into what they were. So a call
//! writes four words, and builds nothing of the engine's side unless the
//! glue asks.

use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use crate::abi::HandleTables;
use crate::call::glue::{HostCx, HostOps, Lent, OpsPtr};
use crate::call::guest::{LoweringOpts, lowering_memory, lowering_realloc};
use crate::engine::Backend;
use crate::error::{Error, Result};
use crate::store::Cx;

/// The operations a lowering's call site points to, for engine `B` and
/// stores of `T`.
pub(crate) fn ops_of<B: Backend, T: 'static>() -> OpsPtr {
    OpsPtr(NonNull::from(Ops::<B, T>::TABLE).cast())
}

/// The context of a call through the store context `cx` from the lowering
/// with options `opts`; the context holds `cx` until [`store_cx`] takes it
/// back.
///
/// # Safety
///
/// The site of `opts` points to `ops_of::<B, T>()`.
#[inline(always)]
pub(crate) unsafe fn host_cx<'a, B: Backend, T: 'static>(
    mut cx: Cx<'a, B, T>,
    opts: &'a LoweringOpts<B>,
) -> HostCx<'a, T> {
    const {
        assert!(
            size_of::<Cx<'static, B, T>>() == size_of::<*mut ()>()
                && align_of::<Cx<'static, B, T>>() <= align_of::<*mut ()>()
                && !core::mem::needs_drop::<Cx<'static, B, T>>(),
            "an engine's store context is one pointer"
        )
    };
    let data = B::data(&mut cx);
    let lent = Lent {
        epoch: data.limits.memory_epoch,
        data: Some(NonNull::from(&mut data.data)),
    };
    let mut store = MaybeUninit::<*mut ()>::uninit();
    // SAFETY: the slot is as large as a `Cx` and aligned for one (asserted
    // above); `Cx` has no drop glue, so one left there is simply forgotten.
    unsafe { store.as_mut_ptr().cast::<Cx<'a, B, T>>().write(cx) };
    // SAFETY: `opts` begins with its call site (`LoweringOpts` is
    // `repr(C)`, the site first), whose `ops` are `B`'s for `T` (per the
    // contract), and the pointer to it keeps the whole options in
    // reach; `opts` is borrowed for `'a`, as long as the context lives;
    // `store` holds the `Cx` now, reached through nothing else. `lent` was
    // taken from it just now.
    unsafe { HostCx::new(NonNull::from(opts).cast(), store, lent) }
}

/// The store context `hcx` holds, taken back once the glue is done.
///
/// # Safety
///
/// `hcx` was made by `host_cx::<B, T>`.
#[inline(always)]
pub(crate) unsafe fn store_cx<'a, B: Backend, T: 'static>(hcx: HostCx<'a, T>) -> Cx<'a, B, T> {
    // SAFETY: per the contract, `host_cx` moved a `Cx<'a, B, T>` into the
    // slot, and it is read out once, as `hcx` goes.
    unsafe { hcx.store.as_ptr().cast::<Cx<'a, B, T>>().read() }
}

/// The operations of `B`'s contexts over stores of `T`.
struct Ops<B, T>(PhantomData<fn() -> (B, T)>);

impl<B: Backend, T: 'static> Ops<B, T> {
    const TABLE: &'static HostOps<T> = &HostOps {
        parts: parts::<B, T>,
        fail: fail::<B, T>,
        memory: memory::<B, T>,
        realloc_memory: realloc_memory::<B, T>,
        handles: handles::<B, T>,
    };
}

/// The store context and lowering options `hcx` points to.
///
/// # Safety
///
/// `hcx` was made by `host_cx::<B, T>`. (The store context is never
/// written through the reference returned, so naming its lifetime `'c`
/// rather than the one it was made with changes nothing it holds.)
#[inline(always)]
unsafe fn split<'c, B: Backend, T: 'static>(
    hcx: &'c mut HostCx<'_, T>,
) -> (&'c mut Cx<'c, B, T>, &'c LoweringOpts<B>) {
    let site = hcx.site_ptr();
    // SAFETY: per the contract, `store` holds a live `Cx<B, T>` that only
    // the context reaches, and `site` points to the `LoweringOpts<B>` it
    // begins; `hcx` is borrowed mutably for `'c`.
    unsafe {
        (
            &mut *hcx.store.as_mut_ptr().cast::<Cx<'c, B, T>>(),
            site.cast::<LoweringOpts<B>>().as_ref(),
        )
    }
}

/// `HostOps::parts`.
///
/// # Safety
///
/// As for [`split`].
unsafe fn parts<'c, B: Backend, T: 'static>(
    hcx: &'c mut HostCx<'_, T>,
    memory: bool,
    handles: bool,
) -> (&'c mut T, &'c [u8], Option<&'c HandleTables>) {
    // SAFETY: per the contract.
    let (cx, o) = unsafe { split::<B, T>(hcx) };
    let found = match memory {
        true => lowering_memory::<B, T>(cx, o),
        false => None,
    };
    let mem: &[u8] = match found {
        // SAFETY: `found` is the memory's bytes as they are now; guest
        // memory is the engine's, disjoint from the store's data borrowed
        // below, and nothing writes it while the slice (borrowing `hcx`)
        // lives.
        Some((ptr, len)) => unsafe { core::slice::from_raw_parts(ptr.as_ptr(), len) },
        None => &[],
    };
    let data = B::data(cx);
    let tables = match handles {
        true => data.instances.get(o.site.res.instance).map(|s| &s.handles),
        false => None,
    };
    (&mut data.data, mem, tables)
}

/// `HostOps::fail`.
///
/// # Safety
///
/// As for [`split`].
unsafe fn fail<B: Backend, T: 'static>(hcx: &mut HostCx<'_, T>, error: Error) {
    // SAFETY: per the contract.
    let (cx, _) = unsafe { split::<B, T>(hcx) };
    B::data(cx).pending = Some(error);
}

/// `HostOps::memory`.
///
/// # Safety
///
/// As for [`split`].
unsafe fn memory<'c, B: Backend, T: 'static>(hcx: &'c mut HostCx<'_, T>) -> &'c mut [u8] {
    // SAFETY: per the contract.
    let (cx, o) = unsafe { split::<B, T>(hcx) };
    match lowering_memory::<B, T>(cx, o) {
        // SAFETY: as in `parts`; the slice borrows `hcx` mutably, so it is
        // the only view of the bytes made through it.
        Some((ptr, len)) => unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) },
        None => &mut [],
    }
}

/// `HostOps::realloc_memory`: one call for what lowering a string or a
/// list does once per value.
///
/// # Safety
///
/// As for [`split`].
unsafe fn realloc_memory<'c, B: Backend, T: 'static>(
    hcx: &'c mut HostCx<'_, T>,
    args: [u32; 4],
) -> Result<(u32, &'c mut [u8])> {
    // SAFETY: per the contract.
    let (cx, o) = unsafe { split::<B, T>(hcx) };
    let ptr = lowering_realloc::<B, T>(cx, o, args)?;
    let mem = match lowering_memory::<B, T>(cx, o) {
        // SAFETY: as in `memory`; found after `realloc` ran, so where the
        // memory is now even if it grew.
        Some((ptr, len)) => unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) },
        None => &mut [],
    };
    Ok((ptr, mem))
}

/// `HostOps::handles`.
///
/// # Safety
///
/// As for [`split`].
unsafe fn handles<'c, B: Backend, T: 'static>(
    hcx: &'c mut HostCx<'_, T>,
) -> Option<&'c HandleTables> {
    // SAFETY: per the contract.
    let (cx, o) = unsafe { split::<B, T>(hcx) };
    B::data(cx)
        .instances
        .get(o.site.res.instance)
        .map(|s| &s.handles)
}
