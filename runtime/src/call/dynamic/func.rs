//! Dynamic host functions (the glue behind `func_new`) and dynamic export
//! calls ([`Func`]).

use core::ffi::c_void;
use core::mem::MaybeUninit;
use std::sync::Arc;

use anyhow::bail;
use wasmtime_environ::component::{ComponentTypes, InterfaceType, TypeFuncIndex};

use super::{FuncType, Val, lift, lower};
use crate::abi::{FlatDst, FlatSrc, Guest, LiftCx, LowerCx, memory};
use crate::call::caller::Caller;
use crate::call::glue::{Body, HostCx, guard};
use crate::call::host::Dynamic;
use crate::call::typed::{Target, call_export, lookup};
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::raw::ValRaw;
use crate::store::instance::{ExportTys, Instance};
use crate::store::{Store, with_backend};
use crate::types::layout::{MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, align_to};

/// The closure of a dynamic host function: the store's data and the
/// caller's memory, the function's type, the params, and the results to fill.
pub type DynamicFn<T> =
    dyn Fn(Caller<'_, T>, &FuncType, &[Val], &mut [Val]) -> Result<()> + Send + Sync;

/// Whether values of `tys` travel flat, given the limit `max`.
fn flat(types: &ComponentTypes, tuple: InterfaceType, max: usize) -> bool {
    types
        .canonical_abi(&tuple)
        .flat_count
        .is_some_and(|n| usize::from(n) <= max)
}

/// The offset of each of `tys` laid out as a tuple.
fn offsets(types: &ComponentTypes, tys: &[InterfaceType]) -> Vec<usize> {
    let mut at = 0;
    tys.iter()
        .map(|t| {
            let abi = types.canonical_abi(t);
            let offset = align_to(at, abi.align32);
            at = offset + abi.size32;
            offset as usize
        })
        .collect()
}

/// The entrypoint of every dynamic host function; `data` is its [`Dynamic`].
///
/// # Safety
///
/// As for any [`Entrypoint`](crate::Entrypoint), and `data` points to a live
/// `Dynamic<T>` (the binding that passes it holds it in an `Arc`).
pub(crate) unsafe extern "C" fn entry<T: 'static>(
    cx: *mut c_void,
    data: *mut c_void,
    storage: *mut MaybeUninit<ValRaw>,
    storage_len: usize,
) -> crate::call::host::EntryReturn {
    // SAFETY: the caller passes a live `Dynamic<T>`, kept alive by the binding.
    let d = unsafe { &*data.cast::<Dynamic<T>>() };
    // SAFETY: the caller's contract is `guard`'s.
    unsafe {
        let mut body = |cx: &mut HostCx<'_, T>, storage: &mut [ValRaw]| {
            let ty = TypeFuncIndex::from_u32(cx.site().func_ty);
            call(cx, d, ty, storage)
        };
        guard::<T>(
            cx,
            storage,
            storage_len,
            &d.name,
            None,
            Body::new(&mut body),
        )
    }
}

fn call<T>(
    cx: &mut HostCx<'_, T>,
    d: &Dynamic<T>,
    ty: TypeFuncIndex,
    storage: &mut [ValRaw],
) -> Result<()> {
    let name = d.name.as_str();
    let call_site = cx.site();
    let types = call_site
        .types
        .as_ref()
        .ok_or_else(|| Trap::new(format!("dynamic host function `{name}` has no types")))?;
    let f = &types[ty];
    let ft = FuncType::new(ty, types);
    let result_tys = &types[f.results].types;
    let encoding = call_site.encoding;
    let results_flat = flat(types, InterfaceType::Tuple(f.results), MAX_FLAT_RESULTS);

    let mut results = vec![Val::Bool(false); result_tys.len()];
    let retptr = {
        let mut src = FlatSrc::new(storage);
        let (data, mem, scope) = cx.parts_for(true);
        let mut lcx = LiftCx::new_in(
            mem,
            Site {
                func: name,
                place: Place::Params,
            },
            encoding,
            scope,
        );
        let params = lift_params(&mut lcx, &mut src, types, ty)?;
        let retptr = (!results_flat).then(|| src.next_val().get_u32());
        (d.func)(
            Caller::new(data, mem).with_scope(scope),
            &ft,
            &params,
            &mut results,
        )
        .map_err(|e| e.context(format!("host function `{name}` returned an error")))?;
        retptr
    };

    let site = Site {
        func: name,
        place: Place::Result,
    };
    let res = cx.site().res;
    let mut lcx = LowerCx::new_in(cx as &mut dyn Guest, site, encoding, res, None);
    lower_results(&mut lcx, storage, retptr, types, ty, &results)
}

/// Lifts the params of a host function of type `ty` from its flat core
/// params in `src` (or from the memory their pointer there names).
pub(crate) fn lift_params<'a>(
    lcx: &mut LiftCx<'a>,
    src: &mut FlatSrc<'_>,
    types: &'a ComponentTypes,
    ty: TypeFuncIndex,
) -> Result<Vec<Val>> {
    let f = &types[ty];
    let param_tys = &types[f.params].types;
    let mut params = Vec::with_capacity(param_tys.len());
    if flat(types, InterfaceType::Tuple(f.params), MAX_FLAT_PARAMS) {
        for (t, n) in param_tys.iter().zip(&f.param_names) {
            lcx.site.place = Place::Param(n);
            params.push(lift::lift_flat(lcx, src, t, types)?);
        }
        return Ok(params);
    }
    let abi = types.canonical_abi(&InterfaceType::Tuple(f.params));
    let ptr = src.next_val().get_u32();
    let base = memory::check_array(
        &lcx.site,
        "params",
        lcx.memory.len(),
        ptr,
        1,
        abi.size32,
        abi.align32,
    )?
    .start;
    for ((t, n), at) in param_tys
        .iter()
        .zip(&f.param_names)
        .zip(offsets(types, param_tys))
    {
        lcx.site.place = Place::Param(n);
        params.push(lift::load(lcx, base + at, t, types)?);
    }
    Ok(params)
}

/// Lowers `results` of a host function of type `ty`: flat into `storage`,
/// or into memory at `retptr` when the caller passed one.
pub(crate) fn lower_results(
    lcx: &mut LowerCx<'_>,
    storage: &mut [ValRaw],
    retptr: Option<u32>,
    types: &ComponentTypes,
    ty: TypeFuncIndex,
    results: &[Val],
) -> Result<()> {
    let f = &types[ty];
    let result_tys = &types[f.results].types;
    if results.len() != result_tys.len() {
        return Err(lcx.site.trap(format_args!(
            "the host function gave {} results where its type has {}",
            results.len(),
            result_tys.len()
        )));
    }
    match retptr {
        None => {
            let mut dst = FlatDst::new(storage);
            for (t, v) in result_tys.iter().zip(results) {
                lower::lower_flat(lcx, &mut dst, t, types, v)?;
            }
        }
        Some(ptr) => store_results(lcx, ptr, types, ty, results)?,
    }
    Ok(())
}

/// Stores `results` of function type `ty` as a tuple at `ptr` in the
/// caller's memory.
pub(crate) fn store_results(
    lcx: &mut LowerCx<'_>,
    ptr: u32,
    types: &ComponentTypes,
    ty: TypeFuncIndex,
    results: &[Val],
) -> Result<()> {
    let f = &types[ty];
    let result_tys = &types[f.results].types;
    let abi = types.canonical_abi(&InterfaceType::Tuple(f.results));
    let base = lower::check_area(lcx, ptr, abi.size32, abi.align32)?;
    for ((t, v), at) in result_tys
        .iter()
        .zip(results)
        .zip(offsets(types, result_tys))
    {
        lower::store(lcx, base + at, t, types, v)?;
    }
    Ok(())
}

/// Lowers `params` as the params of function type `ty` into `args` (or
/// into memory the guest allocates, when they do not fit).
pub(crate) fn lower_params(
    lcx: &mut LowerCx<'_>,
    args: &mut [ValRaw; MAX_FLAT_PARAMS],
    types: &ComponentTypes,
    ty: TypeFuncIndex,
    params: &[Val],
) -> Result<()> {
    let f = &types[ty];
    let param_tys = &types[f.params].types;
    if flat(types, InterfaceType::Tuple(f.params), MAX_FLAT_PARAMS) {
        let mut dst = FlatDst::new(args);
        for (t, v) in param_tys.iter().zip(params) {
            lower::lower_flat(lcx, &mut dst, t, types, v)?;
        }
    } else {
        let abi = types.canonical_abi(&InterfaceType::Tuple(f.params));
        let ptr = lcx.alloc("params", abi.size32, abi.align32)?;
        for ((t, v), at) in param_tys.iter().zip(params).zip(offsets(types, param_tys)) {
            lower::store(lcx, ptr as usize + at, t, types, v)?;
        }
        args[0] = ValRaw::i32(ptr as i32);
    }
    Ok(())
}

/// Lifts the results of function type `ty` from its flat core results (or
/// the flat values `task.return` took, for an `async_` lift).
pub(crate) fn lift_results(
    lcx: &LiftCx<'_>,
    rets: &[ValRaw],
    async_: bool,
    types: &ComponentTypes,
    ty: TypeFuncIndex,
) -> Result<Vec<Val>> {
    let f = &types[ty];
    let result_tys = &types[f.results].types;
    // An async export's results are `task.return`'s params.
    let max = if async_ {
        MAX_FLAT_PARAMS
    } else {
        MAX_FLAT_RESULTS
    };
    if flat(types, InterfaceType::Tuple(f.results), max) {
        let mut src = FlatSrc::new(rets);
        return result_tys
            .iter()
            .map(|t| lift::lift_flat(lcx, &mut src, t, types))
            .collect();
    }
    let abi = types.canonical_abi(&InterfaceType::Tuple(f.results));
    let ptr = rets.first().map_or(0, |v| v.get_u32());
    let base = memory::check_array(
        &lcx.site,
        "return",
        lcx.memory.len(),
        ptr,
        1,
        abi.size32,
        abi.align32,
    )?
    .start;
    result_tys
        .iter()
        .zip(offsets(types, result_tys))
        .map(|(t, at)| lift::load(lcx, base + at, t, types))
        .collect()
}

/// An export of an instance, called with [`Val`]s and typechecked at each
/// call; see [`Instance::get_func`].
#[derive(Clone)]
pub struct Func {
    pub(crate) store_id: u64,
    pub(crate) instance: usize,
    pub(crate) slot: usize,
    pub(crate) ty: TypeFuncIndex,
    pub(crate) types: Arc<ComponentTypes>,
    pub(crate) name: Arc<str>,
    pub(crate) tys: Arc<ExportTys>,
}

impl core::fmt::Debug for Func {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Func({}: {})", self.name, self.ty())
    }
}

impl Instance {
    /// Looks up export `name` (`func` or `iface#func`) for calls with [`Val`]s.
    pub fn get_func(&self, store: &mut Store<impl Sized + 'static>, name: &str) -> Result<Func> {
        if store.id() != self.store_id {
            bail!("the instance belongs to another store");
        }
        let (slot, ty, types, tys) = with_backend!(&mut store.repr, |s, B| {
            let mut cx = B::cx(s);
            let (slot, ty, _, tys) = lookup::<B, _>(&mut cx, self.index, name, None)?;
            let types = B::data(&mut cx).instances[self.index]
                .component
                .types
                .clone();
            (slot, ty, types, tys)
        });
        Ok(Func {
            store_id: self.store_id,
            instance: self.index,
            slot,
            ty,
            types,
            name: name.into(),
            tys,
        })
    }
}

impl Func {
    /// Checks that a call with `params` params and `results` result slots
    /// fits the export, in `store`.
    pub(crate) fn check_call<T: 'static>(
        &self,
        store: &Store<T>,
        params: usize,
        results: usize,
    ) -> Result<()> {
        if store.id() != self.store_id {
            bail!("the function belongs to another store");
        }
        let f = &self.types[self.ty];
        let (np, nr) = (
            self.types[f.params].types.len(),
            self.types[f.results].types.len(),
        );
        if params != np || results != nr {
            bail!(
                "export `{}` of type `{}` takes {np} params and gives {nr} results, but it was called with {params} params and {results} result slots",
                self.name,
                self.ty(),
            );
        }
        Ok(())
    }

    /// What an export call needs to find the export.
    pub(crate) fn target(&self) -> Target<'_> {
        Target {
            instance: self.instance,
            slot: self.slot,
            tys: &self.tys,
            name: &self.name,
            any: None,
            // Not known while compiling: assume both.
            params_handles: true,
            results_handles: true,
        }
    }

    /// The export's type as the component declares it.
    pub fn ty(&self) -> FuncType {
        FuncType::new(self.ty, &self.types)
    }

    /// Calls the export with `params`, writing its results into `results`
    /// (which must have one slot per result). Each param is checked against
    /// its type as it is lowered.
    pub fn call<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        self.check_call(store, params.len(), results.len())?;
        let types = &*self.types;
        let lifted = with_backend!(&mut store.repr, |s, B| {
            let mut cx = B::cx(s);
            let target = self.target();
            call_export::<B, T, Vec<Val>>(
                &mut cx,
                &target,
                |lcx, args| lower_params(lcx, args, types, self.ty, params),
                |lcx, rets, async_| lift_results(lcx, rets, async_, types, self.ty),
            )
        })?;
        for (slot, v) in results.iter_mut().zip(lifted) {
            *slot = v;
        }
        Ok(())
    }
}
