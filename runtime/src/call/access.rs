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
use core::ptr::NonNull;

use crate::call::dynamic::{FuncType, Val};
use crate::call::reach::EndOps;
use crate::error::Result;

/// The future of an async host function: its results, or the error that
/// traps its caller.
pub type HostFuture = Pin<Box<dyn Future<Output = Result<Vec<Val>>> + Send + 'static>>;

/// A future [`Access::spawn`] hands the store.
pub(crate) type Spawned = Pin<Box<dyn Future<Output = Result<()>> + Send + 'static>>;

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
    /// How to find `T` in the store's data, when `T` is a part of it (a
    /// `bindgen!` host, found by its getter); `None` when it is the data.
    project: Option<Projection<T>>,
    _data: PhantomData<fn(T) -> T>,
}

/// A getter `fn(&mut S) -> &mut T` and the function that calls it on the
/// store's data, erased of `S`.
struct Projection<T> {
    call: unsafe fn(*mut (), *const ()) -> *mut T,
    getter: *const (),
}

impl<T> Clone for Projection<T> {
    fn clone(&self) -> Self {
        Projection {
            call: self.call,
            getter: self.getter,
        }
    }
}

// SAFETY: `getter` is a function pointer (see `Access::project`), which may
// be sent and shared between threads like any `fn`.
unsafe impl<T> Send for Projection<T> {}
// SAFETY: as for `Send`.
unsafe impl<T> Sync for Projection<T> {}

impl<T> Clone for Access<T> {
    fn clone(&self) -> Self {
        Access {
            store: self.store,
            project: self.project.clone(),
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

/// What hostbind lends an async host function while it runs the closure
/// that makes its future, or polls that future: the store's data, and
/// (while polling) the store's stream and future operations.
pub(crate) trait Lent {
    /// The store's data, as a `*mut T` of the store's data type.
    fn data(&mut self) -> *mut ();
    /// The store's stream and future operations, when they can be reached.
    fn ends(&mut self) -> Option<&mut dyn EndOps>;
}

/// The store's data alone, lent while a host function's closure runs:
/// then the guest's memory is borrowed for the params.
pub(crate) struct DataOnly(pub(crate) *mut ());

impl Lent for DataOnly {
    fn data(&mut self) -> *mut () {
        self.0
    }

    fn ends(&mut self) -> Option<&mut dyn EndOps> {
        None
    }
}

/// A lent [`Lent`], with its lifetime erased: [`lend`] clears it before
/// that lifetime ends.
type LentPtr = Option<NonNull<dyn Lent>>;

thread_local! {
    /// The store whose data a host future may reach now, and what hostbind
    /// lends it: set only while hostbind runs a host function's closure or
    /// polls its future, with the store mutably borrowed.
    static LENT: Cell<(u64, LentPtr)> = const { Cell::new((u64::MAX, None)) };
}

const UNREACHABLE: &str = "the store's data is reachable only while hostbind runs the host function or polls its future, on that thread, and not from inside another `Access::with` or an end's operation";

impl<T: 'static> Access<T> {
    pub(crate) fn new(store: u64) -> Access<T> {
        Access {
            store,
            project: None,
            _data: PhantomData,
        }
    }

    /// The part of this store's data that `get` finds. (`self` reaches the
    /// data itself: hostbind makes it so, and projects it once.)
    pub(crate) fn project<U: 'static>(self, get: fn(&mut T) -> &mut U) -> Access<U> {
        /// # Safety
        ///
        /// `data` points to a live, unaliased `S` and `getter` is a
        /// `fn(&mut S) -> &mut U`.
        unsafe fn call<S, U>(data: *mut (), getter: *const ()) -> *mut U {
            // SAFETY: per the contract, `getter` is a `fn(&mut S) -> &mut U`
            // cast to a pointer, and a function pointer survives the round
            // trip through a data pointer of the same size on every target
            // Rust supports.
            let get = unsafe { core::mem::transmute::<*const (), fn(&mut S) -> &mut U>(getter) };
            // SAFETY: per the contract.
            get(unsafe { &mut *data.cast::<S>() })
        }
        Access {
            store: self.store,
            project: Some(Projection {
                call: call::<T, U>,
                getter: get as *const (),
            }),
            _data: PhantomData,
        }
    }

    /// Runs `f` with the store's data.
    ///
    /// It fails, naming why, when called where the data cannot be reached:
    /// outside hostbind's poll of the host function's future (in a task of
    /// its own, say), or inside another `with`.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R> {
        let (lent, _taken) = self.take()?;
        // SAFETY: `lent` was set by `lend` from a `&mut dyn Lent` that
        // `lend`'s caller keeps borrowed while it is set, and `take` cleared
        // the slot, so this is the only use of it until `_taken` drops.
        let ptr = unsafe { (*lent.as_ptr()).data() };
        // `ptr` is the store's data, for the store `self.store` names; the
        // slot stays clear until `f` returns, so the reference made here is
        // the only one made from it meanwhile.
        let data = match &self.project {
            // SAFETY: as said above; and with no projection, `T` is the
            // store's data type (`Access::new` is called only so).
            None => unsafe { &mut *ptr.cast::<T>() },
            // SAFETY: as said above; the projection was made, by `project`,
            // on an `Access` of the store's data type, with its getter.
            Some(p) => unsafe { &mut *(p.call)(ptr, p.getter) },
        };
        Ok(f(data))
    }

    /// Runs `f` with the store's stream and future operations.
    pub(crate) fn ends<R>(&self, f: impl FnOnce(&mut dyn EndOps) -> R) -> Result<R> {
        let (lent, _taken) = self.take()?;
        // SAFETY: as in `with`: the slot is clear until `_taken` drops, so
        // this is the only use of the lent value meanwhile.
        let lent = unsafe { &mut *lent.as_ptr() };
        match lent.ends() {
            Some(ops) => Ok(f(ops)),
            None => Err(anyhow::anyhow!(
                "streams and futures can be used in an async host function's future, not in the closure that makes it"
            )),
        }
    }

    /// Runs `future` on the store's event loop, beside its guests' tasks,
    /// with no guest call waiting for it: for the work a host function
    /// leaves behind when it returns, such as writing into the stream it
    /// returned. The store polls it whenever it runs its event loop (in
    /// any call or end operation that waits); through a clone of this
    /// `Access` it reaches the store as a host function's future does. An
    /// error it returns fails the call that is running the loop then.
    ///
    /// It is an error outside a host function's future, as
    /// [`with`](Self::with) is.
    pub fn spawn(&self, future: impl Future<Output = Result<()>> + Send + 'static) -> Result<()> {
        self.ends(|ops| ops.spawn(Box::pin(future)))
    }

    /// What hostbind lends now, if it lends this store's; the slot is
    /// clear until the returned guard drops.
    fn take(&self) -> Result<(NonNull<dyn Lent>, Lend)> {
        let (store, lent) = LENT.with(Cell::get);
        match lent {
            Some(lent) if store == self.store => Ok((lent, Lend::set(store, None))),
            _ => Err(anyhow::anyhow!(UNREACHABLE)),
        }
    }
}

/// Sets [`LENT`] and puts the previous value back when dropped (also
/// when a host function panics).
struct Lend((u64, LentPtr));

impl Lend {
    fn set(store: u64, lent: LentPtr) -> Lend {
        Lend(LENT.with(|d| d.replace((store, lent))))
    }
}

impl Drop for Lend {
    fn drop(&mut self) {
        LENT.with(|d| d.set(self.0));
    }
}

/// Runs `f` with `lent` (store `store`'s) reachable through [`Access`].
pub(crate) fn lend<R>(store: u64, lent: &mut dyn Lent, f: impl FnOnce() -> R) -> R {
    let ptr: NonNull<dyn Lent + '_> = NonNull::from(lent);
    // SAFETY: only the trait object's lifetime changes; the pointer is
    // cleared (when `_lent` drops) before `f` returns or unwinds, so it is
    // never used after the borrow it was made from ends.
    let ptr = unsafe { core::mem::transmute::<NonNull<dyn Lent + '_>, NonNull<dyn Lent>>(ptr) };
    let _lent = Lend::set(store, Some(ptr));
    f()
}
