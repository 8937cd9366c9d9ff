//! The async component model: the built-ins a guest calls on its tasks and
//! waitable sets, and the loop that runs an async-lifted export as a task.
//!
//! The spec's definitions (`Task`, `WaitableSet`, `canon_lift`'s callback
//! loop, `canon task.return` and the rest in `CanonicalABI.md`) are followed
//! by name. A store holds async state only once a component that uses the
//! async ABI is called; the synchronous call path never reaches this module.
//!
//! What runs today: tasks called from the host, stackless (`callback`) and
//! stackful lifts, `task.return`, `context.get`/`.set`, backpressure,
//! waitable sets and `thread.yield`. Nothing in a store can wake a waiting
//! task yet (no subtasks, streams or futures), so a task that waits on
//! an empty waitable set is reported as the deadlock it is.

use wasmtime_environ::component::{OptionsIndex, TypeTupleIndex};

use crate::abi::handles::AsyncKind;
use crate::engine::Backend;
use crate::error::{Error, Place, Result, Site, Trap};
use crate::raw::{CoreFuncType, CoreType, ValRaw};
use crate::store::Cx;
use crate::store::tasks::{Frame, SinkPtr, Task, TaskState, Tasks, WaitableSet};

/// A built-in of the async ABI, bound in one runtime component instance
/// (`table`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum AsyncOp {
    /// `task.return` with result types `results` and canonical `options`;
    /// it takes `params` flat values.
    TaskReturn {
        results: TypeTupleIndex,
        options: OptionsIndex,
        params: usize,
    },
    TaskCancel,
    WaitableSetNew,
    WaitableSetWait {
        options: OptionsIndex,
    },
    WaitableSetPoll {
        options: OptionsIndex,
    },
    WaitableSetDrop,
    WaitableJoin,
    BackpressureInc,
    BackpressureDec,
    ContextGet(usize),
    ContextSet(usize),
    ThreadYield,
}

impl AsyncOp {
    /// The built-in's name in the spec, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            AsyncOp::TaskReturn { .. } => "task.return",
            AsyncOp::TaskCancel => "task.cancel",
            AsyncOp::WaitableSetNew => "waitable-set.new",
            AsyncOp::WaitableSetWait { .. } => "waitable-set.wait",
            AsyncOp::WaitableSetPoll { .. } => "waitable-set.poll",
            AsyncOp::WaitableSetDrop => "waitable-set.drop",
            AsyncOp::WaitableJoin => "waitable.join",
            AsyncOp::BackpressureInc => "backpressure.inc",
            AsyncOp::BackpressureDec => "backpressure.dec",
            AsyncOp::ContextGet(_) => "context.get",
            AsyncOp::ContextSet(_) => "context.set",
            AsyncOp::ThreadYield => "thread.yield",
        }
    }
}

/// The spec's event codes.
const EVENT_NONE: u32 = 0;

/// The spec's callback codes.
const CALLBACK_EXIT: u32 = 0;
const CALLBACK_YIELD: u32 = 1;
const CALLBACK_WAIT: u32 = 2;

/// The core type of every `callback`.
pub(crate) fn callback_ty() -> CoreFuncType {
    CoreFuncType {
        params: vec![CoreType::I32; 3],
        results: vec![CoreType::I32],
    }
}

/// A trap with one of the spec's rules, and where it was broken.
#[cold]
fn rule(rule: &str, op: &str, task: Option<&str>) -> Error {
    match task {
        Some(name) => Trap::new(format!("{rule} (`{op}` in the task of export `{name}`)")).into(),
        None => Trap::new(format!("{rule} (`{op}`)")).into(),
    }
}

const CANNOT_BLOCK: &str = "cannot block a synchronous task before returning";
const DEADLOCK: &str = "deadlock detected: event loop cannot make further progress";

/// The store's async state, made on first use.
fn store_tasks<'a, B: Backend, T: 'static>(cx: &'a mut Cx<'_, B, T>) -> &'a mut Tasks {
    B::data(cx).tasks.get_or_insert_with(Default::default)
}

/// Runs async built-in `op`, bound in runtime component instance `table`
/// of hostbind instance `instance`, on the flat values in `storage`.
pub(crate) fn intrinsic<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
    op: AsyncOp,
    storage: &mut [ValRaw],
) -> Result<()> {
    let name = op.name();
    let arg = |i: usize| storage.get(i).map_or(0, |v| v.get_u32());
    // context.get/.set and backpressure.inc/.dec may run even while the
    // instance may not leave: they touch nothing outside it.
    if !matches!(
        op,
        AsyncOp::ContextGet(_)
            | AsyncOp::ContextSet(_)
            | AsyncOp::BackpressureInc
            | AsyncOp::BackpressureDec
    ) && crate::store::instance::may_leave::<B, T>(cx, instance, table) == Some(false)
    {
        return Err(rule("cannot leave component instance", name, None));
    }
    let site = Site {
        func: name,
        place: Place::Params,
    };
    match op {
        AsyncOp::TaskReturn {
            results,
            options,
            params,
        } => {
            let component = B::data(cx).instances[instance].component.clone();
            let info = &component.info;
            let (enc, mem) = (
                info.options[options].string_encoding,
                info.options[options].memory(),
            );
            let lifts = |t: &Task| {
                let o = &info.options[OptionsIndex::from_u32(t.options)];
                t.async_ && t.results == results && o.string_encoding == enc && o.memory() == mem
            };
            let tasks = store_tasks::<B, T>(cx);
            let Some(task) = tasks.current() else {
                return Err(rule(
                    "`task.return` called with no task running",
                    name,
                    None,
                ));
            };
            if task.instance != instance || task.table != table || !lifts(task) {
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
            let Some(sink) = task.sink else {
                return Err(rule(
                    "the task's caller takes no result",
                    name,
                    Some(&task.name),
                ));
            };
            let args = storage.get(..params).unwrap_or_default();
            // SAFETY: `sink` was made by `run_task::<B, T>` for this store
            // (whose data type fixes `B` and `T`) from a `&mut Sink` on its
            // own stack, and the task is removed before `run_task` returns,
            // so the referent is alive. `run_task` is suspended in the
            // engine call that reached this built-in and does not touch the
            // sink meanwhile, so this is its only use.
            let sink = unsafe { &mut *sink.0.as_ptr().cast::<&mut Sink<'_, B, T>>() };
            sink(cx, args)
        }
        AsyncOp::TaskCancel => {
            let task = store_tasks::<B, T>(cx).current().map(|t| t.name.clone());
            // Nothing requests cancellation yet, so no task may cancel.
            Err(rule(
                "`task.cancel` called by task which has not been cancelled",
                name,
                task.as_deref(),
            ))
        }
        AsyncOp::ContextGet(i) | AsyncOp::ContextSet(i) => {
            let v = arg(0);
            let Some(slots) = store_tasks::<B, T>(cx).context() else {
                return Err(rule("no task is running to hold the context", name, None));
            };
            match op {
                AsyncOp::ContextGet(_) => storage[0] = ValRaw::i32(slots[i] as i32),
                _ => slots[i] = v,
            }
            Ok(())
        }
        AsyncOp::BackpressureInc | AsyncOp::BackpressureDec => {
            let counter = store_tasks::<B, T>(cx).backpressure(instance, table);
            let next = match op {
                AsyncOp::BackpressureInc => counter.checked_add(1),
                _ => counter.checked_sub(1),
            };
            *counter = next.ok_or_else(|| rule("backpressure counter overflow", name, None))?;
            Ok(())
        }
        AsyncOp::WaitableSetNew => {
            let id = store_tasks::<B, T>(cx).push_set(WaitableSet::default());
            let state = &B::data(cx).instances[instance];
            let idx =
                state
                    .handles
                    .0
                    .borrow_mut()
                    .new_async(&site, table, AsyncKind::WaitableSet, id)?;
            storage[0] = ValRaw::i32(idx as i32);
            Ok(())
        }
        AsyncOp::WaitableSetDrop => {
            let state = &B::data(cx).instances[instance];
            let mut handles = state.handles.0.borrow_mut();
            let id = handles.get_async(&site, table, arg(0), AsyncKind::WaitableSet)?;
            drop(handles);
            let tasks = store_tasks::<B, T>(cx);
            if tasks.set(id).is_some_and(|s| s.waiters > 0) {
                return Err(rule("cannot drop waitable set with waiters", name, None));
            }
            tasks.remove_set(id);
            let state = &B::data(cx).instances[instance];
            state.handles.0.borrow_mut().remove_async(
                &site,
                table,
                arg(0),
                AsyncKind::WaitableSet,
            )?;
            Ok(())
        }
        AsyncOp::WaitableJoin => {
            let (w, s) = (arg(0), arg(1));
            let state = &B::data(cx).instances[instance];
            let mut handles = state.handles.0.borrow_mut();
            if s != 0 {
                handles.get_async(&site, table, s, AsyncKind::WaitableSet)?;
            }
            // No waitable (subtask, stream or future end) exists yet, so
            // whatever `w` names is not one.
            Err(site.trap(format_args!(
                "handle {w} is not a waitable (a subtask, or a stream or future end)"
            )))
        }
        AsyncOp::WaitableSetPoll { options } | AsyncOp::WaitableSetWait { options } => {
            let (s, ptr) = (arg(0), arg(1));
            let state = &B::data(cx).instances[instance];
            state
                .handles
                .0
                .borrow_mut()
                .get_async(&site, table, s, AsyncKind::WaitableSet)?;
            let memory = state
                .options(options.as_u32())
                .and_then(|o| o.memory)
                .ok_or_else(|| site.trap(format_args!("the built-in has no memory")))?;
            if let AsyncOp::WaitableSetWait { .. } = op {
                return Err(block::<B, T>(cx, name, Some(s)));
            }
            // No waitable can have an event pending yet: report none.
            let (mem, _) = B::memory(cx, memory);
            let at = crate::abi::memory::check_array(&site, "event", mem.len(), ptr, 1, 8, 4)?;
            mem[at].fill(0);
            storage[0] = ValRaw::i32(EVENT_NONE as i32);
            Ok(())
        }
        AsyncOp::ThreadYield => {
            // No other task can be ready, so the yield returns at once, not
            // cancelled.
            storage[0] = ValRaw::i32(0);
            Ok(())
        }
    }
}

/// The error for the current task blocking: a synchronous task may not
/// block before it returns, and an async one would wait forever, since
/// nothing in the store can wake it yet.
fn block<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, op: &str, set: Option<u32>) -> Error {
    let task = store_tasks::<B, T>(cx).current();
    match task {
        Some(t) if t.async_ || t.state == TaskState::Resolved => {
            let on = match set {
                Some(s) => format!(", waiting on waitable set {s}, which nothing can complete"),
                None => String::new(),
            };
            Trap::new(format!(
                "{DEADLOCK} (the task of export `{}` is blocked in `{op}`{on}; no other task can run)",
                t.name
            ))
            .into()
        }
        Some(t) => rule(CANNOT_BLOCK, op, Some(&t.name.clone())),
        None => rule(CANNOT_BLOCK, op, None),
    }
}

/// What a task's caller knows of the lifted function.
pub(crate) struct Lift<'a, B: Backend> {
    pub(crate) instance: usize,
    pub(crate) table: usize,
    pub(crate) options: OptionsIndex,
    pub(crate) results: TypeTupleIndex,
    pub(crate) async_: bool,
    pub(crate) callback: Option<B::Func>,
    pub(crate) name: &'a str,
}

/// Where `task.return` delivers an async task's result: the caller's lift,
/// given the flat values (or the pointer to them) while the task runs, as
/// the spec lifts them at `task.return`, before the callee may free them.
pub(crate) type Sink<'a, B, T> = dyn FnMut(&mut Cx<'_, B, T>, &[ValRaw]) -> Result<()> + 'a;

/// Starts a task for a call of a lifted export, before its params are
/// lowered; its result will go to `sink`, which must outlive the task
/// (until [`end_task`]).
pub(crate) fn begin_task<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lift: &Lift<'_, B>,
    sink: &mut &mut Sink<'_, B, T>,
) -> Result<u32> {
    if lift.async_ && *store_tasks::<B, T>(cx).backpressure(lift.instance, lift.table) > 0 {
        // The task would wait for backpressure to be released, and no
        // other task is left to release it.
        return Err(Trap::new(format!(
            "{DEADLOCK} (export `{}` cannot start: its component instance has backpressure set, and no task can clear it)",
            lift.name
        ))
        .into());
    }
    let tasks = store_tasks::<B, T>(cx);
    let id = tasks.push_task(Task {
        instance: lift.instance,
        table: lift.table,
        options: lift.options.as_u32(),
        results: lift.results,
        async_: lift.async_,
        state: TaskState::Started,
        sink: Some(SinkPtr(core::ptr::NonNull::from(sink).cast())),
        context: [0; 2],
        name: lift.name.into(),
    });
    tasks.current.push(Frame::Task(id));
    Ok(id)
}

/// Ends task `id`; returns whether it had delivered its result.
pub(crate) fn end_task<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, id: u32) -> bool {
    let tasks = store_tasks::<B, T>(cx);
    if let Some(Frame::Task(top)) = tasks.current.last()
        && *top == id
    {
        tasks.current.pop();
    }
    tasks
        .remove_task(id)
        .is_some_and(|t| t.state == TaskState::Resolved)
}

/// Runs the current task's code: calls the core function `func` with
/// `args`, and for a callback-lifted function runs its callback loop until
/// it exits. A synchronous function's results are left in `rets`.
pub(crate) fn run_task<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lift: &Lift<'_, B>,
    func: B::Export,
    core_ty: &CoreFuncType,
    args: &[ValRaw],
    rets: &mut [ValRaw],
) -> Result<()> {
    run_code::<B, T>(cx, lift, func, core_ty, args, rets)
}

/// The task's own code: the core function, then its callback loop.
fn run_code<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    lift: &Lift<'_, B>,
    func: B::Export,
    core_ty: &CoreFuncType,
    args: &[ValRaw],
    rets: &mut [ValRaw],
) -> Result<()> {
    B::call_export(cx, func, core_ty, args, rets)?;
    let Some(callback) = lift.callback else {
        return Ok(());
    };
    let cb_ty = callback_ty();
    let mut packed = rets.first().map_or(0, |v| v.get_u32());
    loop {
        let (code, set) = (packed & 0xf, packed >> 4);
        let event = match code {
            CALLBACK_EXIT => return Ok(()),
            CALLBACK_YIELD => [EVENT_NONE, 0, 0],
            CALLBACK_WAIT => {
                let site = Site {
                    func: "callback",
                    place: Place::Result,
                };
                let state = &B::data(cx).instances[lift.instance];
                state.handles.0.borrow_mut().get_async(
                    &site,
                    lift.table,
                    set,
                    AsyncKind::WaitableSet,
                )?;
                return Err(block::<B, T>(cx, "callback WAIT", Some(set)));
            }
            other => {
                return Err(Trap::new(format!(
                    "unsupported callback code (export `{}`'s callback returned code {other})",
                    lift.name
                ))
                .into());
            }
        };
        let params = event.map(|v| ValRaw::i32(v as i32));
        let mut out = [ValRaw::ZERO];
        B::call(cx, callback, &cb_ty, &params, &mut out)?;
        packed = out[0].get_u32();
    }
}
