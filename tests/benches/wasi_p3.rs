//! The WASI 0.3 C command (`tests/guests/c-command-p3`) under hostbind-wasi
//! on each engine and under wasmtime's own WASI 0.3 host (wasmtime-wasi,
//! feature `p3`, on tokio), side by side: start-up to first output (a
//! fresh store, instantiation and a run that writes 4 KiB) and stdout
//! throughput (64 MiB in 4 KiB writes through the stdout stream, into a
//! sink).
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench wasi_p3`

use std::time::Duration;

use criterion::Criterion;
use hostbind::{Component, Engine, EngineKind, Linker, Store};
use hostbind_wasi::WasiCtx;

const GUEST: &[u8] = include_bytes!("../guests/c-command-p3/guest.wasm");

/// The runs: a name, and the guest's arguments.
const RUNS: [(&str, &[&str]); 2] = [
    ("p3-startup", &["guest.wasm", "spam", "4"]),
    ("p3-stdout-64MiB", &["guest.wasm", "spam", "65536"]),
];

fn bench_hostbind(c: &mut Criterion, kind: EngineKind, name: &str) {
    let engine = Engine::new(kind);
    let component = Component::new(&engine, GUEST).unwrap();
    let mut linker = Linker::<WasiCtx>::new(&engine);
    hostbind_wasi::add_to_linker(&mut linker, |w| w).unwrap();
    for (group, args) in RUNS {
        let mut g = c.benchmark_group(group);
        if group != "p3-startup" {
            g.sample_size(10);
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                let wasi = WasiCtx::builder().args(args.iter().copied()).build();
                let mut store = Store::new(&engine, wasi);
                let code = hostbind_wasi::run_command(&mut store, &component, &linker).unwrap();
                assert_eq!(code, 0);
            })
        });
    }
}

struct Peer {
    ctx: wasmtime_wasi::WasiCtx,
    table: wasmtime::component::ResourceTable,
}

impl wasmtime_wasi::WasiView for Peer {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

fn bench_wasmtime_wasi(c: &mut Criterion) {
    use wasmtime::component::{Component, Linker};
    use wasmtime_wasi::p3::bindings::Command;
    let mut config = wasmtime::Config::new();
    config.wasm_component_model_async(true);
    let engine = wasmtime::Engine::new(&config).unwrap();
    let component = Component::new(&engine, GUEST).unwrap();
    let mut linker = Linker::<Peer>::new(&engine);
    wasmtime_wasi::p3::add_to_linker(&mut linker).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (group, args) in RUNS {
        let mut g = c.benchmark_group(group);
        if group != "p3-startup" {
            g.sample_size(10);
        }
        g.bench_function("wasmtime-wasi", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let ctx = wasmtime_wasi::WasiCtx::builder().args(args).build();
                    let table = wasmtime::component::ResourceTable::new();
                    let mut store = wasmtime::Store::new(&engine, Peer { ctx, table });
                    let cmd = Command::instantiate_async(&mut store, &component, &linker)
                        .await
                        .unwrap();
                    store
                        .run_concurrent(async move |s| cmd.wasi_cli_run().call_run(s).await)
                        .await
                        .unwrap()
                        .unwrap()
                        .unwrap();
                })
            })
        });
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
        .configure_from_args();
    bench_hostbind(&mut c, EngineKind::Wasmtime, "hostbind-wasmtime");
    bench_hostbind(&mut c, EngineKind::Wasmi, "hostbind-wasmi");
    bench_wasmtime_wasi(&mut c);
    c.final_summary();
}
