//! wasmtime's async host APIs and hostbind's, side by side, running the
//! same async component (the C guest of `tests/guests/c-async`, built with
//! wit-bindgen): an async host function for its `async func` import, an
//! async host function for its plain `func` import, and export calls made
//! with `call_async` and concurrently. Then streams and futures: each host
//! serves the C consumer of `tests/guests/c-stream-pair` a `stream<u8>` and
//! a `future<u32>` it makes and writes. `docs/porting.md` explains each
//! difference; this program checks that both hosts see the same run.
//!
//! `cargo run -p hostbind-examples --example porting-async`

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../../../tests/guests/c-async/guest.wasm");

/// Built by `tests/guests/c-stream-pair/build.sh`: it imports
/// `count: async func(n: u32) -> tuple<stream<u8>, future<u32>>`, and its
/// `total(n)` reads all of `count(n)`: the bytes' sum, their number, and
/// the future's value.
const CONSUMER: &[u8] = include_bytes!("../../../tests/guests/c-stream-pair/consumer.wasm");

/// What `count(n)` serves: the bytes 1, 2, ... n (mod 256), and their sum.
fn numbers(n: u32) -> (Vec<u8>, u32) {
    let bytes: Vec<u8> = (1..=n).map(|i| (i % 256) as u8).collect();
    let sum = bytes.iter().map(|&b| u32::from(b)).sum();
    (bytes, sum)
}

/// What a host saw: the results of its calls, and its own state after.
#[derive(Debug, PartialEq)]
struct Seen {
    sums: Vec<u32>,
    greeting: String,
    lines: Vec<String>,
    adds: u32,
    /// `total(n)` for a few `n`: (sum, count, the future's value).
    totals: Vec<(u32, u32, u32)>,
}

/// The `n`s `total` is called with.
const TOTALS: [u32; 4] = [0, 1, 300, 70_000];

/// The host's state, the same on both runtimes.
#[derive(Default)]
struct Counter {
    lines: Vec<String>,
    adds: u32,
}

/// Pending once, waking itself: where a real host awaits I/O.
struct Io(bool);

impl Future for Io {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `f` to completion on this thread (each future here wakes itself;
/// under tokio, `.await` instead).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

mod on_wasmtime {
    use super::{CONSUMER, Counter, GUEST, Io, Seen, TOTALS, block_on, numbers};
    use wasmtime::component::{Accessor, Component, FutureReader, Linker, StreamReader};
    use wasmtime::{Engine, Store, StoreContextMut};

    /// `total(n)` of the C consumer, its `count` served by the host: a
    /// stream whose producer is a `Vec<u8>`, and a future whose producer
    /// is a future of the sum.
    fn totals(engine: &Engine) -> wasmtime::Result<Vec<(u32, u32, u32)>> {
        let component = Component::new(engine, CONSUMER)?;
        let mut linker = Linker::<()>::new(engine);
        linker
            .instance("hostbind:stream-pair/numbers")?
            .func_wrap_concurrent("count", |accessor: &Accessor<()>, (n,): (u32,)| {
                Box::pin(async move {
                    let (bytes, sum) = numbers(n);
                    let ends = accessor.with(|mut access| {
                        let s = StreamReader::new(&mut access, bytes)?;
                        let f = FutureReader::new(&mut access, async move {
                            wasmtime::Result::<u32>::Ok(sum)
                        })?;
                        wasmtime::Result::<_>::Ok((s, f))
                    })?;
                    Ok((ends,))
                })
            })?;
        let mut store = Store::new(engine, ());
        let instance = block_on(linker.instantiate_async(&mut store, &component))?;
        let total = instance.get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")?;
        let mut out = Vec::new();
        for n in TOTALS {
            out.push(block_on(total.call_async(&mut store, (n,)))?.0);
        }
        Ok(out)
    }

    pub fn run() -> wasmtime::Result<Seen> {
        let engine = Engine::default();
        let component = Component::new(&engine, GUEST)?;
        let mut linker = Linker::<Counter>::new(&engine);
        let mut host = linker.instance("hostbind:async-guest/host")?;
        // An `async func` import: a concurrent host function, with the
        // store reached through the `Accessor` between awaits.
        host.func_wrap_concurrent("add", |accessor: &Accessor<Counter>, (a, b): (u32, u32)| {
            Box::pin(async move {
                Io(false).await;
                accessor.with(|mut access| access.data_mut().adds += 1);
                Ok((a.wrapping_add(b),))
            })
        })?;
        // A plain `func` import served by an async host function: the
        // future borrows the store for the whole call.
        host.func_wrap_async(
            "log",
            |mut store: StoreContextMut<'_, Counter>, (line,): (String,)| {
                Box::new(async move {
                    Io(false).await;
                    store.data_mut().lines.push(line);
                    Ok(())
                })
            },
        )?;
        let mut store = Store::new(&engine, Counter::default());
        let instance = block_on(linker.instantiate_async(&mut store, &component))?;
        let sum_to = instance.get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")?;
        let (first,) = block_on(sum_to.call_async(&mut store, (10,)))?;
        // Calls that run at once: inside `run_concurrent`, `call_concurrent`.
        let (second, third) = block_on(store.run_concurrent(async |accessor| {
            let (b,) = sum_to.call_concurrent(accessor, (20,)).await?;
            let (c,) = sum_to.call_concurrent(accessor, (30,)).await?;
            wasmtime::Result::<_>::Ok((b, c))
        }))??;
        let greet = instance.get_typed_func::<(String,), (String,)>(&mut store, "greet")?;
        let (greeting,) = block_on(greet.call_async(&mut store, ("Ada".to_owned(),)))?;
        let Counter { lines, adds } = store.into_data();
        Ok(Seen {
            sums: vec![first, second, third],
            greeting,
            lines,
            adds,
            totals: totals(&engine)?,
        })
    }
}

mod on_hostbind {
    use super::{CONSUMER, Counter, GUEST, Io, Seen, TOTALS, block_on, numbers};
    use hostbind::{
        Access, Component, Engine, FutureReader, Linker, Store, StreamReader, Val, host_fn,
    };

    /// The consumer's `count`: a stream and a future made with
    /// `hostbind::stream`/`future`, written by a task spawned on the
    /// store's event loop after `count` returns them.
    #[host_fn]
    async fn count(
        access: Access<()>,
        n: u32,
    ) -> hostbind::Result<(StreamReader<u8>, FutureReader<u32>)> {
        let (bytes, sum) = numbers(n);
        let (tx, rx) = hostbind::stream::<u8>(&access)?;
        let (ftx, frx) = hostbind::future::<u32>(&access)?;
        let writer = access.clone();
        access.spawn(async move {
            tx.write(&writer, bytes).await?;
            tx.close(&writer)?;
            ftx.write(&writer, sum).await?;
            Ok(())
        })?;
        Ok((rx, frx))
    }

    fn totals(engine: &Engine) -> hostbind::Result<Vec<(u32, u32, u32)>> {
        let component = Component::new(engine, CONSUMER)?;
        let mut linker = Linker::<()>::new(engine);
        linker
            .instance("hostbind:stream-pair/numbers")?
            .func("count", count)?;
        let mut store = Store::new(engine, ());
        let instance = linker.instantiate(&mut store, &component)?;
        let total = instance.get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")?;
        let mut out = Vec::new();
        for n in TOTALS {
            out.push(block_on(total.call_async(&mut store, (n,)))?.0);
        }
        Ok(out)
    }

    /// The `async func` import: an async `#[host_fn]`, with the store's
    /// data reached through `Access` between awaits.
    #[host_fn]
    async fn add(access: Access<Counter>, a: u32, b: u32) -> hostbind::Result<u32> {
        Io(false).await;
        access.with(|c| c.adds += 1)?;
        Ok(a.wrapping_add(b))
    }

    /// The plain `func` import, served by an async host function too: the
    /// guest's task blocks until it is done.
    #[host_fn]
    async fn log(access: Access<Counter>, line: &str) -> hostbind::Result<()> {
        Io(false).await;
        access.with(|c| c.lines.push(line.to_owned()))
    }

    pub fn run() -> hostbind::Result<Seen> {
        let engine = Engine::default();
        let component = Component::new(&engine, GUEST)?;
        let mut linker = Linker::<Counter>::new(&engine);
        linker
            .instance("hostbind:async-guest/host")?
            .func("add", add)?
            .func("log", log)?;
        let mut store = Store::new(&engine, Counter::default());
        let instance = linker.instantiate(&mut store, &component)?;
        let sum_to = instance.get_func(&mut store, "sum-to")?;
        let first = block_on(sum_to.call_async(&mut store, &[Val::U32(10)]))?;
        // Calls that run at once: `start` each, then `finish` each; no
        // scope to enter first.
        let second = sum_to.start(&mut store, &[Val::U32(20)])?;
        let third = sum_to.start(&mut store, &[Val::U32(30)])?;
        let second = block_on(second.finish(&mut store))?;
        let third = block_on(third.finish(&mut store))?;
        let greet = instance.get_func(&mut store, "greet")?;
        let greeting = block_on(greet.call_async(&mut store, &[Val::String("Ada".into())]))?;
        let u32_of = |v: &[Val]| match v {
            [Val::U32(n)] => Ok(*n),
            other => Err(anyhow::anyhow!("expected one u32, got {other:?}")),
        };
        let sums = vec![u32_of(&first)?, u32_of(&second)?, u32_of(&third)?];
        let [Val::String(greeting)] = greeting.as_slice() else {
            anyhow::bail!("expected one string, got {greeting:?}");
        };
        let greeting = greeting.clone();
        let Counter { lines, adds } = store.into_data();
        Ok(Seen {
            sums,
            greeting,
            lines,
            adds,
            totals: totals(&engine)?,
        })
    }
}

fn main() -> anyhow::Result<()> {
    let wasmtime = on_wasmtime::run()?;
    let hostbind = on_hostbind::run()?;
    println!("wasmtime: {wasmtime:?}");
    println!("hostbind: {hostbind:?}");
    anyhow::ensure!(wasmtime == hostbind, "the two hosts saw different runs");
    println!("the same run on both");
    Ok(())
}

#[test]
fn both_hosts_see_the_same_run() {
    let wasmtime = on_wasmtime::run().unwrap();
    let hostbind = on_hostbind::run().unwrap();
    assert_eq!(wasmtime, hostbind);
    assert_eq!(hostbind.sums, [55, 210, 465]);
    assert_eq!(hostbind.adds, 60);
    let (_, sum) = numbers(70_000);
    assert_eq!(hostbind.totals[3], (sum, 70_000, sum));
}
