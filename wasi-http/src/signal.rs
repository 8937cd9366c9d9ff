//! A readiness flag a guest can wait on through `wasi:io/poll`, together
//! with its sockets and clocks: the read end of a non-blocking pipe that
//! holds a byte while the flag is raised.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use hostbind_wasi::Pollable;

/// One readiness flag. Made only when a guest subscribes, so a guest that
/// only makes blocking calls costs no file descriptors.
#[derive(Debug)]
pub(crate) struct Signal {
    read: Arc<OwnedFd>,
    write: OwnedFd,
    raised: bool,
}

impl Signal {
    pub(crate) fn new() -> std::io::Result<Signal> {
        let (read, write) = rustix::pipe::pipe()?;
        rustix::io::ioctl_fionbio(&read, true)?;
        rustix::io::ioctl_fionbio(&write, true)?;
        Ok(Signal {
            read: Arc::new(read),
            write,
            raised: false,
        })
    }

    /// Raises or lowers the flag.
    pub(crate) fn set(&mut self, on: bool) {
        if on == self.raised {
            return;
        }
        // Neither can block (both ends are non-blocking) and neither can
        // fail but for a full pipe, which one byte never fills; a failed
        // write leaves the flag lowered, and the guest would wait on.
        if on {
            self.raised = rustix::io::write(&self.write, &[1]).is_ok();
        } else {
            let mut b = [0; 8];
            let _ = rustix::io::read(&*self.read, &mut b);
            self.raised = false;
        }
    }

    pub(crate) fn pollable(&self) -> Pollable {
        Pollable::when_readable(self.read.clone())
    }
}

/// A flag made on first use: the pollable for it, given the state it
/// should show now.
pub(crate) fn subscribe(slot: &mut Option<Signal>, ready: bool) -> Pollable {
    let s = match slot {
        Some(s) => s,
        None => match Signal::new() {
            Ok(s) => slot.insert(s),
            // Out of file descriptors: a pollable that is always ready
            // makes the guest poll by spinning, which is slow but right.
            Err(_) => return Pollable::ready(),
        },
    };
    s.set(ready);
    s.pollable()
}
