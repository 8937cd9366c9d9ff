//! `wasi:io/poll`: pollables for clocks and sockets, and blocking waits
//! on them without an async runtime (a sleep, or `poll(2)` on sockets).

use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hostbind::{Borrow, Resource, Result, Trap};
use rustix::event::{PollFd, PollFlags, Timespec};

use crate::bindings::wasi::io::poll;
use crate::ctx::WasiCtx;

/// Anything whose file descriptor can be waited on.
pub(crate) trait Waitable: AsFd + Send + Sync + core::fmt::Debug {}
impl<T: AsFd + Send + Sync + core::fmt::Debug> Waitable for T {}

/// A `wasi:io/poll/pollable`: something that becomes ready.
#[derive(Debug)]
pub struct Pollable(Wait);

#[derive(Debug)]
enum Wait {
    /// Ready now and always: stdio, files and pipes, whose reads and
    /// writes block until done.
    Ready,
    /// Ready from this instant on.
    At(Instant),
    /// Ready when the descriptor can be read (or written).
    Io { fd: Arc<dyn Waitable>, write: bool },
}

impl Pollable {
    pub(crate) const READY: Pollable = Pollable(Wait::Ready);

    pub(crate) fn at(t: Instant) -> Pollable {
        Pollable(Wait::At(t))
    }

    pub(crate) fn readable<T: Waitable + 'static>(fd: &Arc<T>) -> Pollable {
        Pollable(Wait::Io {
            fd: fd.clone(),
            write: false,
        })
    }

    pub(crate) fn writable<T: Waitable + 'static>(fd: &Arc<T>) -> Pollable {
        Pollable(Wait::Io {
            fd: fd.clone(),
            write: true,
        })
    }
}

impl WasiCtx {
    /// Waits until at least one of `list` is ready; their indices.
    fn wait(&self, list: &[Borrow<Pollable>], block: bool) -> Result<Vec<u32>> {
        loop {
            let now = Instant::now();
            let mut ready = Vec::new();
            let mut earliest: Option<Instant> = None;
            let mut fds = Vec::new();
            for (i, p) in list.iter().enumerate() {
                match &self.table.get(p)?.0 {
                    Wait::Ready => ready.push(i as u32),
                    Wait::At(t) if *t <= now => ready.push(i as u32),
                    Wait::At(t) => earliest = Some(earliest.map_or(*t, |e| e.min(*t))),
                    Wait::Io { fd, write } => fds.push((i as u32, fd.clone(), *write)),
                }
            }
            let timeout = if !ready.is_empty() || !block {
                Some(Duration::ZERO)
            } else {
                earliest.map(|t| t.saturating_duration_since(now))
            };
            if fds.is_empty() {
                if !ready.is_empty() || !block {
                    return Ok(ready);
                }
                // Nothing is ready and only clocks are waited on.
                match earliest {
                    Some(t) => std::thread::sleep(t.saturating_duration_since(now)),
                    None => return Ok(ready),
                }
                continue;
            }
            let mut polled: Vec<PollFd<'_>> = fds
                .iter()
                .map(|(_, fd, write)| {
                    let flags = if *write {
                        PollFlags::OUT
                    } else {
                        PollFlags::IN
                    };
                    PollFd::new(fd, flags)
                })
                .collect();
            let ts = timeout.map(|d| Timespec {
                tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
                tv_nsec: i64::from(d.subsec_nanos()),
            });
            match rustix::event::poll(&mut polled, ts.as_ref()) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(anyhow::anyhow!("poll(2) failed: {e}")),
            }
            for ((i, _, _), p) in fds.iter().zip(&polled) {
                if !p.revents().is_empty() {
                    ready.push(*i);
                }
            }
            if !ready.is_empty() || !block {
                ready.sort_unstable();
                return Ok(ready);
            }
        }
    }
}

impl poll::Host for WasiCtx {
    fn poll(&mut self, list: Vec<Borrow<Pollable>>) -> Result<Vec<u32>> {
        if list.is_empty() {
            return Err(Trap::new("`wasi:io/poll#poll` was given an empty list").into());
        }
        if list.len() > u32::MAX as usize {
            return Err(Trap::new("`wasi:io/poll#poll` was given too many pollables").into());
        }
        self.wait(&list, true)
    }
}

impl poll::HostPollable for WasiCtx {
    fn drop(&mut self, rep: Resource<Pollable>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn ready(&mut self, this: Borrow<Pollable>) -> Result<bool> {
        Ok(!self.wait(std::slice::from_ref(&this), false)?.is_empty())
    }

    fn block(&mut self, this: Borrow<Pollable>) -> Result<()> {
        self.wait(std::slice::from_ref(&this), true).map(|_| ())
    }
}
