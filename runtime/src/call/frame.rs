//! A lowered import's call context: the [`HostCx`] its glue gets, and the
//! engine operations behind it.
//!
//! The context holds a pointer to the engine's store context and one to
//! the lowering's options; what the glue asks of the engine (memory that
//! moved, `realloc`, handle tables, a trap) goes through one table of
//! functions per engine and store type that turn those pointers back into
//! what they were. So a call writes a few words, and builds nothing of the
//! engine's side unless the glue asks.

use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::abi::{Guest, HandleTables};
use crate::call::glue::{HostCx, HostOps, Lent};
use crate::call::guest::{GuestAccess, LoweringOpts, bound_opts, lowering_memory};
use crate::engine::Backend;
use crate::error::{Error, Result};
use crate::store::Cx;

/// The context of a call through the store context `cx` from the lowering
/// with options `opts`. A function, not a value holding `cx`: the context
/// points to `cx` where the engine's host function keeps it.
#[inline(always)]
pub(crate) fn host_cx<'a, B: Backend, T: 'static>(
    cx: &'a mut Cx<'_, B, T>,
    opts: &'a LoweringOpts<B>,
) -> HostCx<'a, T> {
    let data = B::data(cx);
    let lent = Lent {
        epoch: data.limits.memory_epoch,
        data: Some(NonNull::from(&mut data.data)),
    };
    // SAFETY: the table is `B`'s for `T`; `opts` begins with its call site
    // (`LoweringOpts` is `repr(C)`, the site first) and the pointer to it
    // keeps the whole options in reach; `cx` and `opts` are borrowed for
    // `'a`, as long as the context lives, and `cx` is reached only through
    // the context meanwhile. `lent` was taken from `cx` just now.
    unsafe {
        HostCx::new(
            Ops::<B, T>::TABLE,
            NonNull::from(opts).cast(),
            NonNull::from(cx).cast(),
            lent,
        )
    }
}

/// The operations of `B`'s contexts over stores of `T`.
struct Ops<B, T>(PhantomData<fn() -> (B, T)>);

impl<B: Backend, T: 'static> Ops<B, T> {
    const TABLE: &'static HostOps<T> = &HostOps {
        parts: parts::<B, T>,
        fail: fail::<B, T>,
        memory: memory::<B, T>,
        realloc: realloc::<B, T>,
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
    // SAFETY: per the contract, `store` points to a live `Cx<B, T>` that
    // only the context reaches, and `site_ptr` to the `LoweringOpts<B>`
    // it begins; `hcx` is borrowed mutably for `'c`.
    unsafe {
        (
            hcx.store.cast::<Cx<'c, B, T>>().as_mut(),
            hcx.site_ptr().cast::<LoweringOpts<B>>().as_ref(),
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

/// `HostOps::realloc`.
///
/// # Safety
///
/// As for [`split`].
unsafe fn realloc<B: Backend, T: 'static>(hcx: &mut HostCx<'_, T>, args: [u32; 4]) -> Result<u32> {
    // SAFETY: per the contract.
    let (cx, o) = unsafe { split::<B, T>(hcx) };
    let (memory, realloc) = bound_opts::<B, T>(cx, o);
    let res = o.site.res;
    let mut access = GuestAccess::<B, T>::new(
        B::reborrow(cx),
        res.instance,
        memory,
        realloc,
        Some(res.table),
    );
    let [old_ptr, old_size, align, new_size] = args;
    access.realloc(old_ptr, old_size, align, new_size)
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
