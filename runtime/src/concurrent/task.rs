//! Tasks: starting and ending them, the host's call of one (`run_task`),
//! `task.return`, yielding, and the frames of the tasks on the host's
//! stack. The loop that runs them is `event_loop.rs`.

use wasmtime_environ::component::{OptionsIndex, TypeTupleIndex};

use super::{CANNOT_BLOCK, DEADLOCK, STATUS_RETURNED, handles, rule, store_tasks};
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::raw::{CoreFuncType, ValRaw};
use crate::store::Cx;
use crate::store::tasks::{Cancel, Exec, Finish, Frame, Returns, Task, TaskState, Tasks};

use super::event_loop::pick_ready;
pub(crate) use super::event_loop::{poll_until, run_ready, run_until, run_woken, step};

/// Where `task.return` delivers a host-called task's result: the caller's
/// lift, given the flat values (or the pointer to them) while the task
/// runs, as the spec lifts them at `task.return`, before the callee may
/// free them.
pub(crate) type Sink<'a, B, T> = dyn FnMut(&mut Cx<'_, B, T>, &[ValRaw]) -> Result<()> + 'a;

/// The sink of a call the host started and finishes later, which the task
/// owns: it runs once. Its flag says whether the values are a synchronous
/// return's (flat results or a pointer to them, with the `post-return`
/// still to run) rather than `task.return`'s.
pub(crate) type OwnedSink<B, T> =
    Box<dyn FnOnce(&mut Cx<'_, B, T>, &[ValRaw], bool) -> Result<()> + Send>;

/// What a task's caller knows of the lifted function.
pub(crate) struct Lift<'a, B: Backend> {
    pub(crate) instance: usize,
    pub(crate) table: usize,
    pub(crate) options: OptionsIndex,
    pub(crate) results: TypeTupleIndex,
    pub(crate) async_: bool,
    pub(crate) may_block: bool,
    pub(crate) callback: Option<B::Func>,
    pub(crate) name: &'a str,
    /// The host's call may return before the task does (it started the
    /// call to finish it later): a task that waits is left to the loop.
    pub(crate) detach: bool,
}

/// How many callbacks may run with nothing but yields happening before the
/// loop gives up on a livelock.
pub(super) const MAX_IDLE_STEPS: u32 = 100_000;

/// The spec's callback codes.
const CALLBACK_EXIT: u32 = 0;
const CALLBACK_YIELD: u32 = 1;
const CALLBACK_WAIT: u32 = 2;

/// A lift's string encoding and memory, which `task.return` must match.
pub(crate) fn lift_abi<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    options: OptionsIndex,
) -> (u8, Option<u32>) {
    let opts = &B::data(cx).instances[instance].component.info.options[options];
    (
        opts.string_encoding as u8,
        opts.memory().map(|m| m.as_u32()),
    )
}

/// Starts a task for the host's call of a lifted export, before its params
/// are lowered; its result will go to `sink`, which must outlive the task
/// (until [`end_task`]).
pub(crate) fn begin_task<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lift: &Lift<'_, B>,
    returns: Returns<B>,
) -> Result<u32> {
    let exclusive = !lift.async_ || lift.callback.is_some();
    let inst = store_tasks::<B, T>(cx).instance(lift.instance, lift.table);
    if lift.async_ && inst.backpressure > 0 {
        // The task would wait for backpressure to be released, and with
        // the host's call the only one running, no task can release it.
        return Err(Trap::new(format!(
            "{DEADLOCK} (export `{}` cannot start: its component instance has backpressure set, and no task can clear it)",
            lift.name
        ))
        .into());
    }
    let abi = lift_abi::<B, T>(cx, lift.instance, lift.options);
    let tasks = store_tasks::<B, T>(cx);
    let id = tasks.tasks().push(Task {
        instance: lift.instance,
        table: lift.table,
        abi,
        results: lift.results,
        async_: lift.async_,
        may_block: lift.may_block,
        callback: lift.callback,
        state: TaskState::Started,
        exec: Exec::Running,
        cancel: Cancel::NotRequested,
        thread: None,
        blocked: None,
        finish: Finish::Exit,
        returns,
        context: [0; 2],
        name: format!("export `{}`", lift.name).into(),
        caller: None,
        waitable: None,
        start: None,
        dropped: None,
    });
    if exclusive {
        tasks.instance(lift.instance, lift.table).exclusive = Some(id);
    }
    push_frame::<B, T>(cx, Frame::Task(id));
    Ok(id)
}

/// Ends the host's task `id`; returns whether it delivered its result.
/// After a trap (`failed`), the instance is unusable: every task of it is
/// dropped, so the event loop never calls back into it, and the frames the
/// trap left on the stack are cleared.
pub(crate) fn end_task<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    failed: bool,
) -> bool {
    let tasks = store_tasks::<B, T>(cx);
    if let Some(at) = tasks
        .current
        .iter()
        .rposition(|f| matches!(f, Frame::Task(t) if *t == id))
    {
        tasks.current.truncate(at);
    }
    refresh_may_block::<B, T>(cx);
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return false;
    };
    if !failed && matches!(task.returns, Returns::Owned(_)) && task.exec != Exec::Exited {
        // A call the host finishes later: the loop runs the task on.
        return task.state == TaskState::Resolved;
    }
    if !failed && task.state == TaskState::Resolved && task.exec != Exec::Exited {
        // The task goes on after returning its result: the event loop runs
        // it whenever the host next drives the store, and drops it when it
        // exits. Its sink is gone with the host's call.
        task.returns = Returns::Detached;
        return true;
    }
    let Some(task) = tasks.tasks().remove(id) else {
        return false;
    };
    let inst = tasks.instance(task.instance, task.table);
    if inst.exclusive == Some(id) {
        inst.exclusive = None;
    }
    if failed {
        tasks.prepared = None;
        tasks.abandon(task.instance);
    }
    task.state == TaskState::Resolved
}

/// Runs the host's task: calls the core function `func` with `args`, and
/// for a callback-lifted function runs the event loop until the task
/// exits. A synchronous function's results are left in `rets`.
pub(crate) fn run_task<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lift: &Lift<'_, B>,
    func: B::Export,
    core_ty: &CoreFuncType,
    args: &[ValRaw],
    rets: &mut [ValRaw],
) -> Result<bool> {
    let Some(id) = store_tasks::<B, T>(cx).current_id() else {
        return B::call_export(cx, func, core_ty, args, rets).map(|()| true);
    };
    // Async code runs as a thread, which a blocking built-in suspends; so
    // does a synchronous export the host finishes later, so that a wait
    // in it gives the host's thread back.
    let finish = match (lift.async_, lift.callback) {
        (true, Some(_)) => Some(Finish::Callback),
        (true, None) => Some(Finish::Exit),
        (false, _) if lift.detach => Some(Finish::SyncHost {
            results: core_ty.results.len().min(1) as u8,
        }),
        (false, _) => None,
    };
    match finish {
        Some(finish) if B::SUSPENDS => {
            let func = B::export_func(func);
            match super::thread::start::<B, T>(cx, id, func, core_ty, args, finish)? {
                super::thread::Started::Returned(v) => {
                    if let Some(r) = rets.first_mut() {
                        *r = v;
                    }
                }
                super::thread::Started::Suspended => {
                    host_loop::<B, T>(cx, lift.detach, id)?;
                    // A suspended synchronous export's results reach the
                    // host's sink when it returns, not `rets`.
                    return Ok(lift.async_);
                }
            }
        }
        _ => B::call_export(cx, func, core_ty, args, rets)?,
    }
    if lift.callback.is_none() {
        // A stackful task's code has returned: the task is over.
        if let Some(t) = store_tasks::<B, T>(cx).task(id) {
            t.exec = Exec::Exited;
        }
        return Ok(true);
    }
    let packed = rets.first().map_or(0, |v| v.get_u32());
    // The task's code is off the stack between callbacks: the loop pushes
    // its frame again each time it calls it back.
    if store_tasks::<B, T>(cx).current_id() == Some(id) {
        pop_frame::<B, T>(cx);
    }
    after_code::<B, T>(cx, id, packed)?;
    host_loop::<B, T>(cx, lift.detach, id).map(|()| true)
}

/// A synchronous export the host started returned after it had suspended:
/// its core results go to the host's sink (which lifts them and runs the
/// `post-return`), and the task is over.
pub(crate) fn finish_sync_host<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    results: &[ValRaw],
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("a synchronous export's task is gone").into());
    };
    task.state = TaskState::Resolved;
    let Returns::Owned(sink) = core::mem::replace(&mut task.returns, Returns::Detached) else {
        return Err(Trap::new("a synchronous export's caller takes no result").into());
    };
    let Ok(sink) = sink.downcast::<OwnedSink<B, T>>() else {
        return Err(Trap::new("a synchronous export's sink is of another store").into());
    };
    push_frame::<B, T>(cx, Frame::Task(id));
    let delivered = sink(cx, results, true);
    pop_frame::<B, T>(cx);
    delivered?;
    super::call::release(store_tasks::<B, T>(cx), id);
    exit_task::<B, T>(cx, id)
}

/// Runs the loop for the host's call of task `id` until the call can
/// return; one the host finishes later returns once nothing is ready.
fn host_loop<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, detach: bool, id: u32) -> Result<()> {
    if detach {
        run_ready::<B, T>(cx, &|tasks| host_call_done(tasks, id))
    } else {
        run_until::<B, T>(cx, &|tasks| host_call_done(tasks, id))
    }
}

/// Whether the host's call of task `id` can return: the task has returned
/// its result (it may go on running, as the event loop next runs) or exited.
fn host_call_done<B: Backend>(tasks: &mut Tasks<B>, id: u32) -> bool {
    tasks
        .task(id)
        .is_none_or(|t| t.exec == Exec::Exited || t.state == TaskState::Resolved)
}

/// `task.return`: checks the call against the current task and delivers
/// the result to its caller.
pub(crate) fn task_return<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
    results: TypeTupleIndex,
    options: OptionsIndex,
    args: &[ValRaw],
) -> Result<()> {
    let name = "task.return";
    let (encoding, memory) = lift_abi::<B, T>(cx, instance, options);
    let tasks = store_tasks::<B, T>(cx);
    let Some(id) = tasks.current_id() else {
        return Err(rule(
            "`task.return` called with no task running",
            name,
            None,
        ));
    };
    let Some(task) = tasks.task(id) else {
        return Err(rule("the current task is gone", name, None));
    };
    let lift_memory = task.abi.1;
    let same_shape = task.instance == instance
        && task.table == table
        && task.async_
        && task.results == results
        && task.abi.0 == encoding;
    // A `task.return` that names a memory must name the lift's (the same
    // memory, by whatever index); one that names none needs none.
    let same_memory = match (memory, lift_memory) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(m), Some(l)) => m == l || same_memory::<B, T>(cx, instance, m, l),
    };
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(rule("the current task is gone", name, None));
    };
    if !same_shape || !same_memory {
        return Err(rule(
            "invalid `task.return` signature and/or options for current task",
            name,
            Some(&task.name),
        ));
    }
    if task.state == TaskState::Resolved {
        return Err(rule(
            "`task.return` or `task.cancel` called more than once for current task",
            name,
            Some(&task.name),
        ));
    }
    task.state = TaskState::Resolved;
    match &task.returns {
        Returns::Host(sink) => {
            let Some(sink) = *sink else {
                return Err(rule("the task's caller takes no result", name, None));
            };
            // `call_task::<B, T>` (whose store fixes `B` and `T`) made the
            // pointer from a `&mut &mut Sink` on its stack, is suspended in
            // the engine call that reached here, and ends or detaches the
            // task (dropping the pointer) before it returns.
            // SAFETY: so the referent is alive, and this is its only use.
            let sink = unsafe { &mut *sink.0.as_ptr().cast::<&mut Sink<'_, B, T>>() };
            sink(cx, args)?;
        }
        Returns::Guest { .. } => {
            super::call::return_to_guest::<B, T>(cx, id, args)?;
        }
        Returns::Detached => {
            return Err(rule("the task's caller takes no result", name, None));
        }
        Returns::Owned(_) => {
            let Returns::Owned(sink) = core::mem::replace(&mut task.returns, Returns::Detached)
            else {
                return Err(rule("the task's caller takes no result", name, None));
            };
            let Ok(sink) = sink.downcast::<OwnedSink<B, T>>() else {
                return Err(rule("the task's sink is of another store", name, None));
            };
            sink(cx, args, false)?;
        }
    }
    refresh_may_block::<B, T>(cx);
    Ok(())
}

/// Whether runtime memories `a` and `b` of an instance are one memory.
fn same_memory<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    a: u32,
    b: u32,
) -> bool {
    let state = &B::data(cx).instances[instance];
    let get = |i: u32| state.memories.get(i as usize).copied().flatten();
    let (Some(a), Some(b)) = (get(a), get(b)) else {
        return false;
    };
    let pa = B::memory(cx, a).0.as_ptr();
    let pb = B::memory(cx, b).0.as_ptr();
    pa == pb
}

/// `thread.yield`: lets every other ready task run once.
pub(crate) fn yield_now<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    if let Some(id) = tasks.current_id()
        && tasks.caller_on_stack(id)
    {
        // The spec gives the caller control back here; its code is below
        // this one on the host's stack, and only a stack switch could let
        // it run first.
        return Err(Trap::new(format!(
            "not supported by hostbind yet: `thread.yield` in a task whose async caller is still on the host's stack needs stack switching to suspend it ({})",
            tasks.task(id).map_or("?".into(), |t| t.name.clone())
        ))
        .into());
    }
    let mut ran = 0;
    while let Some((id, event)) = pick_ready::<B, T>(cx, true) {
        step::<B, T>(cx, id, event)?;
        ran += 1;
        // Each ready task gets its turn; a loop of yields is the guest's.
        if ran > 64 {
            break;
        }
    }
    Ok(())
}

/// A fused adapter starts a synchronous call into runtime instance
/// `callee`: a new synchronous task, and a new borrow scope.
pub(crate) fn enter_sync_call<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    callee_async: bool,
    callee: usize,
) -> Result<()> {
    handles::<B, T>(cx, instance).enter_call();
    let tasks = store_tasks::<B, T>(cx);
    let results = tasks
        .current()
        .map(|t| t.results)
        .unwrap_or(TypeTupleIndex::from_u32(0));
    let id = tasks.tasks().push(Task {
        instance,
        table: callee,
        abi: (0, None),
        results,
        async_: false,
        may_block: callee_async,
        callback: None,
        state: TaskState::Started,
        exec: Exec::Running,
        cancel: Cancel::NotRequested,
        thread: None,
        blocked: None,
        finish: Finish::Exit,
        returns: Returns::Host(None),
        context: [0; 2],
        name: "a synchronous call between components".into(),
        caller: None,
        waitable: None,
        start: None,
        dropped: None,
    });
    push_frame::<B, T>(cx, Frame::Task(id));
    Ok(())
}

/// The synchronous call that [`enter_sync_call`] began returns.
pub(crate) fn exit_sync_call<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
) -> Result<()> {
    if let Some(id) = store_tasks::<B, T>(cx).current_id() {
        pop_frame::<B, T>(cx);
        store_tasks::<B, T>(cx).tasks().remove(id);
    }
    handles::<B, T>(cx, instance).exit_call()
}

/// Pushes a frame and tells the adapters whether the code now running may
/// block.
pub(crate) fn push_frame<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, frame: Frame) {
    store_tasks::<B, T>(cx).current.push(frame);
    refresh_may_block::<B, T>(cx);
}

/// Pops the innermost frame.
pub(crate) fn pop_frame<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) {
    store_tasks::<B, T>(cx).current.pop();
    refresh_may_block::<B, T>(cx);
}

/// Sets the adapters' `task_may_block` global of the current task's
/// instance: the spec's `may_block()`, an async function type or a task
/// that has returned.
pub(crate) fn refresh_may_block<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>) {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.current() else {
        return;
    };
    let (instance, may) = (
        task.instance,
        task.may_block || task.state == TaskState::Resolved,
    );
    if let Some(global) = B::data(cx)
        .instances
        .get(instance)
        .and_then(|s| s.task_may_block)
    {
        B::global_set(cx, global, i32::from(may));
    }
}

/// Applies the code a callback-lifted task's core function or callback
/// returned: it exits, yields, or waits on a waitable set.
pub(crate) fn after_code<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: u32,
    packed: u32,
) -> Result<()> {
    let (code, set) = (packed & 0xf, packed >> 4);
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Err(Trap::new("a running task is gone").into());
    };
    let (instance, table, name) = (task.instance, task.table, task.name.clone());
    let inst = tasks.instance(instance, table);
    if inst.exclusive == Some(id) {
        inst.exclusive = None;
    }
    let exec = match code {
        CALLBACK_EXIT => return exit_task::<B, T>(cx, id),
        CALLBACK_YIELD => Exec::Yielded,
        CALLBACK_WAIT => {
            let site = Site {
                func: "callback",
                place: Place::Result,
            };
            let set = handles::<B, T>(cx, instance)
                .get_async(
                    &site,
                    table,
                    set,
                    crate::abi::handles::AsyncKind::WaitableSet,
                )
                .map_err(|e| e.context(format!("the callback of {name} waits on it")))?;
            Exec::Waiting(set)
        }
        other => {
            return Err(Trap::new(format!(
                "unsupported callback code (the callback of {name} returned code {other})"
            ))
            .into());
        }
    };
    if let Some(t) = store_tasks::<B, T>(cx).task(id) {
        t.exec = exec;
    }
    Ok(())
}

/// Task `id`'s code has finished.
pub(crate) fn exit_task<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(task) = tasks.task(id) else {
        return Ok(());
    };
    task.exec = Exec::Exited;
    let (instance, table) = (task.instance, task.table);
    if task.async_ && task.state != TaskState::Resolved {
        return Err(Trap::new(format!(
            "async-lifted export failed to produce a result ({} finished without calling `task.return`)",
            task.name
        ))
        .into());
    }
    // A guest's call with no handle left to it is gone, unless a
    // synchronous caller has yet to take its result.
    let sync_caller = matches!(
        task.returns,
        Returns::Guest {
            sync_result: Some(_),
            ..
        }
    );
    let detached = matches!(task.returns, Returns::Detached | Returns::Owned(_));
    let gone = (task.caller.is_some() && task.waitable.is_none() && !sync_caller) || detached;
    tasks.idle_steps = 0;
    let inst = tasks.instance(instance, table);
    if inst.exclusive == Some(id) {
        inst.exclusive = None;
    }
    if gone {
        tasks.tasks().remove(id);
    }
    Ok(())
}

/// The error for the current task blocking when it may not: a task of a
/// synchronous function type may not block before it returns.
pub(crate) fn check_may_block<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    op: &str,
) -> Result<()> {
    match store_tasks::<B, T>(cx).current() {
        Some(t) if t.may_block || t.state == TaskState::Resolved => Ok(()),
        Some(t) => Err(rule(CANNOT_BLOCK, op, Some(&t.name.clone()))),
        None => Err(rule(CANNOT_BLOCK, op, None)),
    }
}

/// The status a guest's call reports for task `id`: returned, started or
/// still starting.
pub(crate) fn status_of(task: &Task<impl Backend>) -> u32 {
    match task.state {
        TaskState::Resolved => STATUS_RETURNED,
        TaskState::Started => super::STATUS_STARTED,
        TaskState::Starting => super::STATUS_STARTING,
    }
}
