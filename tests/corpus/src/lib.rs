//! `bindgen!` over every world of the corpus of public WIT in `wit/` (see
//! `SOURCES.md`): the build script writes one `bindgen!` per world, so that
//! building this crate compiles every world's bindings, and lists the worlds
//! it leaves out with the reason.

#![allow(missing_docs, clippy::all)]

use hostbind::{Component, Linker, Result, Store};

/// A world the crate binds.
pub struct Bound {
    /// Its WIT directory, relative to this crate.
    pub root: &'static str,
    /// `ns:pkg/world@version`.
    pub world: &'static str,
    /// Defines each resource the world imports, as its bindings' type.
    pub resources: fn(&mut Linker<()>) -> Result<()>,
    /// The bindings' `instantiate`.
    pub instantiate: fn(&mut Store<()>, &Component, &Linker<()>) -> Result<()>,
}

/// A world the crate does not bind, and why.
pub struct Skipped {
    pub root: &'static str,
    /// Empty when the directory's WIT itself did not resolve.
    pub world: &'static str,
    pub reason: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/worlds.rs"));
