//! Typed export calls: `Instance::get_typed_func` and `TypedFunc::call`.

use core::marker::PhantomData;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use wasmtime_environ::component::{Export, NameMapNoIntern, TypeFuncIndex};

use crate::abi::{
    ComponentTuple, FlatDst, FlatSrc, LiftCx, Lower, LowerCx, ResCx, ResourceScope, memory,
};
use crate::call::guest::{GuestAccess, memory_at};
use crate::call::place::MemoryPlace;
use crate::call::start::Call;
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::load::component::core_func_type;
use crate::raw::{CoreFuncType, ValRaw};
use crate::store::Cx;
use crate::store::instance::{ExportCall, ExportFunc, ExportTys, Instance, InstanceState};
use crate::store::{CallHook, Store, with_backend};
use crate::types::layout::{MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, flat_count_all};
use crate::types::typecheck;
use crate::types::typecheck::Tc;

/// An export of an instance, with its Rust parameter and result types
/// checked against the component's once, at lookup.
///
/// `P` and `R` are tuples: `TypedFunc<(&str, u32), (String,)>`.
pub struct TypedFunc<P, R> {
    store_id: u64,
    instance: usize,
    slot: usize,
    any: crate::types::typecheck::AnyResource,
    name: Arc<str>,
    tys: Arc<ExportTys>,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        TypedFunc {
            store_id: self.store_id,
            instance: self.instance,
            slot: self.slot,
            any: self.any,
            name: self.name.clone(),
            tys: self.tys.clone(),
            _marker: PhantomData,
        }
    }
}

impl<P, R> core::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TypedFunc")
            .field("name", &self.name)
            .finish()
    }
}

impl Instance {
    /// Looks up export `name` (`func`, or `iface#func` for a function of an
    /// exported interface) and checks its type against `P` and `R`.
    ///
    /// A mismatch names the first place the types differ (`parameter 0
    /// (`p`), field `y``). A helper generic over the types bounds them by
    /// [`FuncParams`](crate::FuncParams) and
    /// [`FuncResults`](crate::FuncResults).
    pub fn get_typed_func<P, R>(
        &self,
        store: &mut Store<impl Sized + 'static>,
        name: &str,
    ) -> Result<TypedFunc<P, R>>
    where
        P: crate::FuncParams,
        R: crate::FuncResults,
    {
        if store.id() != self.store_id {
            bail!("the instance belongs to another store");
        }
        let (slot, _, any, tys) = with_backend!(&mut store.repr, |s, B| {
            let mut cx = B::cx(s);
            lookup::<B, _>(&mut cx, self.index, name, Some((P::FIELDS, R::FIELDS)))?
        });
        Ok(TypedFunc {
            store_id: self.store_id,
            instance: self.index,
            slot,
            any,
            name: name.into(),
            tys,
            _marker: PhantomData,
        })
    }
}

/// Finds export `name`, typechecks it against `check` when given, and
/// returns its slot in the instance, its function type, the resource a
/// `ResourceAny` in it stands for, and its core types.
pub(crate) fn lookup<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    index: usize,
    name: &str,
    check: Option<(&[&crate::types::Ty], &[&crate::types::Ty])>,
) -> Result<(
    usize,
    TypeFuncIndex,
    crate::types::typecheck::AnyResource,
    Arc<ExportTys>,
)> {
    let component = B::data(cx).instances[index].component.clone();
    let info = &component.info;
    let mut exports = &info.exports;
    let mut rest = name;
    let (export, item) = loop {
        let (head, tail) = match rest.split_once('#') {
            Some((h, t)) => (h, Some(t)),
            None => (rest, None),
        };
        let Some((idx, _)) = exports.get(head, &NameMapNoIntern) else {
            let known: Vec<String> = exports
                .raw_iter()
                .map(|(k, _)| format!("`{}`", &**k))
                .collect();
            bail!(
                "the component has no export `{name}`; it exports {}",
                if known.is_empty() {
                    "nothing".to_string()
                } else {
                    known.join(", ")
                }
            );
        };
        match (&info.export_items[*idx], tail) {
            (Export::Instance { exports: inner, .. }, Some(t)) => {
                exports = inner;
                rest = t;
            }
            (item, None) => break (*idx, item),
            (_, Some(_)) => bail!("export `{head}` of `{name}` is not an instance"),
        }
    };
    let Export::LiftedFunction { ty, options, func } = item else {
        bail!("export `{name}` is not a function");
    };
    let host_keys = B::data(cx).instances[index].host_keys.clone();
    let tc = Tc::new(&component.types, &host_keys, &component.resource_names);
    if let Some((params, results)) = check {
        typecheck::export_func(name, params, results, *ty, &tc).map_err(|e| anyhow!(e))?;
    }
    let any = tc.any.get();
    // Looking the same export up again reuses its resolved slot.
    if let Some(slot) = B::data(cx).instances[index]
        .exports
        .iter()
        .position(|e| e.export == export)
    {
        let tys = B::data(cx).instances[index].exports[slot].tys.clone();
        return Ok((slot, *ty, any, tys));
    }
    let core_ty = core_func_type(&component.types, info.options[*options].core_type)?;
    let func = crate::store::instance::lifted_func::<B, T>(cx, index, &component, func)
        .ok_or_else(|| anyhow!("export `{name}` is not a core function"))?;
    let post_return_ty = CoreFuncType {
        params: core_ty.results.clone(),
        results: Vec::new(),
    };
    // Calls trust these types; check them once, here.
    if !B::func_matches(cx, func, &core_ty) {
        bail!("export `{name}` does not have the core type {core_ty:?}");
    }
    let opts = B::data(cx).instances[index]
        .options(options.as_u32())
        .ok_or_else(|| anyhow!("export `{name}` has no canonical options"))?;
    let post_return = opts.post_return;
    if let Some(pr) = post_return
        && !B::func_matches(cx, pr, &post_return_ty)
    {
        bail!("the post-return of export `{name}` does not have the core type {post_return_ty:?}");
    }
    let func = B::prepare_export(cx, func, &core_ty);
    let post_return = post_return.map(|pr| B::prepare_export(cx, pr, &post_return_ty));
    let state = &mut B::data(cx).instances[index];
    let call = ExportCall::<B> {
        func,
        post_return,
        memory: opts.memory,
        realloc: opts.realloc,
        encoding: opts.encoding,
        table: opts.table,
        concurrent: state.component.concurrent,
    };
    let tys = Arc::new(ExportTys {
        core: core_ty,
        post_return: post_return_ty,
        place: MemoryPlace::new(),
        call: B::per_engine(call),
    });
    state.exports.push(ExportFunc {
        export,
        tys: tys.clone(),
        options: *options,
        ty: *ty,
    });
    Ok((state.exports.len() - 1, *ty, any, tys))
}

impl<P, R> TypedFunc<P, R>
where
    P: crate::FuncParams,
    R: crate::FuncResults,
{
    /// Calls the export: lowers `params`, runs it, lifts its results and
    /// runs its `post-return`.
    pub fn call<T: 'static>(&self, store: &mut Store<T>, params: P) -> Result<R> {
        self.call_with(store, params)
    }

    /// [`TypedFunc::call`] with params of another Rust type `Q` whose
    /// component types are `P`'s, which is checked while compiling: the
    /// bindings of `bindgen!` keep `TypedFunc<(String,), _>` and call it
    /// with `(&str,)`.
    #[doc(hidden)]
    pub fn call_as<Q, T>(&self, store: &mut Store<T>, params: Q) -> Result<R>
    where
        Q: ComponentTuple + Lower,
        T: 'static,
    {
        const {
            assert!(
                crate::types::compare::all_match(Q::FIELDS, P::FIELDS),
                "`call_as` params must have the component types of the function's"
            )
        };
        self.call_with(store, params)
    }

    fn call_with<Q, T>(&self, store: &mut Store<T>, params: Q) -> Result<R>
    where
        Q: ComponentTuple + Lower,
        T: 'static,
    {
        let target = self.target();
        with_backend!(&mut store.repr, |s, B| {
            // Checked here, not through `Store::id`, to match on the engine once.
            if B::store_data(s).id != self.store_id {
                bail!("the function belongs to another store");
            }
            let mut cx = B::cx(s);
            // The closures are inlined where the synchronous path calls
            // them (the async path calls them too, which would otherwise
            // leave them out of line).
            call_export::<B, T, R>(
                &mut cx,
                &target,
                #[inline(always)]
                |lcx, args| lower_typed(params, lcx, args),
                #[inline(always)]
                |lcx, rets, async_| lift_typed::<R>(lcx, rets, async_),
            )
        })
    }

    fn target(&self) -> Target<'_> {
        Target {
            instance: self.instance,
            slot: self.slot,
            tys: &self.tys,
            name: &self.name,
            any: self.any,
            params_handles: const { crate::types::any_handles(P::FIELDS) },
            results_handles: const { crate::types::any_handles(R::FIELDS) },
        }
    }

    /// Starts a call of the export and runs it until it returns or waits,
    /// as [`Func::start`](crate::Func::start) does; the [`Call`] it returns
    /// finishes with the typed results.
    pub fn start<T: 'static>(&self, store: &mut Store<T>, params: P) -> Result<Call<R>>
    where
        R: Send + 'static,
    {
        self.start_as(store, params)
    }

    /// [`TypedFunc::start`] with params of another Rust type `Q` whose
    /// component types are `P`'s, as [`call_as`](TypedFunc::call_as).
    #[doc(hidden)]
    pub fn start_as<Q, T>(&self, store: &mut Store<T>, params: Q) -> Result<Call<R>>
    where
        Q: ComponentTuple + Lower,
        T: 'static,
        R: Send + 'static,
    {
        const {
            assert!(
                crate::types::compare::all_match(Q::FIELDS, P::FIELDS),
                "`start_as` params must have the component types of the function's"
            )
        };
        if store.id() != self.store_id {
            bail!("the function belongs to another store");
        }
        crate::call::start::start(
            store,
            &self.target(),
            |lcx, args| lower_typed(params, lcx, args),
            |lcx, rets, async_| lift_typed::<R>(lcx, rets, async_),
        )
    }

    /// Calls the export and returns its results; a call that waits (on a
    /// host function's future, or a stream the host writes) lets the
    /// store's other tasks run meanwhile. The same as
    /// [`start`](TypedFunc::start) then [`Call::finish`].
    pub async fn call_async<T: 'static>(&self, store: &mut Store<T>, params: P) -> Result<R>
    where
        R: Send + 'static,
    {
        self.start(store, params)?.finish(store).await
    }
}

/// Lowers typed `params` into `args` (or into memory the guest allocates,
/// when they do not fit).
#[inline(always)]
fn lower_typed<Q: ComponentTuple + Lower>(
    params: Q,
    lcx: &mut LowerCx<'_>,
    args: &mut [ValRaw; MAX_FLAT_PARAMS],
) -> Result<()> {
    if const { flat_count_all(Q::FIELDS) <= MAX_FLAT_PARAMS } {
        params.lower_flat(lcx, &mut FlatDst::new(args))
    } else {
        let ptr = lcx.alloc("params", Q::SIZE, Q::ALIGN)?;
        params.store(lcx, ptr as usize)?;
        args[0] = ValRaw::i32(ptr as i32);
        Ok(())
    }
}

/// Lifts typed results from an export's flat results, or for an `async_`
/// export from the flat values its `task.return` took.
#[inline(always)]
fn lift_typed<R: crate::FuncResults>(lcx: &LiftCx<'_>, rets: &[ValRaw], async_: bool) -> Result<R> {
    // An async export's results are `task.return`'s params.
    let flat = if async_ {
        const { flat_count_all(R::FIELDS) <= MAX_FLAT_PARAMS }
    } else {
        const { flat_count_all(R::FIELDS) <= MAX_FLAT_RESULTS }
    };
    if flat {
        R::lift_flat(lcx, &mut FlatSrc::new(rets))
    } else {
        let ptr = rets.first().map_or(0, |v| v.get_u32());
        let range = memory::check_array(
            &lcx.site,
            "return",
            lcx.memory.len(),
            ptr,
            1,
            R::SIZE,
            R::ALIGN,
        )?;
        R::load(lcx, range.start)
    }
}

/// The export a call goes to, as its `TypedFunc` or `Func` knows it.
#[derive(Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) instance: usize,
    /// The export's slot in the instance's resolved exports.
    pub(crate) slot: usize,
    pub(crate) tys: &'a ExportTys,
    pub(crate) name: &'a str,
    /// The resource a static `ResourceAny` in the signature stands for.
    pub(crate) any: crate::types::typecheck::AnyResource,
    /// The params may carry handles: lending borrows the call must see
    /// returned. A call whose params carry none lends nothing.
    pub(crate) params_handles: bool,
    /// The results may carry handles, and lifting them needs the tables.
    pub(crate) results_handles: bool,
}

/// Calls export `slot` of instance `instance`, refusing re-entry: `lower`
/// writes the flat args (or spills them), `lift` reads the results from the
/// flat return values, then `post-return` runs.
pub(crate) fn call_export<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    target: &Target<'_>,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    lift: impl FnOnce(&LiftCx<'_>, &[ValRaw], bool) -> Result<R>,
) -> Result<R> {
    enter::<B, T, R>(cx, target, |cx, call| {
        call_entered::<B, T, R>(cx, target, call, lower, lift)
    })
}

/// Runs `body` with the target's instance entered, refusing re-entry and
/// an instance a trap left unusable; a failure after guest code ran makes
/// it unusable. `body` gets what the call reads from the instance's state,
/// copied out in the same lookup.
#[inline(always)]
pub(crate) fn enter<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    target: &Target<'_>,
    body: impl FnOnce(&mut Cx<'_, B, T>, &ExportCall<B>) -> core::result::Result<R, Failed>,
) -> Result<R> {
    let (instance, name) = (target.instance, target.name);
    let state = &mut B::data(cx).instances[instance];
    if state.poisoned.is_some() || state.entered {
        return Err(refuse_entry(state, name));
    }
    let call = ExportCall::<B>::of(target.tys)?;
    state.entered = true;
    if target.params_handles {
        // Borrows lent for this call are counted from here.
        state.handles.0.borrow_mut().scope_borrows = 0;
    }
    let result = body(cx, call);
    let state = &mut B::data(cx).instances[instance];
    state.entered = false;
    result.map_err(|Failed { error, poison }| {
        if poison {
            poison_instance(state, name, &error);
        }
        error
    })
}

/// Why export `name` may not enter `state`: a trap poisoned it, or a call
/// into it is running.
#[cold]
fn refuse_entry<B: Backend>(state: &InstanceState<B>, name: &str) -> crate::Error {
    if let Some(trapped) = &state.poisoned {
        let why = state.poison_reason.as_deref().unwrap_or("a trap");
        return Trap::new(format!(
            "cannot enter component instance: export `{trapped}` trapped in it earlier ({why}), and a trap leaves an instance unusable; `{name}` was not called"
        ))
        .into();
    }
    Trap::new(format!(
        "cannot enter component instance: export `{name}` called while a call into it is running"
    ))
    .into()
}

/// Marks `state` unusable after `error` in `name`.
#[cold]
pub(crate) fn poison_instance<B: Backend>(
    state: &mut InstanceState<B>,
    name: &str,
    error: &crate::error::Error,
) {
    state.poisoned = Some(name.into());
    // The trap's own words, short: why the instance is unusable.
    let text = format!("{error:#}");
    let line = text.lines().next().unwrap_or("");
    let short: String = line.chars().take(200).collect();
    state.poison_reason = Some(short.into());
}

/// An export call that failed; `poison` once guest code has run, since
/// the guest may have been left halfway through a change of its state.
pub(crate) struct Failed {
    pub(crate) error: crate::error::Error,
    pub(crate) poison: bool,
}

/// `?` for the phases of an export call, marking whether they poison.
pub(crate) trait Phase<V> {
    fn before_guest(self) -> core::result::Result<V, Failed>;
    fn after_guest(self) -> core::result::Result<V, Failed>;
}

impl<V> Phase<V> for Result<V> {
    fn before_guest(self) -> core::result::Result<V, Failed> {
        self.map_err(|error| Failed {
            error,
            poison: false,
        })
    }
    fn after_guest(self) -> core::result::Result<V, Failed> {
        self.map_err(|error| Failed {
            error,
            poison: true,
        })
    }
}

/// Lifts an export's results from `vals`: its flat core results, or for
/// an async export the flat values its `task.return` took.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn lift_results<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    call: &ExportCall<B>,
    // Where the options' memory was last found.
    place: &MemoryPlace,
    instance: usize,
    // Whether the results may carry handles, so that lifting needs the
    // instance's handle tables.
    handles: bool,
    res: ResCx,
    name: &str,
    vals: &[ValRaw],
    async_: bool,
    lift: impl FnOnce(&LiftCx<'_>, &[ValRaw], bool) -> Result<R>,
) -> Result<R> {
    let mem: &[u8] = match call.memory.and_then(|m| memory_at::<B, T>(cx, place, m)) {
        // SAFETY: `memory_at` returns the memory's bytes as they are now;
        // `cx` borrows the store exclusively and the data borrowed below
        // is the store's, disjoint from guest memory.
        Some((ptr, len)) => unsafe { core::slice::from_raw_parts(ptr.as_ptr(), len) },
        None => &[],
    };
    let data = B::data(cx);
    let site = Site {
        func: name,
        place: Place::Result,
    };
    let scope = match handles {
        true => ResourceScope {
            tables: data.instances.get(instance).map(|s| &s.handles),
            res,
        },
        false => ResourceScope::default(),
    };
    lift(
        &LiftCx::new_in(mem, site, call.encoding, scope),
        vals,
        async_,
    )
}

fn call_entered<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    target: &Target<'_>,
    call: &ExportCall<B>,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    lift: impl FnOnce(&LiftCx<'_>, &[ValRaw], bool) -> Result<R>,
) -> core::result::Result<R, Failed> {
    let data = B::data(cx);
    data.pending = None;
    let res = ResCx {
        table: call.table,
        any: target.any,
        instance: target.instance,
        store: data.id,
    };
    if call.concurrent {
        return crate::call::export_task::call_task::<B, T, R>(cx, *target, call, res, lower, lift);
    }
    data.hook(CallHook::CallingWasm).before_guest()?;
    let value = call_inner::<B, T, R>(cx, target, call, res, lower, None, lift)?
        .ok_or_else(|| anyhow!("export `{}` gave no result", target.name))
        .after_guest()?;
    // The guest's part is done; a hook refusing to return leaves it sound.
    B::data(cx)
        .hook(CallHook::ReturningFromWasm)
        .before_guest()?;
    Ok(value)
}

/// Lowers the params, calls the core function (as task `task` when the
/// component uses the async ABI), checks the borrows, then lifts the
/// results and runs `post-return`. An async task's results go to its sink
/// instead, and this returns `None`.
#[inline(always)]
pub(crate) fn call_inner<B: Backend, T: 'static, R>(
    cx: &mut Cx<'_, B, T>,
    target: &Target<'_>,
    call: &ExportCall<B>,
    res: ResCx,
    lower: impl FnOnce(&mut LowerCx<'_>, &mut [ValRaw; MAX_FLAT_PARAMS]) -> Result<()>,
    task: Option<&crate::concurrent::Lift<'_, B>>,
    lift: impl FnOnce(&LiftCx<'_>, &[ValRaw], bool) -> Result<R>,
) -> core::result::Result<Option<R>, Failed> {
    let Target {
        instance,
        tys,
        name,
        ..
    } = *target;
    let (func, post_return) = (call.func, call.post_return);
    let (core_ty, post_ty) = (&tys.core, &tys.post_return);
    let mut args = [ValRaw::ZERO; MAX_FLAT_PARAMS];
    {
        let mut access = GuestAccess::<B, T>::export(B::reborrow(cx), instance, call, &tys.place);
        let site = Site {
            func: name,
            place: Place::Params,
        };
        // Params that carry no handles need no resource context: a
        // constant, written in place rather than copied.
        let lower_res = if target.params_handles {
            res
        } else {
            ResCx::default()
        };
        let mut lcx = LowerCx::new_in(&mut access, site, call.encoding, lower_res, None);
        let lowered = lower(&mut lcx, &mut args);
        // Lowering runs guest code only through `realloc`.
        let ran = lcx.guest_ran();
        drop(access);
        // Stream and future ends and error contexts the params carry
        // become the guest's.
        let settled = match task {
            Some(_) => crate::concurrent::host_end::settle::<B, T>(cx, instance),
            None => Ok(()),
        };
        lowered
            .and(settled)
            .map_err(|error| Failed { error, poison: ran })?;
    }

    let mut rets = [ValRaw::ZERO; 1];
    let (Some(args), Some(rets)) = (
        args.get(..core_ty.params.len()),
        rets.get_mut(..core_ty.results.len()),
    ) else {
        return Err(anyhow!(
            "export `{name}` has a core type hostbind cannot call: {core_ty:?}"
        ))
        .before_guest();
    };
    let finished = match task {
        Some(task) => crate::concurrent::run_task::<B, T>(cx, task, func, core_ty, args, rets),
        None => B::call_export(cx, func, core_ty, args, rets).map(|()| true),
    }
    .after_guest()?;
    if !finished {
        // A synchronous export that suspended: its results, its borrow
        // check and its post-return come when it returns (the host's sink).
        return Ok(None);
    }
    if target.params_handles {
        check_scope_borrows::<B, T>(cx, instance, name).after_guest()?;
    }
    if task.is_some_and(|t| t.async_) {
        // Lifted at `task.return` already, or never (the caller traps);
        // an async lift has no post-return.
        return Ok(None);
    }
    let handles = target.results_handles;
    let place = &tys.place;
    let value = lift_results::<B, T, R>(
        cx, call, place, instance, handles, res, name, rets, false, lift,
    );
    if task.is_some() {
        crate::concurrent::host_end::settle::<B, T>(cx, instance).after_guest()?;
    }
    let value = value.after_guest()?;

    if let Some(post_return) = post_return {
        run_post_return::<B, T>(cx, instance, call.table, post_return, post_ty, rets)
            .after_guest()?;
    }
    Ok(Some(value))
}

/// The spec's scope-exit check: every borrow the call of export `name`
/// lent is returned.
pub(crate) fn check_scope_borrows<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    name: &str,
) -> Result<()> {
    let left = B::data(cx).instances[instance]
        .handles
        .0
        .borrow()
        .scope_borrows;
    if left > 0 {
        return Err(Trap::new(format!(
            "export `{name}` returned while the guest still holds {left} borrow handle(s) it was lent for the call; borrows must be dropped before returning"
        ))
        .into());
    }
    Ok(())
}

/// Runs an export's `post-return` with its core results `rets`; the guest
/// may not call out while it cleans up.
pub(crate) fn run_post_return<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
    post_return: B::Export,
    post_ty: &CoreFuncType,
    rets: &[ValRaw],
) -> Result<()> {
    crate::store::instance::set_may_leave::<B, T>(cx, instance, table, false);
    let r = B::call_export(cx, post_return, post_ty, rets, &mut []);
    crate::store::instance::set_may_leave::<B, T>(cx, instance, table, true);
    r
}
