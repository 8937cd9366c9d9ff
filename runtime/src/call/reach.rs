//! How the host's stream and future ends reach their store: through
//! `&mut Store<T>` outside host functions, or through an async host
//! function's [`Access`] inside its future, where the store is busy
//! running the event loop that polls that future.

use core::task::{Poll, Waker};
use std::sync::Arc;

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use crate::call::access::{Access, Spawned};
use crate::concurrent::host_end::{self, HostEnd};
use crate::engine::Backend;
use crate::error::Result;
use crate::store::tasks::{CopyResult, HostItems, Transmit};
use crate::store::{Cx, Store, with_backend};

/// A finished host copy: its result, how many values moved, and the
/// values (read, or given to write).
pub(crate) type Copied = (CopyResult, u32, HostItems);

/// The store operations the host's ends use, erased of the engine and the
/// store's data type.
pub(crate) trait EndOps {
    /// The store's id.
    fn id(&mut self) -> u64;
    /// A new stream or future whose ends the host holds (reader, writer);
    /// with no `types`, for typed ends.
    fn new_pair(
        &mut self,
        transmit: Transmit,
        payload: Option<InterfaceType>,
        types: Option<Arc<ComponentTypes>>,
    ) -> (HostEnd, HostEnd);
    /// Whether `end`'s elements move as bytes.
    fn is_bytes(&mut self, end: &HostEnd, how: (Transmit, bool)) -> Result<bool>;
    /// Starts a copy; `Some` when it is over already.
    fn copy_start(
        &mut self,
        end: &HostEnd,
        how: (Transmit, bool),
        items: HostItems,
        len: u32,
    ) -> Result<Option<Copied>>;
    /// Whether the copy [`copy_start`](EndOps::copy_start) began is over.
    fn copy_poll(
        &mut self,
        end: &HostEnd,
        how: (Transmit, bool),
        waker: &Waker,
    ) -> Poll<Result<Copied>>;
    /// Closes the host's end.
    fn close(&mut self, end: &HostEnd, transmit: Transmit, readable: bool) -> Result<()>;
    /// Adds `future` to the store's event loop.
    fn spawn(&mut self, future: Spawned);
}

/// [`EndOps`] on a store's context. `nested` is set inside a host
/// function's future, which the event loop itself polls: there a copy
/// that must wait registers the future's waker on its end instead of
/// running the loop.
pub(crate) struct Ops<'a, 'b, B: Backend, T: 'static> {
    pub(crate) cx: &'a mut Cx<'b, B, T>,
    pub(crate) nested: bool,
}

impl<B: Backend, T: 'static> EndOps for Ops<'_, '_, B, T> {
    fn id(&mut self) -> u64 {
        B::data(self.cx).id
    }

    fn new_pair(
        &mut self,
        transmit: Transmit,
        payload: Option<InterfaceType>,
        types: Option<Arc<ComponentTypes>>,
    ) -> (HostEnd, HostEnd) {
        host_end::new_pair::<B, T>(self.cx, transmit, payload, types)
    }

    fn is_bytes(&mut self, end: &HostEnd, how: (Transmit, bool)) -> Result<bool> {
        host_end::is_bytes::<B, T>(self.cx, end, how)
    }

    fn copy_start(
        &mut self,
        end: &HostEnd,
        how: (Transmit, bool),
        items: HostItems,
        len: u32,
    ) -> Result<Option<Copied>> {
        host_end::copy_start::<B, T>(self.cx, end, how, items, len)
    }

    fn copy_poll(
        &mut self,
        end: &HostEnd,
        how: (Transmit, bool),
        waker: &Waker,
    ) -> Poll<Result<Copied>> {
        match self.nested {
            true => host_end::copy_check::<B, T>(self.cx, end, how, waker),
            false => host_end::copy_poll::<B, T>(self.cx, end, how, waker),
        }
    }

    fn close(&mut self, end: &HostEnd, transmit: Transmit, readable: bool) -> Result<()> {
        host_end::close::<B, T>(self.cx, end, transmit, readable)
    }

    fn spawn(&mut self, future: Spawned) {
        crate::concurrent::host_call::spawn::<B, T>(self.cx, future);
    }
}

impl<B: Backend, T: 'static> crate::call::access::Lent for Ops<'_, '_, B, T> {
    fn data(&mut self) -> *mut () {
        (&mut B::data(self.cx).data as *mut T).cast()
    }

    fn ends(&mut self) -> Option<&mut dyn EndOps> {
        Some(self)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// What the methods of a stream or future end take to reach its store:
/// `&mut Store<T>` outside host functions, or an async host function's
/// `&Access<T>` inside its future.
///
/// Inside a host function the store is running the guest that called it,
/// so an end's read or write there does not run the store's event loop: it
/// waits (returns `Pending`) until the guest's side takes part, and the
/// event loop polls the host function's future again then.
pub trait AsStore: sealed::Sealed {
    /// Runs `f` on the store's operations; an error when they cannot be
    /// reached from here.
    #[doc(hidden)]
    #[allow(private_bounds)]
    fn __ops<R>(&mut self, f: impl FnOnce(&mut dyn EndOps) -> R) -> Result<R>;
}

impl<T: 'static> sealed::Sealed for &mut Store<T> {}

impl<T: 'static> AsStore for &mut Store<T> {
    #[allow(private_bounds)]
    fn __ops<R>(&mut self, f: impl FnOnce(&mut dyn EndOps) -> R) -> Result<R> {
        Ok(with_backend!(&mut self.repr, |s, B| {
            let mut cx = B::cx(s);
            f(&mut Ops::<B, T> {
                cx: &mut cx,
                nested: false,
            })
        }))
    }
}

impl<T: 'static> sealed::Sealed for &Access<T> {}

impl<T: 'static> AsStore for &Access<T> {
    #[allow(private_bounds)]
    fn __ops<R>(&mut self, f: impl FnOnce(&mut dyn EndOps) -> R) -> Result<R> {
        self.ends(f)
    }
}
