//! `wasi:sockets/udp` and `udp-create-socket`: datagrams over a host
//! socket, received without blocking.

use std::net::{SocketAddr, UdpSocket as StdUdp};
use std::os::fd::OwnedFd;
use std::sync::Arc;

use hostbind::{Borrow, Resource, Result};
use rustix::net::{self as rnet, RecvFlags, SendFlags, sockopt};

use super::options::{self, Buffer};
use super::{Network, af, errno, from_std, local_of, same_family, to_std};
use crate::bindings::wasi::sockets::network::{ErrorCode, IpAddressFamily, IpSocketAddress};
use crate::bindings::wasi::sockets::udp::{self, IncomingDatagram, OutgoingDatagram};
use crate::bindings::wasi::sockets::udp_create_socket;
use crate::ctx::WasiCtx;
use crate::poll::Pollable;

/// The largest datagram a receive takes in.
const MAX_DATAGRAM: usize = 65_535;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Unbound,
    BindStarted,
    Bound,
    Connected(SocketAddr),
}

/// A `wasi:sockets/udp/udp-socket`.
#[derive(Debug)]
pub struct UdpSocket {
    family: IpAddressFamily,
    sock: Arc<StdUdp>,
    state: State,
}

/// A `wasi:sockets/udp/incoming-datagram-stream`.
#[derive(Debug)]
pub struct IncomingDatagramStream {
    sock: Arc<StdUdp>,
    remote: Option<SocketAddr>,
}

/// A `wasi:sockets/udp/outgoing-datagram-stream`.
#[derive(Debug)]
pub struct OutgoingDatagramStream {
    sock: Arc<StdUdp>,
    remote: Option<SocketAddr>,
    family: IpAddressFamily,
}

type Net<T> = Result<Result<T, ErrorCode>>;

impl udp_create_socket::Host for WasiCtx {
    fn create_udp_socket(&mut self, family: IpAddressFamily) -> Net<Resource<UdpSocket>> {
        tri!(self.network_allowed());
        let fd: OwnedFd = tri!(
            rnet::socket_with(
                af(family),
                rnet::SocketType::DGRAM,
                rnet::SocketFlags::CLOEXEC | rnet::SocketFlags::NONBLOCK,
                None,
            )
            .map_err(errno)
        );
        if family == IpAddressFamily::Ipv6 {
            tri!(sockopt::set_ipv6_v6only(&fd, true).map_err(errno));
        }
        Ok(Ok(self.table.push(UdpSocket {
            family,
            sock: Arc::new(StdUdp::from(fd)),
            state: State::Unbound,
        })))
    }
}

impl udp::Host for WasiCtx {}

impl udp::HostUdpSocket for WasiCtx {
    fn drop(&mut self, rep: Resource<UdpSocket>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn start_bind(
        &mut self,
        this: Borrow<UdpSocket>,
        network: Borrow<Network>,
        local: IpSocketAddress,
    ) -> Net<()> {
        self.table.get(&network)?;
        tri!(self.network_allowed());
        let s = self.table.get_mut(&this)?;
        if s.state != State::Unbound {
            return Ok(Err(ErrorCode::InvalidState));
        }
        if !same_family(&local, s.family) {
            return Ok(Err(ErrorCode::InvalidArgument));
        }
        tri!(rnet::bind(&*s.sock, &to_std(&local)).map_err(errno));
        s.state = State::BindStarted;
        Ok(Ok(()))
    }

    fn finish_bind(&mut self, this: Borrow<UdpSocket>) -> Net<()> {
        let s = self.table.get_mut(&this)?;
        if s.state != State::BindStarted {
            return Ok(Err(ErrorCode::NotInProgress));
        }
        s.state = State::Bound;
        Ok(Ok(()))
    }

    fn stream(
        &mut self,
        this: Borrow<UdpSocket>,
        remote: Option<IpSocketAddress>,
    ) -> Net<(
        Resource<IncomingDatagramStream>,
        Resource<OutgoingDatagramStream>,
    )> {
        let s = self.table.get_mut(&this)?;
        if !matches!(s.state, State::Bound | State::Connected(_)) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        if let State::Connected(_) = s.state {
            tri!(rnet::connect_unspec(&*s.sock).map_err(errno));
            s.state = State::Bound;
        }
        let remote = match remote {
            Some(r) => {
                if !same_family(&r, s.family) {
                    return Ok(Err(ErrorCode::InvalidArgument));
                }
                let r = to_std(&r);
                if r.port() == 0 || r.ip().is_unspecified() {
                    return Ok(Err(ErrorCode::InvalidArgument));
                }
                tri!(rnet::connect(&*s.sock, &r).map_err(errno));
                s.state = State::Connected(r);
                Some(r)
            }
            None => None,
        };
        let (sock, family) = (s.sock.clone(), s.family);
        let i = self.table.push(IncomingDatagramStream {
            sock: sock.clone(),
            remote,
        });
        let o = self.table.push(OutgoingDatagramStream {
            sock,
            remote,
            family,
        });
        Ok(Ok((i, o)))
    }

    fn local_address(&mut self, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
        let s = self.table.get(&this)?;
        if matches!(s.state, State::Unbound | State::BindStarted) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        Ok(local_of(&*s.sock))
    }

    fn remote_address(&mut self, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
        match self.table.get(&this)?.state {
            State::Connected(r) => Ok(Ok(from_std(r))),
            _ => Ok(Err(ErrorCode::InvalidState)),
        }
    }

    fn address_family(&mut self, this: Borrow<UdpSocket>) -> Result<IpAddressFamily> {
        Ok(self.table.get(&this)?.family)
    }

    fn unicast_hop_limit(&mut self, this: Borrow<UdpSocket>) -> Net<u8> {
        let s = self.table.get(&this)?;
        Ok(options::hop_limit(&*s.sock, s.family))
    }

    fn set_unicast_hop_limit(&mut self, this: Borrow<UdpSocket>, value: u8) -> Net<()> {
        let s = self.table.get(&this)?;
        Ok(options::set_hop_limit(&*s.sock, s.family, value))
    }

    fn receive_buffer_size(&mut self, this: Borrow<UdpSocket>) -> Net<u64> {
        Ok(options::buffer_size(
            &*self.table.get(&this)?.sock,
            Buffer::Receive,
        ))
    }

    fn set_receive_buffer_size(&mut self, this: Borrow<UdpSocket>, value: u64) -> Net<()> {
        Ok(options::set_buffer_size(
            &*self.table.get(&this)?.sock,
            Buffer::Receive,
            value,
        ))
    }

    fn send_buffer_size(&mut self, this: Borrow<UdpSocket>) -> Net<u64> {
        Ok(options::buffer_size(
            &*self.table.get(&this)?.sock,
            Buffer::Send,
        ))
    }

    fn set_send_buffer_size(&mut self, this: Borrow<UdpSocket>, value: u64) -> Net<()> {
        Ok(options::set_buffer_size(
            &*self.table.get(&this)?.sock,
            Buffer::Send,
            value,
        ))
    }

    fn subscribe(&mut self, this: Borrow<UdpSocket>) -> Result<Resource<Pollable>> {
        self.table.get(&this)?;
        Ok(self.table.push(Pollable::READY))
    }
}

impl udp::HostIncomingDatagramStream for WasiCtx {
    fn drop(&mut self, rep: Resource<IncomingDatagramStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn receive(
        &mut self,
        this: Borrow<IncomingDatagramStream>,
        max_results: u64,
    ) -> Net<Vec<IncomingDatagram>> {
        let s = self.table.get(&this)?;
        let mut out = Vec::new();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        while (out.len() as u64) < max_results {
            match rnet::recvfrom(&*s.sock, &mut buf[..], RecvFlags::DONTWAIT) {
                Ok((n, _, from)) => {
                    let Some(from) = from.and_then(|a| SocketAddr::try_from(a).ok()) else {
                        continue;
                    };
                    if s.remote.is_some_and(|r| r != from) {
                        continue;
                    }
                    out.push(IncomingDatagram {
                        data: buf[..n].to_vec(),
                        remote_address: from_std(from),
                    });
                }
                Err(rustix::io::Errno::AGAIN) => break,
                Err(e) if out.is_empty() => return Ok(Err(errno(e))),
                Err(_) => break,
            }
        }
        Ok(Ok(out))
    }

    fn subscribe(&mut self, this: Borrow<IncomingDatagramStream>) -> Result<Resource<Pollable>> {
        let p = Pollable::readable(&self.table.get(&this)?.sock);
        Ok(self.table.push(p))
    }
}

impl udp::HostOutgoingDatagramStream for WasiCtx {
    fn drop(&mut self, rep: Resource<OutgoingDatagramStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn check_send(&mut self, this: Borrow<OutgoingDatagramStream>) -> Net<u64> {
        self.table.get(&this)?;
        Ok(Ok(64))
    }

    fn send(
        &mut self,
        this: Borrow<OutgoingDatagramStream>,
        datagrams: Vec<OutgoingDatagram>,
    ) -> Net<u64> {
        let s = self.table.get(&this)?;
        let mut sent = 0u64;
        for d in &datagrams {
            let r = match (&d.remote_address, s.remote) {
                (Some(to), Some(remote)) if to_std(to) != remote => Err(ErrorCode::InvalidArgument),
                (Some(to), None) if !same_family(to, s.family) => Err(ErrorCode::InvalidArgument),
                (Some(to), None) => {
                    rnet::sendto(&*s.sock, &d.data, SendFlags::empty(), &to_std(to)).map_err(errno)
                }
                (_, Some(_)) => rnet::send(&*s.sock, &d.data, SendFlags::empty()).map_err(errno),
                (None, None) => Err(ErrorCode::InvalidArgument),
            };
            match r {
                Ok(_) => sent += 1,
                Err(e) if sent == 0 => return Ok(Err(e)),
                Err(_) => break,
            }
        }
        Ok(Ok(sent))
    }

    fn subscribe(&mut self, this: Borrow<OutgoingDatagramStream>) -> Result<Resource<Pollable>> {
        let p = Pollable::writable(&self.table.get(&this)?.sock);
        Ok(self.table.push(p))
    }
}
