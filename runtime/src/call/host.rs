//! Host functions: the C-ABI entrypoint shape, and how an engine's host call reaches it.

use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, LazyLock};

use wasmtime_environ::component::ResourceIndex;

use crate::abi::Lower;
use crate::call::async_glue::AsyncFn;
use crate::call::dynamic::DynamicFn;
use crate::call::frame::{host_cx, store_cx};
use crate::call::glue::{BoundEntry, CallSite, HostCx, Params};
use crate::call::guest::LoweringOpts;
use crate::engine::Backend;
use crate::error::{Result, Trap};
use crate::raw::{CoreFuncType, CoreType, ValRaw};
use crate::store::instance::LeaveFlag;
use crate::store::resource::ResourceOp;
use crate::store::{CallHook, Cx};
use crate::types::Signature;

pub(crate) use crate::raw::MAX_STORAGE;

/// The entrypoint of a host function's glue, the shape of wasmtime's
/// `HostFunc::cabi_entrypoint`.
///
/// - `cx` points to the call's [`HostCx`] (engine-independent access to the
///   store's data and the guest's memory);
/// - `data` is the host function's own data (null for `#[host_fn]` items);
/// - `storage` holds `storage_len` initialised values: the flat params on
///   entry, the flat results on return.
///
/// It returns whether it succeeded (when it failed, it left its trap in the
/// store through `cx`) and the first storage value as it left it, and never
/// unwinds.
pub type Entrypoint = unsafe extern "C" fn(
    cx: *mut c_void,
    data: *mut c_void,
    storage: *mut MaybeUninit<ValRaw>,
    storage_len: usize,
) -> EntryReturn;

/// What an [`Entrypoint`] returns: whether the call succeeded and, when
/// it did, its flat result if it has one. A function with one flat result
/// leaves it in the first storage slot; handing it back in a register too
/// spares the engine's host function reading it from memory just after
/// the glue wrote it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EntryReturn {
    /// `false` when the call failed, its trap left in the store.
    pub ok: bool,
    /// The storage's first value after the call, when the function has
    /// one flat result; otherwise zero or that value, and not to be read.
    pub first: ValRaw,
}

impl EntryReturn {
    /// A failed call's.
    pub const FAILED: EntryReturn = EntryReturn {
        ok: false,
        first: ValRaw::ZERO,
    };

    /// A successful call's that left no result in its storage.
    pub const DONE: EntryReturn = EntryReturn {
        ok: true,
        first: ValRaw::ZERO,
    };

    /// A successful call's, which left `storage`.
    #[inline(always)]
    pub fn done(storage: &[ValRaw]) -> EntryReturn {
        EntryReturn {
            ok: true,
            first: first(storage),
        }
    }

    /// What an engine's host function hands back: `None` if the call
    /// failed.
    #[inline(always)]
    pub(crate) fn outcome(self) -> Option<ValRaw> {
        self.ok.then_some(self.first)
    }
}

/// The first of `storage`'s values, or zero.
#[inline(always)]
fn first(storage: &[ValRaw]) -> ValRaw {
    storage.first().copied().unwrap_or(ValRaw::ZERO)
}

/// What an engine's host function hands back for a call that ended `ok`
/// leaving `storage` (see [`Backend::new_host_func`]).
#[inline(always)]
pub(crate) fn outcome(ok: bool, storage: &[ValRaw]) -> Option<ValRaw> {
    ok.then(|| first(storage))
}

/// A host function ready to be defined in a [`Linker`](crate::Linker).
///
/// `#[host_fn]` generates these; `T` is the store's data type.
pub struct HostFunc<T> {
    pub(crate) entry: Entrypoint,
    pub(crate) kind: FuncKind<T>,
    /// What the entrypoint receives as `data` when `kind` is static.
    pub(crate) data: FnData,
    _marker: PhantomData<fn(&mut T)>,
}

/// A function pointer passed to generated glue as its `data`: `bindgen!`'s
/// getter from the store's data to the `Host`.
#[derive(Clone, Copy)]
pub(crate) struct FnData(*const ());

// SAFETY: an `FnData` only ever holds null, a function pointer (see
// `HostFunc::from_raw_with_getter`), or a pointer to the `Dynamic<T>` of a
// `HostFunc` that holds it alive (see `HostFunc::entry_data`). Function
// pointers are `Send` and `Sync`, and so is `Dynamic<T>`: its closure is
// `Send + Sync` and it is only ever read through the pointer.
unsafe impl Send for FnData {}
// SAFETY: as for `Send`.
unsafe impl Sync for FnData {}

impl FnData {
    pub(crate) const NONE: FnData = FnData(core::ptr::null());

    pub(crate) fn as_ptr(self) -> *mut c_void {
        self.0.cast_mut().cast()
    }
}

/// What a host function knows of its own type.
pub(crate) enum FuncKind<T> {
    /// Generated glue for a signature fixed at compile time.
    Static(&'static Signature),
    /// A closure over [`Val`](crate::Val)s, typed by whatever it is linked to.
    Dynamic(Arc<Dynamic<T>>),
    /// An async function, typed or dynamic; its calls never reach the
    /// entrypoint (see `concurrent::host_call`).
    Async(Arc<AsyncFn<T>>),
}

/// A dynamic host function: its name and its closure.
pub(crate) struct Dynamic<T> {
    pub(crate) name: String,
    pub(crate) func: Box<DynamicFn<T>>,
}

impl<T> Clone for HostFunc<T> {
    fn clone(&self) -> Self {
        HostFunc {
            entry: self.entry,
            kind: match &self.kind {
                FuncKind::Static(s) => FuncKind::Static(s),
                FuncKind::Dynamic(d) => FuncKind::Dynamic(d.clone()),
                FuncKind::Async(d) => FuncKind::Async(d.clone()),
            },
            data: self.data,
            _marker: PhantomData,
        }
    }
}

/// A `bindgen!` host function: `get` finds the host in the store's data,
/// `sig` names the function's [`Signature`], and `body` lifts the params
/// from its [`Params`] and calls the host's method.
///
/// `sig` and `body` are closures that capture nothing, so each is a type of
/// no size that says everything about itself: the entrypoint is compiled
/// for those types, makes its own copies of them, and calls them directly
/// (inlined, in release builds).
/// Generated code needs no `extern "C"` item of its own per function.
pub fn bound_func<S: 'static, H: 'static, R: Lower, G, F>(
    get: fn(&mut S) -> &mut H,
    sig: G,
    body: F,
) -> HostFunc<S>
where
    G: Fn() -> &'static Signature + Copy + 'static,
    F: Fn(&mut H, &mut Params<'_, '_>) -> Result<R> + Copy + 'static,
{
    const { assert!(size_of::<G>() == 0 && size_of::<F>() == 0) };
    let _ = body;
    // SAFETY: the entry reads its `data` as the getter of these `S` and
    // `H`, and glues `sig()` for stores of `S`.
    unsafe { HostFunc::from_raw_with_getter(<F as BoundEntry<S, H, R, G>>::entry, sig(), get) }
}

impl<T> HostFunc<T> {
    /// A host function from generated glue.
    ///
    /// # Safety
    ///
    /// `entry` must treat its `cx` as a `HostCx<'_, T>` and its storage as the
    /// flat form of `sig`, as the glue of `#[host_fn]` does.
    #[doc(hidden)]
    pub const unsafe fn from_raw(entry: Entrypoint, sig: &'static Signature) -> HostFunc<T> {
        HostFunc {
            entry,
            kind: FuncKind::Static(sig),
            data: FnData::NONE,
            _marker: PhantomData,
        }
    }

    /// A host function of [`bound_func`] that reaches its context through
    /// `get`, passed to the entrypoint as its `data`.
    ///
    /// # Safety
    ///
    /// As for [`HostFunc::from_raw`]; and `entry` must read its `data` with
    /// `glue::getter::<T, U>`, the types given here.
    pub(crate) unsafe fn from_raw_with_getter<U>(
        entry: Entrypoint,
        sig: &'static Signature,
        get: fn(&mut T) -> &mut U,
    ) -> HostFunc<T> {
        HostFunc {
            entry,
            kind: FuncKind::Static(sig),
            data: FnData(get as *const ()),
            _marker: PhantomData,
        }
    }

    /// A host function calling `func` with [`Val`](crate::Val)s.
    pub(crate) fn dynamic(name: &str, func: Box<DynamicFn<T>>) -> HostFunc<T>
    where
        T: 'static,
    {
        HostFunc {
            entry: crate::call::dynamic::entry::<T>,
            kind: FuncKind::Dynamic(Arc::new(Dynamic {
                name: name.to_string(),
                func,
            })),
            data: FnData::NONE,
            _marker: PhantomData,
        }
    }

    pub(crate) fn new(entry: Entrypoint, kind: FuncKind<T>, data: FnData) -> HostFunc<T> {
        HostFunc {
            entry,
            kind,
            data,
            _marker: PhantomData,
        }
    }

    /// The signature it was generated from; `None` for a dynamic function.
    pub fn signature(&self) -> Option<&'static Signature> {
        match &self.kind {
            FuncKind::Static(s) => Some(s),
            FuncKind::Dynamic(_) => None,
            FuncKind::Async(f) => f.sig,
        }
    }

    /// What its entrypoint receives as `data`: the getter of static glue,
    /// or the `Dynamic<T>` this host function keeps alive.
    pub(crate) fn entry_data(&self) -> FnData {
        match &self.kind {
            FuncKind::Static(_) => self.data,
            FuncKind::Dynamic(d) => FnData(Arc::as_ptr(d).cast::<()>()),
            FuncKind::Async(_) => FnData::NONE,
        }
    }

    /// The name used in messages.
    pub(crate) fn name(&self) -> &str {
        match &self.kind {
            FuncKind::Static(s) => s.name,
            FuncKind::Dynamic(d) => &d.name,
            FuncKind::Async(d) => &d.name,
        }
    }
}

impl<T> core::fmt::Debug for HostFunc<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HostFunc")
            .field("name", &self.name())
            .finish()
    }
}

/// Anything a [`Linker`](crate::Linker) can take as a host function: the
/// items `#[host_fn]` generates, and [`HostFunc`] itself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a host function for a store of `{T}`",
    note = "annotate a `fn` with `#[hostbind::host_fn]`; its first parameter, if it is `&mut D` or `Caller<'_, D>`, must have `D = {T}`"
)]
pub trait IntoHostFunc<T> {
    /// The host function.
    fn into_host_func(self) -> HostFunc<T>;
}

impl<T> IntoHostFunc<T> for HostFunc<T> {
    fn into_host_func(self) -> HostFunc<T> {
        self
    }
}

/// A core function the host implements, bound in one instance.
pub(crate) struct HostBinding {
    pub(crate) kind: Binding,
    /// The hostbind instance in the store.
    pub(crate) instance: usize,
}

/// What a bound intrinsic does. (A lowered import's closure holds its
/// [`Lowered`] itself.)
pub(crate) enum Binding {
    /// An intrinsic of the fused adapters between nested components.
    Adapter(crate::store::adapter::AdapterOp),
    /// `resource.new`, `resource.rep` or `resource.drop` of resource `ty`
    /// in handle table `table`.
    Resource {
        op: ResourceOp,
        ty: ResourceIndex,
        table: usize,
    },
}

/// A lowered import with everything about its calls that is known when the
/// instance is built, so that a call only reads the store's live state
/// (flags, memory, realloc) and jumps to the glue.
pub(crate) struct Lowered<T, B: Backend> {
    pub(crate) func: HostFunc<T>,
    /// Whether a call can lend borrows that must end when it returns.
    pub(crate) borrows: bool,
    /// Whether its type passes streams, futures or error contexts, whose
    /// moves the store's async state takes in after each call.
    pub(crate) transmits: bool,
    /// Neither `borrows` nor `transmits`: one test for the common call.
    pub(crate) plain: bool,
    /// What a call tests to go the common way: `leave` when the lowering
    /// is `plain`, else a flag that never clears (`LeaveFlag::never`), so
    /// that one load tests both.
    pub(crate) gate: Arc<LeaveFlag>,
    /// What the entrypoint receives as its `data`.
    pub(crate) data: FnData,
    /// Its canonical options, and what the call's [`HostCx`] points to.
    pub(crate) opts: LoweringOpts<B>,
}

impl<T, B: Backend> Lowered<T, B> {
    /// What the call's [`HostCx`] points to.
    #[inline(always)]
    pub(crate) fn site(&self) -> &CallSite {
        &self.opts.site
    }
}

/// The type of every `realloc`.
pub(crate) static REALLOC_TY: LazyLock<CoreFuncType> = LazyLock::new(|| CoreFuncType {
    params: vec![CoreType::I32; 4],
    results: vec![CoreType::I32],
});

/// Runs a call of an adapter or resource intrinsic arriving from an
/// engine. Returns `false` when the call trapped; the error is then pending
/// in the store.
pub(crate) fn call<B: Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    binding: &HostBinding,
    storage: &mut [ValRaw],
) -> bool {
    let result = match &binding.kind {
        Binding::Adapter(op) => crate::store::adapter::intrinsic::<B, T>(
            B::reborrow(&mut cx),
            binding.instance,
            *op,
            storage,
        ),
        Binding::Resource { op, ty, table } => crate::store::resource::intrinsic::<B, T>(
            B::reborrow(&mut cx),
            binding.instance,
            *op,
            *ty,
            *table,
            storage,
        ),
    };
    finish::<B, T>(cx, result)
}

/// Runs a call of a lowered import arriving from an engine: [`call`]
/// without the dispatch, as each lowering gets a closure of its own, which
/// also keeps the lowering's memory and realloc in its options once found.
#[inline(always)]
pub(crate) fn call_lowered<B: Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    lowered: &Lowered<T, B>,
    storage: &mut [ValRaw],
) -> Option<ValRaw> {
    enter_host::<B, T>(B::reborrow(&mut cx), lowered, storage)
}

#[inline(always)]
pub(crate) fn finish<B: Backend, T: 'static>(mut cx: Cx<'_, B, T>, result: Result<()>) -> bool {
    match result {
        Ok(()) => true,
        Err(error) => {
            B::data(&mut cx).pending = Some(error);
            false
        }
    }
}

/// Checks that the instance may leave and calls the glue's entrypoint with
/// the lowering's canonical options. Returns `None` when the call trapped
/// (the error is then pending in the store), else the storage's first value.
///
/// Each call reads only what can change between calls (the instance's
/// `may_leave` flag, which also says whether the store has a call hook,
/// and the store's memory growth count); the rest was fixed in `l` (its
/// memory and realloc once found) when the instance was built.
#[inline(always)]
fn enter_host<'a, B: Backend, T: 'static>(
    cx: Cx<'a, B, T>,
    l: &'a Lowered<T, B>,
    storage: &mut [ValRaw],
) -> Option<ValRaw> {
    // Everything but the common case is out of line, so that the common
    // case keeps few values in registers across the glue's call.
    // The gate is not clear either when the store has a call hook.
    if !l.gate.clear_to_leave() {
        // Laid out after the common case, which then runs straight on.
        core::hint::cold_path();
        let here = l.opts.leave.may_leave_here();
        let ok = enter_slow::<B, T>(cx, l, storage, here);
        return outcome(ok, storage);
    }
    enter_plain::<B, T>(cx, l, storage)
}

/// Calls the glue of a lowering that lends nothing and moves nothing.
#[inline(always)]
fn enter_plain<'a, B: Backend, T: 'static>(
    cx: Cx<'a, B, T>,
    l: &'a Lowered<T, B>,
    storage: &mut [ValRaw],
) -> Option<ValRaw> {
    // SAFETY: `instantiate` gave a `Lowered<T, B>`'s site `ops_of::<B, T>()`.
    let mut hcx = unsafe { host_cx::<B, T>(cx, &l.opts) };
    // SAFETY: `hcx` is a live `HostCx<'_, T>` and `storage` its call's values.
    let ret = unsafe { call_entry(l, &mut hcx, storage) };
    if !ret.ok {
        // SAFETY: `host_cx::<B, T>` made `hcx`.
        failed(l, &mut unsafe { store_cx::<B, T>(hcx) });
    }
    ret.outcome()
}

/// After a call whose glue returned `false`: makes sure an error is
/// pending in the store, as glue that recorded none still failed.
#[cold]
#[inline(never)]
fn failed<B: Backend, T: 'static>(l: &Lowered<T, B>, cx: &mut Cx<'_, B, T>) {
    let data = B::data(cx);
    if data.pending.is_none() {
        data.pending = Some(silent(l));
    }
}

/// [`enter_host`] for a call whose instance may not leave, whose flag
/// adapters keep a copy of (`here` is `None`), that may lend borrows or
/// move streams and futures, or in a store with a call hook.
#[inline(never)]
fn enter_slow<'a, B: Backend, T: 'static>(
    mut cx: Cx<'a, B, T>,
    l: &'a Lowered<T, B>,
    storage: &mut [ValRaw],
    here: Option<bool>,
) -> bool {
    let (instance, table) = (l.site().res.instance, l.site().res.table);
    let may_leave = match here {
        Some(here) => here,
        // Adapters keep a second copy of the flag, in an engine global.
        None => crate::store::instance::may_leave::<B, T>(&mut cx, instance, table) == Some(true),
    };
    if !may_leave {
        return finish::<B, T>(cx, Err(cannot_leave(l)));
    }
    let hooks = B::data(&mut cx).hook.is_some();
    if hooks && let Err(e) = run_hook::<B, T>(&mut cx, CallHook::CallingHost) {
        return finish::<B, T>(cx, Err(e));
    }
    let ok = match l.plain {
        false => {
            let result = enter_lending::<B, T>(B::reborrow(&mut cx), l, storage);
            finish::<B, T>(B::reborrow(&mut cx), result)
        }
        true => enter_plain::<B, T>(B::reborrow(&mut cx), l, storage).is_some(),
    };
    if ok && hooks {
        let result = run_hook::<B, T>(&mut cx, CallHook::ReturningFromHost);
        return finish::<B, T>(cx, result);
    }
    ok
}

/// Runs the store's call hook around a host call; a panic in it becomes
/// the call's trap, as one in the host function does.
fn run_hook<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, hook: CallHook) -> Result<()> {
    let data = B::data(cx);
    match catch_unwind(AssertUnwindSafe(|| data.hook(hook))) {
        Ok(result) => result,
        Err(payload) => {
            let msg = crate::error::panic_text(payload);
            Err(Trap::new(format!("call hook panicked at {hook:?}: {msg}")).into())
        }
    }
}

/// [`enter_host`] for a call that may lend borrows or move streams and
/// futures: the lends end, and the moves are taken in, when it returns.
#[inline(never)]
fn enter_lending<'a, B: Backend, T: 'static>(
    mut cx: Cx<'a, B, T>,
    l: &'a Lowered<T, B>,
    storage: &mut [ValRaw],
) -> Result<()> {
    let instance = l.site().res.instance;
    // Only a call that lifts a borrow lends anything.
    let lends = match l.borrows {
        true => B::data(&mut cx)
            .instances
            .get(instance)
            .map_or(0, |s| s.handles.0.borrow().lends_mark()),
        false => 0,
    };
    // SAFETY: as in `enter_plain`.
    let mut hcx = unsafe { host_cx::<B, T>(cx, &l.opts) };
    // SAFETY: `hcx` is a live `HostCx<'_, T>` and `storage` its call's values.
    let ok = unsafe { call_entry(l, &mut hcx, storage) }.ok;
    // SAFETY: `host_cx::<B, T>` made `hcx`.
    let mut cx = unsafe { store_cx::<B, T>(hcx) };
    let trap = match ok {
        true => None,
        false => Some(B::data(&mut cx).pending.take()),
    };
    let settled = match l.transmits {
        true => crate::concurrent::host_end::settle::<B, T>(&mut cx, instance),
        false => Ok(()),
    };
    // The borrows the host was lent end with its call.
    if l.borrows
        && let Some(state) = B::data(&mut cx).instances.get(instance)
    {
        state.handles.0.borrow_mut().end_lends(lends);
    }
    match trap {
        None => settled,
        Some(trap) => Err(trap.unwrap_or_else(|| silent(l))),
    }
}

/// Calls the glue of `l` with the context `hcx` and the values `storage`.
///
/// # Safety
///
/// `hcx` is the context of this call, and `storage` its values.
#[inline(always)]
unsafe fn call_entry<T, B: Backend>(
    l: &Lowered<T, B>,
    hcx: &mut HostCx<'_, T>,
    storage: &mut [ValRaw],
) -> EntryReturn {
    // SAFETY: `hcx` is a live `HostCx<'_, T>`, as `HostFunc<T>::from_raw`
    // requires of the entrypoint; `storage` is `storage.len()` initialised
    // values; `l.data` is what the entrypoint expects as its `data`.
    unsafe {
        (l.func.entry)(
            (hcx as *mut HostCx<'_, T>).cast::<c_void>(),
            l.data.as_ptr(),
            storage.as_mut_ptr().cast::<MaybeUninit<ValRaw>>(),
            storage.len(),
        )
    }
}

/// The entrypoint of an async host function, which no call reaches: its
/// lowerings call `concurrent::host_call` instead. It reports a failure.
pub(crate) unsafe extern "C" fn never_entered(
    _cx: *mut c_void,
    _data: *mut c_void,
    _storage: *mut MaybeUninit<ValRaw>,
    _storage_len: usize,
) -> EntryReturn {
    EntryReturn::FAILED
}

#[cold]
fn cannot_leave<T, B: Backend>(l: &Lowered<T, B>) -> crate::Error {
    Trap::new(format!(
        "cannot leave component instance: host function `{}` called while its `realloc` or `post-return` runs",
        l.func.name()
    ))
    .into()
}

#[cold]
fn silent<T, B: Backend>(l: &Lowered<T, B>) -> crate::Error {
    Trap::new(format!(
        "host function `{}` failed without saying why",
        l.func.name()
    ))
    .into()
}
