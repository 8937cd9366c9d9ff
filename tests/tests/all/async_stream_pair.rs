//! Streams and futures from a real toolchain, across a fused adapter: two
//! C components built with wit-bindgen's C bindings
//! (`tests/guests/c-stream-pair`) and composed with `wac plug`. The
//! producer's `count(n)` returns a `stream<u8>` and a `future<u32>` and
//! writes them from its callback; the consumer's `total(n)` reads both.

use hostbind::{Component, Linker, Store};
use hostbind_tests::engines;

/// Built by `tests/guests/c-stream-pair/build.sh`.
const PAIR: &[u8] = include_bytes!("../../guests/c-stream-pair/pair.wasm");

/// What `total(n)` must return: the sum of the bytes 1, 2, ... n (each mod
/// 256), their number, and the sum again from the future.
fn expected(n: u32) -> (u32, u32, u32) {
    let sum = (1..=n).map(|i| i % 256).fold(0u32, u32::wrapping_add);
    (sum, n, sum)
}

const SIZES: [u32; 7] = [0, 1, 63, 64, 100, 1000, 100_000];

#[test]
fn the_composed_c_stream_pair_runs_on_both_engines() {
    for engine in engines() {
        let component = Component::new(&engine, PAIR).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let total = instance
            .get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")
            .unwrap();
        // Chunks of 64 written against reads of 100: partial copies both
        // ways, and the stream's end reported with the last bytes.
        for n in SIZES {
            assert_eq!(
                total.call(&mut store, (n,)).unwrap(),
                (expected(n),),
                "n = {n}"
            );
        }
    }
}

/// wasmtime's own component model runs the same binary to the same results.
#[test]
fn wasmtime_agrees_on_the_composed_c_stream_pair() {
    use wasmtime::component::{Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, PAIR).unwrap();
    let linker = Linker::<()>::new(&engine);
    let mut store = wasmtime::Store::new(&engine, ());
    let instance =
        crate::async_guest::block_on(linker.instantiate_async(&mut store, &component)).unwrap();
    let total = instance
        .get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")
        .unwrap();
    for n in SIZES {
        let got = crate::async_guest::block_on(total.call_async(&mut store, (n,))).unwrap();
        assert_eq!(got, (expected(n),), "n = {n}");
    }
}
