//! The guide's pages as doc comments, so that `cargo test` compiles and
//! runs every Rust example on them (from this folder, which is where the
//! pages' paths start).

/// `getting-started.md`
#[cfg(doctest)]
#[doc = include_str!("getting-started.md")]
pub struct GettingStarted;

/// `host-functions.md`
#[cfg(doctest)]
#[doc = include_str!("host-functions.md")]
pub struct HostFunctions;

/// `bindgen.md`
#[cfg(doctest)]
#[doc = include_str!("bindgen.md")]
pub struct Bindgen;

/// `resources.md`
#[cfg(doctest)]
#[doc = include_str!("resources.md")]
pub struct Resources;

/// `wasi.md`
#[cfg(doctest)]
#[doc = include_str!("wasi.md")]
pub struct Wasi;

/// `limits.md`
#[cfg(doctest)]
#[doc = include_str!("limits.md")]
pub struct Limits;

/// `precompiled.md`
#[cfg(doctest)]
#[doc = include_str!("precompiled.md")]
pub struct Precompiled;

/// `engines.md`
#[cfg(doctest)]
#[doc = include_str!("engines.md")]
pub struct Engines;

/// `async.md`
#[cfg(doctest)]
#[doc = include_str!("async.md")]
pub struct Async;

/// The README's examples, compiled (they name files a reader has).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;
