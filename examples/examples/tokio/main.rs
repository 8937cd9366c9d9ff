//! hostbind on tokio: a real async component (the C guest of
//! `tests/guests/c-async`, built with wit-bindgen) whose async-lowered
//! import is an async host function awaiting tokio's timer, eight stores
//! on eight tasks of a multi-threaded runtime. Each guest call that waits
//! becomes a subtask; the store's call returns `Pending`, and tokio runs
//! the other stores meanwhile.
//!
//! ```sh
//! cargo run -p hostbind-examples --example tokio
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hostbind::{Access, Component, Engine, Linker, Store, host_fn};

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../../../tests/guests/c-async/guest.wasm");

/// What each store keeps: the lines the guest logged and the time it
/// spent waiting on the host.
#[derive(Default)]
struct Ctx {
    lines: Vec<String>,
    waits: u32,
}

/// How many `add` calls, of all stores, are waiting now, and the most
/// that ever waited at once.
static WAITING: AtomicUsize = AtomicUsize::new(0);
static MOST_WAITING: AtomicUsize = AtomicUsize::new(0);

/// The guest's `add`, a WIT `async func`: it waits a millisecond on
/// tokio's timer, as a host function doing I/O would.
#[host_fn]
async fn add(access: Access<Ctx>, a: u32, b: u32) -> hostbind::Result<u32> {
    let now = WAITING.fetch_add(1, Ordering::SeqCst) + 1;
    MOST_WAITING.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1)).await;
    WAITING.fetch_sub(1, Ordering::SeqCst);
    access.with(|cx| cx.waits += 1)?;
    Ok(a.wrapping_add(b))
}

/// The guest's `log`, a plain `func`.
#[host_fn]
fn log(cx: &mut Ctx, line: &str) {
    cx.lines.push(line.to_owned());
}

/// Runs `stores` stores at once, each summing 1..=`n` through `add`;
/// returns the sums and the time taken.
fn run(stores: u32, n: u32) -> hostbind::Result<(Vec<u32>, Duration)> {
    let engine = Engine::default();
    let component = Component::new(&engine, GUEST)?;
    let mut linker = Linker::<Ctx>::new(&engine);
    linker
        .instance("hostbind:async-guest/host")?
        .func("add", add)?
        .func("log", log)?;
    let (linker, component) = (Arc::new(linker), Arc::new(component));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()?;
    let start = Instant::now();
    let sums = runtime.block_on(async {
        let tasks: Vec<_> = (0..stores)
            .map(|_| {
                let (linker, component, engine) =
                    (linker.clone(), component.clone(), engine.clone());
                tokio::spawn(async move {
                    let mut store = Store::new(&engine, Ctx::default());
                    let instance = linker.instantiate(&mut store, &component)?;
                    let sum_to = instance.get_func(&mut store, "sum-to")?;
                    let out = sum_to
                        .call_async(&mut store, &[hostbind::Val::U32(n)])
                        .await?;
                    anyhow::ensure!(
                        store.data().waits == n,
                        "the host waited {} times",
                        store.data().waits
                    );
                    match out.as_slice() {
                        [hostbind::Val::U32(sum)] => Ok(*sum),
                        other => anyhow::bail!("unexpected results {other:?}"),
                    }
                })
            })
            .collect();
        let mut sums = Vec::new();
        for t in tasks {
            sums.push(t.await??);
        }
        Ok::<_, hostbind::Error>(sums)
    })?;
    Ok((sums, start.elapsed()))
}

fn main() -> hostbind::Result<()> {
    let (stores, n) = (8, 20);
    let (sums, took) = run(stores, n)?;
    println!("{stores} stores summed 1..={n} through an async host function: {sums:?} in {took:?}");
    println!(
        "(each made {n} calls that waited 1 ms on tokio's timer, {} at most at once; one after the other they would take at least {} ms)",
        MOST_WAITING.load(Ordering::SeqCst),
        stores * n
    );
    Ok(())
}

#[test]
fn the_stores_run_at_once() {
    let (sums, _) = run(8, 20).unwrap();
    assert_eq!(sums, vec![210; 8]);
    // While one store's guest waited on its host call, others' did too.
    assert!(MOST_WAITING.load(Ordering::SeqCst) > 1);
}
