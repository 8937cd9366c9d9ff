//! A body in flight between a guest, on a thread that blocks in host
//! calls, and hyper, in a task on tokio: its bytes (with a bound on how
//! many may wait), then its trailers or the error that cut it short. Either
//! end may be the guest's; each side waits its own way (a condition
//! variable, a `Waker`, or a pipe the guest polls).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use hostbind_wasi::Pollable;
use http::HeaderMap;

use crate::bindings::wasi::http::types::ErrorCode;
use crate::signal::{self, Signal};

/// How a body ended: its trailers, if any, or what went wrong.
pub(crate) type End = Result<Option<HeaderMap>, ErrorCode>;

/// What a read found.
#[derive(Debug)]
pub(crate) enum Chunk {
    Data(Bytes),
    /// Nothing yet.
    Empty,
    /// No more bytes: the body ended, with an error if it failed.
    End(Result<(), ErrorCode>),
}

/// One body; shared by its two ends.
#[derive(Debug)]
pub(crate) struct Pipe {
    inner: Mutex<Inner>,
    changed: Condvar,
}

#[derive(Debug)]
struct Inner {
    chunks: VecDeque<Bytes>,
    buffered: usize,
    cap: usize,
    end: Option<End>,
    end_taken: bool,
    /// The reader wants no more bytes, only the end (the trailers): what
    /// is written is dropped.
    discard: bool,
    /// The reader is gone: writes fail.
    reader_gone: bool,
    /// Bytes written in all.
    total: u64,
    /// Raised while a read would return something.
    readable: Option<Signal>,
    /// Raised while a write has room.
    writable: Option<Signal>,
    /// Raised once the body has ended.
    ended: Option<Signal>,
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

impl Inner {
    fn can_read(&self) -> bool {
        !self.chunks.is_empty() || self.end.is_some()
    }

    fn room(&self) -> usize {
        if self.discard {
            self.cap
        } else {
            self.cap.saturating_sub(self.buffered)
        }
    }

    /// Writing is over: nothing written would be read.
    fn closed(&self) -> bool {
        self.reader_gone || self.end.is_some()
    }

    fn can_write(&self) -> bool {
        self.closed() || self.room() > 0
    }
}

impl Pipe {
    /// A pipe in which at most `cap` bytes wait for the reader.
    pub(crate) fn new(cap: usize) -> Arc<Pipe> {
        Arc::new(Pipe {
            inner: Mutex::new(Inner {
                chunks: VecDeque::new(),
                buffered: 0,
                cap: cap.max(1),
                end: None,
                end_taken: false,
                discard: false,
                reader_gone: false,
                total: 0,
                readable: None,
                writable: None,
                ended: None,
                read_waker: None,
                write_waker: None,
            }),
            changed: Condvar::new(),
        })
    }

    /// A pipe that holds a whole body already.
    pub(crate) fn full(bytes: Bytes) -> Arc<Pipe> {
        let pipe = Pipe::new(bytes.len());
        pipe.push(bytes);
        pipe.finish(Ok(None));
        pipe
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while the lock is held leaves no half-made change: each
        // change below is made whole before anything that could panic.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells both ends that the state moved.
    fn notify(&self, g: &mut Inner) {
        self.changed.notify_all();
        if let Some(w) = g.read_waker.take() {
            w.wake();
        }
        if let Some(w) = g.write_waker.take() {
            w.wake();
        }
        let (r, w, e) = (g.can_read(), g.can_write(), g.end.is_some());
        if let Some(s) = &mut g.readable {
            s.set(r);
        }
        if let Some(s) = &mut g.writable {
            s.set(w);
        }
        if let Some(s) = &mut g.ended {
            s.set(e);
        }
    }

    // The writing end.

    /// How many bytes a write takes now; `None` once nothing written
    /// will be read (the reader is gone, or the body has ended).
    pub(crate) fn room(&self) -> Option<usize> {
        let g = self.lock();
        (!g.closed()).then(|| g.room())
    }

    /// Adds bytes (a writer that checked [`room`](Self::room) first
    /// stays within the bound; the pipe takes more rather than lose any).
    pub(crate) fn push(&self, bytes: Bytes) {
        let mut g = self.lock();
        if g.discard || g.closed() || bytes.is_empty() {
            return;
        }
        g.buffered += bytes.len();
        g.total += bytes.len() as u64;
        g.chunks.push_back(bytes);
        self.notify(&mut g);
    }

    /// Writes all of `bytes`, waiting for room; false if the reader went
    /// away first.
    pub(crate) fn blocking_push(&self, mut bytes: &[u8]) -> bool {
        let mut g = self.lock();
        while !bytes.is_empty() {
            if g.closed() {
                return false;
            }
            if g.discard {
                return true;
            }
            let room = g.room();
            if room == 0 {
                g = self.changed.wait(g).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let n = room.min(bytes.len());
            g.buffered += n;
            g.total += n as u64;
            g.chunks.push_back(Bytes::copy_from_slice(&bytes[..n]));
            bytes = &bytes[n..];
            self.notify(&mut g);
        }
        true
    }

    /// Ready when there is room, or when writing is over.
    pub(crate) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<bool> {
        let mut g = self.lock();
        if g.closed() {
            return Poll::Ready(false);
        }
        if g.room() > 0 {
            return Poll::Ready(true);
        }
        g.write_waker = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Bytes written in all.
    pub(crate) fn total(&self) -> u64 {
        self.lock().total
    }

    /// Ends the body (once; later ends are ignored).
    pub(crate) fn finish(&self, end: End) {
        let mut g = self.lock();
        if g.end.is_none() {
            g.end = Some(end);
            self.notify(&mut g);
        }
    }

    /// A pollable ready while a write has room.
    pub(crate) fn subscribe_writable(&self) -> Pollable {
        let mut g = self.lock();
        let ready = g.can_write();
        signal::subscribe(&mut g.writable, ready)
    }

    // The reading end.

    fn take(&self, g: &mut Inner, max: usize) -> Chunk {
        if let Some(front) = g.chunks.front_mut() {
            let out = if front.len() <= max {
                g.chunks.pop_front().unwrap_or_default()
            } else {
                front.split_to(max)
            };
            g.buffered -= out.len();
            self.notify(g);
            return Chunk::Data(out);
        }
        match &g.end {
            Some(Ok(_)) => Chunk::End(Ok(())),
            Some(Err(e)) => Chunk::End(Err(e.clone())),
            None => Chunk::Empty,
        }
    }

    /// At most `max` bytes that are there now.
    pub(crate) fn read(&self, max: usize) -> Chunk {
        let mut g = self.lock();
        self.take(&mut g, max.max(1))
    }

    /// At most `max` bytes, waiting for the first.
    pub(crate) fn blocking_read(&self, max: usize) -> Chunk {
        let mut g = self.lock();
        loop {
            match self.take(&mut g, max.max(1)) {
                Chunk::Empty => g = self.changed.wait(g).unwrap_or_else(|p| p.into_inner()),
                c => return c,
            }
        }
    }

    /// The next frame for hyper: bytes, then the trailers, then `None`.
    pub(crate) fn poll_frame(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, ErrorCode>>> {
        let mut g = self.lock();
        match self.take(&mut g, usize::MAX) {
            Chunk::Data(b) => Poll::Ready(Some(Ok(http_body::Frame::data(b)))),
            Chunk::Empty => {
                g.read_waker = Some(cx.waker().clone());
                Poll::Pending
            }
            Chunk::End(Err(e)) => Poll::Ready(Some(Err(e))),
            Chunk::End(Ok(())) => match g.end_taken {
                true => Poll::Ready(None),
                false => {
                    g.end_taken = true;
                    match g
                        .end
                        .as_mut()
                        .and_then(|e| e.as_mut().ok())
                        .and_then(Option::take)
                    {
                        Some(t) => Poll::Ready(Some(Ok(http_body::Frame::trailers(t)))),
                        None => Poll::Ready(None),
                    }
                }
            },
        }
    }

    /// Whether the body was cut off for being larger than allowed.
    pub(crate) fn ended_with_size_error(&self) -> bool {
        matches!(
            self.lock().end,
            Some(Err(ErrorCode::HTTPRequestBodySize(_)))
        )
    }

    /// Whether nothing is left to read: no bytes, no trailers, no error.
    pub(crate) fn is_end(&self) -> bool {
        let g = self.lock();
        g.chunks.is_empty()
            && match &g.end {
                Some(Ok(None)) => true,
                Some(Ok(Some(_))) => g.end_taken,
                Some(Err(_)) | None => false,
            }
    }

    /// A pollable ready while a read would return something.
    pub(crate) fn subscribe_readable(&self) -> Pollable {
        let mut g = self.lock();
        let ready = g.can_read();
        signal::subscribe(&mut g.readable, ready)
    }

    /// The reader wants no more bytes, only the end: those waiting and
    /// those to come are dropped.
    pub(crate) fn discard(&self) {
        let mut g = self.lock();
        g.discard = true;
        g.chunks.clear();
        g.buffered = 0;
        self.notify(&mut g);
    }

    /// The reader is gone: writes fail from now on.
    pub(crate) fn close_reader(&self) {
        let mut g = self.lock();
        g.discard = true;
        g.reader_gone = true;
        g.chunks.clear();
        g.buffered = 0;
        self.notify(&mut g);
    }

    /// A pollable ready once the body has ended.
    pub(crate) fn subscribe_ended(&self) -> Pollable {
        let mut g = self.lock();
        let ready = g.end.is_some();
        signal::subscribe(&mut g.ended, ready)
    }

    /// How the body ended, once: `None` before it has, `Some(None)` after
    /// it was taken.
    pub(crate) fn take_end(&self) -> Option<Option<End>> {
        let mut g = self.lock();
        g.end.as_ref()?;
        if g.end_taken {
            return Some(None);
        }
        g.end_taken = true;
        Some(g.end.clone())
    }
}
