//! The body of a server's response: the guest's, streamed from its pipe,
//! or a whole one the server writes itself (an error's words).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;

use crate::body::PipeBody;
use crate::error::HttpError;

/// A response body of [`Server::handle`](super::Server::handle).
#[derive(Debug)]
pub struct ResponseBody(Kind);

#[derive(Debug)]
enum Kind {
    Guest(PipeBody),
    Full(Option<Bytes>),
}

impl ResponseBody {
    pub(crate) fn pipe(p: PipeBody) -> ResponseBody {
        ResponseBody(Kind::Guest(p))
    }

    pub(crate) fn full(b: Bytes) -> ResponseBody {
        ResponseBody(Kind::Full(Some(b)))
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, HttpError>>> {
        match &mut self.get_mut().0 {
            Kind::Guest(p) => Pin::new(p).poll_frame(cx),
            Kind::Full(b) => Poll::Ready(b.take().map(|b| Ok(http_body::Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Kind::Guest(p) => p.is_end_stream(),
            Kind::Full(b) => b.is_none(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match &self.0 {
            Kind::Guest(p) => p.size_hint(),
            Kind::Full(b) => {
                http_body::SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }
}
