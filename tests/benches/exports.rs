//! Host → guest export calls, side by side: `bindgen!`'s `call_*` (typed
//! functions resolved once, at `instantiate`), `TypedFunc::call`, a lookup
//! and typecheck on every call (what `call_*` did before), and wasmtime's
//! component-model `TypedFunc`, on a guest exporting `add` and `len`.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench exports`
//! prints criterion's report, then a table of ns per call with ratios.

#[path = "common/median.rs"]
mod median;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;
use hostbind::{Component, Engine, EngineKind, Linker, Store};

hostbind::bindgen!({
    inline: "
package test:bench;
world calc {
  export add: func(a: u32, b: u32) -> u32;
  export len: func(s: string) -> u32;
}
",
});

/// `add` returns the sum; `len` returns the string's byte length.
const GUEST: &str = r#"(component
  (core module $M
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $bump) (i32.const 60000)) (then (global.set $bump (i32.const 1024))))
      (local.get $p))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "len") (param i32 i32) (result i32) (local.get 1)))
  (core instance $m (instantiate $M))
  (alias core export $m "memory" (core memory $memory))
  (alias core export $m "realloc" (core func $realloc))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $m "len") (memory $memory) (realloc $realloc))))"#;

fn hostbind_setup(kind: EngineKind) -> (Store<()>, Calc) {
    let engine = Engine::new(kind);
    let c = Component::new(&engine, wat::parse_str(GUEST).expect("the guest parses"))
        .expect("the guest loads");
    let mut store = Store::new(&engine, ());
    let calc = Calc::instantiate(&mut store, &c, &Linker::new(&engine)).expect("instantiates");
    (store, calc)
}

fn bench_hostbind(c: &mut Criterion, kind: EngineKind, name: &str) {
    let (mut store, calc) = hostbind_setup(kind);
    let add = calc
        .instance()
        .get_typed_func::<(u32, u32), (u32,)>(&mut store, "add")
        .expect("add");
    c.benchmark_group("add")
        .bench_function(format!("{name}-bindgen"), |b| {
            b.iter(|| {
                calc.call_add(&mut store, black_box(1), black_box(2))
                    .unwrap()
            })
        })
        .bench_function(format!("{name}-typed_func"), |b| {
            b.iter(|| add.call(&mut store, (black_box(1), black_box(2))).unwrap())
        })
        .bench_function(format!("{name}-lookup_each_call"), |b| {
            b.iter(|| {
                let f = calc
                    .instance()
                    .get_typed_func::<(u32, u32), (u32,)>(&mut store, "add")
                    .unwrap();
                f.call(&mut store, (black_box(1), black_box(2))).unwrap()
            })
        });
    c.benchmark_group("len")
        .bench_function(format!("{name}-bindgen"), |b| {
            b.iter(|| {
                calc.call_len(&mut store, black_box("hello, world"))
                    .unwrap()
            })
        });
}

fn bench_wasmtime(c: &mut Criterion) {
    use wasmtime::component::{Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, wat::parse_str(GUEST).expect("the guest parses"))
        .expect("the guest loads");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let add = instance
        .get_typed_func::<(u32, u32), (u32,)>(&mut store, "add")
        .expect("add");
    let len = instance
        .get_typed_func::<(&str,), (u32,)>(&mut store, "len")
        .expect("len");
    c.benchmark_group("add")
        .bench_function("wasmtime-typed_func", |b| {
            b.iter(|| add.call(&mut store, (black_box(1), black_box(2))).unwrap())
        });
    c.benchmark_group("len")
        .bench_function("wasmtime-typed_func", |b| {
            b.iter(|| len.call(&mut store, (black_box("hello, world"),)).unwrap())
        });
}

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion-exports")
}

/// The systems of the table, as the benchmarks above name them.
const SYSTEMS: &[&str] = &[
    "hostbind-wasmtime-bindgen",
    "hostbind-wasmtime-typed_func",
    "hostbind-wasmtime-lookup_each_call",
    "hostbind-wasmi-bindgen",
    "hostbind-wasmi-typed_func",
    "hostbind-wasmi-lookup_each_call",
    "wasmtime-typed_func",
];

/// One row per case: the median of each system that ran it, and the
/// ratio of `bindgen!`'s calls to wasmtime's component `TypedFunc`.
fn print_table() {
    println!(
        "\nns per call (median); wt/wt and wi/wt: hostbind's bindgen! call on wasmtime and on wasmi over wasmtime's component TypedFunc"
    );
    let head: Vec<String> = SYSTEMS
        .iter()
        .map(|s| s.replace("hostbind-", "hb-"))
        .collect();
    println!(
        "{:<6} {} | {:>9} {:>9}",
        "case",
        head.join(" "),
        "wt/wt",
        "wi/wt"
    );
    for case in ["add", "len"] {
        let m: Vec<Option<f64>> = SYSTEMS
            .iter()
            .map(|s| median::median_ns(&out_dir().join(case).join(s)))
            .collect();
        let cells: Vec<String> = m
            .iter()
            .zip(&head)
            .map(|(v, h)| match v {
                Some(v) => format!("{v:>w$.1}", w = h.len()),
                None => format!("{:>w$}", "-", w = h.len()),
            })
            .collect();
        let ratio = |a: Option<f64>| match (a, m[6]) {
            (Some(a), Some(b)) => format!("{:>8.2}x", a / b),
            _ => format!("{:>9}", "-"),
        };
        println!(
            "{case:<6} {} | {} {}",
            cells.join(" "),
            ratio(m[0]),
            ratio(m[3])
        );
    }
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&out_dir())
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .configure_from_args();
    bench_hostbind(&mut c, EngineKind::Wasmtime, "hostbind-wasmtime");
    bench_hostbind(&mut c, EngineKind::Wasmi, "hostbind-wasmi");
    bench_wasmtime(&mut c);
    c.final_summary();
    print_table();
}
