//! Streams and futures: `stream.new`/`future.new`, reads and writes,
//! cancelling them, dropping an end, moving a readable end from one
//! component to another, and the events a copy delivers.
//!
//! The spec's `SharedStreamImpl`/`SharedFutureImpl` and `stream_copy`/
//! `future_copy` are followed: a copy that finds no partner leaves its
//! buffer pending on the shared state, and the other end's next copy moves
//! values straight from one guest's memory into the other's. A stream
//! writer's buffer stays pending (and may fill further) until its event is
//! delivered.

use wasmtime_environ::component::{
    InterfaceType, OptionsIndex, TypeFutureTableIndex, TypeStreamTableIndex,
};

use super::values::move_values;
use super::waitable::{SYNC_AND_ASYNC, leave_set};
use super::{handles, rule, store_tasks};
use crate::abi::handles::AsyncKind;
use crate::abi::memory;
use crate::engine::Backend;
use crate::error::{Result, Site};
use crate::store::Cx;
use crate::store::tasks::{
    Buffer, CopyResult, CopyState, End, Shared, Tasks, Transmit, Waitable, WaitableKind,
};

/// The spec's event codes for copies.
const EVENT_STREAM_READ: u32 = 2;
const EVENT_STREAM_WRITE: u32 = 3;
const EVENT_FUTURE_READ: u32 = 4;
const EVENT_FUTURE_WRITE: u32 = 5;

/// What a built-in returns when its copy waits for the other end.
pub(crate) const BLOCKED: u32 = u32::MAX;

/// The most elements one stream copy may name.
const MAX_LENGTH: u32 = (1 << 28) - 1;

const BUSY: &str = "cannot have concurrent operations active on a future/stream";
const INTRA: &str =
    "cannot read from and write to intra-component future/stream with non-numeric payload";

/// The handle kind of an end.
pub(crate) fn kind(transmit: Transmit, readable: bool) -> AsyncKind {
    match (transmit, readable) {
        (Transmit::Stream, true) => AsyncKind::StreamReadable,
        (Transmit::Stream, false) => AsyncKind::StreamWritable,
        (Transmit::Future, true) => AsyncKind::FutureReadable,
        (Transmit::Future, false) => AsyncKind::FutureWritable,
    }
}

/// The payload type, the type's identity and the runtime component
/// instance of stream or future table type `ty`.
pub(crate) fn table_info<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    transmit: Transmit,
    ty: u32,
) -> (Option<InterfaceType>, u32, usize) {
    let types = &B::data(cx).instances[instance].component.types;
    match transmit {
        Transmit::Stream => {
            let t = &types[TypeStreamTableIndex::from_u32(ty)];
            (
                types[t.ty].payload,
                t.ty.as_u32(),
                t.instance.as_u32() as usize,
            )
        }
        Transmit::Future => {
            let t = &types[TypeFutureTableIndex::from_u32(ty)];
            (
                types[t.ty].payload,
                t.ty.as_u32(),
                t.instance.as_u32() as usize,
            )
        }
    }
}

/// Whether values of `payload` are plain numbers, which a copy moves as
/// bytes and which may be copied within one component instance.
pub(crate) fn numeric(payload: Option<&InterfaceType>) -> bool {
    use InterfaceType as I;
    matches!(
        payload,
        None | Some(
            I::U8
                | I::S8
                | I::U16
                | I::S16
                | I::U32
                | I::S32
                | I::U64
                | I::S64
                | I::Float32
                | I::Float64
        )
    )
}

/// `stream.new`/`future.new`: a new stream or future with both its ends in
/// runtime component instance `table`; returns the readable end's handle
/// in the low half and the writable end's in the high half.
pub(crate) fn new<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    transmit: Transmit,
    ty: u32,
) -> Result<u64> {
    let (payload, _, _) = table_info::<B, T>(cx, instance, transmit, ty);
    let types = B::data(cx).instances[instance].component.types.clone();
    let tasks = store_tasks::<B, T>(cx);
    let shared = tasks.shared().push(Shared {
        instance: Some(instance),
        payload,
        types,
        dropped: false,
        pending: None,
        ends: 2,
        typed: false,
    });
    let mut ends = [0u32; 2];
    for (i, readable) in [true, false].into_iter().enumerate() {
        let w = store_tasks::<B, T>(cx).waitables().push(Waitable {
            handle: 0,
            set: None,
            sync_waiter: false,
            kind: WaitableKind::End(End::new(shared, (transmit, readable), (ty, table), 0)),
        });
        let handle =
            handles::<B, T>(cx, instance).new_async(site, table, kind(transmit, readable), w)?;
        if let Some(w) = store_tasks::<B, T>(cx).waitables().get(w) {
            w.handle = handle;
        }
        ends[i] = handle;
    }
    Ok(u64::from(ends[0]) | (u64::from(ends[1]) << 32))
}

/// The waitable behind end handle `idx`, checked to be of `transmit`
/// table type `ty` (by the type it stands for) and readable or writable.
#[allow(clippy::too_many_arguments)]
fn end_of<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    transmit: Transmit,
    readable: bool,
    ty: u32,
    idx: u32,
) -> Result<u32> {
    let w = handles::<B, T>(cx, instance).get_async(site, table, idx, kind(transmit, readable))?;
    let held = store_tasks::<B, T>(cx).end(w).map(|e| e.ty);
    let Some(held) = held else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    if held != ty {
        let (_, want, _) = table_info::<B, T>(cx, instance, transmit, ty);
        let (_, have, _) = table_info::<B, T>(cx, instance, transmit, held);
        if want != have {
            return Err(site.trap(format_args!(
                "handle {idx} is a {} of another element type",
                transmit.name()
            )));
        }
    }
    Ok(w)
}

/// The trap for a copy on an end that is done.
fn done_rule(transmit: Transmit, readable: bool) -> &'static str {
    match (transmit, readable) {
        (Transmit::Stream, true) => {
            "cannot read after being notified that the writable end dropped"
        }
        (Transmit::Stream, false) => {
            "cannot write after being notified that the readable end dropped"
        }
        (Transmit::Future, true) => "cannot read from future after previous read succeeded",
        (Transmit::Future, false) => {
            "cannot write to future after previous write succeeded or readable end dropped"
        }
    }
}

/// `stream.read`/`.write`, `future.read`/`.write`: copies up to `n`
/// elements (one for a future) between the buffer at `ptr` and the other
/// end; returns the packed result, or [`BLOCKED`] when an async copy waits.
#[allow(clippy::too_many_arguments)]
pub(crate) fn copy<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    (transmit, readable, ty): (Transmit, bool, u32),
    options: OptionsIndex,
    idx: u32,
    ptr: u32,
    n: u32,
) -> Result<u32> {
    let async_ = B::data(cx).instances[instance].component.info.options[options].async_;
    if !async_ {
        super::task::check_may_block::<B, T>(cx, site.func)?;
    }
    let w = end_of::<B, T>(cx, site, instance, table, transmit, readable, ty, idx)?;
    let n = match transmit {
        Transmit::Future => 1,
        Transmit::Stream if n > MAX_LENGTH => {
            return Err(rule("stream read/write count too large", site.func, None));
        }
        Transmit::Stream => n,
    };
    let tasks = store_tasks::<B, T>(cx);
    let Some(waitable) = tasks.waitables().get(w) else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    let in_set = waitable.set.is_some();
    let Some(end) = waitable.end() else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    match end.state {
        CopyState::Idle => {}
        CopyState::Done => return Err(rule(done_rule(transmit, readable), site.func, None)),
        CopyState::Copying | CopyState::Cancelling => return Err(rule(BUSY, site.func, None)),
    }
    if in_set && !async_ {
        return Err(rule(SYNC_AND_ASYNC, site.func, None));
    }
    let shared = end.shared;
    let payload = tasks.shared().get(shared).and_then(|s| s.payload);
    if let Some(payload) = &payload
        && n > 0
    {
        check_buffer::<B, T>(cx, site, instance, options, payload, ptr, n)?;
    }
    if let Some(end) = store_tasks::<B, T>(cx).end(w) {
        end.state = CopyState::Copying;
        end.buffer = Some(Buffer {
            options: Some(options),
            ptr,
            len: n,
            progress: 0,
        });
    }
    meet::<B, T>(cx, site, w)?;
    let tasks = store_tasks::<B, T>(cx);
    if !tasks.waitables().get(w).is_some_and(|w| w.has_event()) {
        if async_ {
            return Ok(BLOCKED);
        }
        wait_sync::<B, T>(cx, w)?;
    }
    if let Some(w) = store_tasks::<B, T>(cx).waitables().get(w) {
        w.sync_waiter = false;
    }
    let event = deliver(store_tasks::<B, T>(cx), w);
    Ok(event.map_or(BLOCKED, |e| e[2]))
}

/// Checks that `n` elements of `payload` fit at `ptr` in the memory of
/// `options`, aligned.
#[allow(clippy::too_many_arguments)]
fn check_buffer<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    options: OptionsIndex,
    payload: &InterfaceType,
    ptr: u32,
    n: u32,
) -> Result<()> {
    let state = &B::data(cx).instances[instance];
    let abi = state.component.types.canonical_abi(payload);
    let (size, align) = (abi.size32, abi.align32);
    let Some(mem) = state.options(options.as_u32()).and_then(|o| o.memory) else {
        return Err(site.trap(format_args!("the built-in names no memory")));
    };
    let len = B::memory(cx, mem).0.len();
    memory::check_array(site, "buffer", len, ptr, n, size, align)?;
    Ok(())
}

/// Blocks the current task until end `w`, on which a synchronous built-in
/// waits, has an event.
fn wait_sync<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, w: u32) -> Result<()> {
    if let Some(w) = store_tasks::<B, T>(cx).waitables().get(w) {
        w.sync_waiter = true;
    }
    let blocked = super::thread::block::<B, T>(cx, crate::store::tasks::Blocked::Copy { w });
    if blocked
        .as_ref()
        .is_err_and(|e| !super::thread::is_suspend(e))
        && let Some(w) = store_tasks::<B, T>(cx).waitables().get(w)
    {
        w.sync_waiter = false;
    }
    blocked
}

/// The copy of end `w` meets the shared state: it finds the other end's
/// pending copy and moves values, or leaves its own buffer pending.
pub(crate) fn meet<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    w: u32,
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(end) = tasks.end(w) else {
        return Ok(());
    };
    let (shared_id, transmit, readable, table) =
        (end.shared, end.transmit, end.readable, end.table);
    let Some(mine) = end.buffer else {
        return Ok(());
    };
    let Some(shared) = tasks.shared().get(shared_id) else {
        return Ok(());
    };
    if shared.dropped {
        set_event(tasks, w, CopyResult::Dropped);
        return Ok(());
    }
    let Some(other) = shared.pending else {
        shared.pending = Some(w);
        return Ok(());
    };
    let payload = shared.payload;
    let Some((other_table, Some(theirs))) = tasks.end(other).map(|e| (e.table, e.buffer)) else {
        return Ok(());
    };
    let guests = mine.options.is_some() && theirs.options.is_some();
    if guests && other_table == table && !numeric(payload.as_ref()) {
        return Err(rule(INTRA, site.func, None));
    }
    let (src, dst) = if readable {
        ((other, theirs), (w, mine))
    } else {
        ((w, mine), (other, theirs))
    };
    match transmit {
        Transmit::Future => {
            move_values::<B, T>(cx, site, shared_id, src, dst, 1)?;
            let tasks = store_tasks::<B, T>(cx);
            for id in [w, other] {
                advance(tasks, id, 1);
                set_event(tasks, id, CopyResult::Completed);
            }
            if let Some(s) = tasks.shared().get(shared_id) {
                s.pending = None;
            }
        }
        Transmit::Stream if theirs.remain() > 0 => {
            let k = mine.remain().min(theirs.remain());
            if k > 0 {
                move_values::<B, T>(cx, site, shared_id, src, dst, k)?;
                let tasks = store_tasks::<B, T>(cx);
                advance(tasks, w, k);
                advance(tasks, other, k);
                // The other end's buffer stays pending until its event is
                // delivered.
                set_event(tasks, other, CopyResult::Completed);
            }
            set_event(store_tasks::<B, T>(cx), w, CopyResult::Completed);
        }
        Transmit::Stream if !readable && mine.len == 0 && theirs.len == 0 => {
            set_event(tasks, w, CopyResult::Completed);
        }
        Transmit::Stream => {
            // The pending buffer is full: its copy completes, and this one
            // waits in its place.
            set_event(tasks, other, CopyResult::Completed);
            if let Some(s) = tasks.shared().get(shared_id) {
                s.pending = Some(w);
            }
        }
    }
    Ok(())
}

fn set_event<B: Backend>(tasks: &mut Tasks<B>, w: u32, result: CopyResult) {
    if let Some(end) = tasks.end(w) {
        end.event = Some(result);
        if let Some(waker) = end.waker.take() {
            waker.wake();
        }
    }
}

fn advance<B: Backend>(tasks: &mut Tasks<B>, w: u32, k: u32) {
    if let Some(b) = tasks.end(w).and_then(|e| e.buffer.as_mut()) {
        b.progress += k;
    }
}

/// Takes end `w`'s event, applying what delivering it does: the end is
/// idle again (or done), and a stream buffer left pending is taken back.
pub(crate) fn deliver<B: Backend>(tasks: &mut Tasks<B>, w: u32) -> Option<[u32; 3]> {
    let waitable = tasks.waitables().get(w)?;
    let handle = waitable.handle;
    let end = waitable.end()?;
    let result = end.event.take()?;
    let progress = end.buffer.take().map_or(0, |b| b.progress);
    let (transmit, readable, shared) = (end.transmit, end.readable, end.shared);
    end.state = match (transmit, result) {
        (_, CopyResult::Dropped) | (Transmit::Future, CopyResult::Completed) => CopyState::Done,
        _ => CopyState::Idle,
    };
    if let Some(s) = tasks.shared().get(shared)
        && s.pending == Some(w)
    {
        s.pending = None;
    }
    let code = match (transmit, readable) {
        (Transmit::Stream, true) => EVENT_STREAM_READ,
        (Transmit::Stream, false) => EVENT_STREAM_WRITE,
        (Transmit::Future, true) => EVENT_FUTURE_READ,
        (Transmit::Future, false) => EVENT_FUTURE_WRITE,
    };
    let payload = match transmit {
        Transmit::Stream => result as u32 | (progress << 4),
        Transmit::Future => result as u32,
    };
    Some([code, handle, payload])
}

/// `{stream,future}.cancel-{read,write}`: stops end `idx`'s copy in
/// progress; returns its result, as its event would carry it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn cancel<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    (transmit, readable, ty): (Transmit, bool, u32),
    async_: bool,
    idx: u32,
) -> Result<u32> {
    let w = end_of::<B, T>(cx, site, instance, table, transmit, readable, ty, idx)?;
    let tasks = store_tasks::<B, T>(cx);
    let Some(waitable) = tasks.waitables().get(w) else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    let (in_set, sync_waiter) = (waitable.set.is_some(), waitable.sync_waiter);
    let Some(end) = waitable.end() else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    if end.state != CopyState::Copying || sync_waiter {
        let what = if readable {
            "stream or future read cancelled when no read is pending"
        } else {
            "stream or future write cancelled when no write is pending"
        };
        return Err(rule(what, site.func, None));
    }
    if in_set && !async_ {
        return Err(rule(SYNC_AND_ASYNC, site.func, None));
    }
    end.state = CopyState::Cancelling;
    // A buffer still pending (with or without values copied into it) stops
    // taking part now, and its copy reports cancelled with what it moved,
    // as wasmtime does; one whose copy already ended keeps that result.
    let shared = end.shared;
    if let Some(s) = tasks.shared().get(shared)
        && s.pending == Some(w)
    {
        s.pending = None;
        set_event(tasks, w, CopyResult::Cancelled);
    }
    let event = deliver(store_tasks::<B, T>(cx), w);
    Ok(event.map_or(BLOCKED, |e| e[2]))
}

/// `{stream,future}.drop-{readable,writable}`: drops end `idx`; the other
/// end's pending copy, if any, completes as dropped.
pub(crate) fn drop_end<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    (transmit, readable, ty): (Transmit, bool, u32),
    idx: u32,
) -> Result<()> {
    let w = end_of::<B, T>(cx, site, instance, table, transmit, readable, ty, idx)?;
    let tasks = store_tasks::<B, T>(cx);
    let Some(end) = tasks.end(w) else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    match end.state {
        CopyState::Copying | CopyState::Cancelling => return Err(rule(BUSY, site.func, None)),
        CopyState::Idle if transmit == Transmit::Future && !readable => {
            return Err(rule(
                "cannot drop future write end without first writing a value",
                site.func,
                None,
            ));
        }
        _ => {}
    }
    let shared = end.shared;
    handles::<B, T>(cx, instance).remove_async(site, table, idx, kind(transmit, readable))?;
    let tasks = store_tasks::<B, T>(cx);
    leave_set(tasks, w);
    tasks.waitables().remove(w);
    drop_shared(tasks, shared);
    Ok(())
}

/// One end of shared state `id` is gone: a copy pending on the other end
/// completes as dropped.
pub(crate) fn drop_shared<B: Backend>(tasks: &mut Tasks<B>, id: u32) {
    let Some(s) = tasks.shared().get(id) else {
        return;
    };
    s.ends = s.ends.saturating_sub(1);
    if s.ends == 0 {
        tasks.shared().remove(id);
        return;
    }
    if s.dropped {
        return;
    }
    s.dropped = true;
    if let Some(p) = s.pending.take() {
        set_event(tasks, p, CopyResult::Dropped);
    }
}

/// The adapters' `stream-transfer`/`future-transfer`: moves readable end
/// `idx` of table type `from` into the table of table type `to`; returns
/// its new handle.
pub(crate) fn transfer<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    transmit: Transmit,
    idx: u32,
    from: u32,
    to: u32,
) -> Result<u32> {
    let (_, _, src) = table_info::<B, T>(cx, instance, transmit, from);
    let (_, _, dst) = table_info::<B, T>(cx, instance, transmit, to);
    let w = end_of::<B, T>(cx, site, instance, src, transmit, true, from, idx)?;
    let tasks = store_tasks::<B, T>(cx);
    let in_set = tasks.waitables().get(w).is_some_and(|w| w.set.is_some());
    let Some(end) = tasks.end(w) else {
        return Err(site.trap(format_args!("handle {idx} names no {}", transmit.name())));
    };
    let name = transmit.name();
    match end.state {
        CopyState::Idle => {}
        CopyState::Done if transmit == Transmit::Stream => {
            return Err(rule(
                &format!("cannot lift {name} after being notified that the writable end dropped"),
                site.func,
                None,
            ));
        }
        CopyState::Done => {
            return Err(rule(
                &format!("cannot lift {name} after previous read succeeded"),
                site.func,
                None,
            ));
        }
        _ => return Err(rule(BUSY, site.func, None)),
    }
    if in_set {
        return Err(rule(
            &format!("cannot lift {name} while it's in a waitable set"),
            site.func,
            None,
        ));
    }
    end.table = dst;
    end.ty = to;
    let mut h = handles::<B, T>(cx, instance);
    h.remove_async(site, src, idx, kind(transmit, true))?;
    let handle = h.new_async(site, dst, kind(transmit, true), w)?;
    drop(h);
    if let Some(w) = store_tasks::<B, T>(cx).waitables().get(w) {
        w.handle = handle;
    }
    Ok(handle)
}
