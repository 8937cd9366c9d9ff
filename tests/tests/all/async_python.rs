//! An async guest from componentize-py (`tests/guests/python-async`):
//! CPython whose exports are Python coroutines, lifted `async`, that await
//! an async-lowered host import.

use hostbind::{Component, Linker, Store, host_fn};
use hostbind_tests::engines;

/// Built by `tests/guests/python-async/build.sh`.
const GUEST_GZ: &[u8] = include_bytes!("../../guests/python-async/guest.wasm.gz");

pub(crate) fn guest() -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(GUEST_GZ)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[host_fn]
fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

#[test]
fn the_async_python_guest_runs_on_both_engines() {
    let bytes = guest();
    for engine in engines() {
        let component = Component::new(&engine, &bytes).unwrap();
        let mut linker = Linker::<()>::new(&engine);
        linker
            .instance("hostbind:py-async/host")
            .unwrap()
            .func("add", add)
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
            .unwrap();
        assert_eq!(sum_to.call(&mut store, (10,)).unwrap(), (55,));
        assert_eq!(sum_to.call(&mut store, (0,)).unwrap(), (0,));
        assert_eq!(sum_to.call(&mut store, (300,)).unwrap(), (45_150,));
        let shout = instance
            .get_typed_func::<(&[&str],), (String,)>(&mut store, "shout")
            .unwrap();
        assert_eq!(
            shout.call(&mut store, (&["async", "python"],)).unwrap().0,
            "ASYNC PYTHON!!"
        );
    }
}

/// wasmtime's own component model runs the same binary to the same results.
#[test]
fn wasmtime_agrees_on_the_async_python_guest() {
    use crate::async_guest::block_on;
    use wasmtime::component::{Accessor, Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, guest()).unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("hostbind:py-async/host")
        .unwrap()
        .func_wrap_concurrent("add", |_: &Accessor<()>, (a, b): (u32, u32)| {
            Box::pin(async move { Ok((a.wrapping_add(b),)) })
        })
        .unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = block_on(linker.instantiate_async(&mut store, &component)).unwrap();
    let sum_to = instance
        .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
        .unwrap();
    for (n, want) in [(10, 55), (0, 0), (300, 45_150)] {
        assert_eq!(
            block_on(sum_to.call_async(&mut store, (n,))).unwrap(),
            (want,)
        );
    }
    let shout = instance
        .get_typed_func::<(Vec<String>,), (String,)>(&mut store, "shout")
        .unwrap();
    let words = vec!["async".to_owned(), "python".to_owned()];
    let (got,) = block_on(shout.call_async(&mut store, (words,))).unwrap();
    assert_eq!(got, "ASYNC PYTHON!!");
}
