//! Cancellation: `subtask.cancel` in the caller, the `TASK_CANCELLED` event
//! or cancelled wait in the callee, and `task.cancel`, which resolves the
//! callee's task without a result.
//!
//! As in the spec, a request reaches a task only where it waits
//! cancellably: a callback-lifted task between callbacks, a cancellable
//! `thread.yield` or `waitable-set.wait`. Until then it stays pending.

use super::waitable::{SYNC_AND_ASYNC, deliver};
use super::{handles, rule, store_tasks};
use crate::abi::handles::AsyncKind;
use crate::engine::Backend;
use crate::error::{Result, Site};
use crate::store::Cx;
use crate::store::tasks::{Blocked, Cancel, Exec, TaskState, Tasks, WaitableKind};

/// The spec's event code telling a task it was cancelled.
pub(crate) const EVENT_TASK_CANCELLED: u32 = 6;

/// The subtask states of a call cancelled before it started or returned.
pub(crate) const STATUS_CANCELLED_BEFORE_STARTED: u32 = 3;
pub(crate) const STATUS_CANCELLED_BEFORE_RETURNED: u32 = 4;

/// Whether subtask status `s` is final: returned, or cancelled.
pub(crate) fn resolved(s: u32) -> bool {
    s >= super::STATUS_RETURNED
}

/// `subtask.cancel`: asks the callee of subtask `idx` to stop; returns the
/// subtask's final status, or `BLOCKED` when an async cancel must wait.
pub(crate) fn subtask_cancel<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    async_: bool,
    idx: u32,
) -> Result<u32> {
    let w = handles::<B, T>(cx, instance).get_async(site, table, idx, AsyncKind::Subtask)?;
    let tasks = store_tasks::<B, T>(cx);
    let Some(waitable) = tasks.waitables().get(w) else {
        return Err(site.trap(format_args!("subtask {idx} does not exist")));
    };
    let in_set = waitable.set.is_some();
    let (task, pending, delivered) = match &mut waitable.kind {
        WaitableKind::Subtask {
            task,
            pending,
            delivered,
        } => (*task, *pending, *delivered),
        WaitableKind::HostCall {
            call,
            pending,
            delivered,
        } => {
            // A host function's future is dropped: that cancels it.
            if resolved(*delivered) {
                return Err(rule(
                    "`subtask.cancel` called after terminal status delivered",
                    site.func,
                    None,
                ));
            }
            if in_set && !async_ {
                return Err(rule(SYNC_AND_ASYNC, site.func, None));
            }
            if pending.is_none() {
                *pending = Some(STATUS_CANCELLED_BEFORE_RETURNED);
            }
            let call = *call;
            // The future is dropped: the handles it borrowed are the
            // caller's again.
            if let Some(c) = tasks.host_calls.remove(call)
                && let Some(state) = B::data(cx).instances.get(c.lowering.res.instance)
            {
                state.handles.0.borrow_mut().end_lends_of(&c.lends);
            }
            let event = deliver(store_tasks::<B, T>(cx), w);
            return Ok(event.map_or(super::transmit::BLOCKED, |e| e[2]));
        }
        WaitableKind::End(_) => {
            return Err(site.trap(format_args!("handle {idx} is not a subtask")));
        }
    };
    if resolved(delivered) {
        return Err(rule(
            "`subtask.cancel` called after terminal status delivered",
            site.func,
            None,
        ));
    }
    if in_set && !async_ {
        return Err(rule(SYNC_AND_ASYNC, site.func, None));
    }
    if !pending.is_some_and(resolved) {
        request::<B, T>(cx, site, task)?;
        if !resolution_pending(store_tasks::<B, T>(cx), w) {
            if async_ {
                return Ok(super::transmit::BLOCKED);
            }
            super::task::check_may_block::<B, T>(cx, site.func)?;
            super::thread::block::<B, T>(cx, crate::store::tasks::Blocked::Cancel { w })?;
        }
    }
    let event = deliver(store_tasks::<B, T>(cx), w);
    Ok(event.map_or(super::transmit::BLOCKED, |e| e[2]))
}

/// Whether subtask waitable `w` has a final status to deliver.
pub(crate) fn resolution_pending<B: Backend>(tasks: &mut Tasks<B>, w: u32) -> bool {
    tasks.waitables().get(w).is_none_or(|w| {
        matches!(
            w.kind,
            WaitableKind::Subtask { pending: Some(s), .. }
            | WaitableKind::HostCall { pending: Some(s), .. } if resolved(s)
        )
    })
}

/// Requests the cancellation of task `id`: a task that has not started
/// ends here; a callback-lifted task between callbacks is told at once;
/// any other is told when it next waits cancellably.
fn request<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, site: &Site<'_>, id: u32) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(site.trap(format_args!("the subtask's task is gone")));
    };
    if task.cancel != Cancel::NotRequested {
        return Err(rule(
            "`subtask.cancel` called more than once for the same subtask",
            site.func,
            None,
        ));
    }
    deliver_request::<B, T>(cx, id)
}

/// Cancels the tasks of calls the host started and dropped unfinished,
/// as a caller's `subtask.cancel` would: each is told when it next waits
/// cancellably, and its result, if it still returns one, is dropped.
pub(crate) fn cancel_dropped<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    if !tasks
        .any_dropped
        .swap(false, std::sync::atomic::Ordering::AcqRel)
    {
        return Ok(());
    }
    for id in tasks.tasks().ids() {
        let tasks = store_tasks::<B, T>(cx);
        let dropped = tasks.task(id).is_some_and(|t| {
            t.cancel == Cancel::NotRequested
                && t.state != TaskState::Resolved
                && t.dropped
                    .as_ref()
                    .is_some_and(|d| d.load(std::sync::atomic::Ordering::Acquire))
        });
        if dropped {
            deliver_request::<B, T>(cx, id)?;
        }
    }
    Ok(())
}

/// Marks task `id`'s cancellation requested and tells it where it can be
/// told now.
fn deliver_request<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Ok(());
    };
    task.cancel = Cancel::Pending;
    let (instance, table, exec, callback, state) = (
        task.instance,
        task.table,
        task.exec,
        task.callback.is_some(),
        task.state,
    );
    let waits_cancellably = matches!(
        task.blocked,
        Some(
            Blocked::Wait {
                cancellable: true,
                ..
            } | Blocked::Yield { cancellable: true }
        )
    );
    match state {
        // Suspended in a cancellable wait: it is told now, as the wait's
        // result.
        TaskState::Started if exec == Exec::Suspended && waits_cancellably => {
            super::thread::resume::<B, T>(cx, id)?;
        }
        TaskState::Starting => {
            super::call::set_status(tasks, id, STATUS_CANCELLED_BEFORE_STARTED);
            tasks.tasks().remove(id);
        }
        TaskState::Started
            if callback
                && matches!(exec, Exec::Yielded | Exec::Waiting(_))
                && tasks.instance(instance, table).exclusive.is_none() =>
        {
            if let Some(t) = tasks.task(id) {
                t.cancel = Cancel::Delivered;
            }
            super::task::step::<B, T>(cx, id, [EVENT_TASK_CANCELLED, 0, 0])?;
        }
        _ => {}
    }
    Ok(())
}

/// Tells the current task of a pending cancellation, at a cancellable
/// wait; returns whether there was one.
pub(crate) fn take_pending<B: Backend>(tasks: &mut Tasks<B>) -> bool {
    match tasks.current() {
        Some(t) if t.cancel == Cancel::Pending => {
            t.cancel = Cancel::Delivered;
            true
        }
        _ => false,
    }
}

/// Whether the current task has a cancellation waiting to be told.
pub(crate) fn pending<B: Backend>(tasks: &mut Tasks<B>) -> bool {
    tasks.current().is_some_and(|t| t.cancel == Cancel::Pending)
}

/// `task.cancel`: the current task, told of its cancellation, resolves
/// without a result.
pub(crate) fn task_cancel<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(id) = tasks.current_id() else {
        return Err(rule(
            "`task.cancel` called with no task running",
            site.func,
            None,
        ));
    };
    let Some(task) = tasks.task(id) else {
        return Err(rule("the current task is gone", site.func, None));
    };
    if task.cancel != Cancel::Delivered {
        return Err(rule(
            "`task.cancel` called by task which has not been cancelled",
            site.func,
            Some(&task.name.clone()),
        ));
    }
    if task.state == TaskState::Resolved {
        return Err(rule(
            "`task.return` or `task.cancel` called more than once for current task",
            site.func,
            Some(&task.name.clone()),
        ));
    }
    task.state = TaskState::Resolved;
    super::call::set_status(tasks, id, STATUS_CANCELLED_BEFORE_RETURNED);
    super::task::refresh_may_block::<B, T>(cx);
    Ok(())
}
