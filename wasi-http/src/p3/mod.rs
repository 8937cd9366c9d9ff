//! wasi:http 0.3: the host side of `wasi:http/service@0.3.0` (`types` and
//! `client`), whose bodies are the component model's `stream<u8>` and
//! whose trailers and results are `future`s. The same [`WasiHttpCtx`](crate::WasiHttpCtx)
//! serves it as 0.2, with the same allow-list for outgoing requests;
//! [`Server`](crate::Server) runs a 0.3 handler as it runs a 0.2 one.
//!
//! A guest's body is copied to the network by a task of the store's
//! event loop (or, for a handler's response, by the server as it reads
//! it), and the network's into the guest's stream by another, so that a
//! guest waiting for bytes holds no thread.

pub mod bindings;
pub(crate) mod body;
mod client;
mod convert;
mod fields;
mod message;

pub use message::{Request, RequestOptions, Response};

use hostbind::{Linker, Result};

use crate::WasiHttpView;

/// Defines only wasi:http 0.3's own interfaces (`types`, `client`) in
/// `linker`; [`add_to_linker`](crate::add_to_linker) adds these with
/// 0.2's and WASI's.
pub fn add_only_http_to_linker<T: WasiHttpView>(linker: &mut Linker<T>) -> Result<()> {
    bindings::Host::add_to_linker(linker, |d: &mut T| d.http())
}
