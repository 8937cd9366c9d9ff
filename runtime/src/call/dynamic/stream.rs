//! Streams, futures and error contexts in the dynamic API: the ends the host
//! holds ([`StreamReader`], [`StreamWriter`], [`FutureReader`],
//! [`FutureWriter`]) and [`ErrorContext`].
//!
//! Every operation takes the store as an [`AsStore`]: `&mut Store<T>`
//! outside host functions, where a read or write runs the store's event
//! loop until the guest's side has taken part; or an async host function's
//! `&Access<T>`, inside its future, where it waits for the loop that is
//! already running.

use std::sync::Arc;

use wasmtime_environ::component::InterfaceType;

use super::{Type, Val};
use crate::call::access::Access;
use crate::call::reach::{AsStore, Copied, EndOps};
use crate::concurrent::host_end::{HostEnd, MessageSlot};
use crate::error::Result;
use crate::store::Store;
use crate::store::tasks::{CopyResult, HostItems, Transmit};

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
/// Reading runs the store's event loop until the writer has written
/// something or dropped its end. Close the end with
/// [`close`](StreamReader::close) when done; passing it to a guest (as a
/// [`Val::Stream`] param) hands it over, and this handle then refuses use.
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamReader(pub(crate) HostEnd);

/// The writable end of a `stream<T>` that the host made with
/// [`Store::stream`].
#[derive(Debug, PartialEq, Eq)]
pub struct StreamWriter(HostEnd);

/// The readable end of a `future<T>` that the host holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FutureReader(pub(crate) HostEnd);

/// The writable end of a `future<T>` that the host made with
/// [`Store::future`].
#[derive(Debug, PartialEq, Eq)]
pub struct FutureWriter(HostEnd);

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

/// The payload of `ty`, which must be a `stream` or `future` type.
fn payload_of(ty: &Type, transmit: Transmit) -> Result<Option<InterfaceType>> {
    let t = &ty.types;
    match (ty.ty, transmit) {
        (InterfaceType::Stream(i), Transmit::Stream) => Ok(t[t[i].ty].payload),
        (InterfaceType::Future(i), Transmit::Future) => Ok(t[t[i].ty].payload),
        _ => anyhow::bail!("`{ty}` is not a {} type", transmit.name()),
    }
}

/// A new stream or future of `ty` whose ends the host holds: reader,
/// then writer.
fn pair(store: &mut impl AsStore, ty: &Type, transmit: Transmit) -> Result<(HostEnd, HostEnd)> {
    let payload = payload_of(ty, transmit)?;
    let types = ty.types.clone();
    store.__ops(|ops| ops.new_pair(transmit, payload, types))
}

impl<T: 'static> Store<T> {
    /// A new stream of `ty` (a `stream<T>` type, such as an export's param
    /// type from [`Func::ty`](crate::Func::ty)) whose ends the host holds:
    /// pass the reader to a guest and write with the writer.
    pub fn stream(&mut self, ty: &Type) -> Result<(StreamWriter, StreamReader)> {
        let (r, w) = pair(&mut &mut *self, ty, Transmit::Stream)?;
        Ok((StreamWriter(w), StreamReader(r)))
    }

    /// A new future of `ty` (a `future<T>` type) whose ends the host holds.
    pub fn future(&mut self, ty: &Type) -> Result<(FutureWriter, FutureReader)> {
        let (r, w) = pair(&mut &mut *self, ty, Transmit::Future)?;
        Ok((FutureWriter(w), FutureReader(r)))
    }
}

impl<T: 'static> Access<T> {
    /// [`Store::stream`] inside an async host function's future.
    pub fn stream(&self, ty: &Type) -> Result<(StreamWriter, StreamReader)> {
        let (r, w) = pair(&mut &*self, ty, Transmit::Stream)?;
        Ok((StreamWriter(w), StreamReader(r)))
    }

    /// [`Store::future`] inside an async host function's future.
    pub fn future(&self, ty: &Type) -> Result<(FutureWriter, FutureReader)> {
        let (r, w) = pair(&mut &*self, ty, Transmit::Future)?;
        Ok((FutureWriter(w), FutureReader(r)))
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

/// Reads up to `max` values (at least one) from `end`; `None` once the
/// writer has dropped its end.
async fn read(
    store: &mut impl AsStore,
    end: &HostEnd,
    transmit: Transmit,
    max: usize,
) -> Result<Option<HostItems>> {
    let max = u32::try_from(max.max(1)).unwrap_or(u32::MAX).min(1 << 28);
    let items = if is_bytes(store, end, (transmit, true))? {
        HostItems::Bytes(Vec::new())
    } else {
        HostItems::Vals(Vec::new())
    };
    let (result, progress, items) = copy(store, end, (transmit, true), items, max).await?;
    Ok((progress > 0 || result == CopyResult::Completed).then_some(items))
}

fn into_vals(items: HostItems) -> Vec<Val> {
    match items {
        HostItems::Bytes(b) => b.into_iter().map(Val::U8).collect(),
        HostItems::Vals(v) => v,
    }
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
        items = match rest {
            HostItems::Bytes(mut b) => HostItems::Bytes(b.split_off(progress as usize)),
            HostItems::Vals(mut v) => HostItems::Vals(v.split_off(progress as usize)),
        };
    }
}

/// `vals` as the items of `end`'s stream or future: bytes for `u8`
/// elements, checked to be `u8`s.
fn items_of(
    store: &mut impl AsStore,
    end: &HostEnd,
    transmit: Transmit,
    vals: Vec<Val>,
) -> Result<HostItems> {
    if !is_bytes(store, end, (transmit, false))? {
        return Ok(HostItems::Vals(vals));
    }
    vals.into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Val::U8(b) => Ok(b),
            other => Err(anyhow::anyhow!(
                "value {i} written to a stream of `u8` is a `{}`",
                other.kind()
            )),
        })
        .collect::<Result<Vec<u8>>>()
        .map(HostItems::Bytes)
}

impl StreamReader {
    /// Reads up to `max` values, waiting (and running the store's guest
    /// tasks) until the writer writes some; `None` once the writer has
    /// dropped its end and every value was read.
    pub async fn read(&self, mut store: impl AsStore, max: usize) -> Result<Option<Vec<Val>>> {
        Ok(read(&mut store, &self.0, Transmit::Stream, max)
            .await?
            .map(into_vals))
    }

    /// [`read`](Self::read) for a `stream<u8>`: the bytes, with no
    /// [`Val`] for each.
    pub async fn read_bytes(&self, mut store: impl AsStore, max: usize) -> Result<Option<Vec<u8>>> {
        if !is_bytes(&mut store, &self.0, (Transmit::Stream, true))? {
            anyhow::bail!("`read_bytes` reads a `stream<u8>`; this stream's elements are not `u8`");
        }
        Ok(read(&mut store, &self.0, Transmit::Stream, max)
            .await?
            .map(|items| match items {
                HostItems::Bytes(b) => b,
                HostItems::Vals(_) => Vec::new(),
            }))
    }

    /// Reads until the writer drops its end; returns every value read.
    pub async fn read_to_end(&self, mut store: impl AsStore) -> Result<Vec<Val>> {
        let mut all = Vec::new();
        while let Some(mut vals) = read(&mut store, &self.0, Transmit::Stream, 64 * 1024)
            .await?
            .map(into_vals)
        {
            all.append(&mut vals);
        }
        Ok(all)
    }

    /// Drops the host's end: the writer's next write reports it dropped.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Stream, true)
    }
}

impl StreamWriter {
    /// Writes `vals`, waiting (and running the store's guest tasks) until
    /// the reader has taken them all or dropped its end; returns how many
    /// it took. Each value is checked against the element type as it is
    /// lowered into the reader.
    pub async fn write(&self, mut store: impl AsStore, vals: Vec<Val>) -> Result<usize> {
        let items = items_of(&mut store, &self.0, Transmit::Stream, vals)?;
        write_all(&mut store, &self.0, Transmit::Stream, items).await
    }

    /// [`write`](Self::write) for a `stream<u8>`, from bytes.
    pub async fn write_bytes(&self, mut store: impl AsStore, bytes: &[u8]) -> Result<usize> {
        if !is_bytes(&mut store, &self.0, (Transmit::Stream, false))? {
            anyhow::bail!(
                "`write_bytes` writes a `stream<u8>`; this stream's elements are not `u8`"
            );
        }
        write_all(
            &mut store,
            &self.0,
            Transmit::Stream,
            HostItems::Bytes(bytes.to_vec()),
        )
        .await
    }

    /// Drops the host's end: the reader reads what is left, then the end.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Stream, false)
    }
}

impl FutureReader {
    /// Reads the future's value, waiting (and running the store's guest
    /// tasks) until it is written; `None` if the writer dropped its end
    /// first. A future is read once: the end is closed after.
    pub async fn read(self, mut store: impl AsStore) -> Result<Option<Val>> {
        let got = read(&mut store, &self.0, Transmit::Future, 1).await?;
        let val = got.and_then(|items| into_vals(items).into_iter().next());
        close(&mut store, &self.0, Transmit::Future, true)?;
        Ok(val)
    }

    /// Drops the host's end without reading.
    pub fn close(self, mut store: impl AsStore) -> Result<()> {
        close(&mut store, &self.0, Transmit::Future, true)
    }
}

impl FutureWriter {
    /// Writes the future's value, waiting (and running the store's guest
    /// tasks) until the reader takes it; `false` if the reader dropped its
    /// end instead. The end is closed after.
    pub async fn write(self, mut store: impl AsStore, val: Val) -> Result<bool> {
        let items = items_of(&mut store, &self.0, Transmit::Future, vec![val])?;
        let taken = write_all(&mut store, &self.0, Transmit::Future, items).await?;
        close(&mut store, &self.0, Transmit::Future, false)?;
        Ok(taken == 1)
    }
}
