//! An async component built by a real toolchain: C through wit-bindgen's
//! C bindings (`tests/guests/c-async`). Its exports are lifted `async` with
//! a callback, keep their state in `context.get`/`context.set`, yield
//! between steps, call an async-lowered host import, and free their result
//! right after `task.return`.

use hostbind::{Component, Linker, Store, host_fn};
use hostbind_tests::engines;

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../../guests/c-async/guest.wasm");

#[host_fn]
fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

#[host_fn]
fn log(cx: &mut Vec<String>, msg: &str) {
    cx.push(msg.to_owned());
}

#[test]
fn the_async_c_guest_runs_on_both_engines() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Vec<String>>::new(&engine);
        linker
            .instance("hostbind:async-guest/host")
            .unwrap()
            .func("add", add)
            .unwrap()
            .func("log", log)
            .unwrap();
        let mut store = Store::new(&engine, Vec::new());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
            .unwrap();
        // Ten steps, each an async call of `add` and a yield to the loop.
        assert_eq!(sum_to.call(&mut store, (10,)).unwrap(), (55,));
        assert_eq!(sum_to.call(&mut store, (0,)).unwrap(), (0,));
        assert_eq!(sum_to.call(&mut store, (1000,)).unwrap(), (500_500,));
        // More steps than the loop allows a nested wait that only yields.
        assert_eq!(
            sum_to.call(&mut store, (120_000,)).unwrap(),
            (7_200_060_000u64 as u32,)
        );
        let greet = instance
            .get_typed_func::<(&str,), (String,)>(&mut store, "greet")
            .unwrap();
        // The guest overwrites and frees the buffer after `task.return`.
        assert_eq!(greet.call(&mut store, ("Ada",)).unwrap().0, "hello, Ada!");
        assert_eq!(greet.call(&mut store, ("世界",)).unwrap().0, "hello, 世界!");
        assert_eq!(
            store.data(),
            &["sum-to 10", "sum-to 0", "sum-to 1000", "sum-to 120000"]
        );
    }
}

/// Polls `f` to completion on this thread. The guest's calls need no
/// wakeups from outside (the host function is ready at once), so a waker
/// that does nothing is enough.
pub(crate) fn block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// wasmtime's own component model, with its async support, runs the same
/// binary to the same results.
#[test]
fn wasmtime_agrees_on_the_async_c_guest() {
    use wasmtime::component::{Accessor, Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, GUEST).unwrap();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    let mut host = linker.instance("hostbind:async-guest/host").unwrap();
    host.func_wrap_concurrent("add", |_: &Accessor<Vec<String>>, (a, b): (u32, u32)| {
        Box::pin(async move { Ok((a.wrapping_add(b),)) })
    })
    .unwrap();
    host.func_wrap("log", |mut cx, (m,): (String,)| {
        cx.data_mut().push(m);
        Ok(())
    })
    .unwrap();
    let mut store = wasmtime::Store::new(&engine, Vec::new());
    let instance = block_on(linker.instantiate_async(&mut store, &component)).unwrap();
    let sum_to = instance
        .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
        .unwrap();
    for (n, want) in [(10, 55), (0, 0), (1000, 500_500)] {
        assert_eq!(
            block_on(sum_to.call_async(&mut store, (n,))).unwrap(),
            (want,)
        );
    }
    let greet = instance
        .get_typed_func::<(String,), (String,)>(&mut store, "greet")
        .unwrap();
    let (hello,) = block_on(greet.call_async(&mut store, ("Ada".to_owned(),))).unwrap();
    assert_eq!(hello, "hello, Ada!");
    assert_eq!(store.data(), &["sum-to 10", "sum-to 0", "sum-to 1000"]);
}
