//! `wasi:sockets@0.3`: TCP and UDP on `async-io`'s reactor (a socket waits
//! in the kernel, not on a thread), name lookup on a thread of the pool,
//! all refused with `access-denied` unless the embedder allowed the
//! network. Addresses, errors and options are 0.2's (`sockets/`),
//! converted here.

mod tcp;
mod udp;

use hostbind::{Access, Result};

use super::bindings::wasi::sockets::{ip_name_lookup, types as t3};
use crate::bindings::wasi::sockets::network as t2;
use crate::ctx::WasiCtx;

pub use tcp::TcpSocket;
pub use udp::UdpSocket;

type Net<T> = Result<core::result::Result<T, t3::ErrorCode>>;

/// 0.2's socket error code as 0.3 spells it.
pub(crate) fn code(c: t2::ErrorCode) -> t3::ErrorCode {
    use t2::ErrorCode as A;
    use t3::ErrorCode as B;
    let other = |name: &str| B::Other(Some(name.into()));
    same_cases!(c, A => B: AccessDenied, NotSupported, InvalidArgument, OutOfMemory, Timeout,
        InvalidState, AddressNotBindable, AddressInUse, RemoteUnreachable, ConnectionRefused,
        ConnectionReset, ConnectionAborted, DatagramTooLarge;
        A::Unknown => B::Other(None),
        A::ConcurrencyConflict => other("concurrency conflict"),
        A::NotInProgress => other("not in progress"),
        A::WouldBlock => other("would block"),
        A::NewSocketLimit => other("new socket limit"),
        A::NameUnresolvable => other("name unresolvable"),
        A::TemporaryResolverFailure => other("temporary resolver failure"),
        A::PermanentResolverFailure => other("permanent resolver failure"))
}

fn io_code(e: &std::io::Error) -> t3::ErrorCode {
    code(crate::sockets::socket_error(e))
}

pub(crate) fn family_in(f: t3::IpAddressFamily) -> t2::IpAddressFamily {
    match f {
        t3::IpAddressFamily::Ipv4 => t2::IpAddressFamily::Ipv4,
        t3::IpAddressFamily::Ipv6 => t2::IpAddressFamily::Ipv6,
    }
}

fn family_out(f: t2::IpAddressFamily) -> t3::IpAddressFamily {
    match f {
        t2::IpAddressFamily::Ipv4 => t3::IpAddressFamily::Ipv4,
        t2::IpAddressFamily::Ipv6 => t3::IpAddressFamily::Ipv6,
    }
}

pub(crate) fn addr_in(a: &t3::IpSocketAddress) -> t2::IpSocketAddress {
    match a.clone() {
        t3::IpSocketAddress::Ipv4(a) => t2::IpSocketAddress::Ipv4(t2::Ipv4SocketAddress {
            port: a.port,
            address: a.address,
        }),
        t3::IpSocketAddress::Ipv6(a) => t2::IpSocketAddress::Ipv6(t2::Ipv6SocketAddress {
            port: a.port,
            flow_info: a.flow_info,
            address: a.address,
            scope_id: a.scope_id,
        }),
    }
}

pub(crate) fn addr_out(a: t2::IpSocketAddress) -> t3::IpSocketAddress {
    match a {
        t2::IpSocketAddress::Ipv4(a) => t3::IpSocketAddress::Ipv4(t3::Ipv4SocketAddress {
            port: a.port,
            address: a.address,
        }),
        t2::IpSocketAddress::Ipv6(a) => t3::IpSocketAddress::Ipv6(t3::Ipv6SocketAddress {
            port: a.port,
            flow_info: a.flow_info,
            address: a.address,
            scope_id: a.scope_id,
        }),
    }
}

fn std_addr(a: &t3::IpSocketAddress) -> std::net::SocketAddr {
    crate::sockets::to_std(&addr_in(a))
}

impl WasiCtx {
    fn network(&self) -> core::result::Result<(), t3::ErrorCode> {
        self.network_allowed().map_err(code)
    }
}

impl t3::Host for WasiCtx {}

impl ip_name_lookup::Host for WasiCtx {
    async fn resolve_addresses(
        access: Access<Self>,
        name: String,
    ) -> Result<core::result::Result<Vec<t3::IpAddress>, ip_name_lookup::ErrorCode>> {
        use ip_name_lookup::ErrorCode as E;
        if access.with(|cx| cx.network_allowed())?.is_err() {
            return Ok(Err(E::AccessDenied));
        }
        let found = blocking::unblock(move || crate::sockets::lookup(&name)).await;
        Ok(match found {
            Ok(addrs) => Ok(addrs
                .into_iter()
                .map(|a| match a {
                    t2::IpAddress::Ipv4(a) => t3::IpAddress::Ipv4(a),
                    t2::IpAddress::Ipv6(a) => t3::IpAddress::Ipv6(a),
                })
                .collect()),
            Err(t2::ErrorCode::InvalidArgument) => Err(E::InvalidArgument),
            Err(t2::ErrorCode::NameUnresolvable) => Err(E::NameUnresolvable),
            Err(t2::ErrorCode::TemporaryResolverFailure) => Err(E::TemporaryResolverFailure),
            Err(_) => Err(E::PermanentResolverFailure),
        })
    }
}
