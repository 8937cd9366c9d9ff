//! Calls of async host functions ([`func_new_async`]): the guest's params
//! are lifted and the host function makes a future of its results, which
//! is polled at once and then whenever its waker fires.
//!
//! - Through an `async` lowering, a future that is not ready becomes a
//!   subtask: the guest gets `STARTED` and its handle, and the event loop
//!   writes the results into the guest's memory once the future finishes.
//! - Through a synchronous lowering, the caller blocks: its task is
//!   suspended where the engine can (wasmi), and otherwise the event loop
//!   runs nested until the future finishes. A store with no async state
//!   waits for the future right there.
//!
//! When nothing in the store can run but host futures are pending, a
//! host-driven loop either returns `Pending` (an `async` API of the host,
//! whose waker the futures' wakers call) or parks its thread until one of
//! them wakes it (a synchronous API, or a loop nested in guest code).
//!
//! [`func_new_async`]: crate::LinkerInstance::func_new_async

use core::task::{Context, Poll, Waker};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wasmtime_environ::component::{InterfaceType, TypeFuncIndex};

use super::{STATUS_RETURNED, STATUS_STARTED, handles, store_tasks};
use crate::abi::async_lower::AsyncLower;
use crate::abi::handles::AsyncKind;
use crate::abi::{LiftCx, LowerCx, ResourceScope};
use crate::call::access::{Access, DataOnly, Spawned, lend};
use crate::call::async_glue::{CallFuture, Lowering, Start, StartCx};
use crate::call::guest::GuestAccess;
use crate::call::host::{FuncKind, Lowered};
use crate::call::reach::Ops;
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::raw::ValRaw;
use crate::store::Cx;
use crate::store::StoreData;
use crate::store::tasks::{
    Blocked, HostCall, HostLowering, HostWake, Tasks, Waitable, WaitableKind,
};
use crate::types::layout::MAX_FLAT_PARAMS;

/// Runs a call of async host function `l` arriving from an engine, with
/// the flat values in `storage`: in `layout` for an async lowering, in the
/// synchronous layout otherwise. Returns `false` when it trapped (or
/// suspended the caller); the error is then pending in the store.
pub(crate) fn call<B: Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    l: &Lowered<T, B>,
    layout: Option<AsyncLower>,
    storage: &mut [ValRaw],
) -> bool {
    // Five to sixteen flat params arrive through a pointer in the async
    // layout; the rest of the call sees them flat, as the glue lifts them.
    let spread = match layout {
        Some(layout) => {
            crate::call::async_lower::spread_params::<B, T>(&mut cx, l, layout, storage)
        }
        None => Ok(None),
    };
    let result = match spread {
        Ok(Some((mut flat, _))) => {
            let r = enter::<B, T>(&mut cx, l, layout, &mut flat);
            storage[0] = flat[0];
            r
        }
        Ok(None) => enter::<B, T>(&mut cx, l, layout, storage),
        Err(e) => Err(e),
    };
    crate::call::host::finish::<B, T>(cx, result)
}

fn enter<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    l: &Lowered<T, B>,
    layout: Option<AsyncLower>,
    storage: &mut [ValRaw],
) -> Result<()> {
    let FuncKind::Async(f) = &l.func.kind else {
        return Err(Trap::new(format!("host function `{}` is not async", l.func.name())).into());
    };
    let name: Arc<str> = Arc::from(l.func.name());
    let (instance, table) = (l.site().res.instance, l.site().res.table);
    if crate::store::instance::may_leave::<B, T>(cx, instance, table) != Some(true) {
        return Err(Trap::new(format!(
            "cannot leave component instance: host function `{name}` called while its `realloc` or `post-return` runs"
        ))
        .into());
    }
    let Some(state) = B::data(cx).instances.get(instance) else {
        return Err(Trap::new(format!(
            "host function `{name}` is bound to an instance this store does not hold"
        ))
        .into());
    };
    let lowering = HostLowering {
        name,
        types: state.component.types.clone(),
        ty: TypeFuncIndex::from_u32(l.site().func_ty),
        options: l.opts.options,
        encoding: l.site().encoding,
        res: l.site().res,
        transmits: l.transmits,
    };
    let (future, lends) = start::<B, T>(cx, &f.start, &lowering, storage)?;
    let retptr = results_at(&lowering, storage, layout.is_some());
    let outer = match (layout, &B::data(cx).tasks) {
        (None, None) => Default::default(),
        _ => store_tasks::<B, T>(cx).outer.clone(),
    };
    let mut call = HostCall {
        future: Some(future),
        wake: Arc::new(HostWake {
            woken: AtomicBool::new(true),
            outer,
        }),
        done: None,
        lowering,
        results_at: retptr,
        sync: layout.is_none(),
        waitable: None,
        lends,
    };
    if let Poll::Ready(r) = poll_call::<B, T>(cx, &mut call) {
        release::<B, T>(cx, instance, &call.lends);
        return match layout {
            Some(_) => {
                returned::<B, T>(cx, &call.lowering, call.results_at, r?)?;
                storage[0] = ValRaw::i32(STATUS_RETURNED as i32);
                Ok(())
            }
            None => lower_sync::<B, T>(cx, &call.lowering, retptr, r?, storage),
        };
    }
    match layout {
        Some(_) => start_subtask::<B, T>(cx, call, storage),
        None => block::<B, T>(cx, call, storage),
    }
}

/// Starts the call: lifts the params from `storage` and makes the future,
/// with the store's data lent to the function. Returns the future, and
/// the handles its `borrow` params lend, which stay lent until it is done.
fn start<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    start: &Start<T>,
    lowering: &HostLowering,
    storage: &[ValRaw],
) -> Result<(CallFuture, Vec<(usize, u32)>)> {
    let site = Site {
        func: &lowering.name,
        place: Place::Params,
    };
    let instance = lowering.res.instance;
    let store = B::data(cx).id;
    let memory = B::data(cx)
        .instances
        .get(instance)
        .and_then(|s| s.options(lowering.options))
        .and_then(|o| o.memory);
    let (mem, data): (&[u8], _) = match memory {
        Some(m) => {
            let (mem, data) = B::memory(cx, m);
            (mem, data)
        }
        None => (&[], B::data(cx)),
    };
    let StoreData {
        data: user,
        instances,
        ..
    } = data;
    let tables = instances.get(instance).map(|s| &s.handles);
    let mark = tables.map(|t| t.0.borrow().lends_mark());
    let scope = ResourceScope {
        tables,
        res: lowering.res,
    };
    let mut scx = StartCx {
        lift: LiftCx::new_in(mem, site, lowering.encoding, scope),
        storage,
        types: &lowering.types,
        ty: lowering.ty,
    };
    let started = catch(&lowering.name, || {
        let mut lent = DataOnly((user as *mut T).cast());
        lend(store, &mut lent, || start(Access::new(store), &mut scx))
    });
    let lends = match (tables, mark) {
        (Some(t), Some(mark)) if t.0.borrow().lends_mark() != mark => {
            t.0.borrow_mut().take_lends(mark)
        }
        _ => Vec::new(),
    };
    // Stream and future ends among the params are the host's from now on.
    let settled = match lowering.transmits {
        true => super::host_end::settle::<B, T>(cx, instance),
        false => Ok(()),
    };
    let future = match started.and_then(|s| s).and_then(|f| settled.map(|()| f)) {
        Ok(future) => future,
        Err(e) => {
            release::<B, T>(cx, instance, &lends);
            return Err(e);
        }
    };
    Ok((future, lends))
}

/// Ends the lends of a host call of hostbind instance `instance`.
fn release<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, instance: usize, lends: &[(usize, u32)]) {
    if lends.is_empty() {
        return;
    }
    if let Some(state) = B::data(cx).instances.get(instance) {
        state.handles.0.borrow_mut().end_lends_of(lends);
    }
}

/// The pointer the caller passed for the results, if its layout has one:
/// the async layout for any result, the synchronous one for results that
/// do not fit one flat value. It follows the flat params (or their pointer).
fn results_at(lowering: &HostLowering, storage: &[ValRaw], async_layout: bool) -> Option<u32> {
    let types = &lowering.types;
    let f = &types[lowering.ty];
    let flat = |tuple| types.canonical_abi(&InterfaceType::Tuple(tuple)).flat_count;
    let has = match async_layout {
        true => !types[f.results].types.is_empty(),
        false => flat(f.results).is_none_or(|n| n > 1),
    };
    let params = flat(f.params).map_or(1, usize::from);
    let params = if params > MAX_FLAT_PARAMS { 1 } else { params };
    has.then(|| storage.get(params).map_or(0, |v| v.get_u32()))
}

/// Runs `f`, turning a panic into a trap naming host function `name`.
fn catch<R>(name: &str, f: impl FnOnce() -> R) -> Result<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let msg = crate::error::panic_text(payload);
        Trap::new(format!("host function `{name}` panicked: {msg}")).into()
    })
}

/// Polls `call`'s future once, with the store's data lent to it.
fn poll_call<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    call: &mut HostCall,
) -> Poll<Result<Lowering>> {
    let Some(future) = call.future.as_mut() else {
        return Poll::Ready(Err(Trap::new(format!(
            "host function `{}` was polled after it finished",
            call.lowering.name
        ))
        .into()));
    };
    let polled = poll_future::<B, T>(cx, future, &call.wake, &call.lowering.name);
    if polled.is_ready() {
        call.future = None;
    }
    polled
}

fn poll_future<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    future: &mut CallFuture,
    wake: &Arc<HostWake>,
    name: &str,
) -> Poll<Result<Lowering>> {
    wake.woken.store(false, Ordering::Release);
    let waker = Waker::from(wake.clone());
    let mut context = Context::from_waker(&waker);
    let store = B::data(cx).id;
    let mut lent = Ops::<B, T> { cx, nested: true };
    let polled = catch(name, || {
        lend(store, &mut lent, || future.as_mut().poll(&mut context))
    });
    match polled {
        Ok(Poll::Pending) => Poll::Pending,
        Ok(Poll::Ready(r)) => Poll::Ready(
            r.map_err(|e| e.context(format!("host function `{name}` returned an error"))),
        ),
        Err(e) => Poll::Ready(Err(e)),
    }
}

/// Runs `f` with a lowering context for `lowering`'s caller.
fn lower_into<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lowering: &HostLowering,
    f: impl FnOnce(&mut LowerCx<'_>) -> Result<()>,
) -> Result<()> {
    let instance = lowering.res.instance;
    let (memory, realloc) = B::data(cx)
        .instances
        .get(instance)
        .and_then(|s| s.options(lowering.options))
        .map_or((None, None), |o| (o.memory, o.realloc));
    let mut guest = GuestAccess::<B, T>::new(
        B::reborrow(cx),
        instance,
        memory,
        realloc,
        Some(lowering.res.table),
    );
    let site = Site {
        func: &lowering.name,
        place: Place::Result,
    };
    let lowered = f(&mut LowerCx::new_in(
        &mut guest,
        site,
        lowering.encoding,
        lowering.res,
        None,
    ));
    if !lowering.transmits {
        return lowered;
    }
    let settled = super::host_end::settle::<B, T>(&mut guest.cx, instance);
    lowered.and(settled)
}

/// Lowers the results of a synchronously lowered call into `storage`, or
/// through its `retptr`.
fn lower_sync<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lowering: &HostLowering,
    retptr: Option<u32>,
    results: Lowering,
    storage: &mut [ValRaw],
) -> Result<()> {
    lower_into::<B, T>(cx, lowering, |lcx| results(lcx, storage, retptr))
}

/// Writes the results of an async-lowered call into the caller's memory.
fn returned<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lowering: &HostLowering,
    at: Option<u32>,
    results: Lowering,
) -> Result<()> {
    let Some(ptr) = at else {
        return Ok(());
    };
    lower_into::<B, T>(cx, lowering, |lcx| results(lcx, &mut [], Some(ptr)))
}

/// An async-lowered call whose future is not ready: the caller gets a
/// subtask for it.
fn start_subtask<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    mut call: HostCall,
    storage: &mut [ValRaw],
) -> Result<()> {
    let (instance, table) = (call.lowering.res.instance, call.lowering.res.table);
    let name = call.lowering.name.clone();
    let tasks = store_tasks::<B, T>(cx);
    call.sync = false;
    let id = tasks.host_calls.push(call);
    let waitable = tasks.waitables().push(Waitable {
        handle: 0,
        set: None,
        sync_waiter: false,
        kind: WaitableKind::HostCall {
            call: id,
            pending: None,
            delivered: STATUS_STARTED,
        },
    });
    let site = Site {
        func: &name,
        place: Place::Result,
    };
    let handle =
        handles::<B, T>(cx, instance).new_async(&site, table, AsyncKind::Subtask, waitable);
    let tasks = store_tasks::<B, T>(cx);
    let handle = match handle {
        Ok(h) => h,
        Err(e) => {
            tasks.waitables().remove(waitable);
            tasks.host_calls.remove(id);
            return Err(e);
        }
    };
    if let Some(w) = tasks.waitables().get(waitable) {
        w.handle = handle;
    }
    if let Some(c) = tasks.host_calls.get(id) {
        c.waitable = Some(waitable);
    }
    storage[0] = ValRaw::i32((STATUS_STARTED | (handle << 4)) as i32);
    Ok(())
}

/// A synchronously lowered call whose future is not ready: the caller
/// blocks until it is.
fn block<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    mut call: HostCall,
    storage: &mut [ValRaw],
) -> Result<()> {
    let retptr = call.results_at;
    if B::data(cx).tasks.is_none() {
        // Nothing else in the store can run: wait here.
        let parker = Arc::new(Parker::current());
        if let Ok(mut outer) = call.wake.outer.lock() {
            *outer = Some(Waker::from(parker.clone()));
        }
        let results = loop {
            match poll_call::<B, T>(cx, &mut call) {
                Poll::Ready(r) => break r,
                Poll::Pending => parker.park(),
            }
        };
        release::<B, T>(cx, call.lowering.res.instance, &call.lends);
        let results = results?;
        return lower_sync::<B, T>(cx, &call.lowering, retptr, results, storage);
    }
    let lowering = call.lowering.clone();
    let id = store_tasks::<B, T>(cx).host_calls.push(call);
    // Suspended: resuming the task finishes the call (`finish_blocked`).
    super::thread::block::<B, T>(cx, Blocked::HostCall { call: id })?;
    let results = take_done::<B, T>(cx, id)?;
    lower_sync::<B, T>(cx, &lowering, retptr, results, storage)
}

/// The results of finished host call `id` of a blocked caller; its lends
/// end.
fn take_done<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> Result<Lowering> {
    match store_tasks::<B, T>(cx).host_calls.remove(id) {
        Some(HostCall {
            done: Some(r),
            lends,
            lowering,
            ..
        }) => {
            release::<B, T>(cx, lowering.res.instance, &lends);
            r
        }
        _ => Err(Trap::new("a blocked host call finished without its results").into()),
    }
}

/// Finishes the host call a resumed task blocked in: lowers its results,
/// and returns the flat one the host function's core type returns.
pub(crate) fn finish_blocked<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
) -> Result<Vec<ValRaw>> {
    let (lowering, retptr) = match store_tasks::<B, T>(cx).host_calls.get(id) {
        Some(c) => (c.lowering.clone(), c.results_at),
        None => return Err(Trap::new("a blocked host call is gone").into()),
    };
    let results = take_done::<B, T>(cx, id)?;
    let mut storage = [ValRaw::ZERO; 1];
    lower_sync::<B, T>(cx, &lowering, retptr, results, &mut storage)?;
    let f = &lowering.types[lowering.ty];
    let flat = lowering
        .types
        .canonical_abi(&InterfaceType::Tuple(f.results))
        .flat_count
        .map_or(0, usize::from);
    Ok(match (retptr, flat) {
        (None, 1) => storage.to_vec(),
        _ => Vec::new(),
    })
}

/// Adds `future` to the host futures the event loop polls, with no guest
/// call waiting for it: its error, if it fails, fails the loop.
pub(crate) fn spawn<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, future: Spawned) {
    let tasks = store_tasks::<B, T>(cx);
    let future: CallFuture = Box::pin(async move {
        future.await?;
        Ok(Box::new(|_: &mut LowerCx<'_>, _: &mut [ValRaw], _: Option<u32>| Ok(())) as Lowering)
    });
    let call = HostCall {
        future: Some(future),
        wake: Arc::new(HostWake {
            woken: AtomicBool::new(true),
            outer: tasks.outer.clone(),
        }),
        done: None,
        // Nothing is lowered: there is no caller.
        lowering: HostLowering {
            name: Arc::from("a host task spawned with `Access::spawn`"),
            types: Default::default(),
            ty: TypeFuncIndex::from_u32(0),
            options: 0,
            encoding: crate::abi::StringEncoding::Utf8,
            res: Default::default(),
            transmits: false,
        },
        results_at: None,
        sync: false,
        waitable: None,
        lends: Vec::new(),
    };
    tasks.host_calls.push(call);
}

/// Whether host call `id` of a blocked caller has finished.
pub(crate) fn is_done<B: Backend>(tasks: &mut Tasks<B>, id: u32) -> bool {
    tasks.host_calls.get(id).is_none_or(|c| c.done.is_some())
}

/// Polls every host call whose waker fired; returns whether it polled any
/// (a future still pending may have set events all the same).
/// An async-lowered call's results are written into its caller's memory
/// and its subtask reports `RETURNED`.
pub(crate) fn poll_woken<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Result<bool> {
    let tasks = store_tasks::<B, T>(cx);
    if tasks.host_calls.is_empty() {
        return Ok(false);
    }
    let mut finished = false;
    for id in tasks.host_calls.ids() {
        let tasks = store_tasks::<B, T>(cx);
        let Some(call) = tasks.host_calls.get(id) else {
            continue;
        };
        if !call.wake.woken.load(Ordering::Acquire) {
            continue;
        }
        let Some(mut future) = call.future.take() else {
            continue;
        };
        let (wake, name) = (call.wake.clone(), call.lowering.name.clone());
        let polled = poll_future::<B, T>(cx, &mut future, &wake, &name);
        // Even a future that is still pending may have moved values and
        // set events (a spawned task copying a stream): the loop must look
        // at its waits again before it parks.
        finished = true;
        let tasks = store_tasks::<B, T>(cx);
        let Some(call) = tasks.host_calls.get(id) else {
            continue;
        };
        let result = match polled {
            Poll::Pending => {
                call.future = Some(future);
                continue;
            }
            Poll::Ready(r) => r,
        };
        if call.sync {
            call.done = Some(result);
            continue;
        }
        let (lowering, at, waitable) = (call.lowering.clone(), call.results_at, call.waitable);
        let lends = tasks
            .host_calls
            .remove(id)
            .map(|c| c.lends)
            .unwrap_or_default();
        release::<B, T>(cx, lowering.res.instance, &lends);
        returned::<B, T>(cx, &lowering, at, result?)?;
        let tasks = store_tasks::<B, T>(cx);
        if let Some(Waitable {
            kind: WaitableKind::HostCall { pending, .. },
            ..
        }) = waitable.and_then(|w| tasks.waitables().get(w))
        {
            *pending = Some(STATUS_RETURNED);
        }
    }
    Ok(finished)
}

/// Whether a host call's future is still pending.
pub(crate) fn waiting<B: Backend>(tasks: &mut Tasks<B>) -> bool {
    tasks
        .host_calls
        .ids()
        .into_iter()
        .any(|id| tasks.host_calls.get(id).is_some_and(|c| c.future.is_some()))
}

/// Whether a pending host call's waker has fired since it was last polled.
fn any_woken<B: Backend>(tasks: &mut Tasks<B>) -> bool {
    tasks.host_calls.ids().into_iter().any(|id| {
        tasks
            .host_calls
            .get(id)
            .is_some_and(|c| c.future.is_some() && c.wake.woken.load(Ordering::Acquire))
    })
}

/// Makes `waker` the one the store's host futures wake; returns whether
/// one of them has been woken already (so polling again cannot wait).
pub(crate) fn wake_with<B: Backend>(tasks: &mut Tasks<B>, waker: &Waker) -> bool {
    if let Ok(mut outer) = tasks.outer.lock() {
        *outer = Some(waker.clone());
    }
    any_woken(tasks)
}

/// Blocks this thread until one of the store's pending host futures wakes.
pub(crate) fn park<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) {
    let parker = Arc::new(Parker::current());
    let tasks = store_tasks::<B, T>(cx);
    let old = tasks
        .outer
        .lock()
        .ok()
        .and_then(|mut o| o.replace(Waker::from(parker.clone())));
    if !any_woken(tasks) {
        parker.park();
    }
    if let Ok(mut outer) = tasks.outer.lock() {
        *outer = old;
    }
}

/// Wakes one thread: the waker of a host future that a blocked thread
/// waits for.
struct Parker {
    thread: std::thread::Thread,
    woken: AtomicBool,
}

impl Parker {
    fn current() -> Parker {
        Parker {
            thread: std::thread::current(),
            woken: AtomicBool::new(false),
        }
    }

    fn park(&self) {
        while !self.woken.swap(false, Ordering::AcqRel) {
            std::thread::park();
        }
    }
}

impl std::task::Wake for Parker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}
