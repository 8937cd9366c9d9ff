//! One host-call case in a loop, for profilers: the same glue as the
//! `calls` bench, built in a third arrangement of codegen units.
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile wasmtime noop 200
//! ```
//!
//! Arguments: the system (`wasmtime` or `wasmi` for hostbind on that
//! engine, `floor-wasmtime` or `floor-wasmi` for the hand-written glue,
//! `floor-wasmtime-fallible` or `floor-wasmi-fallible` for the same whose
//! functions can fail),
//! `bindgen-wasmtime` or `bindgen-wasmi` for the same host functions
//! bound through `bindgen!`, `wasmtime-cm` for wasmtime's own component
//! model with typed `func_wrap`), the case (as in the bench) and the number
//! of 1000-call batches. It
//! prints ns per call. The case `instantiate` instantiates the guest that
//! many times instead (systems `wasmtime`, `wasmi` and `wasmtime-cm`,
//! wasmtime's component model).

#![allow(dead_code)]

#[path = "../../../tests/benches/calls/floors.rs"]
mod floors;
#[path = "../../../tests/benches/calls/guest.rs"]
mod guest;
#[path = "../../../tests/benches/calls/hostbind_sys.rs"]
mod hostbind_sys;
#[path = "../../../tests/benches/calls/wasmtime_cm.rs"]
mod wasmtime_cm;

/// The bench's host functions again, bound through `bindgen!`.
mod bindgen_sys {
    use super::{Batch, guest};
    use hostbind::{Component, Engine, EngineKind, Linker, Store};

    hostbind::bindgen!({
        inline: "
            package test:bench;
            interface host {
                record point { x: f64, y: f64, z: f64 }
                noop: func();
                add: func(a: u32, b: u32) -> u32;
                take-str: func(s: string) -> u32;
                make-str: func() -> string;
                sum: func(xs: list<u32>) -> u64;
                norm: func(p: point) -> f64;
                check: func() -> result<u32, string>;
            }
            world bench { import host; }
        ",
        world: "bench",
    });

    use test::bench::host::{Host, Point};

    /// The store's data, and the host.
    pub struct H;

    impl Host for H {
        fn noop(&mut self) {}
        fn add(&mut self, a: u32, b: u32) -> u32 {
            a.wrapping_add(b)
        }
        fn take_str(&mut self, s: &str) -> u32 {
            s.len() as u32
        }
        fn make_str(&mut self) -> String {
            guest::big().to_string()
        }
        fn sum(&mut self, xs: Vec<u32>) -> u64 {
            xs.iter().map(|&x| u64::from(x)).sum()
        }
        fn norm(&mut self, p: Point) -> f64 {
            (p.x * p.x + p.y * p.y + p.z * p.z).sqrt()
        }
        fn check(&mut self) -> Result<u32, String> {
            Ok(7)
        }
    }

    /// One batch of `case`, the host functions bound by `bindgen!`.
    pub fn batch(kind: EngineKind, case: &str) -> Batch {
        let engine = Engine::new(kind);
        let wasm = wat::parse_str(guest::component()).expect("the guest parses");
        let component = Component::new(&engine, wasm).expect("the guest loads");
        let mut linker = Linker::<H>::new(&engine);
        Bench::add_to_linker(&mut linker, |h| h).expect("host functions link");
        let mut store = Store::new(&engine, H);
        let inst = linker
            .instantiate(&mut store, &component)
            .expect("the guest instantiates");
        let f = inst
            .get_typed_func::<(u32,), ()>(&mut store, &format!("run-{case}"))
            .expect("the loop export");
        Box::new(move || f.call(&mut store, (guest::N,)).expect("the loop runs"))
    }
}

/// One batch of calls, as the bench's systems make them.
pub type Batch = Box<dyn FnMut()>;

fn main() {
    let mut args = std::env::args().skip(1);
    let system = args.next().unwrap_or_else(|| "wasmtime".into());
    let case = args.next().unwrap_or_else(|| "noop".into());
    let batches: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    if case == "instantiate" {
        return instantiate(&system, batches);
    }
    let mut batch = match system.as_str() {
        "wasmi" => hostbind_sys::batch(hostbind::EngineKind::Wasmi, &case),
        "floor-wasmi" => floors::wasmi_core(&case),
        "floor-wasmtime" => floors::wasmtime_core(&case),
        "floor-wasmi-fallible" => floors::wasmi_core_fallible(&case),
        "floor-wasmtime-fallible" => floors::wasmtime_core_fallible(&case),
        "bindgen-wasmtime" => bindgen_sys::batch(hostbind::EngineKind::Wasmtime, &case),
        "bindgen-wasmi" => bindgen_sys::batch(hostbind::EngineKind::Wasmi, &case),
        "wasmtime-cm" => wasmtime_cm::typed(&case),
        _ => hostbind_sys::batch(hostbind::EngineKind::Wasmtime, &case),
    };
    batch();
    let start = std::time::Instant::now();
    for _ in 0..batches {
        batch();
    }
    let calls = f64::from(batches) * f64::from(guest::N);
    println!("{:.2} ns/call", start.elapsed().as_secs_f64() * 1e9 / calls);
}

/// `batches` instantiations in fresh stores, from an `InstancePre`.
fn instantiate(system: &str, batches: u32) {
    let start = std::time::Instant::now();
    if system == "wasmtime-cm" {
        let (engine, pre) = wasmtime_cm::pre(false);
        for _ in 0..batches {
            let mut store = wasmtime::Store::new(&engine, ());
            pre.instantiate(&mut store).expect("instantiates");
        }
    } else {
        let kind = match system {
            "wasmi" => hostbind::EngineKind::Wasmi,
            _ => hostbind::EngineKind::Wasmtime,
        };
        let (engine, pre) = hostbind_sys::pre(kind);
        for _ in 0..batches {
            let mut store = hostbind::Store::new(&engine, ());
            pre.instantiate(&mut store).expect("instantiates");
        }
    }
    let per = start.elapsed().as_secs_f64() * 1e9 / f64::from(batches.max(1));
    println!("{per:.0} ns/instance");
}
