//! Loading components: checking and decomposing a binary with
//! wasmtime-environ, compiling its core modules, precompiled code.

pub(crate) mod component;
pub(crate) mod module;
pub(crate) mod precheck;
pub(crate) mod precompiled;
pub(crate) mod text;
pub(crate) mod transmits;
