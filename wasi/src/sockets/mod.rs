//! `wasi:sockets`: TCP and UDP over the host's sockets (through rustix),
//! name lookup, and the network resource, all refused with
//! `access-denied` unless the embedder allowed the network.

pub(crate) mod options;
pub(crate) mod tcp;
pub(crate) mod udp;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, ToSocketAddrs};

use hostbind::{Borrow, Resource, Result};
use rustix::io::Errno;

use crate::bindings::wasi::sockets::network::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};
use crate::bindings::wasi::sockets::{instance_network, ip_name_lookup, network};
use crate::ctx::WasiCtx;
use crate::poll::Pollable;

pub use tcp::TcpSocket;
pub use udp::{IncomingDatagramStream, OutgoingDatagramStream, UdpSocket};

/// A `wasi:sockets/network/network`: the right to use the network.
#[derive(Debug)]
pub struct Network;

/// A `wasi:sockets/ip-name-lookup/resolve-address-stream`: the addresses
/// a name resolved to, looked up when the stream was made.
#[derive(Debug)]
pub struct ResolveAddressStream {
    addresses: std::vec::IntoIter<IpAddress>,
}

/// The socket error code for an I/O error.
pub(crate) fn socket_error(e: &std::io::Error) -> ErrorCode {
    match Errno::from_io_error(e) {
        Some(Errno::ACCESS | Errno::PERM) => ErrorCode::AccessDenied,
        Some(Errno::ADDRINUSE) => ErrorCode::AddressInUse,
        Some(Errno::ADDRNOTAVAIL) => ErrorCode::AddressNotBindable,
        Some(Errno::CONNREFUSED) => ErrorCode::ConnectionRefused,
        Some(Errno::CONNRESET) => ErrorCode::ConnectionReset,
        Some(Errno::CONNABORTED) => ErrorCode::ConnectionAborted,
        Some(Errno::NETUNREACH | Errno::HOSTUNREACH | Errno::NETDOWN) => {
            ErrorCode::RemoteUnreachable
        }
        Some(Errno::TIMEDOUT) => ErrorCode::Timeout,
        Some(Errno::AGAIN) => ErrorCode::WouldBlock,
        Some(Errno::INVAL) => ErrorCode::InvalidArgument,
        Some(Errno::MFILE | Errno::NFILE) => ErrorCode::NewSocketLimit,
        Some(Errno::NOMEM | Errno::NOBUFS) => ErrorCode::OutOfMemory,
        Some(Errno::MSGSIZE) => ErrorCode::DatagramTooLarge,
        Some(Errno::AFNOSUPPORT | Errno::OPNOTSUPP) => ErrorCode::NotSupported,
        Some(Errno::ISCONN | Errno::NOTCONN | Errno::ALREADY) => ErrorCode::InvalidState,
        _ => ErrorCode::Unknown,
    }
}

pub(crate) fn errno(e: Errno) -> ErrorCode {
    socket_error(&e.into())
}

pub(crate) fn to_std(a: &IpSocketAddress) -> SocketAddr {
    match a {
        IpSocketAddress::Ipv4(a) => {
            let (x, y, z, w) = a.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(x, y, z, w), a.port))
        }
        IpSocketAddress::Ipv6(a) => {
            let (p0, p1, p2, p3, p4, p5, p6, p7) = a.address;
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::new(p0, p1, p2, p3, p4, p5, p6, p7),
                a.port,
                a.flow_info,
                a.scope_id,
            ))
        }
    }
}

pub(crate) fn from_std(a: SocketAddr) -> IpSocketAddress {
    match a {
        SocketAddr::V4(a) => {
            let [x, y, z, w] = a.ip().octets();
            IpSocketAddress::Ipv4(Ipv4SocketAddress {
                port: a.port(),
                address: (x, y, z, w),
            })
        }
        SocketAddr::V6(a) => {
            let [p0, p1, p2, p3, p4, p5, p6, p7] = a.ip().segments();
            IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port: a.port(),
                flow_info: a.flowinfo(),
                address: (p0, p1, p2, p3, p4, p5, p6, p7),
                scope_id: a.scope_id(),
            })
        }
    }
}

pub(crate) fn ip(a: IpAddr) -> IpAddress {
    match a {
        IpAddr::V4(a) => {
            let [x, y, z, w] = a.octets();
            IpAddress::Ipv4((x, y, z, w))
        }
        IpAddr::V6(a) => {
            let [p0, p1, p2, p3, p4, p5, p6, p7] = a.segments();
            IpAddress::Ipv6((p0, p1, p2, p3, p4, p5, p6, p7))
        }
    }
}

/// Whether `a` is of `family`.
pub(crate) fn same_family(a: &IpSocketAddress, family: IpAddressFamily) -> bool {
    matches!(
        (a, family),
        (IpSocketAddress::Ipv4(_), IpAddressFamily::Ipv4)
            | (IpSocketAddress::Ipv6(_), IpAddressFamily::Ipv6)
    )
}

pub(crate) fn af(family: IpAddressFamily) -> rustix::net::AddressFamily {
    match family {
        IpAddressFamily::Ipv4 => rustix::net::AddressFamily::INET,
        IpAddressFamily::Ipv6 => rustix::net::AddressFamily::INET6,
    }
}

/// The host's address of a socket, as the guest sees it.
pub(crate) fn local_of(fd: impl std::os::fd::AsFd) -> Result<IpSocketAddress, ErrorCode> {
    let any = rustix::net::getsockname(fd).map_err(errno)?;
    SocketAddr::try_from(any)
        .map(from_std)
        .map_err(|_| ErrorCode::NotSupported)
}

/// The addresses `name` (a host name or an IP address) stands for. It
/// blocks while the resolver works.
pub(crate) fn lookup(name: &str) -> Result<Vec<IpAddress>, ErrorCode> {
    if let Ok(a) = name.parse::<IpAddr>() {
        return Ok(vec![ip(a)]);
    }
    // A name, not a URL or an address with a port.
    if name.is_empty() || name.contains([':', '/', ' ']) {
        return Err(ErrorCode::InvalidArgument);
    }
    match (name, 0).to_socket_addrs() {
        Ok(addrs) => Ok(addrs.map(|a| ip(a.ip())).collect()),
        Err(_) => Err(ErrorCode::NameUnresolvable),
    }
}

impl WasiCtx {
    /// `access-denied` unless the embedder allowed the network.
    pub(crate) fn network_allowed(&self) -> Result<(), ErrorCode> {
        if self.allow_network {
            Ok(())
        } else {
            Err(ErrorCode::AccessDenied)
        }
    }
}

impl network::Host for WasiCtx {}

impl network::HostNetwork for WasiCtx {
    fn drop(&mut self, rep: Resource<Network>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }
}

impl instance_network::Host for WasiCtx {
    fn instance_network(&mut self) -> Result<Resource<Network>> {
        Ok(self.table.push(Network))
    }
}

impl ip_name_lookup::Host for WasiCtx {
    fn resolve_addresses(
        &mut self,
        network: Borrow<Network>,
        name: &str,
    ) -> Result<Result<Resource<ResolveAddressStream>, ErrorCode>> {
        self.table.get(&network)?;
        if let Err(e) = self.network_allowed() {
            return Ok(Err(e));
        }
        let addresses = tri!(lookup(name));
        Ok(Ok(self.table.push(ResolveAddressStream {
            addresses: addresses.into_iter(),
        })))
    }
}

impl ip_name_lookup::HostResolveAddressStream for WasiCtx {
    fn drop(&mut self, rep: Resource<ResolveAddressStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn resolve_next_address(
        &mut self,
        this: Borrow<ResolveAddressStream>,
    ) -> Result<Result<Option<IpAddress>, ErrorCode>> {
        Ok(Ok(self.table.get_mut(&this)?.addresses.next()))
    }

    fn subscribe(&mut self, this: Borrow<ResolveAddressStream>) -> Result<Resource<Pollable>> {
        self.table.get(&this)?;
        Ok(self.table.push(Pollable::READY))
    }
}
