//! `tcp-socket` of WASI 0.3: the socket's states over a non-blocking host
//! socket on `async-io`'s reactor; `listen` gives a stream of accepted
//! sockets, `send` and `receive` move byte streams, each the task of the
//! store's event loop.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use async_io::Async;
use hostbind::{Access, Borrow, FutureReader, Resource, Result, StreamReader};
use rustix::io::Errno;
use rustix::net::{self as rnet, SendFlags, sockopt};

use super::super::bindings::wasi::sockets::types as t3;
use super::{Net, addr_in, addr_out, code, family_in, family_out, io_code, std_addr};
use crate::bindings::wasi::sockets::network as t2;
use crate::ctx::WasiCtx;
use crate::p3::cli::CHUNK;
use crate::sockets::options::{self, Buffer};
use crate::sockets::tcp::{check_addr, nanos, whole_seconds};
use crate::sockets::{errno, from_std, local_of};

/// Where a socket is in its life, as the WIT describes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Unbound,
    Bound,
    Connecting,
    Connected { sending: bool, receiving: bool },
    Listening,
    Closed,
}

/// A `wasi:sockets/types/tcp-socket` of WASI 0.3.
#[derive(Debug)]
pub struct TcpSocket {
    family: t2::IpAddressFamily,
    sock: Arc<Async<OwnedFd>>,
    state: State,
    backlog: i32,
}

type Done = FutureReader<core::result::Result<(), t3::ErrorCode>>;

fn errno_code(e: Errno) -> t3::ErrorCode {
    code(errno(e))
}

impl TcpSocket {
    fn new(family: t2::IpAddressFamily, fd: OwnedFd, state: State) -> std::io::Result<TcpSocket> {
        Ok(TcpSocket {
            family,
            sock: Arc::new(Async::new(fd)?),
            state,
            backlog: 128,
        })
    }
}

/// A future already failed with `e`, for the calls whose WIT result is a
/// future rather than a `result`.
fn failed(access: &Access<WasiCtx>, e: t3::ErrorCode) -> Result<Done> {
    let (tx, rx) = hostbind::future::<core::result::Result<(), t3::ErrorCode>>(access)?;
    let a = access.clone();
    access.spawn(async move { tx.write(&a, Err(e)).await.map(|_| ()) })?;
    Ok(rx)
}

impl WasiCtx {
    fn tcp3(&mut self, s: &Borrow<TcpSocket>) -> Result<&mut TcpSocket> {
        self.table.get_mut(s)
    }
}

impl t3::HostTcpSocket for WasiCtx {
    fn drop(&mut self, rep: Resource<TcpSocket>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn create(&mut self, family: t3::IpAddressFamily) -> Net<Resource<TcpSocket>> {
        if let Err(e) = self.network() {
            return Ok(Err(e));
        }
        let family = family_in(family);
        let fd = match crate::sockets::tcp::new_socket(family) {
            Ok(s) => OwnedFd::from(s),
            Err(e) => return Ok(Err(code(e))),
        };
        Ok(match TcpSocket::new(family, fd, State::Unbound) {
            Ok(s) => Ok(self.table.push(s)),
            Err(e) => Err(io_code(&e)),
        })
    }

    fn bind(&mut self, this: Borrow<TcpSocket>, local: t3::IpSocketAddress) -> Net<()> {
        if let Err(e) = self.network() {
            return Ok(Err(e));
        }
        let s = self.tcp3(&this)?;
        if s.state != State::Unbound {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        if let Err(e) = check_addr(&addr_in(&local), s.family, false) {
            return Ok(Err(code(e)));
        }
        if let Err(e) = rnet::bind(s.sock.get_ref(), &std_addr(&local)) {
            return Ok(Err(errno_code(e)));
        }
        s.state = State::Bound;
        Ok(Ok(()))
    }

    async fn connect(
        access: Access<Self>,
        this: Borrow<TcpSocket>,
        remote: t3::IpSocketAddress,
    ) -> Net<()> {
        let sock = access.with(|cx| -> Result<_> {
            if let Err(e) = cx.network() {
                return Ok(Err(e));
            }
            let s = cx.tcp3(&this)?;
            if !matches!(s.state, State::Unbound | State::Bound) {
                return Ok(Err(t3::ErrorCode::InvalidState));
            }
            if let Err(e) = check_addr(&addr_in(&remote), s.family, true) {
                return Ok(Err(code(e)));
            }
            s.state = State::Connecting;
            Ok(Ok(s.sock.clone()))
        })??;
        let sock = match sock {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let connected = match rnet::connect(sock.get_ref(), &std_addr(&remote)) {
            Ok(()) => Ok(()),
            // Non-blocking: writable once the kernel knows how it went.
            Err(Errno::INPROGRESS) => match sock.writable().await {
                Ok(()) => match sockopt::socket_error(sock.get_ref()) {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) | Err(e) => Err(errno_code(e)),
                },
                Err(e) => Err(io_code(&e)),
            },
            Err(e) => Err(errno_code(e)),
        };
        access.with(|cx| -> Result<()> {
            cx.tcp3(&this)?.state = match connected {
                Ok(()) => State::Connected {
                    sending: false,
                    receiving: false,
                },
                Err(_) => State::Closed,
            };
            Ok(())
        })??;
        Ok(connected)
    }

    async fn listen(
        access: Access<Self>,
        this: Borrow<TcpSocket>,
    ) -> Net<StreamReader<Resource<TcpSocket>>> {
        let listening = access.with(|cx| -> Result<_> {
            if let Err(e) = cx.network() {
                return Ok(Err(e));
            }
            let s = cx.tcp3(&this)?;
            match s.state {
                State::Bound => {}
                // Listening unbound binds to any address, on a port the
                // system picks.
                State::Unbound => {
                    let any = match s.family {
                        t2::IpAddressFamily::Ipv4 => std::net::SocketAddr::from(([0, 0, 0, 0], 0)),
                        t2::IpAddressFamily::Ipv6 => std::net::SocketAddr::from(([0u16; 8], 0)),
                    };
                    if let Err(e) = rnet::bind(s.sock.get_ref(), &any) {
                        return Ok(Err(errno_code(e)));
                    }
                }
                _ => return Ok(Err(t3::ErrorCode::InvalidState)),
            }
            if let Err(e) = rnet::listen(s.sock.get_ref(), s.backlog) {
                return Ok(Err(errno_code(e)));
            }
            s.state = State::Listening;
            Ok(Ok((s.sock.clone(), s.family)))
        })??;
        let (sock, family) = match listening {
            Ok(l) => l,
            Err(e) => return Ok(Err(e)),
        };
        let (tx, rx) = hostbind::stream::<Resource<TcpSocket>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            loop {
                let accepted = sock
                    .read_with(|fd| {
                        rnet::accept_with(fd, rnet::SocketFlags::CLOEXEC).map_err(Into::into)
                    })
                    .await;
                let fd = match accepted {
                    Ok(fd) => fd,
                    // The connection went before it was taken: wait for
                    // the next.
                    Err(e) if e.raw_os_error() == Some(Errno::CONNABORTED.raw_os_error()) => {
                        continue;
                    }
                    Err(_) => break,
                };
                let state = State::Connected {
                    sending: false,
                    receiving: false,
                };
                let Ok(client) = TcpSocket::new(family, fd, state) else {
                    continue;
                };
                let res = a.with(|cx| cx.table.push(client))?;
                // None taken: the guest dropped the stream of connections.
                if tx.write(&a, vec![res]).await? == 0 {
                    break;
                }
            }
            tx.close(&a)
        })?;
        Ok(Ok(rx))
    }

    async fn send(
        access: Access<Self>,
        this: Borrow<TcpSocket>,
        data: StreamReader<u8>,
    ) -> Result<Done> {
        let sock = access.with(|cx| -> Result<_> {
            let s = cx.tcp3(&this)?;
            Ok(match s.state {
                State::Connected {
                    sending: false,
                    receiving,
                } => {
                    s.state = State::Connected {
                        sending: true,
                        receiving,
                    };
                    Some(s.sock.clone())
                }
                _ => None,
            })
        })??;
        let Some(sock) = sock else {
            data.close(&access)?;
            return failed(&access, t3::ErrorCode::InvalidState);
        };
        let (done_tx, done_rx) =
            hostbind::future::<core::result::Result<(), t3::ErrorCode>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            let mut result = Ok(());
            'stream: while let Some(chunk) = data.read(&a, CHUNK).await? {
                let mut at = 0;
                while at < chunk.len() {
                    let sent = sock
                        .write_with(|fd| {
                            rnet::send(fd, &chunk[at..], SendFlags::NOSIGNAL).map_err(Into::into)
                        })
                        .await;
                    match sent {
                        Ok(n) => at += n,
                        Err(e) => {
                            result = Err(io_code(&e));
                            break 'stream;
                        }
                    }
                }
            }
            if result.is_ok() {
                // The guest's end of the stream is the end of sending: FIN.
                let _ = rnet::shutdown(sock.get_ref(), rnet::Shutdown::Write);
            }
            data.close(&a)?;
            done_tx.write(&a, result).await?;
            Ok(())
        })?;
        Ok(done_rx)
    }

    async fn receive(
        access: Access<Self>,
        this: Borrow<TcpSocket>,
    ) -> Result<(StreamReader<u8>, Done)> {
        let sock = access.with(|cx| -> Result<_> {
            let s = cx.tcp3(&this)?;
            Ok(match s.state {
                State::Connected {
                    sending,
                    receiving: false,
                } => {
                    s.state = State::Connected {
                        sending,
                        receiving: true,
                    };
                    Some(s.sock.clone())
                }
                _ => None,
            })
        })??;
        let (tx, rx) = hostbind::stream::<u8>(&access)?;
        let Some(sock) = sock else {
            tx.close(&access)?;
            return Ok((rx, failed(&access, t3::ErrorCode::InvalidState)?));
        };
        let (done_tx, done_rx) =
            hostbind::future::<core::result::Result<(), t3::ErrorCode>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            let result = loop {
                let read = sock
                    .read_with(|fd| {
                        let mut buf = vec![0; CHUNK];
                        rustix::io::read(fd, &mut buf[..])
                            .map(|n| {
                                buf.truncate(n);
                                buf
                            })
                            .map_err(Into::into)
                    })
                    .await;
                let chunk = match read {
                    Ok(b) if b.is_empty() => break Ok(()),
                    Ok(b) => b,
                    Err(e) => break Err(io_code(&e)),
                };
                let len = chunk.len();
                if tx.write(&a, chunk).await? < len {
                    // The guest dropped the stream: it reads no more.
                    let _ = rnet::shutdown(sock.get_ref(), rnet::Shutdown::Read);
                    break Ok(());
                }
            };
            tx.close(&a)?;
            done_tx.write(&a, result).await?;
            Ok(())
        })?;
        Ok((rx, done_rx))
    }

    fn get_local_address(&mut self, this: Borrow<TcpSocket>) -> Net<t3::IpSocketAddress> {
        let s = self.tcp3(&this)?;
        if s.state == State::Unbound {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        Ok(local_of(s.sock.get_ref()).map(addr_out).map_err(code))
    }

    fn get_remote_address(&mut self, this: Borrow<TcpSocket>) -> Net<t3::IpSocketAddress> {
        let s = self.tcp3(&this)?;
        if !matches!(s.state, State::Connected { .. }) {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        let peer = rnet::getpeername(s.sock.get_ref()).map_err(errno_code);
        Ok(peer.and_then(|p| {
            p.and_then(|p| std::net::SocketAddr::try_from(p).ok())
                .map(|p| addr_out(from_std(p)))
                .ok_or(t3::ErrorCode::NotSupported)
        }))
    }

    fn get_is_listening(&mut self, this: Borrow<TcpSocket>) -> Result<bool> {
        Ok(self.tcp3(&this)?.state == State::Listening)
    }

    fn get_address_family(&mut self, this: Borrow<TcpSocket>) -> Result<t3::IpAddressFamily> {
        Ok(family_out(self.tcp3(&this)?.family))
    }

    fn set_listen_backlog_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let s = self.tcp3(&this)?;
        if value == 0 {
            return Ok(Err(t3::ErrorCode::InvalidArgument));
        }
        s.backlog = i32::try_from(value).unwrap_or(i32::MAX);
        if s.state == State::Listening {
            return Ok(rnet::listen(s.sock.get_ref(), s.backlog).map_err(errno_code));
        }
        Ok(Ok(()))
    }

    fn get_keep_alive_enabled(&mut self, this: Borrow<TcpSocket>) -> Net<bool> {
        Ok(sockopt::socket_keepalive(self.tcp3(&this)?.sock.get_ref()).map_err(errno_code))
    }

    fn set_keep_alive_enabled(&mut self, this: Borrow<TcpSocket>, value: bool) -> Net<()> {
        let fd = self.tcp3(&this)?.sock.clone();
        Ok(sockopt::set_socket_keepalive(fd.get_ref(), value).map_err(errno_code))
    }

    fn get_keep_alive_idle_time(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(sockopt::tcp_keepidle(self.tcp3(&this)?.sock.get_ref())
            .map(nanos)
            .map_err(errno_code))
    }

    fn set_keep_alive_idle_time(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let d = match whole_seconds(value) {
            Ok(d) => d,
            Err(e) => return Ok(Err(code(e))),
        };
        Ok(sockopt::set_tcp_keepidle(self.tcp3(&this)?.sock.get_ref(), d).map_err(errno_code))
    }

    fn get_keep_alive_interval(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(sockopt::tcp_keepintvl(self.tcp3(&this)?.sock.get_ref())
            .map(nanos)
            .map_err(errno_code))
    }

    fn set_keep_alive_interval(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let d = match whole_seconds(value) {
            Ok(d) => d,
            Err(e) => return Ok(Err(code(e))),
        };
        Ok(sockopt::set_tcp_keepintvl(self.tcp3(&this)?.sock.get_ref(), d).map_err(errno_code))
    }

    fn get_keep_alive_count(&mut self, this: Borrow<TcpSocket>) -> Net<u32> {
        Ok(sockopt::tcp_keepcnt(self.tcp3(&this)?.sock.get_ref()).map_err(errno_code))
    }

    fn set_keep_alive_count(&mut self, this: Borrow<TcpSocket>, value: u32) -> Net<()> {
        if value == 0 {
            return Ok(Err(t3::ErrorCode::InvalidArgument));
        }
        Ok(sockopt::set_tcp_keepcnt(self.tcp3(&this)?.sock.get_ref(), value).map_err(errno_code))
    }

    fn get_hop_limit(&mut self, this: Borrow<TcpSocket>) -> Net<u8> {
        let s = self.tcp3(&this)?;
        Ok(options::hop_limit(s.sock.get_ref(), s.family).map_err(code))
    }

    fn set_hop_limit(&mut self, this: Borrow<TcpSocket>, value: u8) -> Net<()> {
        let s = self.tcp3(&this)?;
        Ok(options::set_hop_limit(s.sock.get_ref(), s.family, value).map_err(code))
    }

    fn get_receive_buffer_size(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        let fd = self.tcp3(&this)?.sock.get_ref();
        Ok(options::buffer_size(fd, Buffer::Receive).map_err(code))
    }

    fn set_receive_buffer_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let fd = self.tcp3(&this)?.sock.get_ref();
        Ok(options::set_buffer_size(fd, Buffer::Receive, value).map_err(code))
    }

    fn get_send_buffer_size(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        let fd = self.tcp3(&this)?.sock.get_ref();
        Ok(options::buffer_size(fd, Buffer::Send).map_err(code))
    }

    fn set_send_buffer_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let fd = self.tcp3(&this)?.sock.get_ref();
        Ok(options::set_buffer_size(fd, Buffer::Send, value).map_err(code))
    }
}
