//! The store's event loop: one turn (poll the host's woken futures, start
//! a queued call, resume a suspended task or call back a ready one), and
//! the loops that run turns until what a caller waits for has happened,
//! or report the deadlock when nothing can.

use super::task::{MAX_IDLE_STEPS, after_code, pop_frame, push_frame};
use super::{DEADLOCK, EVENT_NONE, callback_ty, store_tasks};
use crate::engine::Backend;
use crate::error::{Error, Result, Trap};
use crate::raw::ValRaw;
use crate::store::Cx;
use crate::store::tasks::{Cancel, Exec, Finish, Frame, Returns, TaskState, Tasks};

/// Runs ready tasks until `done` holds, or reports the deadlock when
/// nothing can run and it does not hold.
///
/// When only host functions' futures can make progress, it blocks the
/// thread until one of them wakes it: this is the loop of synchronous
/// calls, and of loops nested in guest code that cannot be suspended.
pub(crate) fn run_until<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    done: &dyn Fn(&mut Tasks<B>) -> bool,
) -> Result<()> {
    loop {
        if done(store_tasks::<B, T>(cx)) {
            return Ok(());
        }
        if turn::<B, T>(cx)? {
            continue;
        }
        if !super::host_call::waiting(store_tasks::<B, T>(cx)) {
            return Err(deadlock::<B, T>(cx));
        }
        super::host_call::park::<B, T>(cx);
    }
}

/// [`run_until`] for the host's `async` APIs: when only host functions'
/// futures can make progress, it returns `Pending`, and their wakers wake
/// `waker`.
pub(crate) fn poll_until<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    waker: &core::task::Waker,
    done: &dyn Fn(&mut Tasks<B>) -> bool,
) -> core::task::Poll<Result<()>> {
    use core::task::Poll;
    loop {
        if done(store_tasks::<B, T>(cx)) {
            return Poll::Ready(Ok(()));
        }
        match turn::<B, T>(cx) {
            Err(e) => return Poll::Ready(Err(e)),
            Ok(true) => continue,
            Ok(false) => {}
        }
        let tasks = store_tasks::<B, T>(cx);
        if !super::host_call::waiting(tasks) {
            return Poll::Ready(Err(deadlock::<B, T>(cx)));
        }
        if !super::host_call::wake_with(tasks, waker) {
            return Poll::Pending;
        }
    }
}

/// Runs ready tasks until `done` holds or none is ready; never reports a
/// deadlock.
pub(crate) fn run_ready<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    done: &dyn Fn(&mut Tasks<B>) -> bool,
) -> Result<()> {
    while !done(store_tasks::<B, T>(cx)) && turn::<B, T>(cx)? {}
    Ok(())
}

/// [`run_ready`] for a loop that guest code below it waits on: it runs
/// tasks with something to act on (an event, an ended wait, a call that
/// can start) but not tasks that only yielded, which may be yielding until
/// that code goes on.
pub(crate) fn run_woken<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    done: &dyn Fn(&mut Tasks<B>) -> bool,
) -> Result<()> {
    while !done(store_tasks::<B, T>(cx)) && turn_with::<B, T>(cx, false)? {}
    Ok(())
}

/// One turn of the event loop: starts a call that can start now, or
/// resumes or calls back one task that is ready; returns whether anything
/// ran.
fn turn<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Result<bool> {
    turn_with::<B, T>(cx, true)
}

/// [`turn`], where tasks that only yielded count as ready when `yields`.
fn turn_with<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, yields: bool) -> Result<bool> {
    super::cancel::cancel_dropped::<B, T>(cx)?;
    let polled = super::host_call::poll_woken::<B, T>(cx)?;
    // After the host futures ran: they may have dropped ends.
    if super::host_end::close_dropped::<B, T>(cx) || polled {
        return Ok(true);
    }
    if super::call::start_queued::<B, T>(cx)? {
        return Ok(true);
    }
    // A suspended task whose wait is over goes on; one that yielded waits
    // until no callback is ready either.
    if let Some(id) = super::thread::pick(store_tasks::<B, T>(cx), false) {
        super::thread::resume::<B, T>(cx, id)?;
        return Ok(true);
    }
    let Some((id, event)) = pick_ready::<B, T>(cx, yields) else {
        let Some(id) = super::thread::pick(store_tasks::<B, T>(cx), true).filter(|_| yields) else {
            return Ok(false);
        };
        super::thread::resume::<B, T>(cx, id)?;
        return Ok(true);
    };
    let tasks = store_tasks::<B, T>(cx);
    // Only a loop nested in a blocked task can spin on tasks that wait for
    // it; the host's own loop runs what the guest asks, however long
    // (limits stop it).
    let nested = !tasks.current.is_empty();
    if nested && event[0] == EVENT_NONE {
        tasks.idle_steps += 1;
        if tasks.idle_steps > MAX_IDLE_STEPS {
            return Err(Trap::new(format!(
                "not supported by hostbind yet: resuming a task that is blocked below others on the host's stack needs stack switching ({MAX_IDLE_STEPS} callbacks ran with no task starting, returning or getting an event: the tasks only yield)"
            ))
            .into());
        }
    } else {
        tasks.idle_steps = 0;
    }
    step::<B, T>(cx, id, event)?;
    Ok(true)
}

/// A callback-lifted task that can be called back now, with the event to
/// call it with: one that yielded (when `yields`), or one whose waitable
/// set has an event, in an instance no other task holds.
pub(super) fn pick_ready<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    yields: bool,
) -> Option<(u32, [u32; 3])> {
    let tasks = store_tasks::<B, T>(cx);
    for id in tasks.tasks().ids() {
        let task = tasks.task(id)?;
        let (instance, table, exec) = (task.instance, task.table, task.exec);
        let free = tasks.instance(instance, table).exclusive.is_none();
        if free
            && matches!(exec, Exec::Yielded | Exec::Waiting(_))
            && let Some(t) = tasks.task(id)
            && t.cancel == Cancel::Pending
        {
            // Between callbacks a task waits cancellably: it is told now.
            t.cancel = Cancel::Delivered;
            return Some((id, [super::cancel::EVENT_TASK_CANCELLED, 0, 0]));
        }
        match exec {
            Exec::Yielded if free && yields => return Some((id, [EVENT_NONE, 0, 0])),
            Exec::Waiting(set) if free => {
                if let Some(event) = super::waitable::take_event(tasks, set) {
                    return Some((id, event));
                }
            }
            _ => {}
        }
    }
    None
}

/// Calls task `id`'s callback with `event` and applies the code it returns.
pub(crate) fn step<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    event: [u32; 3],
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("a ready task is gone").into());
    };
    let Some(callback) = task.callback else {
        return Err(Trap::new(format!("the task of {} has no callback", task.name)).into());
    };
    task.exec = Exec::Running;
    let (instance, table) = (task.instance, task.table);
    tasks.instance(instance, table).exclusive = Some(id);
    push_frame::<B, T>(cx, Frame::Task(id));
    let params = event.map(|v| ValRaw::i32(v as i32));
    let started =
        super::thread::start::<B, T>(cx, id, callback, &callback_ty(), &params, Finish::Callback);
    match started {
        Ok(super::thread::Started::Suspended) => Ok(()),
        Ok(super::thread::Started::Returned(code)) => {
            pop_frame::<B, T>(cx);
            after_code::<B, T>(cx, id, code.get_u32())
        }
        Err(e) => {
            pop_frame::<B, T>(cx);
            Err(e)
        }
    }
}

/// The deadlock error, naming every task that waits.
fn deadlock<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Error {
    let tasks = store_tasks::<B, T>(cx);
    let mut waiting = Vec::new();
    for id in tasks.tasks().ids() {
        let Some(t) = tasks.task(id) else { continue };
        let what = match (t.exec, t.state) {
            (Exec::Waiting(_), _) => format!("{} waits on a waitable set", t.name),
            (Exec::Running | Exec::Suspended, _) => format!("{} is blocked", t.name),
            (_, TaskState::Starting) => format!("{} waits for backpressure to clear", t.name),
            _ => continue,
        };
        waiting.push(what);
    }
    if blocked_above_async_caller(tasks) {
        // The caller would go on if the blocked task could be suspended;
        // with the tasks nested on one stack, it cannot.
        return Trap::new(format!(
            "not supported by hostbind yet: a task blocked while the code of its async caller is below it on the host's stack, and resuming that caller needs stack switching ({})",
            waiting.join(", ")
        ))
        .into();
    }
    Trap::new(format!(
        "{DEADLOCK} ({}; nothing can wake them)",
        if waiting.is_empty() {
            "no task can run".to_string()
        } else {
            waiting.join(", ")
        }
    ))
    .into()
}

/// Whether a task whose code is on the stack has a caller whose code is
/// also on the stack, below it, and that would go on if the task could be
/// suspended.
fn blocked_above_async_caller<B: Backend>(tasks: &mut Tasks<B>) -> bool {
    let frames: Vec<u32> = tasks
        .current
        .iter()
        .filter_map(|f| match f {
            Frame::Task(id) => Some(*id),
            Frame::Scratch(_) => None,
        })
        .collect();
    frames.into_iter().any(|id| {
        // A caller that lowered the call async would go on at once; a
        // synchronous one once the callee has returned its value.
        let caller_could_go_on = tasks.task(id).is_some_and(|t| {
            t.state == TaskState::Resolved
                || matches!(
                    t.returns,
                    Returns::Guest {
                        sync_result: None,
                        ..
                    }
                )
        });
        caller_could_go_on && tasks.caller_on_stack(id)
    })
}
