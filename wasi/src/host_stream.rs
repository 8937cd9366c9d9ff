//! Streams and pollables another crate provides: the bodies of
//! `wasi:http`, say, which the guest reads and writes through the same
//! `wasi:io` streams as files and sockets.

use std::os::fd::AsFd;
use std::sync::Arc;

use crate::io::{Input, InputStream, Output, OutputStream};
use crate::poll::Pollable;

/// The host's side of a `wasi:io/streams/input-stream` it makes itself.
///
/// An error is reported to the guest as `last-operation-failed`, with an
/// `error` resource that keeps the `std::io::Error` (see
/// [`IoError::io_error`](crate::IoError::io_error)), so that a crate can
/// carry its own error inside and find it again.
pub trait HostInputStream: Send + core::fmt::Debug {
    /// At most `len` bytes that are there now (possibly none), or `None`
    /// once the stream has ended.
    fn read(&mut self, len: usize) -> std::io::Result<Option<Vec<u8>>>;

    /// At most `len` bytes, waiting until at least one is there (or the
    /// stream ends, `None`).
    fn blocking_read(&mut self, len: usize) -> std::io::Result<Option<Vec<u8>>>;

    /// Ready when [`read`](Self::read) would return bytes, the end or an
    /// error.
    fn subscribe(&mut self) -> Pollable;
}

/// The host's side of a `wasi:io/streams/output-stream` it makes itself.
pub trait HostOutputStream: Send + core::fmt::Debug {
    /// How many bytes [`write`](Self::write) takes now (0: none, wait on
    /// [`subscribe`](Self::subscribe)). An error closes the stream.
    fn check_write(&mut self) -> std::io::Result<usize>;

    /// Writes bytes that `check_write` made room for.
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()>;

    /// Writes `bytes`, waiting for room as needed.
    fn blocking_write(&mut self, bytes: &[u8]) -> std::io::Result<()>;

    /// Ready when [`check_write`](Self::check_write) would return more
    /// than 0, or an error.
    fn subscribe(&mut self) -> Pollable;
}

impl InputStream {
    /// An input stream the host serves through `stream`.
    pub fn from_host(stream: impl HostInputStream + 'static) -> InputStream {
        InputStream::new(Input::Host(Box::new(stream)))
    }
}

impl OutputStream {
    /// An output stream the host serves through `stream`.
    pub fn from_host(stream: impl HostOutputStream + 'static) -> OutputStream {
        OutputStream::new(Output::Host(Box::new(stream)))
    }
}

impl Pollable {
    /// A pollable that is always ready.
    pub fn ready() -> Pollable {
        Pollable::READY
    }

    /// A pollable that is ready while `fd` can be read without blocking
    /// (a pipe holding a byte, an eventfd that was written): the way a
    /// host's own event becomes something `wasi:io/poll` waits on together
    /// with sockets and clocks.
    pub fn when_readable<T>(fd: Arc<T>) -> Pollable
    where
        T: AsFd + Send + Sync + core::fmt::Debug + 'static,
    {
        Pollable::readable(&fd)
    }
}
