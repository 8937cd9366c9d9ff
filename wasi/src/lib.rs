//! WASI 0.2 and 0.3 for components that hostbind runs: the
//! `wasi:cli/imports` world (cli, io, clocks, random, filesystem and
//! sockets) from the official WIT of WASI 0.2.12 and of WASI 0.3.0, bound
//! by hostbind's own `bindgen!`. One [`WasiCtx`] serves both versions, so
//! one linker runs guests of either, and guests that import both (as
//! componentize-py's do: CPython's libc speaks 0.2).
//!
//! ```
//! use hostbind::{Component, Engine, Linker, Store};
//! use hostbind_wasi::{OutputPipe, WasiCtx};
//!
//! struct Data {
//!     wasi: WasiCtx,
//! }
//!
//! # fn main() -> anyhow::Result<()> {
//! // A C program built with wasi-libc and the preview-1 adapter.
//! let guest = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../tests/guests/c-command/c-command.wasm"
//! ));
//! let engine = Engine::default();
//! let component = Component::new(&engine, guest)?;
//! let mut linker = Linker::<Data>::new(&engine);
//! hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi)?;
//!
//! let stdout = OutputPipe::new();
//! let wasi = WasiCtx::builder()
//!     .args(["c-command", "cat"])
//!     .stdin(hostbind_wasi::InputPipe::new("hello through WASI\n"))
//!     .stdout(stdout.clone())
//!     .build();
//! let mut store = Store::new(&engine, Data { wasi });
//! let status = hostbind_wasi::run_command(&mut store, &component, &linker)?;
//! assert_eq!(status, 0);
//! assert_eq!(stdout.contents(), b"hello through WASI\n");
//! # Ok(())
//! # }
//! ```
//!
//! Directories are granted with
//! `.preopened_dir("data", "/data", DirPerms::READ, FilePerms::READ)?`,
//! the process's own stdio with `.inherit_stdio()`.
//!
//! Nothing is granted by default: no arguments, environment, stdio,
//! directories or network unless the builder says so. Guests built against
//! any `0.2.x` or `0.3.x` of WASI link, since the linker matches versions
//! semver-compatibly. WASI 0.3's waits (timers, sockets, files, stdin)
//! hold no thread of the host's runtime; see [`p3`].

/// `?` for the inner `Result` of a WASI method: an error code is the
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
mod cli;
mod clocks;
mod ctx;
mod filesystem;
mod host_stream;
mod io;
pub mod p3;
mod poll;
mod random;
mod sockets;

pub use cli::{I32Exit, TerminalInput, TerminalOutput};
pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use filesystem::{Descriptor, DirPerms, DirectoryEntryStream, FilePerms};
pub use host_stream::{HostInputStream, HostOutputStream};
pub use io::{InputPipe, InputStream, IoError, OutputPipe, OutputStream};
pub use poll::Pollable;
pub use sockets::{
    IncomingDatagramStream, Network, OutgoingDatagramStream, ResolveAddressStream, TcpSocket,
    UdpSocket,
};

use hostbind::{Component, Linker, Store};

/// Defines every interface of `wasi:cli/imports`, of WASI 0.2 and of
/// WASI 0.3, in `linker`, served by the [`WasiCtx`] that `get` finds in
/// the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WasiCtx,
) -> hostbind::Result<()> {
    bindings::Host::add_to_linker(linker, get)?;
    p3::add_to_linker(linker, get)
}

/// The `wasi:cli/run` exports of a command of WASI 0.3 and of 0.2. Export
/// names match semver-compatibly: a guest built against any `0.3.x` or
/// `0.2.x` is found.
const RUN_0_3: &str = "wasi:cli/run@0.3.0#run";
const RUN_0_2: &str = "wasi:cli/run@0.2.12#run";

/// Instantiates a `wasi:cli/command` component, of WASI 0.3 or 0.2, and
/// calls its `wasi:cli/run#run`: the exit code it ended with (0 for `ok`,
/// 1 for `err`, or what it passed to `wasi:cli/exit`).
///
/// A 0.3 command's `run` is an `async func`; this call runs the store's
/// event loop until it returns, parking the thread while only the host's
/// futures (timers, sockets, files) can make progress. Under an async
/// runtime, call the export with [`TypedFunc::call_async`](hostbind::TypedFunc::call_async)
/// instead.
pub fn run_command<T: 'static>(
    store: &mut Store<T>,
    component: &Component,
    linker: &Linker<T>,
) -> hostbind::Result<i32> {
    let instance = linker.instantiate(&mut *store, component)?;
    type Run = hostbind::TypedFunc<(), (Result<(), ()>,)>;
    let run: Run = match instance.get_typed_func(&mut *store, RUN_0_3) {
        Ok(run) => run,
        Err(_) => instance.get_typed_func(&mut *store, RUN_0_2).map_err(|e| {
            e.context("the component is not a `wasi:cli/command` of WASI 0.3 or 0.2")
        })?,
    };
    match run.call(&mut *store, ()) {
        Ok((Ok(()),)) => Ok(0),
        Ok((Err(()),)) => Ok(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(code)) => Ok(*code),
            None => Err(e),
        },
    }
}
