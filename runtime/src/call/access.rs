//! Async host functions' side of the API: [`Access`], the store's data as
//! an async host function's future reaches it, and the closure type of
//! [`LinkerInstance::func_new_async`](crate::LinkerInstance::func_new_async).
//!
//! A host function's future lives across `.await` points while the store
//! runs other guest code, so it cannot hold `&mut T`. hostbind polls the
//! future with the store borrowed; only for the length of that poll does
//! a thread-local hold a pointer to the store's data, and [`Access::with`]
//! lends it out, once at a time.

use core::cell::Cell;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::call::dynamic::{FuncType, Val};
use crate::error::Result;

/// The future of an async host function: its results, or the error that
/// traps its caller.
pub type HostFuture = Pin<Box<dyn Future<Output = Result<Vec<Val>>> + Send + 'static>>;

/// The closure of an async dynamic host function: it receives the store's
/// data as an [`Access`], the function's type as the component declares it
/// and the params, and returns the future of its results.
pub type AsyncDynamicFn<T> = dyn Fn(Access<T>, FuncType, Vec<Val>) -> HostFuture + Send + Sync;

/// The store's data (`T`) as an async host function reaches it: inside
/// the closure that makes its future, and inside every poll of that future
/// (so between its `.await` points), through [`with`](Access::with).
///
/// An `Access` can be moved into the future, cloned, and sent to other
/// threads, but it reaches the data only on the thread that hostbind is
/// polling the future on, while it polls it. So no `&mut T` lives across an
/// `.await`, where the store may run other guest code or other host
/// functions that need the same data.
///
/// ```
/// # use hostbind::Access;
/// async fn bump(access: Access<u32>) -> hostbind::Result<u32> {
///     // Reaching the data outside hostbind's poll is an error, not a panic.
///     access.with(|n| {
///         *n += 1;
///         *n
///     })
/// }
/// ```
pub struct Access<T> {
    store: u64,
    _data: PhantomData<fn(T) -> T>,
}

impl<T> Clone for Access<T> {
    fn clone(&self) -> Self {
        Access {
            store: self.store,
            _data: PhantomData,
        }
    }
}

impl<T> core::fmt::Debug for Access<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Access")
            .field("store", &self.store)
            .finish()
    }
}

thread_local! {
    /// The store whose data a host future may reach now, and that data:
    /// set only while hostbind runs a host function's closure or polls its
    /// future, with the store mutably borrowed.
    static DATA: Cell<(u64, *mut ())> = const { Cell::new((u64::MAX, core::ptr::null_mut())) };
}

impl<T: 'static> Access<T> {
    pub(crate) fn new(store: u64) -> Access<T> {
        Access {
            store,
            _data: PhantomData,
        }
    }

    /// Runs `f` with the store's data.
    ///
    /// It fails, naming why, when called where the data cannot be reached:
    /// outside hostbind's poll of the host function's future (in a task of
    /// its own, say), or inside another `with`.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R> {
        let (store, ptr) = DATA.with(Cell::get);
        if store != self.store || ptr.is_null() {
            return Err(anyhow::anyhow!(
                "the store's data is reachable only while hostbind runs the host function or polls its future, on that thread, and not from inside another `Access::with`"
            ));
        }
        // While `f` runs, a nested `with` finds no data.
        let _lent = Lend::set(store, core::ptr::null_mut());
        // SAFETY: `ptr` was set by `Lend::set` in `lend` from a `&mut T` of
        // the store `self.store` names (an `Access<T>` is made only for a
        // store of `T`), which `lend`'s caller holds borrowed for as long
        // as the pointer is set; it was cleared above, so this is the only
        // reference made from it until `f` returns.
        let data = unsafe { &mut *ptr.cast::<T>() };
        Ok(f(data))
    }
}

/// Sets [`DATA`] and puts the previous value back when dropped (also
/// when a host function panics).
struct Lend((u64, *mut ()));

impl Lend {
    fn set(store: u64, ptr: *mut ()) -> Lend {
        Lend(DATA.with(|d| d.replace((store, ptr))))
    }
}

impl Drop for Lend {
    fn drop(&mut self) {
        DATA.with(|d| d.set(self.0));
    }
}

/// Runs `f` with store `store`'s `data` reachable through [`Access::with`].
pub(crate) fn lend<T: 'static, R>(store: u64, data: &mut T, f: impl FnOnce() -> R) -> R {
    let _lent = Lend::set(store, (data as *mut T).cast());
    f()
}
