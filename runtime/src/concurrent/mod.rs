//! The async component model: the built-ins a guest calls on its tasks,
//! subtasks and waitable sets, guest-to-guest async calls through environ's
//! fused adapters, and the event loop that runs tasks until a call can
//! finish.
//!
//! The spec's definitions (`Task`, `Subtask`, `WaitableSet`, `canon_lift`'s
//! callback loop, `canon task.return` and the rest in `CanonicalABI.md`)
//! are followed by name. A store holds async state only once a component
//! that uses the async ABI is called; the synchronous call path never
//! reaches this module.
//!
//! Guest code runs on the host's stack: a task that blocks (a stackful
//! `waitable-set.wait`, a synchronous call of an async callee) runs the
//! event loop nested inside its own call until what it waits for happens,
//! and callback-lifted tasks return to the loop between events. A store in
//! which nothing can run any more reports a deadlock naming the waiting
//! tasks instead of hanging.

mod call;
pub(crate) mod cancel;
mod error_context;
mod event_loop;
pub(crate) mod host_call;
pub(crate) mod host_end;
mod task;
mod thread;
mod transmit;
mod values;
mod waitable;

pub(crate) use call::{prepare_call, start_call};
pub(crate) use task::{Lift, OwnedSink, Sink, begin_task, end_task, poll_until, run_task};

use wasmtime_environ::component::{OptionsIndex, TypeTupleIndex};

use crate::engine::Backend;
use crate::error::{Error, Place, Result, Site, Trap};
use crate::raw::{CoreFuncType, CoreType, ValRaw};
use crate::store::Cx;
use crate::store::tasks::{Tasks, Transmit};

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
    SubtaskDrop,
    SubtaskCancel {
        async_: bool,
    },
    BackpressureInc,
    BackpressureDec,
    ContextGet(usize),
    ContextSet(usize),
    ThreadYield {
        cancellable: bool,
    },
    /// A fused adapter begins a synchronous guest-to-guest call: the
    /// callee runs as a new synchronous task.
    EnterSyncCall,
    ExitSyncCall,
    /// `stream.new`/`future.new` of table type `ty`.
    TransmitNew {
        transmit: Transmit,
        ty: u32,
    },
    /// A read (`readable`) or write of a stream or future.
    Copy {
        transmit: Transmit,
        readable: bool,
        ty: u32,
        options: OptionsIndex,
    },
    CancelCopy {
        transmit: Transmit,
        readable: bool,
        ty: u32,
        async_: bool,
    },
    DropEnd {
        transmit: Transmit,
        readable: bool,
        ty: u32,
    },
    /// An adapter moves a readable end to another component.
    Transfer(Transmit),
    ErrorContextNew {
        options: OptionsIndex,
    },
    ErrorContextDebugMessage {
        options: OptionsIndex,
    },
    ErrorContextDrop,
    /// An adapter passes an error context to another component.
    ErrorContextTransfer,
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
            AsyncOp::SubtaskDrop => "subtask.drop",
            AsyncOp::BackpressureInc => "backpressure.inc",
            AsyncOp::BackpressureDec => "backpressure.dec",
            AsyncOp::ContextGet(_) => "context.get",
            AsyncOp::ContextSet(_) => "context.set",
            AsyncOp::ThreadYield { .. } => "thread.yield",
            AsyncOp::SubtaskCancel { .. } => "subtask.cancel",
            AsyncOp::EnterSyncCall => "enter-sync-call",
            AsyncOp::ExitSyncCall => "exit-sync-call",
            AsyncOp::TransmitNew { transmit, .. } => match transmit {
                Transmit::Stream => "stream.new",
                Transmit::Future => "future.new",
            },
            AsyncOp::Copy {
                transmit, readable, ..
            } => match (transmit, readable) {
                (Transmit::Stream, true) => "stream.read",
                (Transmit::Stream, false) => "stream.write",
                (Transmit::Future, true) => "future.read",
                (Transmit::Future, false) => "future.write",
            },
            AsyncOp::CancelCopy {
                transmit, readable, ..
            } => match (transmit, readable) {
                (Transmit::Stream, true) => "stream.cancel-read",
                (Transmit::Stream, false) => "stream.cancel-write",
                (Transmit::Future, true) => "future.cancel-read",
                (Transmit::Future, false) => "future.cancel-write",
            },
            AsyncOp::DropEnd {
                transmit, readable, ..
            } => match (transmit, readable) {
                (Transmit::Stream, true) => "stream.drop-readable",
                (Transmit::Stream, false) => "stream.drop-writable",
                (Transmit::Future, true) => "future.drop-readable",
                (Transmit::Future, false) => "future.drop-writable",
            },
            AsyncOp::Transfer(Transmit::Stream) => "stream-transfer",
            AsyncOp::Transfer(Transmit::Future) => "future-transfer",
            AsyncOp::ErrorContextNew { .. } => "error-context.new",
            AsyncOp::ErrorContextDebugMessage { .. } => "error-context.debug-message",
            AsyncOp::ErrorContextDrop => "error-context.drop",
            AsyncOp::ErrorContextTransfer => "error-context-transfer",
        }
    }
}

/// How many bytes of list and string contents one stream or future copy
/// between components may move, nested values included: a guest must not
/// make the host copy without bound.
pub(crate) const COPY_BUDGET: u64 = 64 << 20;

/// The spec's event codes.
pub(crate) const EVENT_NONE: u32 = 0;
pub(crate) const EVENT_SUBTASK: u32 = 1;

/// The spec's subtask states, as `subtask` events and call results carry
/// them.
pub(crate) const STATUS_STARTING: u32 = 0;
pub(crate) const STATUS_STARTED: u32 = 1;
pub(crate) const STATUS_RETURNED: u32 = 2;

/// The core type of every `callback`.
pub(crate) fn callback_ty() -> CoreFuncType {
    CoreFuncType {
        params: vec![CoreType::I32; 3],
        results: vec![CoreType::I32],
    }
}

/// A trap with one of the spec's rules, and where it was broken.
#[cold]
pub(crate) fn rule(rule: &str, op: &str, task: Option<&str>) -> Error {
    match task {
        Some(name) => Trap::new(format!("{rule} (`{op}` in the task of {name})")).into(),
        None => Trap::new(format!("{rule} (`{op}`)")).into(),
    }
}

pub(crate) const CANNOT_BLOCK: &str = "cannot block a synchronous task before returning";
pub(crate) const DEADLOCK: &str = "deadlock detected: event loop cannot make further progress";

/// The handle tables of hostbind instance `instance`.
pub(crate) fn handles<'a, B: Backend, T: 'static>(
    cx: &'a mut Cx<'_, B, T>,
    instance: usize,
) -> core::cell::RefMut<'a, crate::abi::handles::Handles> {
    B::data(cx).instances[instance].handles.0.borrow_mut()
}

/// The store's async state, made on first use.
pub(crate) fn store_tasks<'a, B: Backend, T: 'static>(
    cx: &'a mut Cx<'_, B, T>,
) -> &'a mut Tasks<B> {
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
    // These may run even while the instance may not leave: they touch
    // nothing outside it (or are the adapters' own bookkeeping).
    if !matches!(
        op,
        AsyncOp::ContextGet(_)
            | AsyncOp::ContextSet(_)
            | AsyncOp::BackpressureInc
            | AsyncOp::BackpressureDec
            | AsyncOp::EnterSyncCall
            | AsyncOp::ExitSyncCall
            | AsyncOp::Transfer(_)
            | AsyncOp::ErrorContextTransfer
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
        } => task::task_return::<B, T>(cx, instance, table, results, options, &storage[..params]),
        AsyncOp::TaskCancel => cancel::task_cancel::<B, T>(cx, &site),
        AsyncOp::SubtaskCancel { async_ } => {
            let r = cancel::subtask_cancel::<B, T>(cx, &site, instance, table, async_, arg(0))?;
            storage[0] = ValRaw::i32(r as i32);
            Ok(())
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
            let counter = &mut store_tasks::<B, T>(cx)
                .instance(instance, table)
                .backpressure;
            let next = match op {
                AsyncOp::BackpressureInc => counter.checked_add(1),
                _ => counter.checked_sub(1),
            };
            *counter = next.ok_or_else(|| rule("backpressure counter overflow", name, None))?;
            Ok(())
        }
        AsyncOp::WaitableSetNew => {
            let idx = waitable::set_new::<B, T>(cx, &site, instance, table)?;
            storage[0] = ValRaw::i32(idx as i32);
            Ok(())
        }
        AsyncOp::WaitableSetDrop => waitable::set_drop::<B, T>(cx, &site, instance, table, arg(0)),
        AsyncOp::WaitableJoin => waitable::join::<B, T>(cx, &site, instance, table, arg(0), arg(1)),
        AsyncOp::SubtaskDrop => waitable::subtask_drop::<B, T>(cx, &site, instance, table, arg(0)),
        AsyncOp::WaitableSetPoll { options } | AsyncOp::WaitableSetWait { options } => {
            let wait = matches!(op, AsyncOp::WaitableSetWait { .. });
            let (s, ptr) = (arg(0), arg(1));
            let code = waitable::wait::<B, T>(cx, &site, instance, table, options, s, ptr, wait)?;
            storage[0] = ValRaw::i32(code as i32);
            Ok(())
        }
        AsyncOp::ThreadYield { cancellable } => {
            // Other tasks that are ready run now; this one then goes on,
            // told whether it was cancelled if it yields cancellably.
            let told = |cx: &mut Cx<'_, B, T>| {
                cancellable && cancel::take_pending(store_tasks::<B, T>(cx))
            };
            let mut cancelled = told(cx);
            if !cancelled {
                if thread::can_suspend::<B, T>(cx) {
                    return thread::block::<B, T>(
                        cx,
                        crate::store::tasks::Blocked::Yield { cancellable },
                    );
                }
                task::yield_now::<B, T>(cx)?;
                cancelled = told(cx);
            }
            storage[0] = ValRaw::i32(i32::from(cancelled));
            Ok(())
        }
        AsyncOp::EnterSyncCall => {
            // Params: the caller's instance, whether the callee's type is
            // async, the callee's instance.
            task::enter_sync_call::<B, T>(cx, instance, arg(1) != 0, arg(2) as usize)
        }
        AsyncOp::ExitSyncCall => task::exit_sync_call::<B, T>(cx, instance),
        AsyncOp::TransmitNew { transmit, ty } => {
            let ends = transmit::new::<B, T>(cx, &site, instance, table, transmit, ty)?;
            storage[0] = ValRaw::i64(ends as i64);
            Ok(())
        }
        AsyncOp::Copy {
            transmit,
            readable,
            ty,
            options,
        } => {
            let what = (transmit, readable, ty);
            let (idx, ptr, n) = (arg(0), arg(1), arg(2));
            let r = transmit::copy::<B, T>(cx, &site, instance, table, what, options, idx, ptr, n)?;
            storage[0] = ValRaw::i32(r as i32);
            Ok(())
        }
        AsyncOp::CancelCopy {
            transmit,
            readable,
            ty,
            async_,
        } => {
            let what = (transmit, readable, ty);
            let r = transmit::cancel::<B, T>(cx, &site, instance, table, what, async_, arg(0))?;
            storage[0] = ValRaw::i32(r as i32);
            Ok(())
        }
        AsyncOp::DropEnd {
            transmit,
            readable,
            ty,
        } => {
            transmit::drop_end::<B, T>(cx, &site, instance, table, (transmit, readable, ty), arg(0))
        }
        AsyncOp::Transfer(transmit) => {
            let h =
                transmit::transfer::<B, T>(cx, &site, instance, transmit, arg(0), arg(1), arg(2))?;
            storage[0] = ValRaw::i32(h as i32);
            Ok(())
        }
        AsyncOp::ErrorContextNew { options } => {
            let (ptr, len) = (arg(0), arg(1));
            let h = error_context::new::<B, T>(cx, &site, instance, table, options, ptr, len)?;
            storage[0] = ValRaw::i32(h as i32);
            Ok(())
        }
        AsyncOp::ErrorContextDebugMessage { options } => {
            let (idx, ptr) = (arg(0), arg(1));
            error_context::debug_message::<B, T>(cx, &site, instance, table, options, idx, ptr)
        }
        AsyncOp::ErrorContextDrop => {
            error_context::drop::<B, T>(cx, &site, instance, table, arg(0))
        }
        AsyncOp::ErrorContextTransfer => {
            let h = error_context::transfer::<B, T>(cx, &site, instance, arg(0), arg(1), arg(2))?;
            storage[0] = ValRaw::i32(h as i32);
            Ok(())
        }
    }
}
