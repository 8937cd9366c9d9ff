//! Streams, futures and error contexts the host holds: the ends
//! ([`StreamReader`], [`StreamWriter`], [`FutureReader`], [`FutureWriter`],
//! dynamic with `Val` elements or typed) and [`ErrorContext`].
//!
//! Every operation takes the store as an [`AsStore`]: `&mut Store<T>`
//! outside host functions, where a read or write runs the store's event
//! loop until the guest's side has taken part; or an async host function's
//! `&Access<T>`, inside its future, where it waits for the loop that is
//! already running.

use core::marker::PhantomData;
use std::sync::Arc;

#[cfg(doc)]
use crate::call::access::Access;
use crate::call::dynamic::Val;
use crate::call::reach::{AsStore, Copied, EndOps};

mod dynamic;
mod typed;

use crate::concurrent::host_end::{Held, HostEnd, MessageSlot};
use crate::error::Result;
#[cfg(doc)]
use crate::store::Store;
use crate::store::tasks::{CopyResult, HostItems, Transmit};
pub use typed::{future, stream};

/// Checks that `end` belongs to the store `ops` reach.
fn check_store(ops: &mut dyn EndOps, end: &HostEnd, what: &str) -> Result<()> {
    if ops.id() != end.store {
        anyhow::bail!("this {what} end belongs to another store");
    }
    Ok(())
}

/// Runs `f` on the operations of `store`, checked to hold `end`.
fn on<R>(
    store: &mut impl AsStore,
    end: &HostEnd,
    what: &str,
    f: impl FnOnce(&mut dyn EndOps) -> Result<R>,
) -> Result<R> {
    store.__ops(|ops| {
        check_store(ops, end, what)?;
        f(ops)
    })?
}

/// The readable end of a `stream<T>` that the host holds: returned by an
/// export, or made with [`Store::stream`] to pass to one.
///
/// `E` is the element type: [`Val`] (the default) for the dynamic API,
/// or a Rust type (`StreamReader<u8>`, `StreamReader<String>`, a
/// `#[derive(ComponentType)]` record) whose values are lifted straight out
/// of the guest's buffer. Reading runs the store's event loop until the
/// writer has written something or dropped its end. Close the end with
/// [`close`](StreamReader::close) when done (or drop it: dropping the last
/// clone of an end the host still holds closes it the next time the
/// store's event loop runs); passing it to a guest (as a [`Val::Stream`]
/// param) hands it over, and this handle then refuses use.
///
/// ```
/// use hostbind::{Component, Engine, EngineKind, Linker, Store, Val};
/// # fn main() -> hostbind::Result<()> {
/// // `digits` returns a stream, then writes three bytes into it.
/// let engine = Engine::new(EngineKind::Wasmi);
/// let component = Component::new(&engine, wat::parse_str(r#"(component
///   (core module $libc (memory (export "mem") 1))
///   (core instance $libc (instantiate $libc))
///   (type $S (stream u8))
///   (core func $new (canon stream.new $S))
///   (core func $write (canon stream.write $S async (memory (core memory $libc "mem"))))
///   (core func $drop (canon stream.drop-writable $S))
///   (core func $ret (canon task.return (result $S)))
///   (core module $M
///     (import "" "mem" (memory 1))
///     (import "" "new" (func $new (result i64)))
///     (import "" "write" (func $write (param i32 i32 i32) (result i32)))
///     (import "" "drop" (func $drop (param i32)))
///     (import "" "ret" (func $ret (param i32)))
///     (data (memory 0) (i32.const 0) "\01\02\03")
///     (func (export "digits") (local $ends i64) (local $tx i32)
///       (local.set $ends (call $new))
///       (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
///       (call $ret (i32.wrap_i64 (local.get $ends)))
///       (drop (call $write (local.get $tx) (i32.const 0) (i32.const 3)))))
///   (core instance $m (instantiate $M (with "" (instance
///     (export "mem" (memory $libc "mem")) (export "new" (func $new))
///     (export "write" (func $write)) (export "drop" (func $drop))
///     (export "ret" (func $ret))))))
///   (func (export "digits") async (result $S) (canon lift (core func $m "digits") async)))
/// "#)?)?;
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
/// let digits = instance.get_func(&mut store, "digits")?;
/// let mut out = [Val::Bool(false)];
/// digits.call(&mut store, &[], &mut out)?;
/// let [Val::Stream(rx)] = out else { panic!("no stream") };
/// // Any executor drives the read; it runs the guest's pending write.
/// let read = rx.read_bytes(&mut store, 10);
/// let bytes = std::pin::pin!(read)
///     .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
/// # use std::future::Future;
/// assert_eq!(bytes.map(Result::unwrap), std::task::Poll::Ready(Some(vec![1, 2, 3])));
/// rx.close(&mut store)?;
/// # Ok(())
/// # }
/// ```
pub struct StreamReader<E = Val>(pub(crate) Arc<Held>, pub(crate) PhantomData<fn() -> E>);

/// The writable end of a `stream<T>` that the host made with
/// [`Store::stream`], [`Access::stream`] or [`stream`](crate::stream()).
pub struct StreamWriter<E = Val>(pub(crate) Arc<Held>, pub(crate) PhantomData<fn() -> E>);

/// The readable end of a `future<T>` that the host holds.
///
/// As with [`StreamReader`], `E = Val` is the dynamic end; a Rust element
/// type makes it typed.
pub struct FutureReader<E = Val>(pub(crate) Arc<Held>, pub(crate) PhantomData<fn() -> E>);

/// The writable end of a `future<T>` that the host made with
/// [`Store::future`], [`Access::future`] or [`future`](crate::future()).
pub struct FutureWriter<E = Val>(pub(crate) Arc<Held>, pub(crate) PhantomData<fn() -> E>);

/// The impls every end has, whatever its element type.
macro_rules! end_impls {
    ($($end:ident),*) => {$(
        impl<E> $end<E> {
            pub(crate) fn from_end(end: HostEnd) -> Self {
                $end(Arc::new(Held(end)), PhantomData)
            }
        }

        impl<E> core::fmt::Debug for $end<E> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($end)).field(&self.0.0).finish()
            }
        }

        impl<E> PartialEq for $end<E> {
            fn eq(&self, other: &Self) -> bool {
                self.0.0 == other.0.0
            }
        }

        impl<E> Eq for $end<E> {}
    )*};
}
end_impls!(StreamReader, StreamWriter, FutureReader, FutureWriter);

impl<E> StreamReader<E> {
    /// Drops the host's end: the writer's next write reports it dropped.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Stream, true)
    }
}

impl<E> StreamWriter<E> {
    /// Drops the host's end: the reader reads what is left, then the end.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Stream, false)
    }
}

impl<E> FutureReader<E> {
    /// Drops the host's end without reading.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Future, true)
    }
}

impl<E> Clone for StreamReader<E> {
    fn clone(&self) -> Self {
        StreamReader(self.0.clone(), PhantomData)
    }
}

impl<E> Clone for FutureReader<E> {
    fn clone(&self) -> Self {
        FutureReader(self.0.clone(), PhantomData)
    }
}

/// An `error-context` value: an immutable debug message. One lifted from a
/// guest carries the message the guest gave `error-context.new`; one made
/// with [`ErrorContext::new`] gives a guest a new error context.
#[derive(Clone, Debug)]
pub struct ErrorContext(pub(crate) MessageSlot);

impl ErrorContext {
    /// An error context with `message`, to pass to a guest.
    pub fn new(message: &str) -> ErrorContext {
        let slot = MessageSlot::default();
        let _ = slot.set(Arc::from(message));
        ErrorContext(slot)
    }

    /// The debug message.
    pub fn debug_message(&self) -> &str {
        self.0.get().map_or("", |m| m)
    }
}

impl PartialEq for ErrorContext {
    fn eq(&self, other: &Self) -> bool {
        self.debug_message() == other.debug_message()
    }
}

/// One host copy on `end`, with `items` and room for `len` values: it
/// waits while the other end is not ready.
async fn copy(
    store: &mut impl AsStore,
    end: &HostEnd,
    how: (Transmit, bool),
    items: HostItems,
    len: u32,
) -> Result<Copied> {
    let started = on(store, end, how.0.name(), |ops| {
        ops.copy_start(end, how, items, len)
    })?;
    if let Some(done) = started {
        return Ok(done);
    }
    core::future::poll_fn(|context| {
        match store.__ops(|ops| ops.copy_poll(end, how, context.waker())) {
            Ok(polled) => polled,
            Err(e) => core::task::Poll::Ready(Err(e)),
        }
    })
    .await
}

fn is_bytes(store: &mut impl AsStore, end: &HostEnd, how: (Transmit, bool)) -> Result<bool> {
    on(store, end, how.0.name(), |ops| ops.is_bytes(end, how))
}

fn close(
    store: &mut impl AsStore,
    end: &HostEnd,
    transmit: Transmit,
    readable: bool,
) -> Result<()> {
    on(store, end, transmit.name(), |ops| {
        ops.close(end, transmit, readable)
    })
}

/// Reads up to `max` values (at least one) from `end` into `items`;
/// `None` once the writer has dropped its end.
async fn read(
    store: &mut impl AsStore,
    end: &HostEnd,
    transmit: Transmit,
    max: usize,
    items: HostItems,
) -> Result<Option<HostItems>> {
    let max = u32::try_from(max.max(1)).unwrap_or(u32::MAX).min(1 << 28);
    let (result, progress, items) = copy(store, end, (transmit, true), items, max).await?;
    Ok((progress > 0 || result == CopyResult::Completed).then_some(items))
}

/// Writes `items` (of `n` values) to `end` until all are taken or the
/// reader drops its end; returns how many were taken.
async fn write_all(
    store: &mut impl AsStore,
    end: &HostEnd,
    transmit: Transmit,
    mut items: HostItems,
) -> Result<usize> {
    let mut taken = 0;
    loop {
        let n = u32::try_from(items.len()).unwrap_or(u32::MAX).min(1 << 28);
        let (result, progress, rest) = copy(store, end, (transmit, false), items, n).await?;
        taken += progress as usize;
        if result != CopyResult::Completed || progress as usize >= rest.len() {
            return Ok(taken);
        }
        let mut rest = rest;
        items = rest.split_off(progress as usize);
    }
}
