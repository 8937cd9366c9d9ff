//! WASI 0.3: `wasi:cli/imports@0.3.0` (cli, clocks, random, filesystem and
//! sockets), from the official WIT of the 0.3.0 release, bound by
//! hostbind's own `bindgen!` with async imports. It shares [`WasiCtx`]
//! with 0.2: the same arguments, environment, stdio, preopens and network
//! policy, and the same resource table.
//!
//! Waiting never holds a thread of the host's runtime: timers and sockets
//! wait on `async-io`'s reactor, file operations and the process's stdin
//! on `blocking`'s thread pool, and every stream is copied by a task of the
//! store's event loop.

/// Copies a fieldless value between two enums with the same case names;
/// the arms after `;` map the cases that differ.
macro_rules! same_cases {
    ($v:expr, $from:ident => $to:ident: $($case:ident),* ; $($pat:pat => $e:expr),*) => {
        match $v {
            $($from::$case => $to::$case,)*
            $($pat => $e,)*
        }
    };
}

pub mod bindings;
pub(crate) mod cli;
mod clocks;
mod filesystem;
mod random;
pub(crate) mod sockets;

pub use sockets::{TcpSocket, UdpSocket};

use hostbind::Linker;

use crate::WasiCtx;

/// Defines every interface of `wasi:cli/imports@0.3.0` in `linker`,
/// served by the [`WasiCtx`] that `get` finds in the store's data.
/// [`add_to_linker`](crate::add_to_linker) adds these and 0.2's.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WasiCtx,
) -> hostbind::Result<()> {
    bindings::Host::add_to_linker(linker, get)
}
