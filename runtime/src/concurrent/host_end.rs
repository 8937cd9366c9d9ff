//! The host's side of streams, futures and error contexts: ends it makes,
//! receives from a guest or passes to one, its reads and writes (which run
//! the event loop until the guest's side has moved), and bringing the
//! store's async state up to date after values moved such handles.
//!
//! A lift or lower reaches a guest's handle tables but not the store's
//! async state, so it notes what moved in the tables ([`Moved`]) and
//! [`settle`] applies the notes right after, before any guest code runs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use super::transmit::kind;
use super::{handles, rule, store_tasks};
use crate::abi::handles::{AsyncKind, EndTy, Moved};
use crate::abi::{LiftCx, LowerCx};
use crate::engine::Backend;
use crate::error::{Error, Place, Result, Site, Trap};
use crate::store::Cx;
use crate::store::resource::abi::{with_tables, with_tables_mut};
use crate::store::tasks::{
    Buffer, CopyResult, CopyState, End, ErrorContext, HOST_TABLE, HostItems, Shared, Tasks,
    Transmit, Waitable, WaitableKind,
};
use crate::types::typecheck::wit;

/// Numbers for host handles, never reused within a process.
static SERIAL: AtomicU64 = AtomicU64::new(1);

/// What a host handle on a stream or future end names: the store, the
/// end, and the number it was given when the host got it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HostEnd {
    pub(crate) store: u64,
    pub(crate) w: u32,
    pub(crate) serial: u64,
}

/// A host end as the public end types hold it: dropping the last holder
/// queues the end to be closed by its store, whose event loop closes it
/// (if the host still holds it: not after `close`, nor once it went to a
/// guest) the next time it runs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Held(pub(crate) HostEnd);

impl core::ops::Deref for Held {
    type Target = HostEnd;
    fn deref(&self) -> &HostEnd {
        &self.0
    }
}

/// Ends whose last holder was dropped, for their stores to close; and
/// whether there are any, so that a store's loop checks at the cost of a
/// load.
static DROPPED: Mutex<Vec<HostEnd>> = Mutex::new(Vec::new());
static ANY_DROPPED: AtomicBool = AtomicBool::new(false);

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut q) = DROPPED.lock() {
            q.push(self.0);
            ANY_DROPPED.store(true, Ordering::Release);
        }
    }
}

/// Closes the ends of this store whose holders were dropped; returns
/// whether it closed one. A future's writable end dropped unwritten
/// closes as if its writer gave up: the reader sees it dropped.
pub(crate) fn close_dropped<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> bool {
    if !ANY_DROPPED.load(Ordering::Acquire) {
        return false;
    }
    let store = B::data(cx).id;
    let mine: Vec<HostEnd> = match DROPPED.lock() {
        Ok(mut q) => {
            let (mine, rest): (Vec<_>, Vec<_>) = q.drain(..).partition(|e| e.store == store);
            *q = rest;
            ANY_DROPPED.store(!q.is_empty(), Ordering::Release);
            mine
        }
        Err(_) => return false,
    };
    let tasks = store_tasks::<B, T>(cx);
    let mut closed = false;
    for end in mine {
        let Some(e) = tasks
            .end(end.w)
            .filter(|e| e.table == HOST_TABLE && e.serial == end.serial)
        else {
            continue;
        };
        let shared = e.shared;
        tasks.waitables().remove(end.w);
        super::transmit::drop_shared(tasks, shared);
        closed = true;
    }
    closed
}

/// Held by a store: when the store goes, so do the ends of it that were
/// dropped and not closed yet.
pub(crate) struct StoreEnds(pub(crate) u64);

impl Drop for StoreEnds {
    fn drop(&mut self) {
        if ANY_DROPPED.load(Ordering::Acquire)
            && let Ok(mut q) = DROPPED.lock()
        {
            q.retain(|e| e.store != self.0);
            ANY_DROPPED.store(!q.is_empty(), Ordering::Release);
        }
    }
}

/// The error-context message slot a lift fills once the store's state is
/// reachable.
pub(crate) type MessageSlot = Arc<OnceLock<Arc<str>>>;

/// Lifts readable end handle `idx` for the host: it leaves the guest's
/// table now, and becomes the host's at the next [`settle`].
pub(crate) fn lift_end(cx: &LiftCx<'_>, idx: u32, transmit: Transmit) -> Result<HostEnd> {
    let res = cx.scope.res;
    with_tables(cx, |h| {
        let w = h.remove_async(&cx.site, res.table, idx, kind(transmit, true))?;
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        h.moved.push(Moved::EndToHost { w, serial });
        Ok(HostEnd {
            store: res.store,
            w,
            serial,
        })
    })
}

/// Lowers the host's readable end `end` as a handle of table type `ty`;
/// the end is checked and becomes the guest's at the next [`settle`].
pub(crate) fn lower_end(
    cx: &mut LowerCx<'_>,
    end: &HostEnd,
    transmit: Transmit,
    ty: EndTy,
) -> Result<u32> {
    with_tables_mut(cx, |h, site, res| {
        if end.store != res.store {
            return Err(site.trap(format_args!(
                "a {} end from another store cannot be passed here",
                transmit.name()
            )));
        }
        let handle = h.new_async(site, res.table, kind(transmit, true), end.w)?;
        h.moved.push(Moved::EndToGuest {
            w: end.w,
            serial: end.serial,
            table: res.table,
            handle,
            ty,
        });
        Ok(handle)
    })
}

/// Lifts error context handle `idx` (the guest keeps its handle); its
/// message is filled in at the next [`settle`].
pub(crate) fn lift_error(cx: &LiftCx<'_>, idx: u32) -> Result<MessageSlot> {
    let table = cx.scope.res.table;
    with_tables(cx, |h| {
        let id = h.get_async(&cx.site, table, idx, AsyncKind::ErrorContext)?;
        let message = MessageSlot::default();
        h.moved.push(Moved::ErrorToHost {
            id,
            message: message.clone(),
        });
        Ok(message)
    })
}

/// Lowers an error context with `message` as a new handle.
pub(crate) fn lower_error(cx: &mut LowerCx<'_>, message: &Arc<str>) -> Result<u32> {
    with_tables_mut(cx, |h, site, res| {
        let handle = h.new_async(site, res.table, AsyncKind::ErrorContext, u32::MAX)?;
        h.moved.push(Moved::ErrorToGuest {
            message: message.clone(),
            table: res.table,
            handle,
        });
        Ok(handle)
    })
}

/// Applies what the last lifts and lowers in hostbind instance `instance`
/// moved; an end that could not move as the spec says is an error (a trap
/// for one a guest gave).
pub(crate) fn settle<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, instance: usize) -> Result<()> {
    let moved = core::mem::take(&mut handles::<B, T>(cx, instance).moved);
    let mut first = Ok(());
    for m in moved {
        let r = match m {
            Moved::EndToHost { w, serial } => to_host(store_tasks::<B, T>(cx), w, serial),
            Moved::EndToGuest {
                w,
                serial,
                table,
                handle,
                ty,
            } => {
                let r = to_guest::<B, T>(cx, instance, w, serial, (table, handle, ty));
                if r.is_err() {
                    // The handle the lower made names nothing valid.
                    handles::<B, T>(cx, instance).free_async(table, handle);
                }
                r
            }
            Moved::ErrorToHost { id, message } => {
                let text = store_tasks::<B, T>(cx)
                    .errors()
                    .get(id)
                    .map_or_else(|| Arc::from(""), |e| Arc::from(e.message.as_str()));
                let _ = message.set(text);
                Ok(())
            }
            Moved::ErrorToGuest {
                message,
                table,
                handle,
            } => {
                let id = store_tasks::<B, T>(cx).errors().push(ErrorContext {
                    message: message.to_string(),
                    refs: 1,
                });
                handles::<B, T>(cx, instance).set_async_id(table, handle, id);
                Ok(())
            }
        };
        if first.is_ok() {
            first = r;
        }
    }
    first
}

/// A readable end lifted for the host: checked as the spec's lift checks
/// it, then held by the host as `serial`.
fn to_host<B: Backend>(tasks: &mut Tasks<B>, w: u32, serial: u64) -> Result<()> {
    let in_set = tasks.waitables().get(w).is_some_and(|w| w.set.is_some());
    let Some(end) = tasks.end(w) else {
        return Err(Trap::new("a lifted stream or future end is gone").into());
    };
    let (name, op) = (end.transmit.name(), "lifting a value for the host");
    match end.state {
        CopyState::Idle => {}
        CopyState::Done if end.transmit == Transmit::Stream => {
            return Err(rule(
                &format!("cannot lift {name} after being notified that the writable end dropped"),
                op,
                None,
            ));
        }
        CopyState::Done => {
            return Err(rule(
                &format!("cannot lift {name} after previous read succeeded"),
                op,
                None,
            ));
        }
        _ => {
            return Err(rule(
                "cannot have concurrent operations active on a future/stream",
                op,
                None,
            ));
        }
    }
    if in_set {
        return Err(rule(
            &format!("cannot lift {name} while it's in a waitable set"),
            op,
            None,
        ));
    }
    end.table = HOST_TABLE;
    end.serial = serial;
    if let Some(w) = tasks.waitables().get(w) {
        w.handle = 0;
    }
    Ok(())
}

/// The host's readable end `w` lowered as handle `handle` of table type
/// `ty` in table `table` of `instance`: checked to be the host's and
/// idle, and of the element type the guest expects.
fn to_guest<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    w: u32,
    serial: u64,
    (table, handle, ty): (usize, u32, EndTy),
) -> Result<()> {
    let ty = match ty {
        EndTy::Table(ty) => ty,
        EndTy::Static(t) => table_for::<B, T>(cx, instance, table, t)?,
    };
    let end = HostEnd {
        store: 0,
        w,
        serial,
    };
    let tasks = store_tasks::<B, T>(cx);
    let e = held(tasks, &end, None, true)?;
    let (transmit, shared) = (e.transmit, e.shared);
    if e.state != CopyState::Idle {
        return Err(anyhow::anyhow!(
            "the {} end given to the guest is in use or done",
            transmit.name()
        ));
    }
    let (want, _, _) = super::transmit::table_info::<B, T>(cx, instance, transmit, ty);
    let types = B::data(cx).instances[instance].component.types.clone();
    let tasks = store_tasks::<B, T>(cx);
    let Some(s) = tasks.shared().get(shared) else {
        return Err(anyhow::anyhow!("the {} is gone", transmit.name()));
    };
    if s.instance.is_some_and(|i| i != instance) {
        return Err(anyhow::anyhow!(
            "not supported by hostbind yet: passing a {} between two component instances through the host",
            transmit.name()
        ));
    }
    let name = |p: &Option<InterfaceType>, t: &ComponentTypes| {
        p.as_ref().map_or_else(|| "_".to_string(), |p| wit(p, t))
    };
    let (have, expected) = (name(&s.payload, &s.types), name(&want, &types));
    // A typed end's element type was matched as its table type was found.
    if !s.typed && have != expected {
        return Err(anyhow::anyhow!(
            "a {t}<{have}> was given where a {t}<{expected}> is expected",
            t = transmit.name()
        ));
    }
    s.instance = Some(instance);
    s.typed = false;
    s.payload = want;
    s.types = types;
    if let Some(e) = tasks.end(w) {
        e.table = table;
        e.ty = ty;
        e.serial = 0;
    }
    if let Some(w) = tasks.waitables().get(w) {
        w.handle = handle;
    }
    Ok(())
}

/// The stream or future table type, in runtime component instance
/// `table` of `instance`'s component, that static type `ty` (a typed
/// end's `stream<E>` or `future<E>`) stands for.
fn table_for<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
    ty: &'static crate::types::Ty,
) -> Result<u32> {
    use wasmtime_environ::component::{TypeFutureTableIndex, TypeStreamTableIndex};
    let state = &B::data(cx).instances[instance];
    let (c, types) = (&state.component, &state.component.types);
    let tc = crate::types::typecheck::Tc::new(types, &state.host_keys, &c.resource_names);
    let stream = matches!(ty, crate::types::Ty::Stream(_));
    let found = c.transmit_tables.iter().find_map(|&(s, i)| {
        let (it, runtime) = match s {
            true => {
                let t = TypeStreamTableIndex::from_u32(i);
                (InterfaceType::Stream(t), types[t].instance)
            }
            false => {
                let t = TypeFutureTableIndex::from_u32(i);
                (InterfaceType::Future(t), types[t].instance)
            }
        };
        let fits = s == stream
            && runtime.as_u32() as usize == table
            && crate::types::typecheck::matches(ty, &it, &tc);
        fits.then_some(i)
    });
    found.ok_or_else(|| {
        anyhow::anyhow!(
            "the guest has no `{ty}` type here: a typed end of it cannot be given to it"
        )
    })
}

/// The end `end` names, checked to be held by the host as that handle and
/// to be of `transmit` (if given) and readable or not.
fn held<'a, B: Backend>(
    tasks: &'a mut Tasks<B>,
    end: &HostEnd,
    transmit: Option<Transmit>,
    readable: bool,
) -> Result<&'a mut End> {
    let e = tasks
        .end(end.w)
        .filter(|e| e.table == HOST_TABLE && e.serial == end.serial)
        .filter(|e| e.readable == readable && transmit.is_none_or(|t| t == e.transmit));
    e.ok_or_else(|| {
        anyhow::anyhow!(
            "this {} end is no longer the host's: it was passed to a guest or closed, or its instance trapped",
            transmit.map_or("stream or future", Transmit::name)
        )
    })
}

/// A new stream or future whose ends the host holds, with elements of
/// `payload` in `types`; returns the readable end, then the writable one.
/// With no `types`, the pair is for typed ends (see `Shared::typed`).
pub(crate) fn new_pair<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    transmit: Transmit,
    payload: Option<InterfaceType>,
    types: Option<Arc<ComponentTypes>>,
) -> (HostEnd, HostEnd) {
    let store = B::data(cx).id;
    let tasks = store_tasks::<B, T>(cx);
    let shared = tasks.shared().push(Shared {
        instance: None,
        payload,
        typed: types.is_none(),
        types: types.unwrap_or_default(),
        dropped: false,
        pending: None,
        ends: 2,
    });
    let mut ends = [true, false].map(|readable| {
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let w = tasks.waitables().push(Waitable {
            handle: 0,
            set: None,
            sync_waiter: false,
            kind: WaitableKind::End(End::new(
                shared,
                (transmit, readable),
                (0, HOST_TABLE),
                serial,
            )),
        });
        HostEnd { store, w, serial }
    });
    ends.reverse();
    let [writer, reader] = ends;
    (reader, writer)
}

/// Whether the elements of `end`'s stream or future move as bytes.
pub(crate) fn is_bytes<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    end: &HostEnd,
    (transmit, readable): (Transmit, bool),
) -> Result<bool> {
    let tasks = store_tasks::<B, T>(cx);
    let shared = held(tasks, end, Some(transmit), readable)?.shared;
    Ok(tasks
        .shared()
        .get(shared)
        .is_some_and(|s| s.payload == Some(InterfaceType::U8)))
}

/// The name of a host copy on a `transmit` end, for messages.
fn copy_op(transmit: Transmit, readable: bool) -> &'static str {
    match (transmit, readable) {
        (Transmit::Stream, true) => "the host's stream read",
        (Transmit::Stream, false) => "the host's stream write",
        (Transmit::Future, true) => "the host's future read",
        (Transmit::Future, false) => "the host's future write",
    }
}

/// Starts one copy from or into the host: `items` to write (or an empty
/// buffer to read up to `len` values into) on `end`, which meets the other
/// end's copy if one waits. [`copy_poll`] finishes it; `Some` is the
/// result already when the other end is gone.
///
/// A copy the host started and stopped waiting for (its future was
/// dropped) is cancelled first; for a read, the values it took already are
/// this copy's result, so none is lost.
pub(crate) fn copy_start<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    end: &HostEnd,
    (transmit, readable): (Transmit, bool),
    items: HostItems,
    len: u32,
) -> Result<Option<(CopyResult, u32, HostItems)>> {
    let op = copy_op(transmit, readable);
    let site = Site {
        func: op,
        place: Place::Params,
    };
    let tasks = store_tasks::<B, T>(cx);
    let e = held(tasks, end, Some(transmit), readable)?;
    if e.state == CopyState::Copying && e.buffer.is_some_and(|b| b.options.is_none()) {
        let shared = e.shared;
        let progress = e.buffer.map_or(0, |b| b.progress);
        let taken = core::mem::replace(&mut e.items, HostItems::Vals(Vec::new()));
        e.state = CopyState::Idle;
        e.buffer = None;
        let event = e.event.take();
        if let Some(s) = tasks.shared().get(shared)
            && s.pending == Some(end.w)
        {
            s.pending = None;
        }
        if event == Some(CopyResult::Dropped) {
            e_done(tasks, end.w);
        }
        if readable && progress > 0 {
            return Ok(Some((CopyResult::Completed, progress, taken)));
        }
    }
    let e = held(tasks, end, Some(transmit), readable)?;
    match e.state {
        CopyState::Idle => {}
        CopyState::Done => return Ok(Some((CopyResult::Dropped, 0, items))),
        _ => {
            return Err(anyhow::anyhow!(
                "{op}: another copy on this end is in progress"
            ));
        }
    }
    let shared = e.shared;
    e.state = CopyState::Copying;
    e.buffer = Some(Buffer {
        options: None,
        ptr: 0,
        len,
        progress: 0,
    });
    e.items = items;
    let w = end.w;
    if let Err(e) = super::transmit::meet::<B, T>(cx, &site, w) {
        return Err(abort::<B, T>(cx, w, shared, e, op));
    }
    Ok(None)
}

/// Marks end `w` as one whose other end is gone.
fn e_done<B: Backend>(tasks: &mut Tasks<B>, w: u32) {
    if let Some(e) = tasks.end(w) {
        e.state = CopyState::Done;
    }
}

/// Runs the event loop until the copy [`copy_start`] began on `end` is
/// over (`Pending` while only host futures can make progress). Returns
/// the copy's result and the values (for a write, the values given,
/// `progress` of them taken).
pub(crate) fn copy_poll<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    end: &HostEnd,
    (transmit, readable): (Transmit, bool),
    waker: &core::task::Waker,
) -> core::task::Poll<Result<(CopyResult, u32, HostItems)>> {
    use core::task::Poll;
    let op = copy_op(transmit, readable);
    let w = end.w;
    let tasks = store_tasks::<B, T>(cx);
    let shared = match held(tasks, end, Some(transmit), readable) {
        Ok(e) => e.shared,
        Err(e) => return Poll::Ready(Err(e)),
    };
    let ran = super::task::poll_until::<B, T>(cx, waker, &|tasks| {
        tasks.waitables().get(w).is_none_or(|w| w.has_event())
    });
    match ran {
        Poll::Pending => Poll::Pending,
        Poll::Ready(Err(e)) => Poll::Ready(Err(abort::<B, T>(cx, w, shared, e, op))),
        Poll::Ready(Ok(())) => Poll::Ready(Ok(take_copy(store_tasks::<B, T>(cx), w))),
    }
}

/// [`copy_poll`] inside a host function's future, which the event loop
/// polls: the copy is over when its end has an event; until then the
/// end's copy wakes `waker` when it gets one.
pub(crate) fn copy_check<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    end: &HostEnd,
    (transmit, readable): (Transmit, bool),
    waker: &core::task::Waker,
) -> core::task::Poll<Result<(CopyResult, u32, HostItems)>> {
    use core::task::Poll;
    let tasks = store_tasks::<B, T>(cx);
    let e = match held(tasks, end, Some(transmit), readable) {
        Ok(e) => e,
        Err(e) => return Poll::Ready(Err(e)),
    };
    if e.event.is_none() {
        e.waker = Some(waker.clone());
        return Poll::Pending;
    }
    e.waker = None;
    Poll::Ready(Ok(take_copy(tasks, end.w)))
}

/// Delivers the event of end `w`'s finished copy: the copy's result, how
/// many values moved, and its values.
fn take_copy<B: Backend>(tasks: &mut Tasks<B>, w: u32) -> (CopyResult, u32, HostItems) {
    let progress = tasks
        .end(w)
        .and_then(|e| e.buffer)
        .map_or(0, |b| b.progress);
    let event = super::transmit::deliver(tasks, w);
    let items = tasks.end(w).map_or(HostItems::Vals(Vec::new()), |e| {
        core::mem::replace(&mut e.items, HostItems::Vals(Vec::new()))
    });
    let result = match event.map(|e| e[2] & 0xf) {
        Some(0) => CopyResult::Completed,
        Some(1) => CopyResult::Dropped,
        _ => CopyResult::Cancelled,
    };
    (result, progress, items)
}

/// A host copy failed: its end is idle again, and the failure is
/// reported as [`fail_loop`] reports it.
fn abort<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    w: u32,
    shared: u32,
    error: Error,
    op: &str,
) -> Error {
    let tasks = store_tasks::<B, T>(cx);
    let instance = tasks.shared().get(shared).and_then(|s| {
        if s.pending == Some(w) {
            s.pending = None;
        }
        s.instance
    });
    if let Some(e) = tasks.end(w) {
        e.state = CopyState::Idle;
        e.buffer = None;
        e.event = None;
        e.items = HostItems::Vals(Vec::new());
    }
    fail_loop::<B, T>(cx, instance, error, op).context(format!("{op} did not complete"))
}

/// The event loop the host drove failed with `error`: a trap in guest code
/// leaves `instance` (the one the host's operation concerns) unusable, as
/// a trap in an export call does; a deadlock or refusal leaves it as is.
pub(crate) fn fail_loop<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: Option<usize>,
    error: Error,
    what: &str,
) -> Error {
    let text = error.to_string();
    let trapped = error.downcast_ref::<Trap>().is_some()
        && !text.starts_with(super::DEADLOCK)
        && !text.starts_with("not supported by hostbind yet");
    if trapped && let Some(i) = instance {
        let tasks = store_tasks::<B, T>(cx);
        tasks.prepared = None;
        tasks.abandon(i);
        tasks.current.clear();
        crate::call::typed::poison_instance(&mut B::data(cx).instances[i], what, &error);
    }
    error
}

/// Closes the host's end: the other end's copy in progress, if any,
/// completes as dropped. A future's writable end may close only once
/// written.
pub(crate) fn close<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    end: &HostEnd,
    transmit: Transmit,
    readable: bool,
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let e = held(tasks, end, Some(transmit), readable)?;
    if transmit == Transmit::Future && !readable && e.state == CopyState::Idle {
        return Err(anyhow::anyhow!(
            "a future's writable end closed without a value written: write one first (the spec forbids dropping it unwritten)"
        ));
    }
    let shared = e.shared;
    tasks.waitables().remove(end.w);
    super::transmit::drop_shared(tasks, shared);
    Ok(())
}
