//! Waitables and waitable sets: `waitable-set.new`, `.wait`, `.poll` and
//! `.drop`, `waitable.join`, `subtask.drop`, and the delivery of events.

use wasmtime_environ::component::OptionsIndex;

use super::{EVENT_NONE, EVENT_SUBTASK, handles, rule, store_tasks};
use crate::abi::handles::AsyncKind;
use crate::engine::Backend;
use crate::error::{Result, Site};
use crate::store::Cx;
use crate::store::tasks::{Blocked, Exec, Tasks, WaitableKind, WaitableSet};

/// `waitable-set.new`: a new set, and its handle.
pub(crate) fn set_new<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
) -> Result<u32> {
    let id = store_tasks::<B, T>(cx).sets().push(WaitableSet::default());
    handles::<B, T>(cx, instance).new_async(site, table, AsyncKind::WaitableSet, id)
}

/// The set that handle `idx` names.
fn set_of<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    idx: u32,
) -> Result<u32> {
    handles::<B, T>(cx, instance).get_async(site, table, idx, AsyncKind::WaitableSet)
}

/// `waitable-set.drop`.
pub(crate) fn set_drop<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    idx: u32,
) -> Result<()> {
    let id = set_of::<B, T>(cx, site, instance, table, idx)?;
    let tasks = store_tasks::<B, T>(cx);
    if tasks.sets().get(id).is_some_and(|s| s.waiters > 0) || waited_by_callback(tasks, id) {
        return Err(rule(
            "cannot drop waitable set with waiters",
            site.func,
            None,
        ));
    }
    if let Some(set) = tasks.sets().remove(id) {
        for w in set.members {
            if let Some(w) = tasks.waitables().get(w) {
                w.set = None;
            }
        }
    }
    handles::<B, T>(cx, instance).remove_async(site, table, idx, AsyncKind::WaitableSet)?;
    Ok(())
}

/// Whether a callback-lifted task waits on set `id`.
fn waited_by_callback<B: Backend>(tasks: &mut Tasks<B>, id: u32) -> bool {
    tasks
        .tasks()
        .ids()
        .into_iter()
        .any(|t| tasks.task(t).is_some_and(|t| t.exec == Exec::Waiting(id)))
}

/// `waitable.join`: moves the waitable `w` into set `s` (out of any set
/// when `s` is 0).
pub(crate) fn join<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    w: u32,
    s: u32,
) -> Result<()> {
    let set = match s {
        0 => None,
        s => Some(set_of::<B, T>(cx, site, instance, table, s)?),
    };
    let waitable = waitable_of::<B, T>(cx, site, instance, table, w)?;
    let tasks = store_tasks::<B, T>(cx);
    if tasks
        .waitables()
        .get(waitable)
        .is_some_and(|w| w.sync_waiter)
    {
        return Err(rule(SYNC_AND_ASYNC, site.func, None));
    }
    let old = tasks.waitables().get(waitable).and_then(|w| w.set);
    if let Some(old) = old.and_then(|o| tasks.sets().get(o)) {
        old.members.retain(|m| *m != waitable);
    }
    if let Some(set) = set.and_then(|s| tasks.sets().get(s)) {
        set.members.push(waitable);
    }
    if let Some(w) = tasks.waitables().get(waitable) {
        w.set = set;
    }
    Ok(())
}

pub(crate) const SYNC_AND_ASYNC: &str =
    "waitable cannot be used synchronously while added to a waitable set";

/// The waitable that handle `idx` names: a subtask, or a stream or future
/// end.
pub(crate) fn waitable_of<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    idx: u32,
) -> Result<u32> {
    match handles::<B, T>(cx, instance).get_async_any(site, table, idx)? {
        (kind, id) if kind.is_waitable() => Ok(id),
        (kind, _) => Err(site.trap(format_args!(
            "handle {idx} is a {}, not a waitable (a subtask, or a stream or future end)",
            kind.name()
        ))),
    }
}

/// Removes waitable `id` from the set it is joined to, if any.
pub(crate) fn leave_set<B: Backend>(tasks: &mut Tasks<B>, id: u32) {
    let set = tasks.waitables().get(id).and_then(|w| w.set.take());
    if let Some(set) = set.and_then(|s| tasks.sets().get(s)) {
        set.members.retain(|m| *m != id);
    }
}

/// `subtask.drop`: only once the subtask's return has been delivered.
pub(crate) fn subtask_drop<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    idx: u32,
) -> Result<()> {
    let waitable = handles::<B, T>(cx, instance).get_async(site, table, idx, AsyncKind::Subtask)?;
    let tasks = store_tasks::<B, T>(cx);
    let (task, pending, delivered) = match tasks.waitables().get(waitable).map(|w| &w.kind) {
        Some(WaitableKind::Subtask {
            task,
            pending,
            delivered,
        }) => (Some(*task), pending, delivered),
        Some(WaitableKind::HostCall {
            pending, delivered, ..
        }) => (None, pending, delivered),
        _ => return Err(site.trap(format_args!("subtask {idx} does not exist"))),
    };
    if !super::cancel::resolved(*delivered) || pending.is_some() {
        return Err(rule(
            "cannot drop a subtask which has not yet resolved",
            site.func,
            None,
        ));
    }
    leave_set(tasks, waitable);
    tasks.waitables().remove(waitable);
    if let Some(task) = task
        && let Some(t) = tasks.task(task)
    {
        t.waitable = None;
        if t.exec == Exec::Exited {
            tasks.tasks().remove(task);
        }
    }
    handles::<B, T>(cx, instance).remove_async(site, table, idx, AsyncKind::Subtask)?;
    Ok(())
}

/// Takes the next event of waitable set `set`, if one is pending.
pub(crate) fn take_event<B: Backend>(tasks: &mut Tasks<B>, set: u32) -> Option<[u32; 3]> {
    let members = tasks.sets().get(set)?.members.clone();
    members.into_iter().find_map(|m| deliver(tasks, m))
}

/// Takes waitable `id`'s event, if it has one: the spec's
/// `get_pending_event`.
pub(crate) fn deliver<B: Backend>(tasks: &mut Tasks<B>, id: u32) -> Option<[u32; 3]> {
    let w = tasks.waitables().get(id)?;
    let handle = w.handle;
    match &mut w.kind {
        WaitableKind::Subtask {
            pending, delivered, ..
        }
        | WaitableKind::HostCall {
            pending, delivered, ..
        } => {
            let status = pending.take()?;
            *delivered = status;
            Some([EVENT_SUBTASK, handle, status])
        }
        WaitableKind::End(_) => super::transmit::deliver(tasks, id),
    }
}

/// `waitable-set.wait` (`wait`) or `.poll`: the next event of the set the
/// handle `s` names, written as two `u32`s at `ptr`; its code returned.
/// A wait runs other tasks until an event comes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn wait<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    options: OptionsIndex,
    s: u32,
    ptr: u32,
    wait: bool,
) -> Result<u32> {
    let set = set_of::<B, T>(cx, site, instance, table, s)?;
    let cancellable = B::data(cx).instances[instance].component.info.options[options].cancellable;
    if wait {
        super::task::check_may_block::<B, T>(cx, site.func)?;
        let tasks = store_tasks::<B, T>(cx);
        let cancel = cancellable && super::cancel::pending(tasks);
        if !tasks.set_has_event(set) && !cancel {
            if let Some(s) = store_tasks::<B, T>(cx).sets().get(set) {
                s.waiters += 1;
            }
            let blocked = Blocked::Wait {
                set,
                instance,
                options,
                ptr,
                cancellable,
            };
            match super::thread::block::<B, T>(cx, blocked) {
                // Suspended: resuming the task finishes the wait.
                Err(e) if super::thread::is_suspend(&e) => return Err(e),
                r => {
                    if let Some(s) = store_tasks::<B, T>(cx).sets().get(set) {
                        s.waiters -= 1;
                    }
                    r?;
                }
            }
        }
    }
    finish_wait::<B, T>(cx, instance, options, set, ptr, cancellable)
}

/// The rest of `waitable-set.wait` or `.poll` on set `set`: takes its next
/// event (or tells the task it was cancelled), writes it at `ptr`, and
/// returns its code.
pub(crate) fn finish_wait<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    options: OptionsIndex,
    set: u32,
    ptr: u32,
    cancellable: bool,
) -> Result<u32> {
    let site = Site {
        func: "waitable-set.wait",
        place: crate::error::Place::Params,
    };
    // A pending cancellation is told before any event.
    let cancelled = cancellable && super::cancel::take_pending(store_tasks::<B, T>(cx));
    let event = match cancelled {
        true => Some([super::cancel::EVENT_TASK_CANCELLED, 0, 0]),
        false => take_event(store_tasks::<B, T>(cx), set),
    };
    let memory = B::data(cx).instances[instance]
        .options(options.as_u32())
        .and_then(|o| o.memory)
        .ok_or_else(|| site.trap(format_args!("the built-in has no memory")))?;
    let [code, p1, p2] = event.unwrap_or([EVENT_NONE, 0, 0]);
    let (mem, _) = B::memory(cx, memory);
    let at = crate::abi::memory::check_array(&site, "event", mem.len(), ptr, 1, 8, 4)?;
    mem[at.start..at.start + 4].copy_from_slice(&p1.to_le_bytes());
    mem[at.start + 4..at.start + 8].copy_from_slice(&p2.to_le_bytes());
    Ok(code)
}
