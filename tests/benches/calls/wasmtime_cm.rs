//! wasmtime's own component model: typed `func_wrap` (the main peer) and
//! dynamic `func_new`, with its zero-copy `WasmStr`/`WasmList` params.

use std::hint::black_box;

use wasmtime::component::{Component, ComponentType, Func, Lift, Linker, Val, WasmList, WasmStr};
use wasmtime::{Engine, Store};

use super::Batch;
use super::guest::{self, N};

#[derive(ComponentType, Lift)]
#[component(record)]
struct Point {
    x: f64,
    y: f64,
    z: f64,
}

/// wasmtime's component model linked once for the bench guest: typed
/// `func_wrap` or dynamic `func_new` host functions.
pub fn pre(dynamic: bool) -> (Engine, wasmtime::component::InstancePre<()>) {
    let engine = Engine::default();
    let wasm = wat::parse_str(guest::component()).expect("the guest parses");
    let component = Component::new(&engine, wasm).expect("the guest loads");
    let mut linker = Linker::<()>::new(&engine);
    let mut h = linker.instance("test:bench/host").expect("instance");
    if dynamic {
        for name in [
            "noop", "add", "take-str", "make-str", "sum", "norm", "check",
        ] {
            h.func_new(name, move |_, _, params, results| {
                match name {
                    "add" => {
                        let (Val::U32(a), Val::U32(b)) = (&params[0], &params[1]) else {
                            wasmtime::bail!("bad params")
                        };
                        results[0] = Val::U32(a.wrapping_add(*b));
                    }
                    "take-str" => {
                        let Val::String(s) = &params[0] else {
                            wasmtime::bail!("bad params")
                        };
                        results[0] = Val::U32(s.len() as u32);
                    }
                    "make-str" => results[0] = Val::String(guest::big().to_string()),
                    "sum" => {
                        let Val::List(xs) = &params[0] else {
                            wasmtime::bail!("bad params")
                        };
                        let s = xs
                            .iter()
                            .map(|x| match x {
                                Val::U32(x) => u64::from(*x),
                                _ => 0,
                            })
                            .sum();
                        results[0] = Val::U64(s);
                    }
                    "norm" => {
                        let Val::Record(fields) = &params[0] else {
                            wasmtime::bail!("bad params")
                        };
                        let sq: f64 = fields
                            .iter()
                            .map(|(_, v)| match v {
                                Val::Float64(f) => f * f,
                                _ => 0.0,
                            })
                            .sum();
                        results[0] = Val::Float64(sq.sqrt());
                    }
                    "check" => results[0] = Val::Result(Ok(Some(Box::new(Val::U32(7))))),
                    _ => {}
                }
                Ok(())
            })
            .expect("func_new");
        }
    } else {
        h.func_wrap("noop", |_, (): ()| Ok(())).expect("noop");
        h.func_wrap("add", |_, (a, b): (u32, u32)| Ok((a.wrapping_add(b),)))
            .expect("add");
        h.func_wrap("take-str", |store, (s,): (WasmStr,)| {
            Ok((s.to_str(&store)?.len() as u32,))
        })
        .expect("take-str");
        h.func_wrap("make-str", |_, (): ()| Ok((guest::big(),)))
            .expect("make-str");
        h.func_wrap("sum", |store, (xs,): (WasmList<u32>,)| {
            let s: u64 = xs
                .as_le_slice(&store)
                .iter()
                .map(|x| u64::from(u32::from_le(*x)))
                .sum();
            Ok((s,))
        })
        .expect("sum");
        h.func_wrap("norm", |_, (p,): (Point,)| {
            Ok(((p.x * p.x + p.y * p.y + p.z * p.z).sqrt(),))
        })
        .expect("norm");
        h.func_wrap("check", |_, (): ()| Ok((Ok::<u32, String>(7),)))
            .expect("check");
    }
    let pre = linker.instantiate_pre(&component).expect("the guest links");
    (engine, pre)
}

fn setup(dynamic: bool) -> (Store<()>, wasmtime::component::Instance) {
    let (engine, pre) = pre(dynamic);
    let mut store = Store::new(&engine, ());
    let inst = pre.instantiate(&mut store).expect("the guest instantiates");
    (store, inst)
}

/// One batch of `case` on wasmtime's component model with typed `func_wrap`.
pub fn typed(case: &str) -> Batch {
    let (mut store, inst) = setup(false);
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

/// One batch of `case` on wasmtime's component model with dynamic `func_new`
/// (and `Func::call` for the export case).
pub fn dynamic(case: &str) -> Batch {
    let (mut store, inst) = setup(true);
    let name = if case == "echo" {
        "echo".to_string()
    } else {
        format!("run-{case}")
    };
    let f: Func = inst.get_func(&mut store, &name).expect("the export");
    if case == "echo" {
        return Box::new(move || {
            let mut out = [Val::Bool(false)];
            for _ in 0..N {
                f.call(&mut store, &[Val::String(guest::S16.to_string())], &mut out)
                    .expect("echo runs");
                black_box(&out);
            }
        });
    }
    Box::new(move || {
        f.call(&mut store, &[Val::U32(N)], &mut [])
            .expect("the loop runs");
    })
}
