//! Engine-independent access to the guest during a call: its memory, its
//! `realloc` and its handle tables, through the call's canonical options.

use core::ptr::NonNull;
use std::sync::{Arc, OnceLock};

use crate::abi::{Guest, HandleTables};
use crate::call::glue::CallSite;
use crate::call::place::MemoryPlace;
use crate::engine::Backend;
use crate::error::{Result, Trap};
use crate::store::Cx;
use crate::store::instance::{ExportCall, LeaveFlag, ResolvedOptions};
use crate::store::tasks::Frame;

/// Engine-independent access to the guest during a host call or an export call.
pub(crate) struct GuestAccess<'a, B: Backend, T: 'static> {
    pub(crate) cx: Cx<'a, B, T>,
    /// The call's canonical options, or the lowering's to find them in.
    opts: Opts<'a, B>,
    /// The guest memory's bytes as last looked up, so that a value written
    /// field by field costs one engine lookup, not one per field. Cleared
    /// whenever guest code runs (`realloc`), the only time it can move.
    pub(crate) mem_cache: Option<(core::ptr::NonNull<u8>, usize)>,
}

/// A call's canonical options, as far as they are looked up yet.
enum Opts<'a, B: Backend> {
    Known {
        /// The hostbind instance, whose handle tables resources use.
        instance: usize,
        memory: Option<B::Memory>,
        realloc: Option<B::Realloc>,
        /// The runtime component instance whose `may_leave` is cleared
        /// while `realloc` runs.
        flags: Option<usize>,
    },
    /// An export call's, read where the call keeps them.
    Export {
        instance: usize,
        call: &'a ExportCall<B>,
        place: &'a MemoryPlace,
    },
}

/// What a lowered import's calls know of their canonical options: fixed
/// when the instance is built, except the memory and realloc, which its
/// first call finds and keeps for the next ones.
///
/// `repr(C)` with the site first: a host call's context points to the
/// site, and its engine operations (`call::frame`) read the rest through
/// that pointer.
#[repr(C)]
pub(crate) struct LoweringOpts<B: Backend> {
    /// The encoding, the resources' place (the hostbind instance, and the
    /// runtime component instance whose `may_leave` flag and handle table
    /// the call uses), where the memory was last found: what the call's
    /// `HostCx` points to.
    pub(crate) site: CallSite,
    /// The options entry's index in the instance's state (the
    /// `OptionsIndex`).
    pub(crate) options: u32,
    /// The `may_leave` flag of the call's runtime instance
    /// (`site.res.table`), shared with the instance's state.
    pub(crate) leave: Arc<LeaveFlag>,
    bound: BoundOpts<B>,
}

impl<B: Backend> LoweringOpts<B> {
    /// The options entry `options` of a lowering at `site` whose runtime
    /// instance has the flag `leave`, memory and realloc not yet found.
    pub(crate) fn new(site: CallSite, options: u32, leave: Arc<LeaveFlag>) -> Self {
        LoweringOpts {
            site,
            options,
            leave,
            bound: OnceLock::new(),
        }
    }
}

impl<'a, B: Backend, T: 'static> GuestAccess<'a, B, T> {
    /// Access to the guest through `cx`, with canonical options `memory`,
    /// `realloc` and `flags`.
    pub(crate) fn new(
        cx: Cx<'a, B, T>,
        instance: usize,
        memory: Option<B::Memory>,
        realloc: Option<B::Realloc>,
        flags: Option<usize>,
    ) -> Self {
        GuestAccess {
            cx,
            opts: Opts::Known {
                instance,
                memory,
                realloc,
                flags,
            },
            mem_cache: None,
        }
    }

    /// Access to the guest through `cx` for a call of an export of
    /// `instance` with what `call` holds; `place` is where the export's
    /// memory was last found.
    #[inline(always)]
    pub(crate) fn export(
        cx: Cx<'a, B, T>,
        instance: usize,
        call: &'a ExportCall<B>,
        place: &'a MemoryPlace,
    ) -> Self {
        GuestAccess {
            cx,
            opts: Opts::Export {
                instance,
                call,
                place,
            },
            mem_cache: None,
        }
    }

    /// The options' memory as raw parts: an export's from where it was
    /// last found, if it has not moved since.
    #[inline(always)]
    fn memory_parts(&mut self) -> Option<(NonNull<u8>, usize)> {
        let m = match self.opts {
            Opts::Export { call, place, .. } => {
                return memory_at::<B, T>(&mut self.cx, place, call.memory?);
            }
            Opts::Known { memory, .. } => memory?,
        };
        let bytes = B::memory(&mut self.cx, m).0;
        NonNull::new(bytes.as_mut_ptr()).map(|p| (p, bytes.len()))
    }

    /// The hostbind instance, whose handle tables resources use.
    #[inline]
    fn instance(&self) -> usize {
        match self.opts {
            Opts::Known { instance, .. } | Opts::Export { instance, .. } => instance,
        }
    }
}

impl<B: Backend, T: 'static> Guest for GuestAccess<'_, B, T> {
    #[inline]
    fn memory(&mut self) -> &mut [u8] {
        if let Some((ptr, len)) = self.mem_cache {
            // A memory's buffer moves or resizes only when guest code grows
            // it, and guest code runs here only in `realloc`, which clears
            // the cache first.
            // SAFETY: `ptr`/`len` are the bytes `B::memory` returned for this
            // store, which `self.cx` borrows exclusively; the slice borrows
            // `self` mutably, so it is the only view of them, and (above) they
            // have not moved.
            return unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) };
        }
        let Some((ptr, len)) = self.memory_parts() else {
            return &mut [];
        };
        self.mem_cache = Some((ptr, len));
        // SAFETY: `memory_parts` returned the memory's bytes as they are
        // now (a lowering's kept location is used only while no memory of
        // the store has grown since it was found); `self.cx` borrows the
        // store exclusively and the slice borrows `self` mutably, so it is
        // the only view of them.
        unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) }
    }

    fn realloc(&mut self, old_ptr: u32, old_size: u32, align: u32, new_size: u32) -> Result<u32> {
        let found = self.found();
        self.run_realloc(&found, [old_ptr, old_size, align, new_size])
    }

    fn realloc_memory(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<(u32, &mut [u8])> {
        let found = self.found();
        let ptr = self.run_realloc(&found, [old_ptr, old_size, align, new_size])?;
        // `run_realloc` cleared the cache: this looks the memory up anew.
        Ok((ptr, self.memory()))
    }

    fn handles(&mut self) -> Option<&HandleTables> {
        let instance = self.instance();
        B::data(&mut self.cx)
            .instances
            .get(instance)
            .map(|s| &s.handles)
    }
}

/// The options a `realloc` call needs, found with one match.
struct Found<B: Backend> {
    instance: usize,
    realloc: Option<B::Realloc>,
    /// The runtime component instance whose `may_leave` is cleared while
    /// `realloc` runs.
    flags: Option<usize>,
}

impl<B: Backend, T: 'static> GuestAccess<'_, B, T> {
    /// The options' instance, realloc and flags.
    #[inline(always)]
    fn found(&mut self) -> Found<B> {
        match self.opts {
            Opts::Known {
                instance,
                realloc,
                flags,
                ..
            } => Found {
                instance,
                realloc,
                flags,
            },
            // An export's own `realloc` runs while the host lowers the
            // params, with no host call to refuse.
            Opts::Export { instance, call, .. } => Found {
                instance,
                realloc: call.realloc,
                flags: None,
            },
        }
    }

    /// Calls the options' `realloc` with `old_ptr, old_size, align,
    /// new_size`, with `may_leave` cleared.
    #[inline(always)]
    fn run_realloc(&mut self, found: &Found<B>, args: [u32; 4]) -> Result<u32> {
        let Some(realloc) = found.realloc else {
            return Err(no_realloc());
        };
        // Guest code may grow (and so move) the memory.
        self.mem_cache = None;
        let instance = found.instance;
        let saved = found.flags.and_then(|f| {
            Some((
                f,
                crate::store::instance::set_may_leave::<B, T>(&mut self.cx, instance, f, false)?,
            ))
        });
        let result = call_realloc::<B, T>(&mut self.cx, realloc, args);
        if let Some((f, v)) = saved {
            crate::store::instance::set_may_leave::<B, T>(&mut self.cx, instance, f, v);
        }
        result
    }
}

/// Calls `realloc` with `args`; the caller has cleared `may_leave`.
#[inline(always)]
fn call_realloc<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    realloc: B::Realloc,
    args: [u32; 4],
) -> Result<u32> {
    // In a store running async tasks, a `realloc` the host calls has
    // context slots of its own.
    let scratch = match &mut B::data(cx).tasks {
        Some(tasks) => {
            tasks.current.push(Frame::Scratch([0; 2]));
            true
        }
        None => false,
    };
    let result = B::call_realloc(cx, realloc, args.map(|a| a as i32));
    if scratch && let Some(tasks) = &mut B::data(cx).tasks {
        tasks.current.pop();
    }
    Ok(result? as u32)
}

/// Calls lowering `o`'s `realloc` with `args` (old pointer, old size,
/// alignment, new size), its instance's `may_leave` cleared meanwhile:
/// the flag is the one the lowering holds, so only adapters keeping a
/// copy of it send the call through the instance's state.
#[inline(always)]
pub(crate) fn lowering_realloc<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    o: &LoweringOpts<B>,
    args: [u32; 4],
) -> Result<u32> {
    let Some(realloc) = bound_opts::<B, T>(cx, o).1 else {
        return Err(no_realloc());
    };
    let (was, adapters) = o.leave.swap(false);
    if adapters {
        return realloc_by_state::<B, T>(cx, o, realloc, was, args);
    }
    let result = call_realloc::<B, T>(cx, realloc, args);
    o.leave.swap(was);
    result
}

/// [`lowering_realloc`] when adapters keep a copy of the flag, which is
/// then cleared through the instance's state.
#[cold]
#[inline(never)]
fn realloc_by_state<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    o: &LoweringOpts<B>,
    realloc: B::Realloc,
    was: bool,
    args: [u32; 4],
) -> Result<u32> {
    // Put hostbind's flag back for `set_may_leave` to set both copies.
    o.leave.swap(was);
    let (instance, table) = (o.site.res.instance, o.site.res.table);
    let saved = crate::store::instance::set_may_leave::<B, T>(cx, instance, table, false);
    let result = call_realloc::<B, T>(cx, realloc, args);
    if let Some(v) = saved {
        crate::store::instance::set_may_leave::<B, T>(cx, instance, table, v);
    }
    result
}

/// The error of a lowering that must allocate without a `realloc`.
#[cold]
fn no_realloc() -> crate::error::Error {
    Trap::new("the canonical options name no `realloc`").into()
}

/// A lowered import's memory and realloc, found on its first call after
/// instantiation and kept by its host function for the next ones.
type BoundOpts<B> = OnceLock<(
    Option<<B as Backend>::Memory>,
    Option<<B as Backend>::Realloc>,
)>;

/// Lowering `o`'s memory as raw parts: from where it was last found, if
/// no memory of the store has grown since, else found and kept.
#[inline(always)]
pub(crate) fn lowering_memory<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    o: &LoweringOpts<B>,
) -> Option<(NonNull<u8>, usize)> {
    let epoch = B::data(cx).limits.memory_epoch;
    match o.site.place.get(epoch) {
        Some(found) => Some(found),
        None => find_lowering_memory::<B, T>(cx, o, epoch),
    }
}

/// [`lowering_memory`] when the place is stale.
#[cold]
#[inline(never)]
fn find_lowering_memory<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    o: &LoweringOpts<B>,
    epoch: u64,
) -> Option<(NonNull<u8>, usize)> {
    let m = bound_opts::<B, T>(cx, o).0?;
    find_at::<B, T>(cx, &o.site.place, m, epoch)
}

/// Lowering `o`'s memory and realloc from the instance's state, kept in
/// `o` once instantiation has resolved them all (a start function calling
/// out during instantiation resolves them on the way).
pub(crate) fn bound_opts<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    o: &LoweringOpts<B>,
) -> (Option<B::Memory>, Option<B::Realloc>) {
    if let Some(&known) = o.bound.get() {
        return known;
    }
    let Some(state) = B::data(cx).instances.get(o.site.res.instance) else {
        return (None, None);
    };
    let pair = |o: Option<ResolvedOptions<B>>| o.map_or((None, None), |o| (o.memory, o.realloc));
    match state.resolved.get(o.options as usize) {
        Some(&resolved) => {
            let found = pair(resolved);
            let _ = o.bound.set(found);
            found
        }
        None => pair(state.resolve_options(o.options)),
    }
}

/// Memory `m`'s bytes as raw parts: from `place` if no memory of the store
/// has grown since they were found there, else found again and kept.
#[inline(always)]
pub(crate) fn memory_at<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    place: &MemoryPlace,
    m: B::Memory,
) -> Option<(NonNull<u8>, usize)> {
    let epoch = B::data(cx).limits.memory_epoch;
    match place.get(epoch) {
        Some(found) => Some(found),
        None => find_at::<B, T>(cx, place, m, epoch),
    }
}

/// [`memory_at`] when the place is stale.
#[cold]
#[inline(never)]
fn find_at<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    place: &MemoryPlace,
    m: B::Memory,
    epoch: u64,
) -> Option<(NonNull<u8>, usize)> {
    let (base, len) = B::memory_raw(cx, m);
    place.set(epoch, base, len);
    NonNull::new(base).map(|p| (p, len))
}
