//! The runtime half of generated glue: written once, monomorphised per host function.
//!
//! The `extern "C"` entrypoint that `#[host_fn]` emits only calls [`enter`]
//! with a closure that lifts the params, calls the user's function and lowers
//! its result through [`Params`] and [`lower_result`]; `bindgen!`'s functions
//! have no entrypoint of their own, only the closure calling the `Host`
//! method, for which [`BoundEntry`] is the entrypoint. Unwind guarding and
//! trap recording live here, not in every expansion; the store's call hooks
//! run around the entrypoint, in `call::host`.

use core::ffi::c_void;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::abi::{
    FlatDst, FlatSrc, Guest, HandleTables, Lift, LiftCx, Lower, LowerCx, ResCx, ResourceScope,
    StringEncoding, memory, next_field,
};
use crate::call::host::EntryReturn;
use crate::call::place::MemoryPlace;
use crate::error::{Error, Place, Result, Site, Trap};
use crate::raw::ValRaw;
use crate::types::Signature;
use wasmtime_environ::component::ComponentTypes;

/// [`HostOps::parts`].
pub(crate) type PartsFn<T> = for<'c> unsafe fn(
    &'c mut HostCx<'_, T>,
    bool,
    bool,
) -> (&'c mut T, &'c [u8], Option<&'c HandleTables>);

/// [`HostOps::realloc_memory`].
pub(crate) type ReallocMemoryFn<T> =
    for<'c> unsafe fn(&'c mut HostCx<'_, T>, [u32; 4]) -> Result<(u32, &'c mut [u8])>;

/// What glue reaches the engine's store through during a host call: one
/// table per engine and store type (see `call::frame`), called with the
/// context it was made for. A table rather than a `&mut dyn` object, so a
/// call builds no object for the engine's side, only its context.
pub(crate) struct HostOps<T> {
    /// The store's data, the guest's memory (empty if the options name
    /// none, or if the bool is false) and the instance's handle tables
    /// (`None` if the second bool is false).
    pub(crate) parts: PartsFn<T>,
    /// Leaves the call's trap in the store, for the engine's host function
    /// to report when the entrypoint returns `false`.
    pub(crate) fail: unsafe fn(&mut HostCx<'_, T>, Error),
    /// The guest's memory as it is now.
    pub(crate) memory: for<'c> unsafe fn(&'c mut HostCx<'_, T>) -> &'c mut [u8],
    /// Calls the options' `realloc` with `old_ptr, old_size, align,
    /// new_size`, then returns the guest's memory as it is after it: what
    /// lowering does once per string or list, in one call.
    pub(crate) realloc_memory: ReallocMemoryFn<T>,
    /// The instance's handle tables.
    pub(crate) handles: for<'c> unsafe fn(&'c mut HostCx<'_, T>) -> Option<&'c HandleTables>,
}

/// What a host call's context knows of the lowering it came through,
/// fixed when the instance is built: the glue reads it through a pointer
/// instead of having it copied into every call's [`HostCx`].
pub(crate) struct CallSite {
    /// The string encoding of the lowering's canonical options.
    pub(crate) encoding: StringEncoding,
    /// Where the call's resource handles live.
    pub(crate) res: ResCx,
    /// The calling component's types, kept for dynamic functions only.
    pub(crate) types: Option<std::sync::Arc<ComponentTypes>>,
    /// The lowered function's type in them (a `TypeFuncIndex`).
    pub(crate) func_ty: u32,
    /// Where the options' memory was last found.
    pub(crate) place: MemoryPlace,
    /// The `HostOps<T>` of the instance's engine and store type, erased
    /// of `T` (`call::frame::ops_of`).
    pub(crate) ops: OpsPtr,
}

/// A pointer to a static [`HostOps`] table, erased of its store type.
#[derive(Clone, Copy)]
pub(crate) struct OpsPtr(pub(crate) NonNull<()>);

// SAFETY: an `OpsPtr` points to a `'static` table of function pointers
// that nothing writes, which any thread may read.
unsafe impl Send for OpsPtr {}
// SAFETY: as for `Send`.
unsafe impl Sync for OpsPtr {}

/// The context of one host call, reached through the entrypoint's `cx`.
///
/// Four words, written once per call: a pointer to the lowering's call
/// site, the engine's store context, and the store's data and memory
/// growth count; everything else is found through them when the glue asks.
pub struct HostCx<'a, T> {
    /// The lowering's [`CallSite`], as the first field of the engine's
    /// lowering options, which its `ops` reach through this pointer.
    site: NonNull<CallSite>,
    /// The engine's store context, moved in (it is one pointer on every
    /// engine); only the site's `ops` read it.
    pub(crate) store: core::mem::MaybeUninit<*mut ()>,
    lent: Lent<T>,
    _borrows: core::marker::PhantomData<&'a mut ()>,
}

/// What the engine's host function hands the glue besides its store
/// context, so that the common call reaches the store's data and the
/// guest's memory without asking the engine: a pointer to the data, taken
/// from the store context just before, and the store's memory growth
/// count, to tell whether the memory is still where the call site last
/// found it (see [`MemoryPlace`]).
pub(crate) struct Lent<T> {
    /// `None` once the glue has asked the engine for the data instead.
    pub(crate) data: Option<NonNull<T>>,
    pub(crate) epoch: u64,
}

impl<'a, T> HostCx<'a, T> {
    /// The context of a call from the lowering whose options begin with
    /// `site`, through the store context at `store`, with what the engine's
    /// host function found for it.
    ///
    /// # Safety
    ///
    /// The site's `ops` are the `HostOps<T>` of the engine whose store
    /// context `store` holds, and `site` and `store` are what they expect
    /// (see `call::frame`), live and reached through nothing else for
    /// `'a`; `lent.data` is the store's data, taken from the store context
    /// with nothing made from it since; `lent.epoch` is the store's memory
    /// growth count now.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) unsafe fn new(
        site: NonNull<CallSite>,
        store: core::mem::MaybeUninit<*mut ()>,
        lent: Lent<T>,
    ) -> Self {
        HostCx {
            site,
            store,
            lent,
            _borrows: core::marker::PhantomData,
        }
    }

    /// The engine operations behind this context.
    #[inline(always)]
    fn ops(&self) -> &'a HostOps<T> {
        // SAFETY: per `HostCx::new`, the site's `ops` point to the static
        // `HostOps<T>` of this context's engine.
        unsafe { self.site().ops.0.cast::<HostOps<T>>().as_ref() }
    }

    /// The lowering's call site.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn site(&self) -> &'a CallSite {
        // SAFETY: per `HostCx::new`, `site` is live for `'a` and only read.
        unsafe { self.site.as_ref() }
    }

    /// The pointer to the lowering's options that `ops` read.
    pub(crate) fn site_ptr(&self) -> NonNull<CallSite> {
        self.site
    }

    /// The string encoding of the call's canonical options.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn encoding(&self) -> StringEncoding {
        self.site().encoding
    }

    /// Asks the engine for the store's data, the guest's memory and the
    /// handle tables; the lent data is reached through it from now on.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn engine_parts(
        &mut self,
        memory: bool,
        handles: bool,
    ) -> (&mut T, &[u8], Option<&HandleTables>) {
        self.lent.data = None;
        // SAFETY: `ops` were made with this context (`HostCx::new`).
        unsafe { (self.ops().parts)(self, memory, handles) }
    }

    /// Leaves `error` in the store as the call's trap.
    pub(crate) fn fail(&mut self, error: Error) {
        self.lent.data = None;
        // SAFETY: as in `engine_parts`.
        unsafe { (self.ops().fail)(self, error) }
    }

    /// The store's data, the guest's memory and the call's resource
    /// handles, borrowed together.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn parts(&mut self) -> (&mut T, &[u8], ResourceScope<'_>) {
        self.parts_for(true)
    }

    /// [`HostCx::parts`], skipping the memory lookup when `memory` is false.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn parts_for(&mut self, memory: bool) -> (&mut T, &[u8], ResourceScope<'_>) {
        let res = self.site().res;
        let (data, mem, tables) = self.engine_parts(memory, true);
        (data, mem, ResourceScope { tables, res })
    }

    /// [`HostCx::parts`], looking up only what lifting `sig`'s params
    /// needs: memory that only the results need is looked up when they
    /// are written, after any `realloc` that may move it.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn sig_parts(&mut self, sig: &'static Signature) -> (&mut T, &[u8], ResourceScope<'_>) {
        let res = self.site().res;
        if !sig.abi.resources
            && let Some(data) = self.lent.data
        {
            let mem = match sig.abi.params_need_memory {
                true => self.lent_memory(),
                false => Some((NonNull::dangling(), 0)),
            };
            if let Some((ptr, len)) = mem {
                // SAFETY: per `HostCx::new`, `data` is the store's data,
                // reached through nothing else since (`engine_parts` clears
                // it); it borrows `self` mutably, so no other view of it
                // is made through `self` meanwhile. `ptr` and `len` are
                // as `lent_memory` says, guest memory, disjoint from it.
                let (data, mem) = unsafe {
                    (
                        &mut *data.as_ptr(),
                        core::slice::from_raw_parts(ptr.as_ptr(), len),
                    )
                };
                return (data, mem, ResourceScope { tables: None, res });
            }
        }
        let (data, mem, tables) = self.engine_parts(sig.abi.params_need_memory, sig.abi.resources);
        (data, mem, ResourceScope { tables, res })
    }

    /// The guest's memory and the call's resource handles, for glue that
    /// does not take the store's data: when `sig`'s params need neither,
    /// the engine is not asked at all.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn lift_parts(&mut self, sig: &'static Signature) -> (&[u8], ResourceScope<'_>) {
        let res = self.site().res;
        if !sig.abi.params_need_memory && !sig.abi.resources {
            return (&[], ResourceScope { tables: None, res });
        }
        if !sig.abi.resources
            && let Some((ptr, len)) = self.lent_memory()
        {
            // SAFETY: as `lent_memory` says; the slice borrows `self`, so
            // nothing reaches the memory through `self` meanwhile.
            let mem = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), len) };
            return (mem, ResourceScope { tables: None, res });
        }
        let (_, mem, scope) = self.sig_parts(sig);
        (mem, scope)
    }

    /// The guest's memory, where it was last found, if no memory of the
    /// store has grown since: then its bytes are still there, and no
    /// guest code runs during the glue before the results are lowered
    /// (when `realloc` may grow it, `LowerCx` finds it again).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn lent_memory(&self) -> Option<(NonNull<u8>, usize)> {
        self.site().place.get(self.lent.epoch)
    }
}

/// The guest as lowering a host function's results reaches it: through
/// the engine, which the context's `ops` ask.
impl<T> Guest for HostCx<'_, T> {
    fn memory(&mut self) -> &mut [u8] {
        // As in `engine_parts`: the engine reaches the data from now on.
        self.lent.data = None;
        // SAFETY: as in `engine_parts`.
        unsafe { (self.ops().memory)(self) }
    }

    fn realloc(&mut self, old_ptr: u32, old_size: u32, align: u32, new_size: u32) -> Result<u32> {
        // Lowering always wants the memory after `realloc`
        // (`realloc_memory`); the engine's side has that operation only.
        self.realloc_memory(old_ptr, old_size, align, new_size)
            .map(|(ptr, _)| ptr)
    }

    fn realloc_memory(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<(u32, &mut [u8])> {
        self.lent.data = None;
        // SAFETY: as in `engine_parts`.
        unsafe { (self.ops().realloc_memory)(self, [old_ptr, old_size, align, new_size]) }
    }

    fn handles(&mut self) -> Option<&HandleTables> {
        self.lent.data = None;
        // SAFETY: as in `engine_parts`.
        unsafe { (self.ops().handles)(self) }
    }
}

/// Runs a host call's glue `body` with unwind guarding, and turns any
/// failure into a trap left in the store.
///
/// # Safety
///
/// `cx` and `storage` are an [`Entrypoint`](crate::Entrypoint)'s arguments: `cx`
/// points to a live `HostCx<'_, T>` and `storage` to `storage_len` initialised
/// values, both exclusively ours for the call.
// In release builds this and everything the entrypoint calls on its fast
// path are always inlined: each entrypoint is the only caller of its copy,
// and a copy that rustc put in another codegen unit would otherwise be
// called out of line, with `sig`'s constants no longer folded (twice the
// cost of a small call), and `guard` would reach the body through its
// function pointer. Debug builds leave inlining to rustc, which keeps one
// `guard` per store type instead of pasting it into every host function.
#[cfg_attr(not(debug_assertions), inline(always))]
pub unsafe fn enter<T>(
    cx: *mut c_void,
    storage: *mut MaybeUninit<ValRaw>,
    storage_len: usize,
    sig: &'static Signature,
    mut body: impl FnMut(&mut HostCx<'_, T>, &mut [ValRaw]) -> Result<()>,
) -> EntryReturn {
    // SAFETY: the caller's contract is ours.
    unsafe {
        guard(
            cx,
            storage,
            storage_len,
            sig.name,
            Some(sig),
            Body::new(&mut body),
        )
    }
}

/// The glue of a [`bound_func`](crate::__private::bound_func), as methods of
/// the body's type `Self` (a closure that captures nothing, of no size).
/// rustc compiles a method next to its `Self` type, the closure in the
/// user's module, and a generic function next to its definition: as free
/// functions, every host function of a crate (each with the whole call
/// inlined, in release builds) would land in one codegen unit, which LLVM
/// then optimises alone while the other cores wait.
pub(crate) trait BoundEntry<S, H, R, G> {
    /// The entrypoint: `data` is the getter from `S` to `H`.
    ///
    /// # Safety
    ///
    /// As for [`enter`]; `data` comes from
    /// `HostFunc::from_raw_with_getter` with these `S`
    /// and `H`; and `G` and `Self` are the types a `bound_func` call was
    /// given values of.
    unsafe extern "C" fn entry(
        cx: *mut c_void,
        data: *mut c_void,
        storage: *mut MaybeUninit<ValRaw>,
        storage_len: usize,
    ) -> EntryReturn;

    /// The call inside `guard`: lifts the params, calls the body, lowers
    /// its result.
    ///
    /// # Safety
    ///
    /// As for [`BoundEntry::entry`].
    unsafe fn run(data: *mut c_void, cx: &mut HostCx<'_, S>, storage: &mut [ValRaw]) -> Result<()>;
}

impl<S, H, R: Lower, G, F> BoundEntry<S, H, R, G> for F
where
    G: Fn() -> &'static Signature + Copy + 'static,
    F: Fn(&mut H, &mut Params<'_, '_>) -> Result<R> + Copy + 'static,
{
    unsafe extern "C" fn entry(
        cx: *mut c_void,
        data: *mut c_void,
        storage: *mut MaybeUninit<ValRaw>,
        storage_len: usize,
    ) -> EntryReturn {
        // SAFETY: as below, in `run`.
        let sig = unsafe { conjure::<G>() }();
        // SAFETY: the caller's contract is `guard`'s; and `run`'s, with
        // `data` for the pointer `Body::from_raw` hands it.
        unsafe {
            guard(
                cx,
                storage,
                storage_len,
                sig.name,
                Some(sig),
                Body::from_raw(data, <F as BoundEntry<S, H, R, G>>::run),
            )
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    unsafe fn run(data: *mut c_void, cx: &mut HostCx<'_, S>, storage: &mut [ValRaw]) -> Result<()> {
        // SAFETY: `G` and `F` are the types `bound_func` was given values
        // of, which it asserted have no size.
        let (sig, body) = unsafe { (conjure::<G>()(), conjure::<F>()) };
        // SAFETY: `data` is the getter of `S` and `H`, per the contract.
        let (host, mut params) = unsafe { start_getter::<S, H>(cx, data, sig, storage) }?;
        let ret = body(host, &mut params)?;
        let retptr = params.finish();
        lower_result(cx, storage, retptr, sig, ret)
    }
}

/// A value of `T`, made from nothing.
///
/// # Safety
///
/// `T` has no size, is `Copy`, and a value of it has existed: then its
/// values have no bytes to be wrong, nothing tracks how many exist, and
/// making one is copying that one.
#[cfg_attr(not(debug_assertions), inline(always))]
unsafe fn conjure<T: Copy>() -> T {
    // `uninit` rather than `zeroed`: with no bytes they are the same, and
    // debug builds compile fewer checks around it.
    #[allow(clippy::uninit_assumed_init)]
    // SAFETY: per the contract.
    unsafe {
        MaybeUninit::uninit().assume_init()
    }
}

/// The host and the params of a `bindgen!` host call; generic over the
/// store and the host only, so a crate's functions share one copy.
///
/// # Safety
///
/// `data` is a `fn(&mut S) -> &mut H`, as for [`getter`].
#[cfg_attr(not(debug_assertions), inline(always))]
unsafe fn start_getter<'c, S, H>(
    cx: &'c mut HostCx<'_, S>,
    data: *mut c_void,
    sig: &'static Signature,
    storage: &'c [ValRaw],
) -> Result<(&'c mut H, Params<'c, 'c>)> {
    let encoding = cx.encoding();
    let (store, mem, scope) = cx.sig_parts(sig);
    // SAFETY: per the contract.
    let host = unsafe { getter::<S, H>(data) }(store);
    Ok((host, Params::new(mem, scope, sig, encoding, storage)?))
}

/// A trappable host method's result, its error turned into the trap.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn trapped<R>(sig: &'static Signature, result: Result<R>) -> Result<R> {
    match result {
        Ok(v) => Ok(v),
        Err(e) => Err(host_error(sig, e)),
    }
}

/// A host call's glue as `guard` runs it: a closure behind a pointer and
/// the one function that calls it. Thinner than `&mut dyn FnMut`, whose
/// vtable would also compile `FnOnce` shims for every host function.
pub(crate) struct Body<'b, T> {
    closure: *mut c_void,
    call: unsafe fn(*mut c_void, &mut HostCx<'_, T>, &mut [ValRaw]) -> Result<()>,
    _closure: core::marker::PhantomData<&'b mut ()>,
}

impl<'b, T> Body<'b, T> {
    /// `f`, borrowed for as long as the `Body` lives.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn new<F>(f: &'b mut F) -> Self
    where
        F: FnMut(&mut HostCx<'_, T>, &mut [ValRaw]) -> Result<()>,
    {
        /// Calls the `F` that `closure` points to.
        ///
        /// # Safety
        ///
        /// `closure` is the `&mut F` a `Body` was made from, still borrowed.
        #[cfg_attr(not(debug_assertions), inline(always))]
        unsafe fn call<T, F>(
            closure: *mut c_void,
            cx: &mut HostCx<'_, T>,
            s: &mut [ValRaw],
        ) -> Result<()>
        where
            F: FnMut(&mut HostCx<'_, T>, &mut [ValRaw]) -> Result<()>,
        {
            // SAFETY: per the contract, `closure` is a live, unaliased `&mut F`.
            let f = unsafe { &mut *closure.cast::<F>() };
            f(cx, s)
        }
        Body {
            closure: (f as *mut F).cast(),
            call: call::<T, F>,
            _closure: core::marker::PhantomData,
        }
    }

    /// `call` called with `ptr`.
    ///
    /// # Safety
    ///
    /// Calling `call` with `ptr` is sound for as long as the `Body` lives.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) unsafe fn from_raw(
        ptr: *mut c_void,
        call: unsafe fn(*mut c_void, &mut HostCx<'_, T>, &mut [ValRaw]) -> Result<()>,
    ) -> Self {
        Body {
            closure: ptr,
            call,
            _closure: core::marker::PhantomData,
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn run(&mut self, cx: &mut HostCx<'_, T>, storage: &mut [ValRaw]) -> Result<()> {
        // SAFETY: `closure` and `call` were made together from one `&mut F`,
        // which `'b` keeps borrowed and `&mut self` unaliased, or given to
        // `from_raw`, whose caller vouches for them.
        unsafe { (self.call)(self.closure, cx, storage) }
    }
}

/// [`enter`] for any host function: `name` names it in a panic's trap;
/// with `sig`, the storage is checked to hold its values first.
///
/// Generic over the store's data only, so a crate's host functions share
/// one copy of the unwind guard and the trap recording.
///
/// # Safety
///
/// As for [`enter`].
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) unsafe fn guard<T>(
    cx: *mut c_void,
    storage: *mut MaybeUninit<ValRaw>,
    storage_len: usize,
    name: &str,
    sig: Option<&'static Signature>,
    mut body: Body<'_, T>,
) -> EntryReturn {
    // SAFETY: the caller passes a pointer to a live, unaliased `HostCx<'_, T>`.
    let cx = unsafe { &mut *cx.cast::<HostCx<'_, T>>() };
    // SAFETY: the caller passes `storage_len` initialised values that nothing
    // else touches during the call; `MaybeUninit<ValRaw>` has `ValRaw`'s layout.
    let storage = unsafe { core::slice::from_raw_parts_mut(storage.cast::<ValRaw>(), storage_len) };
    // Every failure ends in a call of its own in tail position, so that
    // a call that cannot fail on the way saves no registers for them.
    if let Some(sig) = sig
        && storage.len() < sig.abi.storage
    {
        return short_storage(cx, sig, storage.len());
    }
    match catch_unwind(AssertUnwindSafe(|| body.run(cx, storage))) {
        // With no flat result, nothing need be read back.
        Ok(Ok(())) => match sig {
            Some(sig) if !sig.abi.flat_result => EntryReturn::DONE,
            _ => EntryReturn::done(storage),
        },
        Ok(Err(e)) => failed(cx, e),
        Err(payload) => panicked(cx, name, payload),
    }
}

// The failures below are `extern "C"`, as the entrypoints are, so that an
// entrypoint's call of one is a jump that returns for it: with the Rust
// ABI the entrypoint converts the returned value, and saves registers and
// aligns its stack for that on every call. Like the entrypoints, they run
// outside the unwind guard and do not unwind (nothing in them panics).

/// Leaves `error` in the store as the call's trap.
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn failed<T>(cx: &mut HostCx<'_, T>, error: Error) -> EntryReturn {
    cx.fail(error);
    EntryReturn::FAILED
}

#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn short_storage<T>(cx: &mut HostCx<'_, T>, sig: &Signature, len: usize) -> EntryReturn {
    let error = Trap::new(format!(
        "host function `{}` needs {} flat values but the engine passed {}",
        sig.name, sig.abi.storage, len
    ));
    failed(cx, error.into())
}

#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn panicked<T>(
    cx: &mut HostCx<'_, T>,
    name: &str,
    payload: Box<dyn core::any::Any + Send>,
) -> EntryReturn {
    let msg = crate::error::panic_text(payload);
    failed(
        cx,
        Trap::new(format!("host function `{name}` panicked: {msg}")).into(),
    )
}

/// Lifts a host call's params in order, from flat values or from the memory
/// they were spilled to.
pub struct Params<'m, 'v> {
    cx: LiftCx<'m>,
    flat: FlatSrc<'v>,
    sig: &'static Signature,
    spilled: Option<(usize, u32)>,
}

impl<'m, 'v> Params<'m, 'v> {
    /// Starts reading params; with more than 16 flat values it reads and
    /// checks the pointer to them.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn new(
        memory: &'m [u8],
        scope: ResourceScope<'m>,
        sig: &'static Signature,
        encoding: StringEncoding,
        storage: &'v [ValRaw],
    ) -> Result<Self> {
        let mut flat = FlatSrc::new(storage);
        let site = Site {
            func: sig.name,
            place: Place::Params,
        };
        let spilled = if sig.abi.params_spilled {
            Some((spilled_params(&site, sig, memory, &mut flat)?, 0))
        } else {
            None
        };
        Ok(Params {
            cx: LiftCx::new_in(memory, site, encoding, scope),
            flat,
            sig,
            spilled,
        })
    }

    /// Lifts param number `index`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn next<P: Lift<'m>>(&mut self, index: usize) -> Result<P> {
        self.at(index);
        match &mut self.spilled {
            None => P::lift_flat(&self.cx, &mut self.flat),
            Some((base, at)) => P::load(&self.cx, *base + next_field::<P>(at)),
        }
    }

    /// Points error messages at param number `index`; not generic, so
    /// one copy serves every param type.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn at(&mut self, index: usize) {
        let name = match self.sig.params.get(index) {
            Some(p) => p.name,
            None => "?",
        };
        self.cx.site.place = Place::Param(name);
    }

    /// Ends lifting; returns the return pointer if the results go to memory.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn finish(mut self) -> Option<u32> {
        self.sig
            .abi
            .results_spilled
            .then(|| self.flat.next_val().get_u32())
    }
}

/// Reads and checks the pointer to params spilled to memory; out of line,
/// as only signatures of more than 16 flat values need it.
fn spilled_params(
    site: &Site<'_>,
    sig: &Signature,
    memory: &[u8],
    flat: &mut FlatSrc<'_>,
) -> Result<usize> {
    let ptr = flat.next_val().get_u32();
    let range = memory::check_array(
        site,
        "params",
        memory.len(),
        ptr,
        1,
        sig.abi.params_size,
        sig.abi.params_align,
    )?;
    Ok(range.start)
}

/// Lowers a host function's result, flat or through the return pointer.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn lower_result<T, R: Lower>(
    cx: &mut HostCx<'_, T>,
    storage: &mut [ValRaw],
    retptr: Option<u32>,
    sig: &'static Signature,
    value: R,
) -> Result<()> {
    let site = Site {
        func: sig.name,
        place: Place::Result,
    };
    let (encoding, res) = (cx.site().encoding, cx.site().res);
    // Where the memory was found, if it is still there: nothing has run
    // guest code since the call began.
    // Flat results never touch memory.
    let memory = match retptr {
        Some(_) => cx.lent_memory(),
        None => None,
    };
    let mut lcx = LowerCx::new_in(cx as &mut dyn Guest, site, encoding, res, memory);
    lower_value(&mut lcx, storage, retptr, value)
}

/// Lowers `value`, the result `lcx`'s site names, flat into `storage`, or
/// at `retptr`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn lower_value<R: Lower>(
    lcx: &mut LowerCx<'_>,
    storage: &mut [ValRaw],
    retptr: Option<u32>,
    value: R,
) -> Result<()> {
    match retptr {
        None => value.lower_flat(lcx, &mut FlatDst::new(storage)),
        Some(ptr) => {
            // `lcx`'s site is already this result's.
            let len = lcx.memory().len();
            let range = memory::check_array(&lcx.site, "return", len, ptr, 1, R::SIZE, R::ALIGN)?;
            value.store(lcx, range.start)
        }
    }
}

/// The trap for a host function that returned `Err`.
#[cold]
pub fn host_error(sig: &'static Signature, error: impl Into<Error>) -> Error {
    error
        .into()
        .context(format!("host function `{}` returned an error", sig.name))
}

/// The getter a `bindgen!` entrypoint receives as its `data`.
///
/// # Safety
///
/// `data` must come from `HostFunc::from_raw_with_getter` with these `T`
/// and `U`.
#[inline]
pub(crate) unsafe fn getter<T, U>(data: *mut core::ffi::c_void) -> fn(&mut T) -> &mut U {
    // SAFETY: per the contract, `data` is a `fn(&mut T) -> &mut U` cast to a
    // pointer, and a function pointer survives the round trip through a data
    // pointer of the same size on every target Rust supports.
    unsafe { core::mem::transmute::<*mut core::ffi::c_void, fn(&mut T) -> &mut U>(data) }
}
