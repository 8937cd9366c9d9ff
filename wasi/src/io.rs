//! `wasi:io/error` and `wasi:io/streams`: the byte streams of stdio, files
//! and sockets, and the pipes an embedder reads and writes them through.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use cap_std::fs::FileExt;
use hostbind::{Borrow, Resource, Result, Trap};

use crate::bindings::wasi::filesystem::types::ErrorCode;
use crate::bindings::wasi::io::{error, streams};
use crate::ctx::{OutputSink, StdinSource, WasiCtx};
use crate::host_stream::{HostInputStream, HostOutputStream};
use crate::poll::Pollable;
use streams::StreamError;

/// How much one `write` may carry after `check-write`.
const WRITE_BUDGET: usize = 1 << 20;
/// The spec's bound on `blocking-write-and-flush` and friends.
const BLOCKING_WRITE_MAX: usize = 4096;

/// A `wasi:io/error/error`: what went wrong with the last stream
/// operation, and the filesystem's code for it when there is one.
#[derive(Debug)]
pub struct IoError {
    pub(crate) message: String,
    pub(crate) code: Option<ErrorCode>,
    pub(crate) error: Option<std::io::Error>,
}

impl IoError {
    /// The I/O error the operation failed with, for a crate that serves
    /// its own streams ([`HostInputStream`](crate::HostInputStream)) and
    /// carries its own error inside one.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.error.as_ref()
    }
}

/// Bytes the embedder hands a guest as its stdin.
#[derive(Clone, Debug, Default)]
pub struct InputPipe {
    bytes: Arc<Mutex<(Vec<u8>, usize)>>,
}

impl InputPipe {
    /// A pipe the guest reads `bytes` from, then sees closed.
    pub fn new(bytes: impl Into<Vec<u8>>) -> InputPipe {
        InputPipe {
            bytes: Arc::new(Mutex::new((bytes.into(), 0))),
        }
    }

    pub(crate) fn read(&self, len: usize) -> Option<Vec<u8>> {
        let mut g = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        let (bytes, at) = &mut *g;
        if *at >= bytes.len() {
            return None;
        }
        let end = bytes.len().min(at.saturating_add(len));
        let out = bytes[*at..end].to_vec();
        *at = end;
        Some(out)
    }
}

/// A buffer a guest's stdout or stderr goes into; clones share it, so the
/// embedder keeps one and reads [`contents`](Self::contents) after the run.
#[derive(Clone, Debug, Default)]
pub struct OutputPipe {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl OutputPipe {
    /// An empty pipe.
    pub fn new() -> OutputPipe {
        OutputPipe::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.bytes.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn write(&self, bytes: &[u8]) {
        self.bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
    }
}

/// A `wasi:io/streams/input-stream`.
#[derive(Debug)]
pub struct InputStream {
    pub(crate) kind: Input,
}

#[derive(Debug)]
pub(crate) enum Input {
    Closed,
    Stdin,
    Pipe(InputPipe),
    File {
        file: Arc<cap_std::fs::File>,
        at: u64,
    },
    Tcp(Arc<std::net::TcpStream>),
    Host(Box<dyn HostInputStream>),
}

/// A `wasi:io/streams/output-stream`.
#[derive(Debug)]
pub struct OutputStream {
    pub(crate) kind: Output,
    pub(crate) closed: bool,
}

#[derive(Debug)]
pub(crate) enum Output {
    Sink,
    Stdout,
    Stderr,
    Pipe(OutputPipe),
    File {
        file: Arc<cap_std::fs::File>,
        /// `None` appends.
        at: Option<u64>,
    },
    Tcp(Arc<std::net::TcpStream>),
    Host(Box<dyn HostOutputStream>),
}

impl InputStream {
    pub(crate) fn new(kind: Input) -> InputStream {
        InputStream { kind }
    }
}

impl OutputStream {
    pub(crate) fn new(kind: Output) -> OutputStream {
        OutputStream {
            kind,
            closed: false,
        }
    }
}

impl WasiCtx {
    pub(crate) fn stdin_stream(&mut self) -> Resource<InputStream> {
        let kind = match &self.stdin {
            StdinSource::Empty => Input::Closed,
            StdinSource::Inherit => Input::Stdin,
            StdinSource::Pipe(p) => Input::Pipe(p.clone()),
        };
        self.table.push(InputStream::new(kind))
    }

    pub(crate) fn output_stream(&mut self, sink: OutputSink) -> Resource<OutputStream> {
        let kind = match sink {
            OutputSink::Sink => Output::Sink,
            OutputSink::InheritStdout => Output::Stdout,
            OutputSink::InheritStderr => Output::Stderr,
            OutputSink::Pipe(p) => Output::Pipe(p),
        };
        self.table.push(OutputStream::new(kind))
    }

    /// The stream error for an I/O error: a `last-operation-failed` whose
    /// `error` resource keeps the message and the filesystem code.
    pub(crate) fn stream_failed(&mut self, e: std::io::Error) -> StreamError {
        let code = crate::filesystem::error_code(&e);
        let err = self.table.push(IoError {
            message: e.to_string(),
            code: Some(code),
            error: Some(e),
        });
        StreamError::LastOperationFailed(err)
    }

    fn read_stream(
        &mut self,
        this: &Borrow<InputStream>,
        len: u64,
        block: bool,
    ) -> Result<Result<Vec<u8>, StreamError>> {
        let len = usize::try_from(len).unwrap_or(usize::MAX).min(WRITE_BUDGET);
        let stream = self.table.get_mut(this)?;
        let got = match &mut stream.kind {
            Input::Closed => return Ok(Err(StreamError::Closed)),
            Input::Pipe(p) => match p.read(len) {
                Some(b) => Ok(b),
                None => return Ok(Err(StreamError::Closed)),
            },
            Input::Stdin => read_some(&mut std::io::stdin().lock(), len),
            Input::File { file, at } => {
                let mut buf = vec![0; len];
                file.read_at(&mut buf, *at).map(|n| {
                    buf.truncate(n);
                    *at += n as u64;
                    buf
                })
            }
            Input::Tcp(s) => read_some(&mut s.as_ref(), len),
            Input::Host(h) => {
                let got = if block {
                    h.blocking_read(len)
                } else {
                    h.read(len)
                };
                return match got {
                    Ok(Some(b)) => Ok(Ok(b)),
                    Ok(None) => Ok(Err(StreamError::Closed)),
                    Err(e) => Ok(Err(self.stream_failed(e))),
                };
            }
        };
        match got {
            // Zero bytes asked for is not the end of the stream.
            Ok(b) if b.is_empty() && len > 0 => Ok(Err(StreamError::Closed)),
            Ok(b) => Ok(Ok(b)),
            Err(e) => Ok(Err(self.stream_failed(e))),
        }
    }

    fn write_stream(
        &mut self,
        this: &Borrow<OutputStream>,
        bytes: &[u8],
        block: bool,
    ) -> Result<Result<(), StreamError>> {
        let stream = self.table.get_mut(this)?;
        if stream.closed {
            return Ok(Err(StreamError::Closed));
        }
        let r = match &mut stream.kind {
            Output::Sink => Ok(()),
            Output::Stdout => std::io::stdout().write_all(bytes),
            Output::Stderr => std::io::stderr().write_all(bytes),
            Output::Pipe(p) => {
                p.write(bytes);
                Ok(())
            }
            Output::File { file, at } => match at {
                Some(at) => file
                    .write_all_at(bytes, *at)
                    .map(|()| *at += bytes.len() as u64),
                // Appends at the end as it is now, not where it was opened.
                None => file
                    .metadata()
                    .and_then(|m| file.write_all_at(bytes, m.len())),
            },
            Output::Tcp(s) => s.as_ref().write_all(bytes),
            Output::Host(h) if block => h.blocking_write(bytes),
            Output::Host(h) => h.write(bytes),
        };
        match r {
            Ok(()) => Ok(Ok(())),
            Err(e) => {
                stream.closed = true;
                Ok(Err(self.stream_failed(e)))
            }
        }
    }

    /// Moves at most `len` bytes from `src` to `this`; without `block`,
    /// only what the output has room for now.
    fn splice_stream(
        &mut self,
        this: &Borrow<OutputStream>,
        src: &Borrow<InputStream>,
        len: u64,
        block: bool,
    ) -> Result<Result<u64, StreamError>> {
        let room = if block {
            len
        } else {
            match self.room(this)? {
                Ok(n) => len.min(n),
                Err(e) => return Ok(Err(e)),
            }
        };
        let bytes = match self.read_stream(src, room, block)? {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
        Ok(self
            .write_stream(this, &bytes, block)?
            .map(|()| bytes.len() as u64))
    }

    /// What `check-write` answers.
    fn room(&mut self, this: &Borrow<OutputStream>) -> Result<Result<u64, StreamError>> {
        let stream = self.table.get_mut(this)?;
        if stream.closed {
            return Ok(Err(StreamError::Closed));
        }
        match &mut stream.kind {
            Output::Host(h) => match h.check_write() {
                Ok(n) => Ok(Ok(n as u64)),
                Err(e) => {
                    stream.closed = true;
                    Ok(Err(self.stream_failed(e)))
                }
            },
            _ => Ok(Ok(WRITE_BUDGET as u64)),
        }
    }

    fn flush_stream(&mut self, this: &Borrow<OutputStream>) -> Result<Result<(), StreamError>> {
        let stream = self.table.get_mut(this)?;
        if stream.closed {
            return Ok(Err(StreamError::Closed));
        }
        let r = match &stream.kind {
            Output::Stdout => std::io::stdout().flush(),
            Output::Stderr => std::io::stderr().flush(),
            _ => Ok(()),
        };
        match r {
            Ok(()) => Ok(Ok(())),
            Err(e) => Ok(Err(self.stream_failed(e))),
        }
    }
}

/// One `read` of at most `len` bytes: what is there, or the end (empty).
pub(crate) fn read_some(r: &mut impl Read, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    let n = loop {
        match r.read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    buf.truncate(n);
    Ok(buf)
}

fn too_large(func: &str, len: usize) -> hostbind::Error {
    Trap::new(format!(
        "`{func}` was given {len} bytes, more than the {BLOCKING_WRITE_MAX} the spec allows"
    ))
    .into()
}

impl error::Host for WasiCtx {}

impl error::HostError for WasiCtx {
    fn drop(&mut self, rep: Resource<IoError>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn to_debug_string(&mut self, this: Borrow<IoError>) -> Result<String> {
        Ok(self.table.get(&this)?.message.clone())
    }
}

impl streams::Host for WasiCtx {}

impl streams::HostInputStream for WasiCtx {
    fn drop(&mut self, rep: Resource<InputStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn read(
        &mut self,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<Vec<u8>, StreamError>> {
        self.read_stream(&this, len, false)
    }

    fn blocking_read(
        &mut self,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<Vec<u8>, StreamError>> {
        // Every input stream here reads blocking already.
        self.read_stream(&this, len, true)
    }

    fn skip(&mut self, this: Borrow<InputStream>, len: u64) -> Result<Result<u64, StreamError>> {
        Ok(self.read_stream(&this, len, false)?.map(|b| b.len() as u64))
    }

    fn blocking_skip(
        &mut self,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>> {
        Ok(self.read_stream(&this, len, true)?.map(|b| b.len() as u64))
    }

    fn subscribe(&mut self, this: Borrow<InputStream>) -> Result<Resource<Pollable>> {
        let p = match &mut self.table.get_mut(&this)?.kind {
            Input::Tcp(s) => Pollable::readable(s),
            Input::Host(h) => h.subscribe(),
            _ => Pollable::READY,
        };
        Ok(self.table.push(p))
    }
}

impl streams::HostOutputStream for WasiCtx {
    fn drop(&mut self, rep: Resource<OutputStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn check_write(&mut self, this: Borrow<OutputStream>) -> Result<Result<u64, StreamError>> {
        self.room(&this)
    }

    fn write(
        &mut self,
        this: Borrow<OutputStream>,
        contents: &[u8],
    ) -> Result<Result<(), StreamError>> {
        if contents.len() > WRITE_BUDGET {
            return Err(Trap::new(format!(
                "`output-stream.write` was given {} bytes, more than the {WRITE_BUDGET} `check-write` allowed",
                contents.len()
            ))
            .into());
        }
        self.write_stream(&this, contents, false)
    }

    fn blocking_write_and_flush(
        &mut self,
        this: Borrow<OutputStream>,
        contents: &[u8],
    ) -> Result<Result<(), StreamError>> {
        if contents.len() > BLOCKING_WRITE_MAX {
            return Err(too_large("blocking-write-and-flush", contents.len()));
        }
        match self.write_stream(&this, contents, true)? {
            Ok(()) => self.flush_stream(&this),
            e => Ok(e),
        }
    }

    fn flush(&mut self, this: Borrow<OutputStream>) -> Result<Result<(), StreamError>> {
        self.flush_stream(&this)
    }

    fn blocking_flush(&mut self, this: Borrow<OutputStream>) -> Result<Result<(), StreamError>> {
        self.flush_stream(&this)
    }

    fn subscribe(&mut self, this: Borrow<OutputStream>) -> Result<Resource<Pollable>> {
        let p = match &mut self.table.get_mut(&this)?.kind {
            Output::Tcp(s) => Pollable::writable(s),
            Output::Host(h) => h.subscribe(),
            _ => Pollable::READY,
        };
        Ok(self.table.push(p))
    }

    fn write_zeroes(
        &mut self,
        this: Borrow<OutputStream>,
        len: u64,
    ) -> Result<Result<(), StreamError>> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len > WRITE_BUDGET {
            return Err(Trap::new(format!(
                "`output-stream.write-zeroes` was given {len} bytes, more than the {WRITE_BUDGET} `check-write` allowed"
            ))
            .into());
        }
        self.write_stream(&this, &vec![0; len], false)
    }

    fn blocking_write_zeroes_and_flush(
        &mut self,
        this: Borrow<OutputStream>,
        len: u64,
    ) -> Result<Result<(), StreamError>> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len > BLOCKING_WRITE_MAX {
            return Err(too_large("blocking-write-zeroes-and-flush", len));
        }
        match self.write_stream(&this, &vec![0; len], true)? {
            Ok(()) => self.flush_stream(&this),
            e => Ok(e),
        }
    }

    fn splice(
        &mut self,
        this: Borrow<OutputStream>,
        src: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>> {
        self.splice_stream(&this, &src, len, false)
    }

    fn blocking_splice(
        &mut self,
        this: Borrow<OutputStream>,
        src: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>> {
        self.splice_stream(&this, &src, len, true)
    }
}
