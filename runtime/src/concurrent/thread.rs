//! Suspending and resuming tasks: a task's code runs as a suspendable
//! engine call (a *thread*), and a built-in that blocks suspends it, so
//! that its caller and every other task go on; the event loop resumes it
//! once what it waits for has happened.
//!
//! On an engine that cannot suspend (`Backend::SUSPENDS` is false), or where
//! another task's code is above the blocked one on the same engine call, a
//! built-in blocks by running the event loop nested inside it instead.

use super::store_tasks;
use crate::engine::{Backend, Suspend};
use crate::error::{Error, Result};
use crate::raw::{CoreFuncType, ValRaw};
use crate::store::Cx;
use crate::store::tasks::{Blocked, Cancel, Exec, Finish, Frame, Returns, TaskState, Tasks};

/// How a task's code came back from [`start`].
pub(crate) enum Started {
    /// It returned, with its first core result (if it has one).
    Returned(ValRaw),
    /// It blocked and is suspended; the event loop resumes it.
    Suspended,
}

/// Calls `func` with `params` as task `id`'s code, whose frame the caller
/// has pushed. If the code blocks, it is suspended: its frame is popped,
/// and `finish` says what its return will mean when it is resumed.
pub(crate) fn start<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    func: B::Func,
    ty: &CoreFuncType,
    params: &[ValRaw],
    finish: Finish,
) -> Result<Started> {
    let mut rets = [ValRaw::ZERO; 1];
    let n = ty.results.len().min(1);
    let tasks = store_tasks::<B, T>(cx);
    let depth = tasks.current.len();
    tasks.threads.push((id, depth));
    let called = B::call_thread(cx, func, ty, params, &mut rets[..n]);
    store_tasks::<B, T>(cx).threads.pop();
    match called? {
        None => Ok(Started::Returned(rets[0])),
        Some(thread) => {
            park::<B, T>(cx, id, thread, finish);
            Ok(Started::Suspended)
        }
    }
}

/// Keeps task `id`'s suspended code until the loop resumes it.
fn park<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32, thread: B::Thread, finish: Finish) {
    if store_tasks::<B, T>(cx).current_id() == Some(id) {
        super::task::pop_frame::<B, T>(cx);
    }
    if let Some(task) = store_tasks::<B, T>(cx).task(id) {
        task.thread = Some(thread);
        task.finish = finish;
        task.exec = Exec::Suspended;
    }
}

/// The task the current code can be suspended as: one whose code is the
/// outermost of the innermost suspendable engine call, with no other
/// task's code above it.
fn suspendable<B: Backend>(tasks: &mut Tasks<B>) -> Option<u32> {
    if !B::SUSPENDS {
        return None;
    }
    let &(task, depth) = tasks.threads.last()?;
    (tasks.current_id() == Some(task) && tasks.current.len() == depth).then_some(task)
}

/// Whether the current task would be suspended if it blocked now.
pub(crate) fn can_suspend<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> bool {
    suspendable(store_tasks::<B, T>(cx)).is_some()
}

/// Blocks the current task until `blocked` is ready: suspends it when it
/// can be (returning the [`Suspend`] error the built-in must fail with),
/// and otherwise runs the event loop here until then.
pub(crate) fn block<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, blocked: Blocked) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    if let Some(id) = suspendable(tasks) {
        if let Some(task) = tasks.task(id) {
            task.blocked = Some(blocked);
        }
        return Err(Error::new(Suspend));
    }
    let id = tasks.current_id();
    super::task::run_until::<B, T>(cx, &|tasks| ready(tasks, id, &blocked))
}

/// Whether `e` is a task suspending, not a failure.
pub(crate) fn is_suspend(e: &Error) -> bool {
    e.is::<Suspend>()
}

/// Whether what task `id` waits for has happened.
fn ready<B: Backend>(tasks: &mut Tasks<B>, id: Option<u32>, blocked: &Blocked) -> bool {
    match *blocked {
        Blocked::Wait {
            set, cancellable, ..
        } => {
            tasks.set_has_event(set)
                || (cancellable
                    && id
                        .and_then(|id| tasks.task(id))
                        .is_some_and(|t| t.cancel == Cancel::Pending))
        }
        Blocked::Copy { w } => tasks.waitables().get(w).is_none_or(|w| w.has_event()),
        Blocked::Cancel { w } => super::cancel::resolution_pending(tasks, w),
        Blocked::SyncCall { callee } => tasks
            .task(callee)
            .is_none_or(|t| t.state == TaskState::Resolved),
        Blocked::Yield { .. } => true,
        Blocked::HostCall { call } => super::host_call::is_done(tasks, call),
    }
}

/// A suspended task that can be resumed now, if any: one whose wait is
/// over, in an instance no other task holds; one that only yielded when
/// `yields`.
pub(crate) fn pick<B: Backend>(tasks: &mut Tasks<B>, yields: bool) -> Option<u32> {
    for id in tasks.tasks().ids() {
        let Some(task) = tasks.task(id) else { continue };
        let (Exec::Suspended, Some(blocked)) = (task.exec, task.blocked) else {
            continue;
        };
        let (instance, table, holds) = (
            task.instance,
            task.table,
            !task.async_ || task.callback.is_some(),
        );
        let exclusive = tasks.instance(instance, table).exclusive;
        if exclusive.is_some_and(|e| e != id) || (!holds && exclusive.is_some()) {
            continue;
        }
        if !ready(tasks, Some(id), &blocked) {
            continue;
        }
        if matches!(blocked, Blocked::Yield { .. }) == yields {
            return Some(id);
        }
    }
    None
}

/// Resumes suspended task `id`: finishes the built-in it blocked in, hands
/// its results to the task's code, and applies what that code returns.
pub(crate) fn resume<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Ok(());
    };
    let (Some(thread), Some(blocked)) = (task.thread.take(), task.blocked.take()) else {
        return Err(crate::Trap::new("a suspended task has nothing to resume").into());
    };
    let finish = task.finish;
    task.exec = Exec::Running;
    tasks.idle_steps = 0;
    super::task::push_frame::<B, T>(cx, Frame::Task(id));
    let tasks = store_tasks::<B, T>(cx);
    let depth = tasks.current.len();
    tasks.threads.push((id, depth));
    let mut rets = [ValRaw::ZERO; 1];
    let n = match finish {
        Finish::Callback | Finish::SyncCallee => 1,
        Finish::SyncHost { results } => usize::from(results),
        Finish::Exit => 0,
    };
    let resumed = complete::<B, T>(cx, blocked)
        .and_then(|host| B::resume_thread(cx, thread, &host, &mut rets[..n]));
    store_tasks::<B, T>(cx).threads.pop();
    match resumed {
        Err(e) => {
            if store_tasks::<B, T>(cx).current_id() == Some(id) {
                super::task::pop_frame::<B, T>(cx);
            }
            Err(e)
        }
        Ok(Some(thread)) => {
            park::<B, T>(cx, id, thread, finish);
            Ok(())
        }
        Ok(None) => {
            if store_tasks::<B, T>(cx).current_id() == Some(id) {
                super::task::pop_frame::<B, T>(cx);
            }
            match finish {
                Finish::Callback => super::task::after_code::<B, T>(cx, id, rets[0].get_u32()),
                Finish::Exit => super::task::exit_task::<B, T>(cx, id),
                Finish::SyncCallee => super::call::finish_sync_callee::<B, T>(cx, id, rets[0]),
                Finish::SyncHost { .. } => {
                    super::task::finish_sync_host::<B, T>(cx, id, &rets[..n])
                }
            }
        }
    }
}

/// Finishes the built-in a resumed task blocked in: its core results.
fn complete<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    blocked: Blocked,
) -> Result<Vec<ValRaw>> {
    Ok(match blocked {
        Blocked::Wait {
            set,
            instance,
            options,
            ptr,
            cancellable,
        } => {
            if let Some(s) = store_tasks::<B, T>(cx).sets().get(set) {
                s.waiters = s.waiters.saturating_sub(1);
            }
            let code =
                super::waitable::finish_wait::<B, T>(cx, instance, options, set, ptr, cancellable)?;
            vec![ValRaw::i32(code as i32)]
        }
        Blocked::Copy { w } => {
            let tasks = store_tasks::<B, T>(cx);
            if let Some(w) = tasks.waitables().get(w) {
                w.sync_waiter = false;
            }
            let event = super::waitable::deliver(tasks, w);
            vec![ValRaw::i32(event.map_or(u32::MAX, |e| e[2]) as i32)]
        }
        Blocked::Cancel { w } => {
            let event = super::waitable::deliver(store_tasks::<B, T>(cx), w);
            vec![ValRaw::i32(event.map_or(u32::MAX, |e| e[2]) as i32)]
        }
        Blocked::SyncCall { callee } => sync_result(store_tasks::<B, T>(cx), callee)
            .into_iter()
            .collect(),
        Blocked::Yield { cancellable } => {
            let cancelled = cancellable && super::cancel::take_pending(store_tasks::<B, T>(cx));
            vec![ValRaw::i32(i32::from(cancelled))]
        }
        Blocked::HostCall { call } => super::host_call::finish_blocked::<B, T>(cx, call)?,
    })
}

/// The flat result a synchronous caller gets from its finished callee
/// `id`, whose task is gone once it has exited too.
pub(crate) fn sync_result<B: Backend>(tasks: &mut Tasks<B>, id: u32) -> Option<ValRaw> {
    let result = match tasks.task(id).map(|t| &mut t.returns) {
        Some(Returns::Guest { sync_result, .. }) => sync_result.take().flatten(),
        _ => None,
    };
    if let Some(task) = tasks.task(id)
        && task.exec == Exec::Exited
    {
        tasks.tasks().remove(id);
    }
    result
}
