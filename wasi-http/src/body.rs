//! Bodies: the `incoming-body` a guest reads (with its `future-trailers`)
//! and the `outgoing-body` it writes, each a [`Pipe`] seen through a
//! `wasi:io` stream; and the same pipes as hyper bodies on the host's side.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hostbind::{Borrow, Resource, Result, Trap};
use hostbind_wasi::{HostInputStream, HostOutputStream, InputStream, OutputStream, Pollable};

use crate::WasiHttpCtx;
use crate::bindings::wasi::http::types::{self as t, ErrorCode};
use crate::error::{HttpError, io_error};
use crate::fields::Fields;
use crate::pipe::{Chunk, End, Pipe};

/// A body the guest reads.
#[derive(Debug)]
pub struct IncomingBody {
    pipe: Arc<Pipe>,
    stream_taken: bool,
    /// Held by the stream too: while it is shared, the stream is alive.
    child: Arc<()>,
    finished: bool,
}

impl IncomingBody {
    pub(crate) fn new(pipe: Arc<Pipe>) -> IncomingBody {
        IncomingBody {
            pipe,
            stream_taken: false,
            child: Arc::new(()),
            finished: false,
        }
    }
}

impl Drop for IncomingBody {
    fn drop(&mut self) {
        if !self.finished {
            self.pipe.close_reader();
        }
    }
}

/// The `input-stream` of an incoming body.
#[derive(Debug)]
struct BodyReader {
    pipe: Arc<Pipe>,
    _parent: Arc<()>,
}

fn read_result(c: Chunk) -> std::io::Result<Option<Vec<u8>>> {
    match c {
        Chunk::Data(b) => Ok(Some(b.to_vec())),
        Chunk::Empty => Ok(Some(Vec::new())),
        Chunk::End(Ok(())) => Ok(None),
        Chunk::End(Err(code)) => Err(io_error(code)),
    }
}

impl HostInputStream for BodyReader {
    fn read(&mut self, len: usize) -> std::io::Result<Option<Vec<u8>>> {
        if len == 0 {
            return Ok(Some(Vec::new()));
        }
        read_result(self.pipe.read(len))
    }

    fn blocking_read(&mut self, len: usize) -> std::io::Result<Option<Vec<u8>>> {
        if len == 0 {
            return Ok(Some(Vec::new()));
        }
        read_result(self.pipe.blocking_read(len))
    }

    fn subscribe(&mut self) -> Pollable {
        self.pipe.subscribe_readable()
    }
}

/// The trailers of an incoming body, once it has ended.
#[derive(Debug)]
pub struct FutureTrailers {
    pipe: Arc<Pipe>,
}

/// A body the guest writes.
#[derive(Debug)]
pub struct OutgoingBody {
    pipe: Arc<Pipe>,
    stream_taken: bool,
    child: Arc<()>,
    /// The `content-length` the message declared.
    expected: Option<u64>,
    /// Of a request (or else a response): which error code a wrong length is.
    request: bool,
    finished: bool,
}

impl OutgoingBody {
    pub(crate) fn new(pipe: Arc<Pipe>, expected: Option<u64>, request: bool) -> OutgoingBody {
        OutgoingBody {
            pipe,
            stream_taken: false,
            child: Arc::new(()),
            expected,
            request,
            finished: false,
        }
    }

    fn size_error(request: bool, n: u64) -> ErrorCode {
        if request {
            ErrorCode::HTTPRequestBodySize(Some(n))
        } else {
            ErrorCode::HTTPResponseBodySize(Some(n))
        }
    }
}

impl Drop for OutgoingBody {
    fn drop(&mut self) {
        // Dropped unfinished (by the guest, or with its store after a
        // trap): the message is cut short, not passed off as complete.
        if !self.finished {
            self.pipe.finish(Err(ErrorCode::InternalError(Some(
                "the guest dropped the body without finishing it".into(),
            ))));
        }
    }
}

/// The `output-stream` of an outgoing body.
#[derive(Debug)]
struct BodyWriter {
    pipe: Arc<Pipe>,
    _parent: Arc<()>,
    expected: Option<u64>,
    written: u64,
    request: bool,
}

impl BodyWriter {
    /// Counts `n` more bytes, refusing those past the declared length.
    fn count(&mut self, n: usize) -> std::io::Result<()> {
        let total = self.written + n as u64;
        if let Some(max) = self.expected
            && total > max
        {
            return Err(io_error(OutgoingBody::size_error(self.request, total)));
        }
        self.written = total;
        Ok(())
    }
}

fn closed() -> std::io::Error {
    io_error(ErrorCode::ConnectionTerminated)
}

impl HostOutputStream for BodyWriter {
    fn check_write(&mut self) -> std::io::Result<usize> {
        self.pipe.room().ok_or_else(closed)
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.pipe.room().is_none() {
            return Err(closed());
        }
        self.count(bytes.len())?;
        self.pipe.push(Bytes::copy_from_slice(bytes));
        Ok(())
    }

    fn blocking_write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.count(bytes.len())?;
        match self.pipe.blocking_push(bytes) {
            true => Ok(()),
            false => Err(closed()),
        }
    }

    fn subscribe(&mut self) -> Pollable {
        self.pipe.subscribe_writable()
    }
}

impl t::HostIncomingBody for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<IncomingBody>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn stream(&mut self, this: Borrow<IncomingBody>) -> Result<Result<Resource<InputStream>, ()>> {
        let body = self.table().get_mut(&this)?;
        if body.stream_taken {
            return Ok(Err(()));
        }
        body.stream_taken = true;
        let reader = BodyReader {
            pipe: body.pipe.clone(),
            _parent: body.child.clone(),
        };
        Ok(Ok(self.table().push(InputStream::from_host(reader))))
    }

    fn finish(&mut self, this: Resource<IncomingBody>) -> Result<Resource<FutureTrailers>> {
        if Arc::strong_count(&self.table().get(&this)?.child) > 1 {
            return Err(Trap::new(
                "`incoming-body.finish` was called while the body's `input-stream` is alive; drop the stream first",
            )
            .into());
        }
        let mut body = self.table().delete(this)?;
        body.finished = true;
        // The rest of the body is not wanted, only its trailers.
        body.pipe.discard();
        let pipe = body.pipe.clone();
        Ok(self.table().push(FutureTrailers { pipe }))
    }
}

impl t::HostFutureTrailers for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<FutureTrailers>) -> Result<()> {
        let t = self.table().delete(rep)?;
        t.pipe.close_reader();
        Ok(())
    }

    fn subscribe(&mut self, this: Borrow<FutureTrailers>) -> Result<Resource<Pollable>> {
        let p = self.table().get(&this)?.pipe.subscribe_ended();
        Ok(self.table().push(p))
    }

    #[allow(clippy::type_complexity)]
    fn get(
        &mut self,
        this: Borrow<FutureTrailers>,
    ) -> Result<
        Option<std::result::Result<std::result::Result<Option<Resource<Fields>>, ErrorCode>, ()>>,
    > {
        let end: Option<Option<End>> = self.table().get(&this)?.pipe.take_end();
        Ok(match end {
            None => None,
            Some(None) => Some(Err(())),
            Some(Some(Ok(None))) => Some(Ok(Ok(None))),
            Some(Some(Ok(Some(map)))) => Some(Ok(Ok(Some(self.push_fields(map, false))))),
            Some(Some(Err(code))) => Some(Ok(Err(code))),
        })
    }
}

impl t::HostOutgoingBody for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<OutgoingBody>) -> Result<()> {
        let body = self.table().get(&rep)?;
        if Arc::strong_count(&body.child) > 1 {
            return Err(Trap::new(
                "an `outgoing-body` was dropped while its `output-stream` is alive; drop the stream first",
            )
            .into());
        }
        self.table().delete(rep).map(|_| ())
    }

    fn write(&mut self, this: Borrow<OutgoingBody>) -> Result<Result<Resource<OutputStream>, ()>> {
        let body = self.table().get_mut(&this)?;
        if body.stream_taken {
            return Ok(Err(()));
        }
        body.stream_taken = true;
        let writer = BodyWriter {
            pipe: body.pipe.clone(),
            _parent: body.child.clone(),
            expected: body.expected,
            written: 0,
            request: body.request,
        };
        Ok(Ok(self.table().push(OutputStream::from_host(writer))))
    }

    fn finish(
        &mut self,
        this: Resource<OutgoingBody>,
        trailers: Option<Resource<Fields>>,
    ) -> Result<std::result::Result<(), ErrorCode>> {
        if Arc::strong_count(&self.table().get(&this)?.child) > 1 {
            return Err(Trap::new(
                "`outgoing-body.finish` was called while the body's `output-stream` is alive; drop the stream first",
            )
            .into());
        }
        let trailers = match trailers {
            Some(t) => Some(self.take_fields(t)?),
            None => None,
        };
        let mut body = self.table().delete(this)?;
        body.finished = true;
        let written = body.pipe.total();
        if let Some(max) = body.expected
            && written != max
        {
            let code = OutgoingBody::size_error(body.request, written);
            body.pipe.finish(Err(code.clone()));
            return Ok(Err(code));
        }
        body.pipe.finish(Ok(trailers));
        Ok(Ok(()))
    }
}

/// A body for hyper whose bytes come through a pipe (the guest's
/// response, or the guest's outgoing request).
#[derive(Debug)]
pub struct PipeBody {
    pipe: Arc<Pipe>,
}

impl PipeBody {
    pub(crate) fn new(pipe: Arc<Pipe>) -> PipeBody {
        PipeBody { pipe }
    }
}

impl Drop for PipeBody {
    fn drop(&mut self) {
        self.pipe.close_reader();
    }
}

impl http_body::Body for PipeBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<http_body::Frame<Bytes>, HttpError>>> {
        self.pipe
            .poll_frame(cx)
            .map(|f| f.map(|r| r.map_err(HttpError)))
    }

    fn is_end_stream(&self) -> bool {
        self.pipe.is_end()
    }
}

/// Copies a hyper body into `pipe`, at most `limit` bytes of it: what the
/// guest reads as an incoming body. Stops when the guest drops the body.
pub(crate) async fn feed<B>(mut body: B, pipe: Arc<Pipe>, limit: Option<u64>)
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    use http_body_util::BodyExt;
    let mut total: u64 = 0;
    loop {
        if !std::future::poll_fn(|cx| pipe.poll_room(cx)).await {
            return;
        }
        match body.frame().await {
            None => return pipe.finish(Ok(None)),
            Some(Err(e)) => {
                let e: Box<dyn std::error::Error + Send + Sync> = e.into();
                let code = match e.downcast_ref::<hyper::Error>() {
                    Some(h) => crate::error::from_hyper(h),
                    None => ErrorCode::InternalError(Some(e.to_string())),
                };
                return pipe.finish(Err(code));
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => {
                    total += data.len() as u64;
                    if limit.is_some_and(|l| total > l) {
                        return pipe.finish(Err(ErrorCode::HTTPRequestBodySize(Some(total))));
                    }
                    pipe.push(data);
                }
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        return pipe.finish(Ok(Some(trailers)));
                    }
                }
            },
        }
    }
}
