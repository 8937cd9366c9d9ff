//! Async calls between components: environ's fused adapters call
//! `prepare-call` with the helper functions that move the params and the
//! result across, then `sync-start-call` or `async-start-call` with the
//! callee. The callee runs as a new task; the caller sees it as a subtask.

use super::task::{after_code, check_may_block, exit_task, pop_frame, push_frame, status_of};
use super::{STATUS_RETURNED, STATUS_STARTED, handles, rule, store_tasks};
use crate::abi::handles::AsyncKind;
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::raw::ValRaw;
use crate::store::Cx;
use crate::store::tasks::{
    Cancel, Exec, Finish, Frame, Returns, Start, Task, TaskState, Waitable, WaitableKind,
};

/// `prepare-call`'s result count for an async caller without a result, and
/// with one (whose pointer is its last param).
const PREPARE_ASYNC_NO_RESULT: u32 = u32::MAX;
const PREPARE_ASYNC_WITH_RESULT: u32 = u32::MAX - 1;
/// `async-start-call`'s flag for a callee lifted `async`.
const START_FLAG_ASYNC_CALLEE: u32 = 1;

/// `prepare-call`: records the call the adapter is about to start. `refs`
/// are its `start` and `return` helpers; `storage` holds the caller's
/// instance, the callee's, the result type, whether the callee's type is
/// async, the string encoding, the result count, then the caller's params.
pub(crate) fn prepare_call<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    memory: Option<u32>,
    refs: &[Option<B::Func>],
    storage: &[ValRaw],
) -> Result<()> {
    let op = "prepare-call";
    let arg = |i: usize| storage.get(i).map_or(0, |v| v.get_u32());
    let (Some(Some(start)), Some(Some(ret))) = (refs.first(), refs.get(1)) else {
        return Err(rule("an adapter passed a null helper function", op, None));
    };
    let (callee_table, results, callee_async) = (arg(1) as usize, arg(2), arg(3) != 0);
    let (encoding, result_count) = (arg(4) as u8, arg(5));
    let mut params = storage.get(6..).unwrap_or_default().to_vec();
    let sync_caller =
        result_count != PREPARE_ASYNC_NO_RESULT && result_count != PREPARE_ASYNC_WITH_RESULT;
    if sync_caller && callee_async {
        // A synchronous call of an async function blocks the caller.
        check_may_block::<B, T>(cx, op)?;
    }
    let retptr = match result_count {
        PREPARE_ASYNC_NO_RESULT => None,
        PREPARE_ASYNC_WITH_RESULT => {
            let p = params.pop().map(|v| v.get_u32());
            if p.is_none() {
                return Err(rule("an adapter passed no result pointer", op, None));
            }
            p
        }
        // A synchronous caller's result goes to memory past one flat value.
        n if n > 1 => params.last().map(|v| v.get_u32()),
        _ => None,
    };
    let tasks = store_tasks::<B, T>(cx);
    let Some(caller) = tasks.current_id() else {
        return Err(rule("an async call began with no task running", op, None));
    };
    let id = tasks.tasks().push(Task {
        instance,
        table: callee_table,
        abi: (encoding, memory),
        results: wasmtime_environ::component::TypeTupleIndex::from_u32(results),
        async_: false,
        may_block: callee_async,
        callback: None,
        state: TaskState::Starting,
        exec: Exec::Exited,
        cancel: Cancel::NotRequested,
        thread: None,
        blocked: None,
        finish: Finish::Exit,
        returns: Returns::Guest {
            func: *ret,
            retptr,
            sync_result: sync_caller.then_some(None),
        },
        context: [0; 2],
        name: "an async call between components".into(),
        caller: Some(caller),
        waitable: None,
        start: Some(Start {
            func: *start,
            params,
            callee: None,
            post_return: None,
            result_count: 0,
        }),
        dropped: None,
    });
    if let Some(old) = tasks.prepared.replace(id) {
        tasks.tasks().remove(old);
    }
    Ok(())
}

/// `sync-start-call` (`storage` holds the param count, and gets the flat
/// result) or `async-start-call` (`storage` holds the param count, the
/// result count and the flags, and gets the status): starts the prepared
/// call of `callee`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn start_call<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    sync: bool,
    callback: Option<B::Func>,
    post_return: Option<B::Func>,
    refs: &[Option<B::Func>],
    storage: &mut [ValRaw],
) -> Result<()> {
    let op = if sync {
        "sync-start-call"
    } else {
        "async-start-call"
    };
    let arg = |i: usize| storage.get(i).map_or(0, |v| v.get_u32());
    let Some(Some(callee)) = refs.first() else {
        return Err(rule("an adapter passed a null callee", op, None));
    };
    let (async_, result_count) = if sync {
        (true, 0)
    } else {
        (arg(2) & START_FLAG_ASYNC_CALLEE != 0, arg(1) as usize)
    };
    let tasks = store_tasks::<B, T>(cx);
    let Some(id) = tasks.prepared.take() else {
        return Err(rule(
            "an adapter started a call it did not prepare",
            op,
            None,
        ));
    };
    let Some(task) = tasks.task(id) else {
        return Err(rule("the prepared call is gone", op, None));
    };
    task.async_ = async_;
    task.callback = callback;
    if let Some(start) = &mut task.start {
        start.callee = Some(*callee);
        start.post_return = post_return;
        start.result_count = result_count;
    }
    let caller_table = task
        .caller
        .and_then(|c| tasks.task(c).map(|t| t.table))
        .unwrap_or(0);
    start_task::<B, T>(cx, id)?;
    if sync {
        // The caller blocks until the callee returns; other tasks run.
        let done = |tasks: &mut crate::store::tasks::Tasks<B>| {
            tasks
                .task(id)
                .is_none_or(|t| t.state == TaskState::Resolved)
        };
        if !done(store_tasks::<B, T>(cx)) {
            super::thread::block::<B, T>(
                cx,
                crate::store::tasks::Blocked::SyncCall { callee: id },
            )?;
        }
        let result = super::thread::sync_result(store_tasks::<B, T>(cx), id);
        if let (Some(v), Some(slot)) = (result, storage.first_mut()) {
            *slot = v;
        }
        return Ok(());
    }
    if B::SUSPENDS
        && store_tasks::<B, T>(cx)
            .task(id)
            .is_some_and(|t| t.state == TaskState::Starting)
    {
        // The callee waits for its instance: tasks with something to act
        // on run first, and may release it. Tasks that only yield do not:
        // they may wait for this caller, which gets `STARTING` meanwhile.
        super::task::run_woken::<B, T>(cx, &|tasks| {
            tasks
                .task(id)
                .is_none_or(|t| t.state != TaskState::Starting)
        })?;
    }
    let tasks = store_tasks::<B, T>(cx);
    // A call that returned and exited at once is gone already.
    let status = tasks.task(id).map_or(STATUS_RETURNED, |t| status_of(t));
    if status == STATUS_RETURNED {
        if tasks.task(id).is_some_and(|t| t.exec == Exec::Exited) {
            tasks.tasks().remove(id);
        }
        storage[0] = ValRaw::i32(STATUS_RETURNED as i32);
        return Ok(());
    }
    // Not returned yet: the caller gets a subtask handle to wait on.
    let waitable = tasks.waitables().push(Waitable {
        handle: 0,
        set: None,
        sync_waiter: false,
        kind: WaitableKind::Subtask {
            task: id,
            pending: None,
            delivered: status,
        },
    });
    let site = Site {
        func: op,
        place: Place::Result,
    };
    let handle = handles::<B, T>(cx, instance).new_async(
        &site,
        caller_table,
        AsyncKind::Subtask,
        waitable,
    )?;
    let tasks = store_tasks::<B, T>(cx);
    if let Some(w) = tasks.waitables().get(waitable) {
        w.handle = handle;
    }
    if let Some(task) = tasks.task(id) {
        task.waitable = Some(waitable);
    }
    storage[0] = ValRaw::i32((status | (handle << 4)) as i32);
    Ok(())
}

/// Starts task `id` now, unless backpressure or another task holding its
/// instance makes it wait (it stays `Starting`, and the event loop starts
/// it later): moves the params across, calls the callee, and applies what
/// its code returns.
fn start_task<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("an async call to start is gone").into());
    };
    let (instance, table, async_) = (task.instance, task.table, task.async_);
    let exclusive = !async_ || task.callback.is_some();
    let inst = tasks.instance(instance, table);
    if (async_ && inst.backpressure > 0) || (exclusive && inst.exclusive.is_some()) {
        return Ok(());
    }
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("an async call to start is gone").into());
    };
    let Some(start) = task.start.take() else {
        return Err(Trap::new("an async call started twice").into());
    };
    task.state = TaskState::Started;
    task.exec = Exec::Running;
    let callback = task.callback;
    if exclusive {
        tasks.instance(instance, table).exclusive = Some(id);
    }
    set_status(tasks, id, STATUS_STARTED);
    let Some(callee) = start.callee else {
        return Err(Trap::new("an async call has no callee").into());
    };
    // The params move across in the caller's context, the callee runs in
    // its own.
    let start_ty = func_type::<B, T>(cx, start.func)?;
    let callee_ty = func_type::<B, T>(cx, callee)?;
    let (np, nr) = (start_ty.params.len(), start_ty.results.len());
    if start.params.len() < np || nr < callee_ty.params.len() {
        return Err(Trap::new("an async call's params do not fit its start function").into());
    }
    let mut args = vec![ValRaw::ZERO; nr];
    // The helpers that move values across run with context slots of their
    // own: a `realloc` they call sees a fresh task, as in wasmtime.
    push_frame::<B, T>(cx, Frame::Scratch([0; 2]));
    let moved = B::call(cx, start.func, &start_ty, &start.params[..np], &mut args);
    pop_frame::<B, T>(cx);
    moved?;
    push_frame::<B, T>(cx, Frame::Task(id));
    let params = &args[..callee_ty.params.len()];
    if B::SUSPENDS && async_ {
        // Async code runs as a thread, which a blocking built-in suspends:
        // the caller then goes on.
        let finish = match callback {
            Some(_) => Finish::Callback,
            None => Finish::Exit,
        };
        let started = super::thread::start::<B, T>(cx, id, callee, &callee_ty, params, finish);
        return match started {
            Ok(super::thread::Started::Suspended) => Ok(()),
            Ok(super::thread::Started::Returned(code)) => {
                pop_frame::<B, T>(cx);
                match callback {
                    Some(_) => after_code::<B, T>(cx, id, code.get_u32()),
                    None => exit_task::<B, T>(cx, id),
                }
            }
            Err(e) => {
                pop_frame::<B, T>(cx);
                Err(e)
            }
        };
    }
    if B::SUSPENDS && !async_ {
        // A synchronous callee runs as a thread too, so that when it
        // blocks its async caller goes on; what it returns is delivered
        // when it finishes (`finish_sync_callee`).
        if let Some(t) = store_tasks::<B, T>(cx).task(id) {
            t.start = Some(Start {
                func: start.func,
                params: Vec::new(),
                callee: None,
                post_return: start.post_return,
                result_count: start.result_count.min(callee_ty.results.len()),
            });
        }
        let started =
            super::thread::start::<B, T>(cx, id, callee, &callee_ty, params, Finish::SyncCallee);
        return match started {
            Ok(super::thread::Started::Suspended) => Ok(()),
            Ok(super::thread::Started::Returned(ret)) => {
                pop_frame::<B, T>(cx);
                finish_sync_callee::<B, T>(cx, id, ret)
            }
            Err(e) => {
                pop_frame::<B, T>(cx);
                Err(e)
            }
        };
    }
    let mut rets = [ValRaw::ZERO; crate::raw::MAX_STORAGE];
    let called = B::call(
        cx,
        callee,
        &callee_ty,
        params,
        &mut rets[..callee_ty.results.len()],
    );
    if called.is_err() || async_ {
        pop_frame::<B, T>(cx);
    }
    called?;
    if !async_ {
        // A synchronous callee returned its results: they go to the caller
        // now, then its post-return runs, in the callee's task.
        let results = rets[..start.result_count.min(callee_ty.results.len())].to_vec();
        if let Some(t) = store_tasks::<B, T>(cx).task(id) {
            t.state = TaskState::Resolved;
        }
        let returned = return_to_guest::<B, T>(cx, id, &results).and_then(|()| {
            let Some(pr) = start.post_return else {
                return Ok(());
            };
            let pr_ty = func_type::<B, T>(cx, pr)?;
            B::call(cx, pr, &pr_ty, &results, &mut [])
        });
        pop_frame::<B, T>(cx);
        returned?;
        release(store_tasks::<B, T>(cx), id);
        return exit_task::<B, T>(cx, id);
    }
    match callback {
        Some(_) => after_code::<B, T>(cx, id, rets[0].get_u32()),
        None => exit_task::<B, T>(cx, id),
    }
}

/// A synchronous callee that ran as a thread returned `ret` (its one flat
/// result, if it has one): the result goes to its caller, then its
/// `post-return` runs, in the callee's task, and the task ends.
pub(super) fn finish_sync_callee<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    ret: ValRaw,
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("a synchronous callee's task is gone").into());
    };
    let Some(start) = task.start.take() else {
        return Err(Trap::new("a synchronous callee's call is gone").into());
    };
    task.state = TaskState::Resolved;
    let results: Vec<ValRaw> = (start.result_count > 0)
        .then_some(ret)
        .into_iter()
        .collect();
    push_frame::<B, T>(cx, Frame::Task(id));
    let returned = return_to_guest::<B, T>(cx, id, &results).and_then(|()| {
        let Some(pr) = start.post_return else {
            return Ok(());
        };
        let pr_ty = func_type::<B, T>(cx, pr)?;
        B::call(cx, pr, &pr_ty, &results, &mut [])
    });
    pop_frame::<B, T>(cx);
    returned?;
    release(store_tasks::<B, T>(cx), id);
    exit_task::<B, T>(cx, id)
}

/// Task `id` no longer holds its instance.
pub(super) fn release<B: Backend>(tasks: &mut crate::store::tasks::Tasks<B>, id: u32) {
    let Some(task) = tasks.task(id) else { return };
    let (instance, table) = (task.instance, task.table);
    let inst = tasks.instance(instance, table);
    if inst.exclusive == Some(id) {
        inst.exclusive = None;
    }
}

/// Records `status` as task `id`'s next event, if its caller has a
/// subtask for it.
pub(super) fn set_status<B: Backend>(
    tasks: &mut crate::store::tasks::Tasks<B>,
    id: u32,
    status: u32,
) {
    let Some(w) = tasks.task(id).and_then(|t| t.waitable) else {
        return;
    };
    if let Some(Waitable {
        kind: WaitableKind::Subtask { pending, .. },
        ..
    }) = tasks.waitables().get(w)
    {
        *pending = Some(status);
    }
}

/// The type of a helper function an adapter passed.
fn func_type<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    func: B::Func,
) -> Result<crate::raw::CoreFuncType> {
    B::func_type(cx, func)
        .ok_or_else(|| Trap::new("an adapter's helper function has a non-numeric type").into())
}

/// Delivers task `id`'s result (the flat values of its `task.return`, or a
/// synchronous callee's results) to its guest caller through the adapter's
/// `return` function, run in the caller's context.
pub(crate) fn return_to_guest<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    args: &[ValRaw],
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("a returning task is gone").into());
    };
    let Returns::Guest { func, retptr, .. } = task.returns else {
        return Ok(());
    };
    let ty = func_type::<B, T>(cx, func)?;
    let mut params = args.to_vec();
    if let Some(p) = retptr {
        params.push(ValRaw::i32(p as i32));
    }
    if params.len() < ty.params.len() {
        return Err(Trap::new("an async call's result does not fit its return function").into());
    }
    let mut out = [ValRaw::ZERO; 2];
    push_frame::<B, T>(cx, Frame::Scratch([0; 2]));
    let called = B::call(
        cx,
        func,
        &ty,
        &params[..ty.params.len()],
        &mut out[..ty.results.len().min(2)],
    );
    pop_frame::<B, T>(cx);
    called?;
    let tasks = store_tasks::<B, T>(cx);
    let nresults = ty.results.len();
    if let Some(task) = tasks.task(id) {
        if let Returns::Guest { sync_result, .. } = &mut task.returns
            && sync_result.is_some()
        {
            *sync_result = Some((nresults > 0).then_some(out[0]));
        }
        task.state = TaskState::Resolved;
    }
    set_status(tasks, id, STATUS_RETURNED);
    Ok(())
}

/// Starts one call that waited for backpressure or its instance, if it
/// can start now; returns whether one did.
pub(crate) fn start_queued<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Result<bool> {
    let tasks = store_tasks::<B, T>(cx);
    for id in tasks.tasks().ids() {
        let Some(task) = tasks.task(id) else { continue };
        if task.state != TaskState::Starting
            || task.start.as_ref().is_none_or(|s| s.callee.is_none())
        {
            continue;
        }
        let (instance, table, async_) = (task.instance, task.table, task.async_);
        let exclusive = !async_ || task.callback.is_some();
        let inst = tasks.instance(instance, table);
        if (async_ && inst.backpressure > 0) || (exclusive && inst.exclusive.is_some()) {
            continue;
        }
        start_task::<B, T>(cx, id)?;
        return Ok(true);
    }
    Ok(false)
}
