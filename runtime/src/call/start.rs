//! Export calls the host starts now and finishes later ([`Func::start`],
//! [`Call`]), so that several calls into one store run at once, and
//! [`Func::call_async`].
//!
//! A started call runs its task until the task returns or waits; a task
//! that waits is left to the store's event loop, which every later call,
//! stream or future operation and [`Call::finish`] drives. The task's
//! result is lifted when it calls `task.return`, into a slot the [`Call`]
//! shares.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::abi::{LiftCx, LowerCx};
use crate::call::dynamic::{Func, Val};
use crate::call::export_task::task_lift;
use crate::call::typed::{Failed, Phase, Target, call_inner, enter};
use crate::concurrent::{OwnedSink, begin_task, end_task, host_end};
use crate::engine::Backend;
use crate::error::{Result, Trap};
use crate::raw::ValRaw;
use crate::store::instance::ExportCall;
use crate::store::tasks::Returns;
use crate::store::{CallHook, Cx, Store, with_backend};
use crate::types::layout::MAX_FLAT_PARAMS;

/// Where a started call's results go when its task returns them.
type Slot<R> = Arc<Mutex<Option<R>>>;

/// A call of an export that the host started with [`Func::start`] and has
/// not finished: its task runs whenever the store's event loop does (in
/// any call, stream or future operation on the store, or in
/// [`finish`](Call::finish)).
///
/// `R` is what `finish` returns: the results as [`Val`]s for a call
/// [`Func::start`] made, the typed results for one of
/// [`TypedFunc::start`](crate::TypedFunc::start).
#[must_use = "a started call's results are taken with `finish`"]
pub struct Call<R = Vec<Val>> {
    store: u64,
    instance: usize,
    task: Option<u32>,
    name: Arc<str>,
    slot: Slot<R>,
    /// The task's flag and the store's, set when this is dropped before
    /// `finish` returned: the store's loop then cancels the task.
    cancel: Option<(Arc<AtomicBool>, Arc<AtomicBool>)>,
}

impl<R> core::fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Call")
            .field("export", &self.name)
            .field("done", &filled(&self.slot))
            .finish()
    }
}

impl<R> Drop for Call<R> {
    fn drop(&mut self) {
        if let Some((mine, any)) = &self.cancel {
            mine.store(true, Ordering::Release);
            any.store(true, Ordering::Release);
        }
    }
}

fn take<R>(slot: &Slot<R>) -> Option<R> {
    slot.lock().ok().and_then(|mut s| s.take())
}

fn filled<R>(slot: &Slot<R>) -> bool {
    slot.lock().is_ok_and(|s| s.is_some())
}

impl<R> Call<R> {
    /// Whether the call's task has returned its results.
    pub fn is_done(&self) -> bool {
        filled(&self.slot)
    }

    /// Runs the store's event loop until the call's task returns its
    /// results, and returns them. A store in which nothing can make the
    /// task go on reports a deadlock naming the waiting tasks.
    ///
    /// Dropping the call (or this future) before it is done cancels the
    /// task, as a guest's `subtask.cancel` would: the next time the store
    /// runs, the task is told when it next waits cancellably, and whatever
    /// it returns after is dropped.
    pub async fn finish<T: 'static>(mut self, store: &mut Store<T>) -> Result<R> {
        let results = self.finish_inner(store).await;
        // Finished, or failed for good: nothing to cancel.
        self.cancel = None;
        results
    }

    async fn finish_inner<T: 'static>(&self, store: &mut Store<T>) -> Result<R> {
        if store.id() != self.store {
            anyhow::bail!("the call belongs to another store");
        }
        if let Some(v) = take(&self.slot) {
            return Ok(v);
        }
        let Some(id) = self.task else {
            anyhow::bail!("export `{}` gave no result", self.name);
        };
        let slot = self.slot.clone();
        core::future::poll_fn(|context| {
            with_backend!(&mut store.repr, |s, B| {
                let mut cx = B::cx(s);
                let ran =
                    crate::concurrent::poll_until::<B, T>(&mut cx, context.waker(), &|tasks| {
                        filled(&slot)
                            || tasks
                                .task(id)
                                .is_none_or(|t| !matches!(t.returns, Returns::Owned(_)))
                    });
                ran.map(|r| {
                    r.map_err(|e| {
                        host_end::fail_loop::<B, T>(&mut cx, Some(self.instance), e, &self.name)
                    })
                })
            })
        })
        .await?;
        take(&self.slot).ok_or_else(|| {
            Trap::new(format!(
                "export `{}` ended without returning a result (its instance trapped, or it finished without calling `task.return`)",
                self.name
            ))
            .into()
        })
    }
}

impl Func {
    /// Starts a call of the export with `params` and runs it until it
    /// returns or waits; [`Call::finish`] takes its results. Several
    /// started calls run at once: the store's tasks go on whenever any of
    /// them is finished, or a stream or future end is read or written.
    ///
    /// A synchronous export, or one of a component that does not use the
    /// async ABI, runs to its end here.
    pub fn start<T: 'static>(&self, store: &mut Store<T>, params: &[Val]) -> Result<Call> {
        self.check_call(store, params.len(), self.ty().results().len())?;
        let types = self.types.clone();
        let ty = self.ty;
        let lift_types = types.clone();
        start(
            store,
            &self.target(),
            |lcx, args| crate::call::dynamic::func::lower_params(lcx, args, &types, ty, params),
            move |lcx, rets, async_| {
                crate::call::dynamic::func::lift_results(lcx, rets, async_, &lift_types, ty)
            },
        )
    }

    /// Calls the export with `params` and returns its results: a call that
    /// waits (on a stream the host writes, say) lets the store's other
    /// tasks run meanwhile. The same as [`start`](Func::start) then
    /// [`Call::finish`].
    pub async fn call_async<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
    ) -> Result<Vec<Val>> {
        self.start(store, params)?.finish(store).await
    }
}

/// A started call's task, its cancel flag and the store's.
type Started = (u32, Arc<AtomicBool>, Arc<AtomicBool>);

/// Starts a call of `target`: `lower` writes the params, `lift` reads the
/// results (when the call returns now, or later at `task.return`).
pub(crate) fn start<T: 'static, R: Send + 'static>(
    store: &mut Store<T>,
    target: &Target<'_>,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    lift: impl Fn(&LiftCx<'_>, &[ValRaw], bool) -> Result<R> + Clone + Send + 'static,
) -> Result<Call<R>> {
    let slot = Slot::default();
    let started = with_backend!(&mut store.repr, |s, B| {
        let mut cx = B::cx(s);
        enter::<B, T, Option<Started>>(&mut cx, target, |cx, call| {
            start_entered::<B, T, R>(cx, target, call, lower, lift, slot.clone())
        })
    })?;
    Ok(Call {
        store: store.id(),
        instance: target.instance,
        task: started.as_ref().map(|s| s.0),
        name: target.name.into(),
        slot,
        cancel: started.map(|s| (s.1, s.2)),
    })
}

/// [`start`] in the entered instance: returns the task to finish later,
/// or `None` when the results are in `slot` already.
fn start_entered<B: Backend, T: 'static, R: Send + 'static>(
    cx: &mut Cx<'_, B, T>,
    target: &Target<'_>,
    call: &ExportCall<B>,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    lift: impl Fn(&LiftCx<'_>, &[ValRaw], bool) -> Result<R> + Clone + Send + 'static,
    slot: Slot<R>,
) -> core::result::Result<Option<Started>, Failed> {
    let (instance, name) = (target.instance, target.name);
    let data = B::data(cx);
    data.pending = None;
    let state = &data.instances[instance];
    let res = crate::abi::ResCx {
        table: call.table,
        any: target.any,
        instance,
        store: data.id,
    };
    let mut task = task_lift::<B>(
        state,
        &state.exports[target.slot],
        instance,
        call.table,
        name,
    );
    task.detach = true;
    data.hook(CallHook::CallingWasm).before_guest()?;
    if !call.concurrent {
        let v = call_inner::<B, T, R>(cx, target, call, res, lower, None, lift)?;
        *slot
            .lock()
            .map_err(|_| anyhow::anyhow!("a call's result slot is poisoned"))
            .before_guest()? = v;
        B::data(cx)
            .hook(CallHook::ReturningFromWasm)
            .before_guest()?;
        return Ok(None);
    }
    // Calls dropped since the store last ran are cancelled first.
    crate::concurrent::cancel::cancel_dropped::<B, T>(cx).after_guest()?;
    let sink_slot = slot.clone();
    let sink_name: Arc<str> = name.into();
    let sink_lift = lift.clone();
    let post_ty = target.tys.post_return.clone();
    let export_slot = target.slot;
    let (lends, handles) = (target.params_handles, target.results_handles);
    let sink: OwnedSink<B, T> = Box::new(move |cx: &mut Cx<'_, B, T>, vals: &[_], sync| {
        // Engine handles are not `Send`; the sink finds them again.
        let call = *ExportCall::<B>::of(&B::data(cx).instances[instance].exports[export_slot].tys)?;
        if sync && lends {
            crate::call::typed::check_scope_borrows::<B, T>(cx, instance, &sink_name)?;
        }
        // A place of its own: the export's is not `'static`.
        let place = crate::call::place::MemoryPlace::new();
        let v = crate::call::typed::lift_results::<B, T, R>(
            cx, &call, &place, instance, handles, res, &sink_name, vals, !sync, sink_lift,
        );
        host_end::settle::<B, T>(cx, instance)?;
        if let Ok(mut s) = sink_slot.lock() {
            *s = Some(v?);
        }
        match call.post_return {
            Some(pr) if sync => crate::call::typed::run_post_return::<B, T>(
                cx, instance, call.table, pr, &post_ty, vals,
            ),
            _ => Ok(()),
        }
    });
    B::data(cx).instances[instance]
        .handles
        .0
        .borrow_mut()
        .scope_borrows = 0;
    let id = begin_task::<B, T>(cx, &task, Returns::Owned(Box::new(sink))).before_guest()?;
    let ran = call_inner::<B, T, R>(cx, target, call, res, lower, Some(&task), lift);
    let resolved = end_task::<B, T>(cx, id, ran.is_err());
    if let Some(v) = ran?
        && let Ok(mut s) = slot.lock()
    {
        *s = Some(v);
    }
    let live = crate::concurrent::store_tasks::<B, T>(cx)
        .task(id)
        .is_some_and(|t| matches!(t.returns, Returns::Owned(_)));
    if task.async_ && !resolved && !live && !filled(&slot) {
        return Err(Trap::new(format!(
            "async-lifted export failed to produce a result (export `{name}` finished without calling `task.return`)"
        ))
        .into())
        .after_guest();
    }
    B::data(cx)
        .hook(CallHook::ReturningFromWasm)
        .before_guest()?;
    if filled(&slot) {
        return Ok(None);
    }
    let tasks = crate::concurrent::store_tasks::<B, T>(cx);
    let mine = Arc::new(AtomicBool::new(false));
    let any = tasks.any_dropped.clone();
    if let Some(t) = tasks.task(id) {
        t.dropped = Some(mine.clone());
    }
    Ok(Some((id, mine, any)))
}
