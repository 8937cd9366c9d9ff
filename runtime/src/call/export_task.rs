//! An export call of a component that uses the async ABI, run as a task:
//! the synchronous call path hands such calls over here.

use anyhow::anyhow;

use crate::abi::{LiftCx, LowerCx, ResCx};
use crate::call::typed::{Failed, Phase, Target, call_inner, lift_results};
use crate::engine::Backend;
use crate::error::{Result, Trap};
use crate::raw::ValRaw;
use crate::store::instance::{ExportCall, ExportFunc, InstanceState};
use crate::store::{CallHook, Cx};
use crate::types::layout::MAX_FLAT_PARAMS;

/// `call_entered` (in `call::typed`) for a component that uses the async ABI: the call runs
/// as a task.
#[inline(never)]
pub(crate) fn call_task<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    // By value: a pointer would keep the synchronous path's copy in memory.
    target: Target<'_>,
    call: &ExportCall<B>,
    res: ResCx,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    lift: impl FnOnce(&LiftCx<'_>, &[ValRaw], bool) -> Result<R>,
) -> core::result::Result<R, Failed> {
    let (instance, name) = (target.instance, target.name);
    let task = {
        let state = &B::data(cx).instances[instance];
        task_lift::<B>(
            state,
            &state.exports[target.slot],
            instance,
            call.table,
            name,
        )
    };
    // Calls the host dropped since the store last ran are cancelled first.
    crate::concurrent::cancel::cancel_dropped::<B, T>(cx).after_guest()?;
    let data = B::data(cx);
    data.hook(CallHook::CallingWasm).before_guest()?;
    data.instances[instance]
        .handles
        .0
        .borrow_mut()
        .scope_borrows = 0;
    // A component that uses the async ABI runs every call as a task, from
    // before its params are lowered (a `realloc` runs in it) to its exit;
    // an async one delivers its result through `task.return`, lifted then.
    let lift = core::cell::RefCell::new(Some(lift));
    let value = core::cell::RefCell::new(None);
    let mut sink = |cx: &mut Cx<'_, B, T>, vals: &[ValRaw]| -> Result<()> {
        let lift = lift
            .borrow_mut()
            .take()
            .ok_or_else(|| anyhow!("export `{name}` delivered its result twice"))?;
        let handles = target.results_handles;
        let place = &target.tys.place;
        let v = lift_results::<B, T, R>(
            cx, call, place, instance, handles, res, name, vals, true, lift,
        );
        // Stream and future ends and error contexts the result carries
        // become the host's now, before the task goes on.
        crate::concurrent::host_end::settle::<B, T>(cx, instance)?;
        *value.borrow_mut() = Some(v?);
        Ok(())
    };
    let mut sink_ref: &mut crate::concurrent::Sink<'_, B, T> = &mut sink;
    let returns = crate::store::tasks::Returns::Host(Some(crate::store::tasks::SinkPtr(
        core::ptr::NonNull::from(&mut sink_ref).cast(),
    )));
    let id = crate::concurrent::begin_task::<B, T>(cx, &task, returns).before_guest()?;
    let ran = call_inner::<B, T, R>(
        cx,
        &target,
        call,
        res,
        lower,
        Some(&task),
        |lcx, vals, async_| match lift.borrow_mut().take() {
            Some(lift) => lift(lcx, vals, async_),
            None => Err(anyhow!("export `{name}` delivered its result twice")),
        },
    );
    let resolved = crate::concurrent::end_task::<B, T>(cx, id, ran.is_err());
    let sync_value = ran?;
    if task.async_ && !resolved {
        return Err(Trap::new(format!(
            "async-lifted export failed to produce a result (export `{name}` finished without calling `task.return`)"
        ))
        .into())
        .after_guest();
    }
    let value = match (value.into_inner(), sync_value) {
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => {
            return Err(anyhow!("export `{name}` gave no result")).after_guest();
        }
    };
    B::data(cx)
        .hook(CallHook::ReturningFromWasm)
        .before_guest()?;
    Ok(value)
}

/// What the task of a call of `export` runs; `table` is its options'
/// runtime component instance.
#[cold]
pub(crate) fn task_lift<'a, B: Backend>(
    state: &InstanceState<B>,
    export: &ExportFunc,
    instance: usize,
    table: usize,
    name: &'a str,
) -> crate::concurrent::Lift<'a, B> {
    let component = &state.component;
    let lift_opts = &component.info.options[export.options];
    crate::concurrent::Lift {
        instance,
        table,
        options: export.options,
        results: component.types[export.ty].results,
        async_: lift_opts.async_,
        may_block: component.types[export.ty].async_,
        callback: lift_opts
            .callback
            .and_then(|c| state.callbacks.get(c.as_u32() as usize).copied().flatten()),
        name,
        detach: false,
    }
}
