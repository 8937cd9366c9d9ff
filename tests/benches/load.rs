//! Loading a large real component: the JavaScript guest of
//! `tests/guests/js` (11.6 MB, componentize-js), side by side in one run:
//! hostbind on wasmi (lazy translation, the default, and fully lazy),
//! hostbind on wasmtime compiling and deserializing a saved copy, and
//! wasmtime's own component model doing the same two.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench load`

#[path = "common/median.rs"]
mod median;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;
use hostbind::{Component, Config, Engine, EngineKind, WasmiCompilation};

fn guest() -> Vec<u8> {
    let gz = include_bytes!("../guests/js/js-command.wasm.gz");
    let mut wasm = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut wasm)
        .expect("the guest decompresses");
    wasm
}

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion-load")
}

fn median_ms(system: &str) -> Option<f64> {
    Some(median::median_ns(&out_dir().join("load-js").join(system))? / 1e6)
}

fn main() {
    let wasm = guest();
    let mut c = Criterion::default()
        .output_directory(&out_dir())
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
        .configure_from_args();
    let mut group = c.benchmark_group("load-js");

    for (name, mode) in [
        ("hostbind-wasmi", WasmiCompilation::LazyTranslation),
        ("hostbind-wasmi-lazy", WasmiCompilation::Lazy),
    ] {
        let engine = Engine::with_config(Config::new().wasmi_compilation(mode)).expect("wasmi");
        group.bench_function(name, |b| {
            b.iter(|| Component::new(&engine, &wasm).expect("loads"))
        });
    }

    let engine = Engine::new(EngineKind::Wasmtime);
    let compiled = Component::new(&engine, &wasm).expect("compiles");
    let saved = compiled.serialize().expect("serializes");
    group.bench_function("hostbind-wasmtime-compile", |b| {
        b.iter(|| Component::new(&engine, &wasm).expect("compiles"))
    });
    group.bench_function("hostbind-wasmtime-deserialize", |b| {
        b.iter(|| {
            // SAFETY: `saved` is what `serialize` wrote for this engine.
            unsafe { Component::deserialize(&engine, &saved) }.expect("loads")
        })
    });

    let wt = wasmtime::Engine::default();
    let wt_saved = wasmtime::component::Component::new(&wt, &wasm)
        .expect("compiles")
        .serialize()
        .expect("serializes");
    group.bench_function("wasmtime-compile", |b| {
        b.iter(|| wasmtime::component::Component::new(&wt, &wasm).expect("compiles"))
    });
    group.bench_function("wasmtime-deserialize", |b| {
        b.iter(|| {
            // SAFETY: `wt_saved` is what wasmtime's `serialize` wrote for `wt`.
            unsafe { wasmtime::component::Component::deserialize(&wt, &wt_saved) }.expect("loads")
        })
    });
    group.finish();
    c.final_summary();

    println!("\nms to load the 11.6 MB JavaScript guest (median)");
    let compile = median_ms("hostbind-wasmtime-compile");
    for system in [
        "hostbind-wasmi",
        "hostbind-wasmi-lazy",
        "hostbind-wasmtime-compile",
        "hostbind-wasmtime-deserialize",
        "wasmtime-compile",
        "wasmtime-deserialize",
    ] {
        let m = median_ms(system);
        let ratio = match (m, compile) {
            (Some(m), Some(c)) if c > 0.0 => format!("{:.3}x", m / c),
            _ => "-".into(),
        };
        println!(
            "{:<32} {:>10} {:>10}  of hostbind-wasmtime-compile",
            system,
            m.map_or("-".into(), |v| format!("{v:.1}")),
            ratio
        );
    }
}
