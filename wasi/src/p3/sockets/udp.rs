//! `udp-socket` of WASI 0.3: datagrams over a non-blocking host socket on
//! `async-io`'s reactor; `send` and `receive` wait there, not on a thread.

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::sync::Arc;

use async_io::Async;
use hostbind::{Access, Borrow, Resource, Result};
use rustix::net::{self as rnet, RecvFlags, SendFlags, sockopt};

use super::super::bindings::wasi::sockets::types as t3;
use super::{Net, addr_in, addr_out, code, family_in, family_out, io_code, std_addr};
use crate::bindings::wasi::sockets::network as t2;
use crate::ctx::WasiCtx;
use crate::sockets::options::{self, Buffer};
use crate::sockets::{af, errno, from_std, local_of, same_family};

/// The largest datagram IP carries.
const MAX_DATAGRAM: usize = 65_535;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Unbound,
    Bound,
    Connected(SocketAddr),
}

/// A `wasi:sockets/types/udp-socket` of WASI 0.3.
#[derive(Debug)]
pub struct UdpSocket {
    family: t2::IpAddressFamily,
    sock: Arc<Async<OwnedFd>>,
    state: State,
}

fn errno_code(e: rustix::io::Errno) -> t3::ErrorCode {
    code(errno(e))
}

impl UdpSocket {
    /// Binds to any address of the family, on a port the system picks, as
    /// `connect` and `send` do for a socket not bound yet.
    fn bind_any(&mut self) -> core::result::Result<(), t3::ErrorCode> {
        if self.state != State::Unbound {
            return Ok(());
        }
        let any = match self.family {
            t2::IpAddressFamily::Ipv4 => SocketAddr::from(([0, 0, 0, 0], 0)),
            t2::IpAddressFamily::Ipv6 => SocketAddr::from(([0u16; 8], 0)),
        };
        rnet::bind(self.sock.get_ref(), &any).map_err(errno_code)?;
        self.state = State::Bound;
        Ok(())
    }

    fn check(&self, a: &t3::IpSocketAddress) -> core::result::Result<SocketAddr, t3::ErrorCode> {
        if !same_family(&addr_in(a), self.family) {
            return Err(t3::ErrorCode::InvalidArgument);
        }
        Ok(std_addr(a))
    }
}

impl t3::HostUdpSocket for WasiCtx {
    fn drop(&mut self, rep: Resource<UdpSocket>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn create(&mut self, family: t3::IpAddressFamily) -> Net<Resource<UdpSocket>> {
        if let Err(e) = self.network() {
            return Ok(Err(e));
        }
        let family = family_in(family);
        let fd = match rnet::socket_with(
            af(family),
            rnet::SocketType::DGRAM,
            rnet::SocketFlags::CLOEXEC,
            None,
        ) {
            Ok(fd) => fd,
            Err(e) => return Ok(Err(errno_code(e))),
        };
        if family == t2::IpAddressFamily::Ipv6
            && let Err(e) = sockopt::set_ipv6_v6only(&fd, true)
        {
            return Ok(Err(errno_code(e)));
        }
        Ok(match Async::new(fd) {
            Ok(sock) => Ok(self.table.push(UdpSocket {
                family,
                sock: Arc::new(sock),
                state: State::Unbound,
            })),
            Err(e) => Err(io_code(&e)),
        })
    }

    fn bind(&mut self, this: Borrow<UdpSocket>, local: t3::IpSocketAddress) -> Net<()> {
        if let Err(e) = self.network() {
            return Ok(Err(e));
        }
        let s = self.table.get_mut(&this)?;
        if s.state != State::Unbound {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        let local = match s.check(&local) {
            Ok(a) => a,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = rnet::bind(s.sock.get_ref(), &local) {
            return Ok(Err(errno_code(e)));
        }
        s.state = State::Bound;
        Ok(Ok(()))
    }

    fn connect(&mut self, this: Borrow<UdpSocket>, remote: t3::IpSocketAddress) -> Net<()> {
        if let Err(e) = self.network() {
            return Ok(Err(e));
        }
        let s = self.table.get_mut(&this)?;
        let remote = match s.check(&remote) {
            Ok(a) if a.port() != 0 && !a.ip().is_unspecified() => a,
            Ok(_) => return Ok(Err(t3::ErrorCode::InvalidArgument)),
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = s.bind_any() {
            return Ok(Err(e));
        }
        if let Err(e) = rnet::connect(s.sock.get_ref(), &remote) {
            return Ok(Err(errno_code(e)));
        }
        s.state = State::Connected(remote);
        Ok(Ok(()))
    }

    fn disconnect(&mut self, this: Borrow<UdpSocket>) -> Net<()> {
        let s = self.table.get_mut(&this)?;
        if !matches!(s.state, State::Connected(_)) {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        if let Err(e) = rnet::connect_unspec(s.sock.get_ref()) {
            return Ok(Err(errno_code(e)));
        }
        s.state = State::Bound;
        Ok(Ok(()))
    }

    async fn send(
        access: Access<Self>,
        this: Borrow<UdpSocket>,
        data: Vec<u8>,
        remote: Option<t3::IpSocketAddress>,
    ) -> Net<()> {
        let target = access.with(|cx| -> Result<_> {
            if let Err(e) = cx.network() {
                return Ok(Err(e));
            }
            let s = cx.table.get_mut(&this)?;
            let to = match (&remote, s.state) {
                (None, State::Connected(_)) => None,
                (None, _) => return Ok(Err(t3::ErrorCode::InvalidArgument)),
                (Some(r), state) => match s.check(r) {
                    Ok(a) if matches!(state, State::Connected(c) if c != a) => {
                        return Ok(Err(t3::ErrorCode::InvalidArgument));
                    }
                    Ok(a) => Some(a),
                    Err(e) => return Ok(Err(e)),
                },
            };
            if data.len() > MAX_DATAGRAM {
                return Ok(Err(t3::ErrorCode::DatagramTooLarge));
            }
            if let Err(e) = s.bind_any() {
                return Ok(Err(e));
            }
            Ok(Ok((s.sock.clone(), to)))
        })??;
        let (sock, to) = match target {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let sent = sock
            .write_with(|fd| {
                match &to {
                    Some(to) => rnet::sendto(fd, &data, SendFlags::empty(), to),
                    None => rnet::send(fd, &data, SendFlags::empty()),
                }
                .map_err(Into::into)
            })
            .await;
        Ok(sent.map(|_| ()).map_err(|e| io_code(&e)))
    }

    async fn receive(
        access: Access<Self>,
        this: Borrow<UdpSocket>,
    ) -> Net<(Vec<u8>, t3::IpSocketAddress)> {
        let sock = access.with(|cx| -> Result<_> {
            let s = cx.table.get_mut(&this)?;
            Ok(match s.state {
                State::Unbound => Err(t3::ErrorCode::InvalidState),
                _ => Ok(s.sock.clone()),
            })
        })??;
        let sock = match sock {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let got = sock
            .read_with(|fd| {
                let mut buf = vec![0; MAX_DATAGRAM];
                let (n, _, from) = rnet::recvfrom(fd, &mut buf[..], RecvFlags::empty())
                    .map_err(std::io::Error::from)?;
                buf.truncate(n);
                Ok((buf, from))
            })
            .await;
        Ok(match got {
            Ok((buf, Some(from))) => match SocketAddr::try_from(from) {
                Ok(from) => Ok((buf, addr_out(from_std(from)))),
                Err(_) => Err(t3::ErrorCode::NotSupported),
            },
            Ok((_, None)) => Err(t3::ErrorCode::NotSupported),
            Err(e) => Err(io_code(&e)),
        })
    }

    fn get_local_address(&mut self, this: Borrow<UdpSocket>) -> Net<t3::IpSocketAddress> {
        let s = self.table.get(&this)?;
        if s.state == State::Unbound {
            return Ok(Err(t3::ErrorCode::InvalidState));
        }
        Ok(local_of(s.sock.get_ref()).map(addr_out).map_err(code))
    }

    fn get_remote_address(&mut self, this: Borrow<UdpSocket>) -> Net<t3::IpSocketAddress> {
        Ok(match self.table.get(&this)?.state {
            State::Connected(a) => Ok(addr_out(from_std(a))),
            _ => Err(t3::ErrorCode::InvalidState),
        })
    }

    fn get_address_family(&mut self, this: Borrow<UdpSocket>) -> Result<t3::IpAddressFamily> {
        Ok(family_out(self.table.get(&this)?.family))
    }

    fn get_unicast_hop_limit(&mut self, this: Borrow<UdpSocket>) -> Net<u8> {
        let s = self.table.get(&this)?;
        Ok(options::hop_limit(s.sock.get_ref(), s.family).map_err(code))
    }

    fn set_unicast_hop_limit(&mut self, this: Borrow<UdpSocket>, value: u8) -> Net<()> {
        let s = self.table.get(&this)?;
        Ok(options::set_hop_limit(s.sock.get_ref(), s.family, value).map_err(code))
    }

    fn get_receive_buffer_size(&mut self, this: Borrow<UdpSocket>) -> Net<u64> {
        let fd = self.table.get(&this)?.sock.get_ref();
        Ok(options::buffer_size(fd, Buffer::Receive).map_err(code))
    }

    fn set_receive_buffer_size(&mut self, this: Borrow<UdpSocket>, value: u64) -> Net<()> {
        let fd = self.table.get(&this)?.sock.get_ref();
        Ok(options::set_buffer_size(fd, Buffer::Receive, value).map_err(code))
    }

    fn get_send_buffer_size(&mut self, this: Borrow<UdpSocket>) -> Net<u64> {
        let fd = self.table.get(&this)?.sock.get_ref();
        Ok(options::buffer_size(fd, Buffer::Send).map_err(code))
    }

    fn set_send_buffer_size(&mut self, this: Borrow<UdpSocket>, value: u64) -> Net<()> {
        let fd = self.table.get(&this)?.sock.get_ref();
        Ok(options::set_buffer_size(fd, Buffer::Send, value).map_err(code))
    }
}
