//! The glue of async host functions, typed (`#[host_fn] async fn`) and
//! dynamic (`func_new_async`): each starts a call by lifting its params and
//! making a future, whose output lowers the results once the call is over.
//!
//! The engine-facing half (when the future is polled, where its results
//! go) is `concurrent::host_call`; this half knows only values.

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;

use wasmtime_environ::component::{ComponentTypes, TypeFuncIndex};

use crate::abi::{FlatSrc, LiftCx, Lower, LowerCx};
use crate::call::access::{Access, HostFuture};
use crate::call::dynamic::FuncType;
use crate::call::dynamic::func::{lift_params, lower_results};
use crate::call::glue::{Params, host_error, lower_value};
use crate::call::host::{FnData, FuncKind, HostFunc};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Signature;

/// Writes a finished call's results into the caller: flat into the
/// storage, or into memory at the pointer when there is one.
pub(crate) type Lowering =
    Box<dyn FnOnce(&mut LowerCx<'_>, &mut [ValRaw], Option<u32>) -> Result<()> + Send>;

/// The future of a started call.
pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Result<Lowering>> + Send>>;

/// What starting a call reads: the lifting context (the caller's memory,
/// handle tables and encoding), the flat params, and the function's type
/// as the caller lowered it.
pub(crate) struct StartCx<'a> {
    pub(crate) lift: LiftCx<'a>,
    pub(crate) storage: &'a [ValRaw],
    pub(crate) types: &'a Arc<ComponentTypes>,
    pub(crate) ty: TypeFuncIndex,
}

/// Starts a call: lifts the params and returns the call's future.
pub(crate) type Start<T> = dyn Fn(Access<T>, &mut StartCx<'_>) -> Result<CallFuture> + Send + Sync;

/// An async host function: its name, its signature when it has a static
/// one, and how a call starts.
pub(crate) struct AsyncFn<T> {
    pub(crate) name: String,
    pub(crate) sig: Option<&'static Signature>,
    pub(crate) start: Box<Start<T>>,
}

impl<T: 'static> HostFunc<T> {
    /// A host function whose `func` returns the future of its results,
    /// as [`Val`](crate::Val)s.
    pub(crate) fn dynamic_async(
        name: &str,
        func: Box<crate::call::access::AsyncDynamicFn<T>>,
    ) -> HostFunc<T> {
        let start = move |access: Access<T>, cx: &mut StartCx<'_>| -> Result<CallFuture> {
            let mut src = FlatSrc::new(cx.storage);
            let params = lift_params(&mut cx.lift, &mut src, cx.types, cx.ty)?;
            let future: HostFuture = func(access, FuncType::new(cx.ty, cx.types), params);
            let (types, ty) = (cx.types.clone(), cx.ty);
            Ok(Box::pin(async move {
                let results = future.await?;
                let lowering: Lowering = Box::new(move |lcx, storage, retptr| {
                    lower_results(lcx, storage, retptr, &types, ty, &results)
                });
                Ok(lowering)
            }))
        };
        HostFunc::from_async(AsyncFn {
            name: name.to_string(),
            sig: None,
            start: Box::new(start),
        })
    }

    fn from_async(f: AsyncFn<T>) -> HostFunc<T> {
        HostFunc::new(
            crate::call::host::never_entered,
            FuncKind::Async(Arc::new(f)),
            FnData::NONE,
        )
    }
}

/// The host function of a `#[host_fn] async fn` of signature `sig`:
/// `lift` lifts the params as owned values, `call` makes the function's
/// future, whose result is lowered as `R`.
pub fn async_host_func<T, A, R, Fut>(
    sig: &'static Signature,
    lift: for<'m, 'v> fn(&mut Params<'m, 'v>) -> Result<A>,
    call: fn(Access<T>, A) -> Fut,
) -> HostFunc<T>
where
    T: 'static,
    A: 'static,
    R: Lower + Send + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
{
    typed(sig, lift, call)
}

/// The host function of a `bindgen!` async import of signature `sig`,
/// whose host `get` finds in the store's data: as [`async_host_func`],
/// with the host's part of the data reachable through `Access<U>`.
pub fn bound_async_func<T, U, A, R, Fut>(
    sig: &'static Signature,
    get: fn(&mut T) -> &mut U,
    lift: for<'m, 'v> fn(&mut Params<'m, 'v>) -> Result<A>,
    call: fn(Access<U>, A) -> Fut,
) -> HostFunc<T>
where
    T: 'static,
    U: 'static,
    A: 'static,
    R: Lower + Send + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
{
    typed(sig, lift, move |access: Access<T>, args| {
        call(access.project(get), args)
    })
}

/// A typed async host function: its params lifted by `lift`, its future
/// made by `call`, its result lowered as `R`.
fn typed<T, A, R, Fut>(
    sig: &'static Signature,
    lift: for<'m, 'v> fn(&mut Params<'m, 'v>) -> Result<A>,
    call: impl Fn(Access<T>, A) -> Fut + Send + Sync + 'static,
) -> HostFunc<T>
where
    T: 'static,
    A: 'static,
    R: Lower + Send + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
{
    let start = move |access: Access<T>, cx: &mut StartCx<'_>| -> Result<CallFuture> {
        let mut params = Params::new(
            cx.lift.memory,
            cx.lift.scope,
            sig,
            cx.lift.encoding,
            cx.storage,
        )?;
        let args = lift(&mut params)?;
        let future = call(access, args);
        Ok(Box::pin(async move {
            let value = future.await.map_err(|e| host_error(sig, e))?;
            let lowering: Lowering =
                Box::new(move |lcx, storage, retptr| lower_value(lcx, storage, retptr, value));
            Ok(lowering)
        }))
    };
    HostFunc::from_async(AsyncFn {
        name: sig.name.to_string(),
        sig: Some(sig),
        start: Box::new(start),
    })
}
