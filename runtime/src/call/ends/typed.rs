//! Typed ends: [`StreamReader<E>`](super::StreamReader) and the others for
//! a Rust element type `E`, whose values move between the guest's buffer
//! and a `Vec<E>` with no `Val` between; their component types, lift and
//! lower (so that they can be params and results of typed functions); and
//! [`stream`] and [`future`] to make them.

use core::any::Any;
use std::sync::Arc;

use super::{
    ErrorContext, FutureReader, FutureWriter, StreamReader, StreamWriter, close, read, write_all,
};
use crate::abi::handles::EndTy;
use crate::abi::{ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx};
use crate::call::reach::AsStore;
use crate::concurrent::host_end;
use crate::error::Result;
use crate::raw::ValRaw;
use crate::store::tasks::{HostItems, Transmit};
use crate::types::Ty;

/// A new stream of `E` whose ends the host holds: give the reader to a
/// guest (as a param of an export, or a result of a host function) and
/// write with the writer. `store` is `&mut Store<T>`, or `&Access<T>` in
/// an async host function.
///
/// ```
/// # fn main() -> hostbind::Result<()> {
/// let engine = hostbind::Engine::default();
/// let mut store = hostbind::Store::new(&engine, ());
/// let (tx, rx) = hostbind::stream::<u8>(&mut store)?;
/// // Nothing reads yet: the guest is handed `rx` in a call.
/// tx.close(&mut store)?;
/// rx.close(&mut store)?;
/// # Ok(())
/// # }
/// ```
pub fn stream<E>(mut store: impl AsStore) -> Result<(StreamWriter<E>, StreamReader<E>)>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    let (r, w) = store.__ops(|ops| ops.new_pair(Transmit::Stream, None, None))?;
    Ok((StreamWriter::from_end(w), StreamReader::from_end(r)))
}

/// A new future of `E` whose ends the host holds, as [`stream`] makes a
/// stream.
pub fn future<E>(mut store: impl AsStore) -> Result<(FutureWriter<E>, FutureReader<E>)>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    let (r, w) = store.__ops(|ops| ops.new_pair(Transmit::Future, None, None))?;
    Ok((FutureWriter::from_end(w), FutureReader::from_end(r)))
}

/// `values` as a host copy's items: bytes for `u8`.
fn items<E>(values: Vec<E>) -> HostItems
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    let any: Box<dyn Any> = Box::new(values);
    match any.downcast::<Vec<u8>>() {
        Ok(bytes) => HostItems::Bytes(*bytes),
        Err(any) => match any.downcast::<Vec<E>>() {
            Ok(v) => HostItems::Typed(v),
            // It was a `Vec<E>`.
            Err(_) => HostItems::Vals(Vec::new()),
        },
    }
}

/// The values a typed read filled `items` with.
fn values<E: 'static>(items: HostItems) -> Result<Vec<E>> {
    let any: Box<dyn Any> = match items {
        HostItems::Bytes(b) => Box::new(b),
        HostItems::Typed(t) => t.into_any(),
        HostItems::Vals(_) => anyhow::bail!("a typed end's read gave dynamic values"),
    };
    any.downcast::<Vec<E>>()
        .map(|v| *v)
        .map_err(|_| anyhow::anyhow!("a typed end's read gave values of another type"))
}

impl<E> StreamReader<E>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    /// Reads up to `max` values (at least one), lifted from the writer's
    /// buffer straight into the `Vec`; `None` once the writer has dropped
    /// its end and every value was read.
    pub async fn read(&self, mut store: impl AsStore, max: usize) -> Result<Option<Vec<E>>> {
        let buffer = items(Vec::<E>::new());
        match read(&mut store, &self.0, Transmit::Stream, max, buffer).await? {
            Some(items) => values(items).map(Some),
            None => Ok(None),
        }
    }

    /// Reads until the writer drops its end; returns every value read.
    pub async fn read_to_end(&self, mut store: impl AsStore) -> Result<Vec<E>> {
        let mut all = Vec::new();
        loop {
            let buffer = items(Vec::<E>::new());
            match read(&mut store, &self.0, Transmit::Stream, 64 * 1024, buffer).await? {
                Some(got) => all.append(&mut values(got)?),
                None => return Ok(all),
            }
        }
    }
}

impl<E> StreamWriter<E>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    /// Writes `values` (a `Vec<E>`, or a `&[E]` of a `Clone` type),
    /// waiting until the reader has taken them all or dropped its end;
    /// returns how many it took. Each is lowered straight into the
    /// reader's buffer.
    pub async fn write(&self, mut store: impl AsStore, values: impl Into<Vec<E>>) -> Result<usize> {
        write_all(&mut store, &self.0, Transmit::Stream, items(values.into())).await
    }
}

impl<E> FutureReader<E>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    /// Reads the future's value; `None` if the writer dropped its end
    /// first. A future is read once: the end is closed after.
    pub async fn read(self, mut store: impl AsStore) -> Result<Option<E>> {
        let buffer = items(Vec::<E>::new());
        let got = read(&mut store, &self.0, Transmit::Future, 1, buffer).await?;
        close(&mut store, &self.0, Transmit::Future, true)?;
        match got {
            Some(items) => Ok(values::<E>(items)?.pop()),
            None => Ok(None),
        }
    }
}

impl<E> FutureWriter<E>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    /// Writes the future's value, waiting until the reader takes it;
    /// `false` if the reader dropped its end instead. The end is closed
    /// after.
    pub async fn write(self, mut store: impl AsStore, value: E) -> Result<bool> {
        let taken = write_all(&mut store, &self.0, Transmit::Future, items(vec![value])).await?;
        close(&mut store, &self.0, Transmit::Future, false)?;
        Ok(taken == 1)
    }
}

/// `stream<E>` or `future<E>`, with no element type for `E = ()`.
const fn transmit_ty(stream: bool, elem: &'static Ty) -> Ty {
    let elem = match elem {
        Ty::Tuple([]) => None,
        t => Some(t),
    };
    match stream {
        true => Ty::Stream(elem),
        false => Ty::Future(elem),
    }
}

// SAFETY: `PLAIN` stays false: a handle index is checked against a table.
unsafe impl<E: ComponentType> ComponentType for StreamReader<E> {
    const TY: &'static Ty = &transmit_ty(true, E::TY);
}

// SAFETY: as for `StreamReader`.
unsafe impl<E: ComponentType> ComponentType for FutureReader<E> {
    const TY: &'static Ty = &transmit_ty(false, E::TY);
}

// SAFETY: as for `StreamReader`.
unsafe impl ComponentType for ErrorContext {
    const TY: &'static Ty = &Ty::ErrorContext;
}

fn read_handle(cx: &LiftCx<'_>, offset: usize) -> Result<u32> {
    crate::abi::memory::read(&cx.site, cx.memory, offset).map(u32::from_le_bytes)
}

/// Lift and lower for a typed readable end of `$transmit`.
macro_rules! end_abi {
    ($end:ident, $transmit:expr) => {
        impl<'a, E: ComponentType> Lift<'a> for $end<E> {
            fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                host_end::lift_end(cx, src.next_val().get_u32(), $transmit).map($end::from_end)
            }
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                host_end::lift_end(cx, read_handle(cx, offset)?, $transmit).map($end::from_end)
            }
        }

        impl<E: ComponentType> Lower for $end<E> {
            fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                let ty = EndTy::Static(Self::TY);
                let idx = host_end::lower_end(cx, &self.0, $transmit, ty)?;
                dst.push(ValRaw::i32(idx as i32));
                Ok(())
            }
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                let ty = EndTy::Static(Self::TY);
                let idx = host_end::lower_end(cx, &self.0, $transmit, ty)?;
                cx.write(offset, &idx.to_le_bytes())
            }
        }
    };
}
end_abi!(StreamReader, Transmit::Stream);
end_abi!(FutureReader, Transmit::Future);

impl<'a> Lift<'a> for ErrorContext {
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        host_end::lift_error(cx, src.next_val().get_u32()).map(ErrorContext)
    }
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        host_end::lift_error(cx, read_handle(cx, offset)?).map(ErrorContext)
    }
}

impl Lower for ErrorContext {
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let message: Arc<str> = self.debug_message().into();
        let idx = host_end::lower_error(cx, &message)?;
        dst.push(ValRaw::i32(idx as i32));
        Ok(())
    }
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let message: Arc<str> = self.debug_message().into();
        let idx = host_end::lower_error(cx, &message)?;
        cx.write(offset, &idx.to_le_bytes())
    }
}
