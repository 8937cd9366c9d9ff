//! Instantiation, side by side: hostbind's `InstancePre` on wasmtime and on
//! wasmi, wasmtime's component-model `InstancePre`, and the hand-written
//! floors (the bench guest's core module with its host functions linked on
//! each engine's core API). Each sample is a fresh store and one instance of
//! the `calls` bench guest (seven lowered imports, a memory and a realloc).
//! After criterion's report it prints ns per instantiation, then
//! instantiate-and-call throughput on one thread and on every core.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench instantiate`

#[path = "common/median.rs"]
mod median;
// The `calls` bench's modules: this bench uses their setup, not their batches.
#[allow(dead_code)]
#[path = "calls/floors.rs"]
mod floors;
#[allow(dead_code)]
#[path = "calls/guest.rs"]
mod guest;
#[allow(dead_code)]
#[path = "calls/hostbind_sys.rs"]
mod hostbind_sys;
#[allow(dead_code)]
#[path = "calls/wasmtime_cm.rs"]
mod wasmtime_cm;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hostbind::EngineKind;

/// A batch type the `calls` modules name.
pub type Batch = Box<dyn FnMut()>;

/// One instantiation in a fresh store, then (with `call`) one call of the
/// guest's `run-noop` export with a count of 1.
type Once = Arc<dyn Fn(bool) + Send + Sync>;

fn hostbind(kind: EngineKind) -> Once {
    let (engine, pre) = hostbind_sys::pre(kind);
    Arc::new(move |call| {
        let mut store = hostbind::Store::new(&engine, ());
        let inst = pre.instantiate(&mut store).expect("instantiates");
        if call {
            inst.get_typed_func::<(u32,), ()>(&mut store, "run-noop")
                .expect("run-noop")
                .call(&mut store, (1,))
                .expect("runs");
        }
    })
}

fn wasmtime_cm() -> Once {
    let (engine, pre) = wasmtime_cm::pre(false);
    Arc::new(move |call| {
        let mut store = wasmtime::Store::new(&engine, ());
        let inst = pre.instantiate(&mut store).expect("instantiates");
        if call {
            inst.get_typed_func::<(u32,), ()>(&mut store, "run-noop")
                .expect("run-noop")
                .call(&mut store, (1,))
                .expect("runs");
        }
    })
}

fn floor_wasmtime() -> Once {
    let (engine, module, linker) = floors::wasmtime_linker();
    let pre = linker.instantiate_pre(&module).expect("links");
    Arc::new(move |call| {
        let mut store = wasmtime::Store::new(&engine, floors::WtData::default());
        let inst = pre.instantiate(&mut store).expect("instantiates");
        if call {
            inst.get_typed_func::<i32, ()>(&mut store, "run-noop")
                .expect("run-noop")
                .call(&mut store, 1)
                .expect("runs");
        }
    })
}

fn floor_wasmi() -> Once {
    let (engine, module, linker) = floors::wasmi_linker();
    Arc::new(move |call| {
        let mut store = wasmi::Store::new(&engine, floors::WiData::default());
        let inst = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instantiates");
        if call {
            inst.get_typed_func::<i32, ()>(&store, "run-noop")
                .expect("run-noop")
                .call(&mut store, 1)
                .expect("runs");
        }
    })
}

/// Sets a system up.
type Make = fn() -> Once;

const SYSTEMS: &[(&str, Make)] = &[
    ("hostbind-wasmtime", || hostbind(EngineKind::Wasmtime)),
    ("hostbind-wasmi", || hostbind(EngineKind::Wasmi)),
    ("wasmtime-InstancePre", wasmtime_cm),
    ("floor-wasmtime", floor_wasmtime),
    ("floor-wasmi", floor_wasmi),
];

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion-instantiate")
}

fn median_ns(system: &str) -> Option<f64> {
    median::median_ns(&out_dir().join("instantiate").join(system))
}

/// Instantiate-and-call per second over `threads` threads for `time`.
fn throughput(once: &Once, threads: usize, time: Duration) -> f64 {
    let start = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let runs: Vec<_> = (0..threads)
            .map(|_| {
                let once = once.clone();
                s.spawn(move || {
                    let mut n = 0u64;
                    while start.elapsed() < time {
                        once(true);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().expect("no panic")).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&out_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let made: Vec<(&str, Once)> = SYSTEMS.iter().map(|(n, make)| (*n, make())).collect();
    let mut group = c.benchmark_group("instantiate");
    for (name, once) in &made {
        group.bench_function(*name, |b| b.iter(|| once(false)));
    }
    group.finish();
    c.final_summary();
    // A profiling run (`--profile-time`) measures one system; no table.
    if std::env::args().any(|a| a == "--profile-time") {
        return;
    }

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let floor = |engine: &str| median_ns(&format!("floor-{engine}"));
    println!(
        "\nns per instantiation (median), ratio to the floor of the same engine and to wasmtime's InstancePre"
    );
    println!(
        "{:<22} {:>10} {:>9} {:>9} | {:>12} {:>12}",
        "system",
        "ns",
        "/floor",
        "/wt-pre",
        "1 thread/s",
        format!("{cores} threads/s")
    );
    for (name, once) in &made {
        let m = median_ns(name);
        let engine = if name.contains("wasmi") {
            "wasmi"
        } else {
            "wasmtime"
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
            _ => "-".into(),
        };
        let one = throughput(once, 1, Duration::from_millis(700));
        let all = throughput(once, cores, Duration::from_millis(700));
        println!(
            "{:<22} {:>10} {:>9} {:>9} | {:>12.0} {:>12.0}",
            name,
            m.map_or("-".into(), |v| format!("{v:.0}")),
            ratio(m, floor(engine)),
            ratio(m, median_ns("wasmtime-InstancePre")),
            one,
            all
        );
    }
}
