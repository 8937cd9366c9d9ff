//! The body of a 0.3 request or response, and the copies that move it:
//! from the network (a [`PipeBody`]) into a guest's stream and trailers
//! future, and from a guest's stream and future into a pipe that hyper
//! sends.

use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use hostbind::{Access, FutureReader, FutureWriter, Resource, Result, StreamReader, StreamWriter};
use http::HeaderMap;

use super::bindings::wasi::http::types::ErrorCode;
use crate::WasiHttpCtx;
use crate::body::PipeBody;
use crate::error::HttpError;
use crate::fields::Fields;
use crate::pipe::Pipe;

/// What a body's trailers future carries.
pub(crate) type Trailers = Result<Option<Resource<Fields>>, ErrorCode>;
/// What the future of a body's transmission carries.
pub(crate) type Sent = Result<(), ErrorCode>;

/// How many bytes one read of a guest's body stream asks for.
pub(crate) const CHUNK: usize = 64 * 1024;

/// A body, until it is consumed.
#[derive(Debug, Default)]
pub(crate) enum Body {
    /// The guest's: its stream (`none` for an empty body), its trailers,
    /// and the writer of the future `new` returned, told how sending went.
    Guest {
        contents: Option<StreamReader<u8>>,
        trailers: FutureReader<Trailers>,
        sent: FutureWriter<Sent>,
    },
    /// Bytes and trailers from the network.
    Host(PipeBody),
    /// Consumed already.
    #[default]
    Taken,
}

/// The body as a stream and a future of trailers the guest reads. `res`
/// is how the guest says whether it took the body well: for a guest's
/// own body, passed on to the future its `new` returned.
pub(crate) fn into_guest(
    access: &Access<WasiHttpCtx>,
    body: Body,
    res: FutureReader<Sent>,
) -> Result<(StreamReader<u8>, FutureReader<Trailers>)> {
    match body {
        Body::Guest {
            contents,
            trailers,
            sent,
        } => {
            let contents = match contents {
                Some(c) => c,
                None => {
                    let (tx, rx) = hostbind::stream::<u8>(access)?;
                    tx.close(access)?;
                    rx
                }
            };
            let a = access.clone();
            access.spawn(async move {
                let outcome = res.read(&a).await?.unwrap_or(Ok(()));
                sent.write(&a, outcome).await?;
                Ok(())
            })?;
            Ok((contents, trailers))
        }
        Body::Host(pipe) => {
            // The network's body has no one to tell how it was taken.
            res.close(access)?;
            let (tx, rx) = hostbind::stream::<u8>(access)?;
            let (trailers_tx, trailers_rx) = hostbind::future::<Trailers>(access)?;
            let a = access.clone();
            access.spawn(pipe_to_guest(a, pipe, tx, trailers_tx))?;
            Ok((rx, trailers_rx))
        }
        Body::Taken => Err(anyhow::anyhow!("the body was consumed already")),
    }
}

/// Copies bytes from the network into the guest's stream, then its
/// trailers (or the error it failed with) into the guest's future.
async fn pipe_to_guest(
    a: Access<WasiHttpCtx>,
    mut body: PipeBody,
    tx: StreamWriter<u8>,
    trailers: FutureWriter<Trailers>,
) -> Result<()> {
    use http_body::Body as _;
    let end: Result<Option<HeaderMap>, ErrorCode> = loop {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break Ok(None),
            Some(Err(HttpError(code))) => break Err(code.into()),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) if data.is_empty() => {}
                Ok(data) => {
                    let len = data.len();
                    // Fewer taken: the guest dropped its end.
                    if tx.write(&a, Vec::from(data)).await? < len {
                        break Ok(None);
                    }
                }
                Err(frame) => {
                    if let Ok(t) = frame.into_trailers() {
                        break Ok(Some(t));
                    }
                }
            },
        }
    };
    drop(body);
    tx.close(&a)?;
    let value = match end {
        Ok(Some(map)) => Ok(Some(a.with(|cx| cx.push_fields(map, false))?)),
        Ok(None) => Ok(None),
        Err(code) => Err(code),
    };
    trailers.write(&a, value).await?;
    Ok(())
}

/// The error for a body whose length is not its `content-length`.
pub(crate) fn size_error(request: bool, n: u64) -> ErrorCode {
    match request {
        true => ErrorCode::HTTPRequestBodySize(Some(n)),
        false => ErrorCode::HTTPResponseBodySize(Some(n)),
    }
}

/// Copies a guest's body into `pipe`, then its trailers, through
/// `$store` (`&access` or `&mut *store`); evaluates to how sending went.
/// A macro, not a function, because the two ways to reach a store are
/// two types that only their own references make an `AsStore`.
macro_rules! guest_to_pipe {
    ($store:expr, $contents:expr, $trailers:expr, $pipe:expr, $expected:expr, $request:expr) => {
        async {
            let (contents, trailers, pipe): (
                Option<hostbind::StreamReader<u8>>,
                hostbind::FutureReader<$crate::p3::body::Trailers>,
                std::sync::Arc<$crate::pipe::Pipe>,
            ) = ($contents, $trailers, $pipe);
            // However this ends (an error, a trap, the store dropped at
            // the deadline), hyper's reader hears of it.
            let _end = $crate::p3::body::Unfinished(pipe.clone());
            let expected: Option<u64> = $expected;
            let mut total: u64 = 0;
            let mut outcome: $crate::p3::body::Sent = Ok(());
            if let Some(c) = contents {
                loop {
                    if !std::future::poll_fn(|cx| pipe.poll_room(cx)).await {
                        outcome = Err($crate::p3::bindings::wasi::http::types::ErrorCode::ConnectionTerminated);
                        break;
                    }
                    match c.read($store, $crate::p3::body::CHUNK).await? {
                        None => break,
                        Some(bytes) => {
                            total += bytes.len() as u64;
                            if expected.is_some_and(|e| total > e) {
                                outcome = Err($crate::p3::body::size_error($request, total));
                                break;
                            }
                            pipe.push(bytes::Bytes::from(bytes));
                        }
                    }
                }
                c.close($store)?;
            }
            if outcome.is_ok()
                && let Some(e) = expected
                && total != e
            {
                outcome = Err($crate::p3::body::size_error($request, total));
            }
            let end = match outcome.clone() {
                Err(code) => Err(code),
                Ok(()) => match trailers.read($store).await? {
                    Some(Ok(Some(f))) => {
                        let f: hostbind::Resource<$crate::fields::Fields> = f;
                        Ok(Some($crate::p3::body::TakeFields::take($store, f)?))
                    }
                    Some(Ok(None)) | None => Ok(None),
                    Some(Err(code)) => Err(code),
                },
            };
            if let Err(code) = &end {
                outcome = Err(code.clone());
            }
            pipe.finish(end.map_err(Into::into));
            Ok::<_, hostbind::Error>(outcome)
        }
    };
}
pub(crate) use guest_to_pipe;

/// Ends a pipe with an error when dropped, unless it was ended already:
/// a body whose copy stopped half-way is cut off, not left waiting.
pub(crate) struct Unfinished(pub(crate) Arc<Pipe>);

impl Drop for Unfinished {
    fn drop(&mut self) {
        self.0.finish(Err(
            crate::bindings::wasi::http::types::ErrorCode::InternalError(Some(
                "the guest stopped before it finished the body".into(),
            )),
        ));
    }
}

/// The map of trailers the guest gave, through either way to the store.
pub(crate) trait TakeFields {
    fn take(self, f: Resource<Fields>) -> Result<HeaderMap>;
}

impl TakeFields for &Access<WasiHttpCtx> {
    fn take(self, f: Resource<Fields>) -> Result<HeaderMap> {
        self.with(|cx| cx.take_fields(f))?
    }
}

impl TakeFields for &mut hostbind::Store<WasiHttpCtx> {
    fn take(self, f: Resource<Fields>) -> Result<HeaderMap> {
        self.data_mut().take_fields(f)
    }
}

/// Sends a guest's body (of an outgoing request) into `pipe` from a task
/// of the store's event loop, then tells the guest's future how it went.
pub(crate) fn send_from_guest(
    access: &Access<WasiHttpCtx>,
    contents: Option<StreamReader<u8>>,
    trailers: FutureReader<Trailers>,
    sent: FutureWriter<Sent>,
    pipe: Arc<Pipe>,
    expected: Option<u64>,
) -> Result<()> {
    let a = access.clone();
    access.spawn(async move {
        let outcome = guest_to_pipe!(&a, contents, trailers, pipe, expected, true).await?;
        sent.write(&a, outcome).await?;
        Ok(())
    })
}

/// An empty pipe body, ended.
pub(crate) fn empty() -> Arc<Pipe> {
    Pipe::full(Bytes::new())
}
