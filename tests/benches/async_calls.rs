//! Async calls, side by side: hostbind on wasmtime and on wasmi against
//! wasmtime 48's own concurrent API (`func_wrap_concurrent`,
//! `call_async`), all running the async C guest of `tests/guests/c-async`
//! (wit-bindgen's C bindings).
//!
//! - `host-ready`: the guest's `sum-to(100)` makes 100 async-lowered calls
//!   of `add`, an async host function whose future is ready at once, and
//!   yields to the event loop after each; ns per `add` call.
//! - `host-pending`: the same with `add`'s future pending once (it wakes
//!   itself), so each call is a subtask the guest waits on; ns per call.
//! - `export`: one `greet("Ada")` export call from the host with
//!   `call_async` (an async-lifted export, a string in and out).
//! - `stream`: the C consumer of `tests/guests/c-stream-pair` calls the
//!   host's `count(100000)`, which returns a `stream<u8>` the host writes
//!   in one 100 000-byte write and a `future<u32>`; the guest reads the
//!   stream in reads of 100 bytes. ns per 100-byte read (one `total` call
//!   is 1000 reads, the future and the call itself).
//!
//! `cargo bench --manifest-path benches/external/Cargo.toml --features async --bench async_calls`

#[path = "common/median.rs"]
mod median;

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;
use hostbind::{Access, EngineKind, Val};

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../guests/c-async/guest.wasm");

/// `add` calls per `sum-to` sample.
const N: u32 = 100;

/// Built by `tests/guests/c-stream-pair/build.sh`.
const CONSUMER: &[u8] = include_bytes!("../guests/c-stream-pair/consumer.wasm");

/// Bytes per `total` sample, and the guest's read size.
const BYTES: u32 = 100_000;
const READ: u32 = 100;

/// The bytes `count(n)` streams, and their sum.
fn numbers(n: u32) -> (Vec<u8>, u32) {
    let bytes: Vec<u8> = (1..=n).map(|i| (i % 256) as u8).collect();
    let sum = bytes.iter().map(|&b| u32::from(b)).sum();
    (bytes, sum)
}

/// hostbind's `count`: typed ends, written by a spawned task.
#[hostbind::host_fn]
async fn count(
    access: Access<()>,
    n: u32,
) -> hostbind::Result<(hostbind::StreamReader<u8>, hostbind::FutureReader<u32>)> {
    let (bytes, sum) = numbers(n);
    let (tx, rx) = hostbind::stream::<u8>(&access)?;
    let (ftx, frx) = hostbind::future::<u32>(&access)?;
    let writer = access.clone();
    access.spawn(async move {
        tx.write(&writer, bytes).await?;
        drop(tx);
        ftx.write(&writer, sum).await?;
        Ok(())
    })?;
    Ok((rx, frx))
}

fn hostbind_stream(kind: EngineKind) -> Run {
    let engine = hostbind::Engine::new(kind);
    let component = hostbind::Component::new(&engine, CONSUMER).expect("consumer");
    let mut linker = hostbind::Linker::<()>::new(&engine);
    linker
        .instance("hostbind:stream-pair/numbers")
        .expect("numbers")
        .func("count", count)
        .expect("count");
    let mut store = hostbind::Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instance");
    let total = instance
        .get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")
        .expect("total");
    let (_, sum) = numbers(BYTES);
    Box::new(move || {
        let (out,) = block_on(total.call_async(&mut store, (BYTES,))).expect("total runs");
        assert_eq!(out, (sum, BYTES, sum));
    })
}

fn wasmtime_stream() -> Run {
    use wasmtime::component::{Accessor, Component, FutureReader, Linker, StreamReader};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, CONSUMER).expect("consumer");
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("hostbind:stream-pair/numbers")
        .expect("numbers")
        .func_wrap_concurrent("count", |accessor: &Accessor<()>, (n,): (u32,)| {
            Box::pin(async move {
                let (bytes, sum) = numbers(n);
                let ends =
                    accessor.with(|mut access| {
                        let s = StreamReader::new(&mut access, bytes)?;
                        let f = FutureReader::new(&mut access, async move {
                            wasmtime::Result::<u32>::Ok(sum)
                        })?;
                        wasmtime::Result::<_>::Ok((s, f))
                    })?;
                Ok((ends,))
            })
        })
        .expect("count");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = block_on(linker.instantiate_async(&mut store, &component)).expect("instance");
    let total = instance
        .get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")
        .expect("total");
    let (_, sum) = numbers(BYTES);
    Box::new(move || {
        let (out,) = block_on(total.call_async(&mut store, (BYTES,))).expect("total runs");
        assert_eq!(out, (sum, BYTES, sum));
    })
}

/// Polls `f` to completion with a waker that does nothing: every future
/// here wakes itself, so polling again is all it needs.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Pending once, waking itself: a host future that waits on something
/// ready by the next poll.
struct YieldOnce(bool);

impl Future for YieldOnce {
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

type Run = Box<dyn FnMut()>;

fn hostbind(kind: EngineKind, case: &str) -> Run {
    let engine = hostbind::Engine::new(kind);
    let component = hostbind::Component::new(&engine, GUEST).expect("guest");
    let mut linker = hostbind::Linker::<()>::new(&engine);
    let pending = case == "host-pending";
    let mut host = linker.instance("hostbind:async-guest/host").expect("host");
    host.func_new_async("add", move |_: Access<()>, _, params| {
        Box::pin(async move {
            if pending {
                YieldOnce(false).await;
            }
            let (Val::U32(a), Val::U32(b)) = (&params[0], &params[1]) else {
                anyhow::bail!("`add` takes two u32s");
            };
            Ok(vec![Val::U32(a.wrapping_add(*b))])
        })
    })
    .expect("add");
    host.func_new("log", |_, _, _, _| Ok(())).expect("log");
    let mut store = hostbind::Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instance");
    if case == "export" {
        let greet = instance.get_func(&mut store, "greet").expect("greet");
        let args = [Val::String("Ada".into())];
        return Box::new(move || {
            let out = block_on(greet.call_async(&mut store, &args)).expect("greet runs");
            assert_eq!(out.len(), 1);
        });
    }
    let sum_to = instance.get_func(&mut store, "sum-to").expect("sum-to");
    Box::new(move || {
        let out = block_on(sum_to.call_async(&mut store, &[Val::U32(N)])).expect("sum-to runs");
        assert_eq!(out, [Val::U32(N * (N + 1) / 2)]);
    })
}

fn wasmtime_cm(case: &str) -> Run {
    use wasmtime::component::{Accessor, Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, GUEST).expect("guest");
    let mut linker = Linker::<()>::new(&engine);
    let pending = case == "host-pending";
    let mut host = linker.instance("hostbind:async-guest/host").expect("host");
    host.func_wrap_concurrent("add", move |_: &Accessor<()>, (a, b): (u32, u32)| {
        Box::pin(async move {
            if pending {
                YieldOnce(false).await;
            }
            Ok((a.wrapping_add(b),))
        })
    })
    .expect("add");
    host.func_wrap("log", |_, (_,): (String,)| Ok(()))
        .expect("log");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = block_on(linker.instantiate_async(&mut store, &component)).expect("instance");
    if case == "export" {
        let greet = instance
            .get_typed_func::<(String,), (String,)>(&mut store, "greet")
            .expect("greet");
        return Box::new(move || {
            let (out,) =
                block_on(greet.call_async(&mut store, ("Ada".to_owned(),))).expect("greet runs");
            assert_eq!(out.len(), 11);
        });
    }
    let sum_to = instance
        .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
        .expect("sum-to");
    Box::new(move || {
        let out = block_on(sum_to.call_async(&mut store, (N,))).expect("sum-to runs");
        assert_eq!(out, (N * (N + 1) / 2,));
    })
}

const CASES: &[&str] = &["host-ready", "host-pending", "export", "stream"];
const SYSTEMS: &[&str] = &["hostbind-wasmtime", "hostbind-wasmi", "wasmtime-concurrent"];

fn make(system: &str, case: &str) -> Run {
    if case == "stream" {
        return match system {
            "hostbind-wasmtime" => hostbind_stream(EngineKind::Wasmtime),
            "hostbind-wasmi" => hostbind_stream(EngineKind::Wasmi),
            _ => wasmtime_stream(),
        };
    }
    match system {
        "hostbind-wasmtime" => hostbind(EngineKind::Wasmtime, case),
        "hostbind-wasmi" => hostbind(EngineKind::Wasmi, case),
        _ => wasmtime_cm(case),
    }
}

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion-async")
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&out_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    for case in CASES {
        let mut group = c.benchmark_group(*case);
        for system in SYSTEMS {
            let mut run = make(system, case);
            group.bench_function(*system, |b| b.iter(&mut run));
        }
        group.finish();
    }
    c.final_summary();
    println!(
        "\nns per call (median): per `add` call for host-*, per export call for export, per 100-byte read for stream"
    );
    println!(
        "{:<14} {:>18} {:>18} {:>20} {:>9} {:>9}",
        "case",
        "hostbind-wasmtime",
        "hostbind-wasmi",
        "wasmtime-concurrent",
        "hb-wt/wt",
        "hb-wi/wt"
    );
    for case in CASES {
        let per = match *case {
            "export" => 1.0,
            "stream" => f64::from(BYTES / READ),
            _ => f64::from(N),
        };
        let ns: Vec<Option<f64>> = SYSTEMS
            .iter()
            .map(|s| median::median_ns(&out_dir().join(case).join(s)).map(|v| v / per))
            .collect();
        let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}x", a / b),
            _ => "-".to_string(),
        };
        println!(
            "{:<14} {:>18} {:>18} {:>20} {:>9} {:>9}",
            case,
            show(ns[0]),
            show(ns[1]),
            show(ns[2]),
            ratio(ns[0], ns[2]),
            ratio(ns[1], ns[2])
        );
    }
}
