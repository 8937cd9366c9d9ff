//! `wasi:sockets/tcp` and `tcp-create-socket`: the socket's state machine
//! over a host socket, with blocking connect and non-blocking accept.

use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use hostbind::{Borrow, Resource, Result};
use rustix::net::{self as rnet, sockopt};

use super::options::{self, Buffer};
use super::{Network, af, errno, from_std, local_of, same_family, socket_error, to_std};
use crate::bindings::wasi::sockets::network::{ErrorCode, IpAddressFamily, IpSocketAddress};
use crate::bindings::wasi::sockets::tcp::{self, ShutdownType};
use crate::bindings::wasi::sockets::tcp_create_socket;
use crate::ctx::WasiCtx;
use crate::io::{Input, InputStream, Output, OutputStream};
use crate::poll::Pollable;

#[derive(Debug)]
enum State {
    Unbound,
    BindStarted,
    Bound,
    ListenStarted,
    Listening,
    ConnectStarted(Result<(), ErrorCode>),
    Connected,
    Closed,
}

/// A `wasi:sockets/tcp/tcp-socket`.
#[derive(Debug)]
pub struct TcpSocket {
    family: IpAddressFamily,
    sock: Arc<TcpStream>,
    state: State,
    backlog: i32,
}

type Net<T> = Result<Result<T, ErrorCode>>;

pub(crate) fn new_socket(family: IpAddressFamily) -> Result<TcpStream, ErrorCode> {
    let fd: OwnedFd = rnet::socket_with(
        af(family),
        rnet::SocketType::STREAM,
        rnet::SocketFlags::CLOEXEC,
        None,
    )
    .map_err(errno)?;
    if family == IpAddressFamily::Ipv6 {
        sockopt::set_ipv6_v6only(&fd, true).map_err(errno)?;
    }
    Ok(TcpStream::from(fd))
}

/// An address a socket may be bound or connected to; `connect` also
/// refuses the unspecified address and port 0.
pub(crate) fn check_addr(
    a: &IpSocketAddress,
    family: IpAddressFamily,
    connect: bool,
) -> Result<(), ErrorCode> {
    if !same_family(a, family) {
        return Err(ErrorCode::InvalidArgument);
    }
    let s = to_std(a);
    if connect && (s.port() == 0 || s.ip().is_unspecified() || s.ip().is_multicast()) {
        return Err(ErrorCode::InvalidArgument);
    }
    Ok(())
}

impl WasiCtx {
    fn tcp(&mut self, s: &Borrow<TcpSocket>) -> Result<&mut TcpSocket> {
        self.table.get_mut(s)
    }

    fn connected_streams(
        &mut self,
        sock: &Arc<TcpStream>,
    ) -> (Resource<InputStream>, Resource<OutputStream>) {
        let i = self.table.push(InputStream::new(Input::Tcp(sock.clone())));
        let o = self
            .table
            .push(OutputStream::new(Output::Tcp(sock.clone())));
        (i, o)
    }
}

impl tcp_create_socket::Host for WasiCtx {
    fn create_tcp_socket(&mut self, family: IpAddressFamily) -> Net<Resource<TcpSocket>> {
        tri!(self.network_allowed());
        let sock = tri!(new_socket(family));
        Ok(Ok(self.table.push(TcpSocket {
            family,
            sock: Arc::new(sock),
            state: State::Unbound,
            backlog: 128,
        })))
    }
}

impl tcp::Host for WasiCtx {}

impl tcp::HostTcpSocket for WasiCtx {
    fn drop(&mut self, rep: Resource<TcpSocket>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn start_bind(
        &mut self,
        this: Borrow<TcpSocket>,
        network: Borrow<Network>,
        local: IpSocketAddress,
    ) -> Net<()> {
        self.table.get(&network)?;
        tri!(self.network_allowed());
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Unbound) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        tri!(check_addr(&local, s.family, false));
        // As other runtimes do, so that a restarted server can rebind.
        tri!(sockopt::set_socket_reuseaddr(&*s.sock, true).map_err(errno));
        tri!(rnet::bind(&*s.sock, &to_std(&local)).map_err(errno));
        s.state = State::BindStarted;
        Ok(Ok(()))
    }

    fn finish_bind(&mut self, this: Borrow<TcpSocket>) -> Net<()> {
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::BindStarted) {
            return Ok(Err(ErrorCode::NotInProgress));
        }
        s.state = State::Bound;
        Ok(Ok(()))
    }

    fn start_connect(
        &mut self,
        this: Borrow<TcpSocket>,
        network: Borrow<Network>,
        remote: IpSocketAddress,
    ) -> Net<()> {
        self.table.get(&network)?;
        tri!(self.network_allowed());
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Unbound | State::Bound) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        tri!(check_addr(&remote, s.family, true));
        // The connect blocks here; `finish-connect` reports how it went.
        let r = loop {
            match rnet::connect(&*s.sock, &to_std(&remote)) {
                Err(rustix::io::Errno::INTR) => continue,
                r => break r.map_err(errno),
            }
        };
        s.state = State::ConnectStarted(r);
        Ok(Ok(()))
    }

    fn finish_connect(
        &mut self,
        this: Borrow<TcpSocket>,
    ) -> Net<(Resource<InputStream>, Resource<OutputStream>)> {
        let s = self.tcp(&this)?;
        let r = match std::mem::replace(&mut s.state, State::Closed) {
            State::ConnectStarted(r) => r,
            other => {
                s.state = other;
                return Ok(Err(ErrorCode::NotInProgress));
            }
        };
        tri!(r);
        s.state = State::Connected;
        let sock = s.sock.clone();
        Ok(Ok(self.connected_streams(&sock)))
    }

    fn start_listen(&mut self, this: Borrow<TcpSocket>) -> Net<()> {
        tri!(self.network_allowed());
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Bound) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        tri!(rnet::listen(&*s.sock, s.backlog).map_err(errno));
        // `accept` reports `would-block` rather than waiting.
        tri!(rustix::io::ioctl_fionbio(&*s.sock, true).map_err(errno));
        s.state = State::ListenStarted;
        Ok(Ok(()))
    }

    fn finish_listen(&mut self, this: Borrow<TcpSocket>) -> Net<()> {
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::ListenStarted) {
            return Ok(Err(ErrorCode::NotInProgress));
        }
        s.state = State::Listening;
        Ok(Ok(()))
    }

    fn accept(
        &mut self,
        this: Borrow<TcpSocket>,
    ) -> Net<(
        Resource<TcpSocket>,
        Resource<InputStream>,
        Resource<OutputStream>,
    )> {
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Listening) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        let family = s.family;
        // Accepted sockets block: reads and writes wait until done.
        let fd = tri!(rnet::accept_with(&*s.sock, rnet::SocketFlags::CLOEXEC).map_err(errno));
        let sock = Arc::new(TcpStream::from(fd));
        let (i, o) = self.connected_streams(&sock);
        let socket = self.table.push(TcpSocket {
            family,
            sock,
            state: State::Connected,
            backlog: 128,
        });
        Ok(Ok((socket, i, o)))
    }

    fn local_address(&mut self, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
        let s = self.tcp(&this)?;
        if matches!(s.state, State::Unbound | State::BindStarted | State::Closed) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        Ok(local_of(&*s.sock))
    }

    fn remote_address(&mut self, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Connected) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        Ok(s.sock
            .peer_addr()
            .map(from_std)
            .map_err(|e| socket_error(&e)))
    }

    fn is_listening(&mut self, this: Borrow<TcpSocket>) -> Result<bool> {
        Ok(matches!(self.tcp(&this)?.state, State::Listening))
    }

    fn address_family(&mut self, this: Borrow<TcpSocket>) -> Result<IpAddressFamily> {
        Ok(self.tcp(&this)?.family)
    }

    fn set_listen_backlog_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let s = self.tcp(&this)?;
        if value == 0 {
            return Ok(Err(ErrorCode::InvalidArgument));
        }
        s.backlog = i32::try_from(value).unwrap_or(i32::MAX);
        if matches!(s.state, State::Listening) {
            tri!(rnet::listen(&*s.sock, s.backlog).map_err(errno));
        }
        Ok(Ok(()))
    }

    fn keep_alive_enabled(&mut self, this: Borrow<TcpSocket>) -> Net<bool> {
        Ok(sockopt::socket_keepalive(&*self.tcp(&this)?.sock).map_err(errno))
    }

    fn set_keep_alive_enabled(&mut self, this: Borrow<TcpSocket>, value: bool) -> Net<()> {
        Ok(sockopt::set_socket_keepalive(&*self.tcp(&this)?.sock, value).map_err(errno))
    }

    fn keep_alive_idle_time(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(sockopt::tcp_keepidle(&*self.tcp(&this)?.sock)
            .map(nanos)
            .map_err(errno))
    }

    fn set_keep_alive_idle_time(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let d = tri!(whole_seconds(value));
        Ok(sockopt::set_tcp_keepidle(&*self.tcp(&this)?.sock, d).map_err(errno))
    }

    fn keep_alive_interval(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(sockopt::tcp_keepintvl(&*self.tcp(&this)?.sock)
            .map(nanos)
            .map_err(errno))
    }

    fn set_keep_alive_interval(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        let d = tri!(whole_seconds(value));
        Ok(sockopt::set_tcp_keepintvl(&*self.tcp(&this)?.sock, d).map_err(errno))
    }

    fn keep_alive_count(&mut self, this: Borrow<TcpSocket>) -> Net<u32> {
        Ok(sockopt::tcp_keepcnt(&*self.tcp(&this)?.sock).map_err(errno))
    }

    fn set_keep_alive_count(&mut self, this: Borrow<TcpSocket>, value: u32) -> Net<()> {
        if value == 0 {
            return Ok(Err(ErrorCode::InvalidArgument));
        }
        Ok(sockopt::set_tcp_keepcnt(&*self.tcp(&this)?.sock, value).map_err(errno))
    }

    fn hop_limit(&mut self, this: Borrow<TcpSocket>) -> Net<u8> {
        let s = self.tcp(&this)?;
        Ok(options::hop_limit(&*s.sock, s.family))
    }

    fn set_hop_limit(&mut self, this: Borrow<TcpSocket>, value: u8) -> Net<()> {
        let s = self.tcp(&this)?;
        Ok(options::set_hop_limit(&*s.sock, s.family, value))
    }

    fn receive_buffer_size(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(options::buffer_size(
            &*self.tcp(&this)?.sock,
            Buffer::Receive,
        ))
    }

    fn set_receive_buffer_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        Ok(options::set_buffer_size(
            &*self.tcp(&this)?.sock,
            Buffer::Receive,
            value,
        ))
    }

    fn send_buffer_size(&mut self, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(options::buffer_size(&*self.tcp(&this)?.sock, Buffer::Send))
    }

    fn set_send_buffer_size(&mut self, this: Borrow<TcpSocket>, value: u64) -> Net<()> {
        Ok(options::set_buffer_size(
            &*self.tcp(&this)?.sock,
            Buffer::Send,
            value,
        ))
    }

    fn subscribe(&mut self, this: Borrow<TcpSocket>) -> Result<Resource<Pollable>> {
        let s = self.tcp(&this)?;
        let p = match s.state {
            State::Listening | State::Connected => Pollable::readable(&s.sock),
            _ => Pollable::READY,
        };
        Ok(self.table.push(p))
    }

    fn shutdown(&mut self, this: Borrow<TcpSocket>, how: ShutdownType) -> Net<()> {
        let s = self.tcp(&this)?;
        if !matches!(s.state, State::Connected) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        let how = match how {
            ShutdownType::Receive => rnet::Shutdown::Read,
            ShutdownType::Send => rnet::Shutdown::Write,
            ShutdownType::Both => rnet::Shutdown::Both,
        };
        Ok(rnet::shutdown(&*s.sock, how).map_err(errno))
    }
}

pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Keep-alive times are whole seconds to the OS; at least one.
pub(crate) fn whole_seconds(nanos: u64) -> Result<Duration, ErrorCode> {
    if nanos == 0 {
        return Err(ErrorCode::InvalidArgument);
    }
    Ok(Duration::from_secs(nanos.div_ceil(1_000_000_000)))
}
