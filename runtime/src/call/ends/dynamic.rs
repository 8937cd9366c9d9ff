//! The dynamic API's side of the host's ends: elements as [`Val`]s, and
//! ends made from a [`Type`] looked up at run time.

use wasmtime_environ::component::InterfaceType;

use super::{
    FutureReader, FutureWriter, StreamReader, StreamWriter, close, is_bytes, read, write_all,
};
use crate::call::access::Access;
use crate::call::dynamic::{Type, Val};
use crate::call::reach::AsStore;
use crate::concurrent::host_end::HostEnd;
use crate::error::Result;
use crate::store::Store;
use crate::store::tasks::{HostItems, Transmit};

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
    store.__ops(|ops| ops.new_pair(transmit, payload, Some(types)))
}

impl<T: 'static> Store<T> {
    /// A new stream of `ty` (a `stream<T>` type, such as an export's param
    /// type from [`Func::ty`](crate::Func::ty)) whose ends the host holds:
    /// pass the reader to a guest and write with the writer.
    pub fn stream(&mut self, ty: &Type) -> Result<(StreamWriter, StreamReader)> {
        let (r, w) = pair(&mut &mut *self, ty, Transmit::Stream)?;
        Ok((StreamWriter::from_end(w), StreamReader::from_end(r)))
    }

    /// A new future of `ty` (a `future<T>` type) whose ends the host holds.
    pub fn future(&mut self, ty: &Type) -> Result<(FutureWriter, FutureReader)> {
        let (r, w) = pair(&mut &mut *self, ty, Transmit::Future)?;
        Ok((FutureWriter::from_end(w), FutureReader::from_end(r)))
    }
}

impl<T: 'static> Access<T> {
    /// [`Store::stream`] inside an async host function's future.
    pub fn stream(&self, ty: &Type) -> Result<(StreamWriter, StreamReader)> {
        let (r, w) = pair(&mut &*self, ty, Transmit::Stream)?;
        Ok((StreamWriter::from_end(w), StreamReader::from_end(r)))
    }

    /// [`Store::future`] inside an async host function's future.
    pub fn future(&self, ty: &Type) -> Result<(FutureWriter, FutureReader)> {
        let (r, w) = pair(&mut &*self, ty, Transmit::Future)?;
        Ok((FutureWriter::from_end(w), FutureReader::from_end(r)))
    }
}

fn into_vals(items: HostItems) -> Vec<Val> {
    match items {
        HostItems::Bytes(b) => b.into_iter().map(Val::U8).collect(),
        HostItems::Vals(v) => v,
        // A dynamic read never asks for typed items.
        HostItems::Typed(_) => Vec::new(),
    }
}

/// The buffer a dynamic read of `end` fills: bytes for `u8` elements.
fn read_buffer(store: &mut impl AsStore, end: &HostEnd, transmit: Transmit) -> Result<HostItems> {
    Ok(match is_bytes(store, end, (transmit, true))? {
        true => HostItems::Bytes(Vec::new()),
        false => HostItems::Vals(Vec::new()),
    })
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

impl StreamReader<Val> {
    /// Reads up to `max` values, waiting (and running the store's guest
    /// tasks) until the writer writes some; `None` once the writer has
    /// dropped its end and every value was read.
    pub async fn read(&self, mut store: impl AsStore, max: usize) -> Result<Option<Vec<Val>>> {
        let buffer = read_buffer(&mut store, &self.0, Transmit::Stream)?;
        Ok(read(&mut store, &self.0, Transmit::Stream, max, buffer)
            .await?
            .map(into_vals))
    }

    /// [`read`](Self::read) for a `stream<u8>`: the bytes, with no
    /// [`Val`] for each.
    pub async fn read_bytes(&self, mut store: impl AsStore, max: usize) -> Result<Option<Vec<u8>>> {
        if !is_bytes(&mut store, &self.0, (Transmit::Stream, true))? {
            anyhow::bail!("`read_bytes` reads a `stream<u8>`; this stream's elements are not `u8`");
        }
        let buffer = read_buffer(&mut store, &self.0, Transmit::Stream)?;
        Ok(read(&mut store, &self.0, Transmit::Stream, max, buffer)
            .await?
            .map(|items| match items {
                HostItems::Bytes(b) => b,
                HostItems::Vals(_) | HostItems::Typed(_) => Vec::new(),
            }))
    }

    /// Reads until the writer drops its end; returns every value read.
    pub async fn read_to_end(&self, mut store: impl AsStore) -> Result<Vec<Val>> {
        let mut all = Vec::new();
        loop {
            let buffer = read_buffer(&mut store, &self.0, Transmit::Stream)?;
            match read(&mut store, &self.0, Transmit::Stream, 64 * 1024, buffer).await? {
                Some(items) => all.append(&mut into_vals(items)),
                None => return Ok(all),
            }
        }
    }
}

impl StreamWriter<Val> {
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
}

impl FutureReader<Val> {
    /// Reads the future's value, waiting (and running the store's guest
    /// tasks) until it is written; `None` if the writer dropped its end
    /// first. A future is read once: the end is closed after.
    pub async fn read(self, mut store: impl AsStore) -> Result<Option<Val>> {
        let buffer = read_buffer(&mut store, &self.0, Transmit::Future)?;
        let got = read(&mut store, &self.0, Transmit::Future, 1, buffer).await?;
        let val = got.and_then(|items| into_vals(items).into_iter().next());
        close(&mut store, &self.0, Transmit::Future, true)?;
        Ok(val)
    }
}

impl FutureWriter<Val> {
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
