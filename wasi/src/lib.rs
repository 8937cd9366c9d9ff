//! WASI 0.2 for components that hostbind runs: the `wasi:cli/imports`
//! world (cli, io, clocks, random, filesystem and sockets) from the
//! official WIT of WASI 0.2.12, bound by hostbind's own `bindgen!`.
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
//! any `0.2.x` of WASI link, since the linker matches versions
//! semver-compatibly.

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
mod io;
mod poll;
mod random;
mod sockets;

pub use cli::{I32Exit, TerminalInput, TerminalOutput};
pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use filesystem::{Descriptor, DirPerms, DirectoryEntryStream, FilePerms};
pub use io::{InputPipe, InputStream, IoError, OutputPipe, OutputStream};
pub use poll::Pollable;
pub use sockets::{
    IncomingDatagramStream, Network, OutgoingDatagramStream, ResolveAddressStream, TcpSocket,
    UdpSocket,
};

use hostbind::{Component, Linker, Store};

/// Defines every interface of `wasi:cli/imports` in `linker`, served by
/// the [`WasiCtx`] that `get` finds in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WasiCtx,
) -> hostbind::Result<()> {
    bindings::Host::add_to_linker(linker, get)
}

/// Instantiates a `wasi:cli/command` component and calls its
/// `wasi:cli/run#run`: the exit code it ended with (0 for `ok`, 1 for
/// `err`, or what it passed to `wasi:cli/exit`).
pub fn run_command<T: 'static>(
    store: &mut Store<T>,
    component: &Component,
    linker: &Linker<T>,
) -> hostbind::Result<i32> {
    let instance = linker.instantiate(&mut *store, component)?;
    // Export names match semver-compatibly: a guest built against any
    // `wasi:cli/run@0.2.x` is found.
    let run = instance
        .get_typed_func::<(), (Result<(), ()>,)>(&mut *store, "wasi:cli/run@0.2.12#run")
        .map_err(|e| e.context("the component is not a `wasi:cli/command`"))?;
    match run.call(&mut *store, ()) {
        Ok((Ok(()),)) => Ok(0),
        Ok((Err(()),)) => Ok(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(I32Exit(code)) => Ok(*code),
            None => Err(e),
        },
    }
}
