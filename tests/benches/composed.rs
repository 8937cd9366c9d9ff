//! One call across the inner boundary of a composed component (guest calls
//! guest through a fused adapter), 1000 calls per iteration with the loop
//! inside the calling guest: hostbind on each engine against wasmtime's
//! component model running the same binary.
//!
//! The `count` group calls the C guest of `tests/guests/composed` (clang,
//! wit-bindgen and `wac plug`) once per iteration from the host: its UTF-8
//! app hands a 16-byte string to its UTF-16 library, which returns the
//! words as a list of strings, transcoded back.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench composed`

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use hostbind::{Component, Engine, EngineKind, Linker, Store};

/// `$Lib` (UTF-16) exports `add` and `len`; `$App` (UTF-8) calls one of
/// them `n` times: `adds(n)` with scalars, `lens(n)` with a 16-byte string
/// transcoded into `$Lib`'s memory on every call.
const GUEST: &str = r#"(component
  (component $Lib
    (core module $M
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
        (global.set $bump (i32.add (local.get $p) (local.get 3)))
        (if (i32.gt_u (global.get $bump) (i32.const 60000)) (then (global.set $bump (i32.const 1024))))
        (local.get $p))
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) string-encoding=utf16)))
  (component $App
    (import "lib" (instance $lib
      (export "add" (func (param "a" u32) (param "b" u32) (result u32)))
      (export "len" (func (param "s" string) (result u32)))))
    (core module $Mem (memory (export "mem") 1) (data (i32.const 16) "0123456789abcdef"))
    (core instance $mem (instantiate $Mem))
    (core func $add (canon lower (func $lib "add")))
    (core func $len (canon lower (func $lib "len") (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "add" (func $add (param i32 i32) (result i32)))
      (import "" "len" (func $len (param i32 i32) (result i32)))
      (func (export "adds") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (call $add (local.get $acc) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $acc))
      (func (export "lens") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (call $len (i32.const 16) (i32.const 16))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $acc)))
    (core instance $main (instantiate $Main (with "" (instance (export "add" (func $add)) (export "len" (func $len))))))
    (func (export "adds") (param "n" u32) (result u32) (canon lift (core func $main "adds")))
    (func (export "lens") (param "n" u32) (result u32) (canon lift (core func $main "lens"))))
  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "lib" (instance $lib))))
  (alias export $app "adds" (func $adds))
  (alias export $app "lens" (func $lens))
  (export "adds" (func $adds))
  (export "lens" (func $lens)))"#;

const CALLS: u32 = 1000;

/// Built by `tests/guests/composed/build.sh`.
const C_GUEST: &[u8] = include_bytes!("../guests/composed/composed.wasm");
/// Three words in 16 bytes.
const TEXT: &str = "one two threeeee";

// `::hostbind`: the bindings define a module `hostbind` for the WIT namespace.
mod bindings {
    ::hostbind::bindgen!({ path: "guests/composed/wit", world: "composed" });
}

struct Quiet;

impl bindings::hostbind::compose::host::Host for Quiet {
    fn log(&mut self, _: &str) {}
}

fn bench_hostbind_c(c: &mut Criterion, kind: EngineKind, name: &str) {
    let engine = Engine::new(kind);
    let component = Component::new(&engine, C_GUEST).expect("the guest loads");
    let mut linker = Linker::new(&engine);
    bindings::Composed::add_to_linker(&mut linker, |q| q).expect("links");
    let mut store = Store::new(&engine, Quiet);
    let guest =
        bindings::Composed::instantiate(&mut store, &component, &linker).expect("instantiates");
    assert_eq!(guest.call_count(&mut store, TEXT).unwrap(), 3);
    c.benchmark_group("count").bench_function(name, |b| {
        b.iter(|| guest.call_count(&mut store, black_box(TEXT)).unwrap())
    });
}

fn bench_wasmtime_c(c: &mut Criterion) {
    use wasmtime::component::{Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, C_GUEST).expect("the guest loads");
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("hostbind:compose/host@0.1.0")
        .and_then(|mut i| i.func_wrap("log", |_, (_,): (String,)| Ok(())))
        .expect("links");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let f = instance
        .get_typed_func::<(&str,), (u32,)>(&mut store, "count")
        .expect("count");
    assert_eq!(f.call(&mut store, (TEXT,)).unwrap(), (3,));
    c.benchmark_group("count")
        .bench_function("wasmtime-cm", |b| {
            b.iter(|| f.call(&mut store, (black_box(TEXT),)).unwrap())
        });
}

fn bench_hostbind(c: &mut Criterion, kind: EngineKind, name: &str) {
    let engine = Engine::new(kind);
    let component = Component::new(&engine, wat::parse_str(GUEST).expect("the guest parses"))
        .expect("the guest loads");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    for (export, want) in [("adds", CALLS), ("lens", 16 * CALLS)] {
        let f = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, export)
            .expect(export);
        assert_eq!(f.call(&mut store, (CALLS,)).unwrap(), (want,));
        c.benchmark_group(export)
            .bench_function(format!("{name}-x1000"), |b| {
                b.iter(|| f.call(&mut store, (black_box(CALLS),)).unwrap())
            });
    }
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
    for (export, want) in [("adds", CALLS), ("lens", 16 * CALLS)] {
        let f = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, export)
            .expect(export);
        assert_eq!(f.call(&mut store, (CALLS,)).unwrap(), (want,));
        c.benchmark_group(export)
            .bench_function("wasmtime-cm-x1000", |b| {
                b.iter(|| f.call(&mut store, (black_box(CALLS),)).unwrap())
            });
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    bench_hostbind(&mut c, EngineKind::Wasmtime, "hostbind-wasmtime");
    bench_hostbind(&mut c, EngineKind::Wasmi, "hostbind-wasmi");
    bench_wasmtime(&mut c);
    bench_hostbind_c(&mut c, EngineKind::Wasmtime, "hostbind-wasmtime");
    bench_hostbind_c(&mut c, EngineKind::Wasmi, "hostbind-wasmi");
    bench_wasmtime_c(&mut c);
    c.final_summary();
}
