//! wasi:http for hostbind: the host side of `wasi:http/proxy` (WASI 0.2)
//! and of `wasi:http/service` (WASI 0.3, in [`p3`]), so that the HTTP
//! handlers people deploy to Spin, wasmCloud or `wasmtime serve` run on
//! hostbind; and a server, [`Server`], that answers HTTP requests with
//! such a component, of either version, on hyper and tokio.
//!
//! ```
//! use hostbind::{Component, Engine};
//! use hostbind_wasi_http::Server;
//! use http_body_util::{BodyExt, Full};
//!
//! # fn main() -> anyhow::Result<()> {
//! // A handler in C (wit-bindgen); `/hello` greets.
//! let guest = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../tests/guests/c-http/c-http.wasm"
//! ));
//! let engine = Engine::default();
//! let component = Component::new(&engine, guest)?;
//! let server = Server::builder(&engine, &component).build()?;
//!
//! let rt = tokio::runtime::Runtime::new()?;
//! let (status, body) = rt.block_on(async {
//!     let request = http::Request::get("/hello").body(Full::new(bytes::Bytes::new()))?;
//!     let response = server.handle(request).await;
//!     let status = response.status();
//!     let body = response.into_body().collect().await?.to_bytes();
//!     Ok::<_, anyhow::Error>((status, body))
//! })?;
//! assert_eq!(status, 200);
//! assert_eq!(body, "hello from c\n");
//! # Ok(())
//! # }
//! ```
//!
//! [`serve`] runs a server on a TCP listener until a shutdown future
//! completes; `hostbind serve` is that, from the command line.
//! Outgoing requests are denied unless the embedder allows their host
//! ([`HttpConfig::allow_host`]). `docs/http.md` in the repository says
//! what is served and what is left out.

/// `?` for the inner `Result` of a method: an error code is the
/// method's answer, not a trap.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return Ok(Err(code)),
        }
    };
}

pub mod bindings;
mod body;
mod client;
mod ctx;
mod error;
mod fields;
mod message;
pub mod p3;
mod pipe;
mod server;
mod signal;

pub use body::{FutureTrailers, IncomingBody, OutgoingBody, PipeBody};
pub use client::FutureIncomingResponse;
pub use ctx::{HttpConfig, WasiHttpCtx, WasiHttpView};
pub use error::HttpError;
pub use fields::Fields;
pub use message::{
    IncomingRequest, IncomingResponse, OutgoingRequest, OutgoingResponse, RequestOptions,
    ResponseOutparam,
};
pub use server::{Failure, ResponseBody, Server, ServerBuilder, serve};

use bindings::wasi::http::types as t;
use hostbind::{Borrow, Linker, Result};

impl t::Host for WasiHttpCtx {
    fn http_error_code(
        &mut self,
        err: Borrow<hostbind_wasi::IoError>,
    ) -> Result<Option<t::ErrorCode>> {
        let e = self.table().get(&err)?;
        Ok(e.io_error().and_then(error::code_of))
    }
}

/// Defines wasi:http's interfaces of WASI 0.2 (`types`,
/// `outgoing-handler`) and 0.3 (`types`, `client`), with every interface
/// of WASI 0.2 and 0.3 that hostbind-wasi serves, in `linker`.
pub fn add_to_linker<T: WasiHttpView>(linker: &mut Linker<T>) -> Result<()> {
    hostbind_wasi::add_to_linker(linker, |d: &mut T| &mut d.http().wasi)?;
    add_only_http_to_linker(linker)
}

/// Defines only wasi:http's own interfaces, of 0.2 and 0.3, in
/// `linker`, for an embedder that defines WASI's itself.
pub fn add_only_http_to_linker<T: WasiHttpView>(linker: &mut Linker<T>) -> Result<()> {
    bindings::Proxy::add_to_linker(linker, |d: &mut T| d.http())?;
    p3::add_only_http_to_linker(linker)
}
