//! hostbind, on either engine: `#[host_fn]` glue and typed exports.

use std::hint::black_box;

use hostbind::{
    Component, ComponentType, Engine, EngineKind, InstancePre, Lift, Linker, Lower, Store, host_fn,
};

use super::Batch;
use super::guest::{self, N};

#[host_fn]
fn noop() {}

/// Unrelated to every case: with feature `shuffle`, one more function moves
/// the glue between codegen units, and the host-call speed must not change.
#[cfg(feature = "shuffle")]
#[host_fn]
pub fn shuffle(x: u64) -> u64 {
    x.rotate_left(7) ^ 0x9e37_79b9
}

#[host_fn]
fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

#[host_fn]
fn take_str(s: &str) -> u32 {
    s.len() as u32
}

/// Returns the string without copying it on the host, as the floors do.
#[host_fn]
fn make_str() -> &'static str {
    guest::big()
}

#[host_fn]
fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

#[derive(ComponentType, Lift, Lower)]
struct Point {
    x: f64,
    y: f64,
    z: f64,
}

#[host_fn]
fn norm(p: Point) -> f64 {
    (p.x * p.x + p.y * p.y + p.z * p.z).sqrt()
}

/// A WIT `result`, not a trap: the alias keeps `#[host_fn]` from reading
/// the outer `Result` as its error channel.
type Checked = Result<u32, String>;

#[host_fn]
fn check() -> Checked {
    Ok(7)
}

/// hostbind linked once for the bench guest, over `kind`.
pub fn pre(kind: EngineKind) -> (Engine, InstancePre<()>) {
    let engine = Engine::new(kind);
    let wasm = wat::parse_str(guest::component()).expect("the guest parses");
    let component = Component::new(&engine, wasm).expect("the guest loads");
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("test:bench/host")
        .and_then(|mut h| {
            h.func("noop", noop)?
                .func("add", add)?
                .func("take-str", take_str)?
                .func("make-str", make_str)?
                .func("sum", sum)?
                .func("norm", norm)?
                .func("check", check)?;
            Ok(())
        })
        .expect("host functions link");
    let pre = linker.instantiate_pre(&component).expect("the guest links");
    (engine, pre)
}

/// One batch of `case` on hostbind over `kind`.
pub fn batch(kind: EngineKind, case: &str) -> Batch {
    let (engine, pre) = pre(kind);
    let mut store = Store::new(&engine, ());
    let inst = pre.instantiate(&mut store).expect("the guest instantiates");
    if case == "echo" {
        let f = inst
            .get_typed_func::<(&str,), (String,)>(&mut store, "echo")
            .expect("echo");
        return Box::new(move || {
            for _ in 0..N {
                black_box(
                    f.call(&mut store, (black_box(guest::S16),))
                        .expect("echo runs"),
                );
            }
        });
    }
    let f = inst
        .get_typed_func::<(u32,), ()>(&mut store, &format!("run-{case}"))
        .expect("the loop export");
    Box::new(move || f.call(&mut store, (N,)).expect("the loop runs"))
}
