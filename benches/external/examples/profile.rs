//! One host-call case in a loop, for profilers: the same glue as the
//! `calls` bench, built in a third arrangement of codegen units.
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile wasmtime noop 200
//! ```
//!
//! Arguments: the engine (`wasmtime` or `wasmi`), the case (as in the
//! bench) and the number of 1000-call batches. It prints ns per call.

#![allow(dead_code)]

#[path = "../../../tests/benches/calls/guest.rs"]
mod guest;
#[path = "../../../tests/benches/calls/hostbind_sys.rs"]
mod hostbind_sys;

/// One batch of calls, as the bench's systems make them.
pub type Batch = Box<dyn FnMut()>;

fn main() {
    let mut args = std::env::args().skip(1);
    let engine = match args.next().as_deref() {
        Some("wasmi") => hostbind::EngineKind::Wasmi,
        _ => hostbind::EngineKind::Wasmtime,
    };
    let case = args.next().unwrap_or_else(|| "noop".into());
    let batches: u32 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut batch = hostbind_sys::batch(engine, &case);
    batch();
    let start = std::time::Instant::now();
    for _ in 0..batches {
        batch();
    }
    let calls = f64::from(batches) * f64::from(guest::N);
    println!("{:.2} ns/call", start.elapsed().as_secs_f64() * 1e9 / calls);
}
