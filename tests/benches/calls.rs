//! Guest → host call cost, side by side: hostbind on wasmtime and on wasmi,
//! wasmtime's component model (typed `func_wrap` and dynamic `func_new`),
//! and hand-written canonical-ABI glue on each engine's core API (the
//! floors). The guest loops over the host call, so each sample is `N` calls.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench calls`
//! prints criterion's report, then a table of ns per call with ratios.
//!
//! Each system's batches run from stacks shifted by 0 to 4 KiB (see
//! `common/stack.rs`): where the stack sits changes a call's time by up
//! to 1.8× on these machines, for the floors as for hostbind, and one
//! process would otherwise measure every system at one draw of it.

#[path = "calls/floors.rs"]
mod floors;
#[path = "calls/guest.rs"]
mod guest;
#[path = "calls/hostbind_sys.rs"]
mod hostbind_sys;
#[path = "common/median.rs"]
mod median;
#[path = "common/stack.rs"]
mod stack;
#[path = "calls/wasmtime_cm.rs"]
mod wasmtime_cm;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use hostbind::EngineKind;

/// One batch of `N` calls, ready to run again and again.
pub type Batch = Box<dyn FnMut()>;

/// Builds a batch of one case for one system.
type Make = fn(&str) -> Batch;

const SYSTEMS: &[(&str, Make)] = &[
    ("hostbind-wasmtime", |c| {
        hostbind_sys::batch(EngineKind::Wasmtime, c)
    }),
    ("hostbind-wasmi", |c| {
        hostbind_sys::batch(EngineKind::Wasmi, c)
    }),
    ("wasmtime-func_wrap", wasmtime_cm::typed),
    ("wasmtime-func_new", wasmtime_cm::dynamic),
    ("floor-wasmtime", floors::wasmtime_core),
    ("floor-wasmi", floors::wasmi_core),
    // The floors again with every host function returning a `Result`, as
    // a component's host function must (it may trap): the fair floor.
    ("floor-wasmtime-fallible", floors::wasmtime_core_fallible),
    ("floor-wasmi-fallible", floors::wasmi_core_fallible),
];

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion-calls")
}

/// The median ns per call criterion measured for `case` on `system`.
fn median_ns(case: &str, system: &str) -> Option<f64> {
    Some(median::median_ns(&out_dir().join(case).join(system))? / f64::from(guest::N))
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&out_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let cases: Vec<&str> = guest::CASES
        .iter()
        .map(|(name, _)| *name)
        .chain(["echo"])
        .collect();
    for case in &cases {
        let mut group = c.benchmark_group(*case);
        group.throughput(Throughput::Elements(u64::from(guest::N)));
        for (system, make) in SYSTEMS {
            let mut batch = make(case);
            group.bench_function(*system, |b| {
                b.iter_custom(|iters| stack::shifted_batches(iters, &mut batch))
            });
        }
        group.finish();
    }
    c.final_summary();

    println!(
        "\nns per call (median); ratios to wasmtime's typed func_wrap, to the floor of the same engine, and to its fallible floor"
    );
    println!(
        "{:<14} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} | {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case",
        "hb-wt",
        "hb-wasmi",
        "func_wrap",
        "func_new",
        "floor-wt",
        "floor-wi",
        "fallible-wt",
        "fallible-wi",
        "wt/fw",
        "wt/floor",
        "wt/fall",
        "wi/fw",
        "wi/floor",
        "wi/fall"
    );
    for case in &cases {
        let m: Vec<Option<f64>> = SYSTEMS.iter().map(|(s, _)| median_ns(case, s)).collect();
        let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
            _ => "-".to_string(),
        };
        println!(
            "{:<14} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} | {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            case,
            cell(m[0]),
            cell(m[1]),
            cell(m[2]),
            cell(m[3]),
            cell(m[4]),
            cell(m[5]),
            cell(m[6]),
            cell(m[7]),
            ratio(m[0], m[2]),
            ratio(m[0], m[4]),
            ratio(m[0], m[6]),
            ratio(m[1], m[2]),
            ratio(m[1], m[5]),
            ratio(m[1], m[7]),
        );
    }
}
