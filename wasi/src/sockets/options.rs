//! Socket options TCP and UDP sockets share: the hop limit and the
//! kernel's buffer sizes.

use std::os::fd::AsFd;

use rustix::net::sockopt;

use super::errno;
use crate::bindings::wasi::sockets::network::{ErrorCode, IpAddressFamily};

/// Which of the kernel's buffers.
#[derive(Clone, Copy)]
pub(crate) enum Buffer {
    Receive,
    Send,
}

pub(crate) fn hop_limit(fd: impl AsFd, family: IpAddressFamily) -> Result<u8, ErrorCode> {
    match family {
        IpAddressFamily::Ipv4 => sockopt::ip_ttl(fd).map(|t| t.min(255) as u8),
        IpAddressFamily::Ipv6 => sockopt::ipv6_unicast_hops(fd),
    }
    .map_err(errno)
}

/// Zero is refused, as the spec says.
pub(crate) fn set_hop_limit(
    fd: impl AsFd,
    family: IpAddressFamily,
    value: u8,
) -> Result<(), ErrorCode> {
    if value == 0 {
        return Err(ErrorCode::InvalidArgument);
    }
    match family {
        IpAddressFamily::Ipv4 => sockopt::set_ip_ttl(fd, u32::from(value)),
        IpAddressFamily::Ipv6 => sockopt::set_ipv6_unicast_hops(fd, Some(value)),
    }
    .map_err(errno)
}

pub(crate) fn buffer_size(fd: impl AsFd, which: Buffer) -> Result<u64, ErrorCode> {
    match which {
        Buffer::Receive => sockopt::socket_recv_buffer_size(fd),
        Buffer::Send => sockopt::socket_send_buffer_size(fd),
    }
    .map(|n| n as u64)
    .map_err(errno)
}

/// Zero is refused; a size the kernel cannot take is clamped, as the
/// spec allows.
pub(crate) fn set_buffer_size(fd: impl AsFd, which: Buffer, value: u64) -> Result<(), ErrorCode> {
    if value == 0 {
        return Err(ErrorCode::InvalidArgument);
    }
    let n = usize::try_from(value)
        .unwrap_or(usize::MAX)
        .min(i32::MAX as usize / 2);
    match which {
        Buffer::Receive => sockopt::set_socket_recv_buffer_size(fd, n),
        Buffer::Send => sockopt::set_socket_send_buffer_size(fd, n),
    }
    .map_err(errno)
}
