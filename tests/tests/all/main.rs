//! Every integration test of hostbind in one binary: linking wasmtime and
//! cranelift once instead of once per file keeps the build small and quick.

mod async_guest;
mod async_host_ends;
mod async_limits;
mod async_python;
mod async_stream_pair;
mod async_streams;
mod async_suspend;
mod async_tasks;
mod bindgen;
mod bindgen_exports;
mod bindgen_kinds;
mod bindgen_worlds;
mod calls;
mod composed;
mod differential;
mod dynamic;
mod flags_wide;
mod imports;
mod invalid;
mod limits;
mod linking;
mod modules;
mod packaging;
mod precompiled;
mod resources;
mod smoke;
mod strings;
mod threads;
mod toolchain;
mod types;
mod validation;
mod values;
mod versions;
mod wasi;
mod wit_check;
