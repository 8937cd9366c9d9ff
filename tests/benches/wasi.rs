//! The C command guests under hostbind-wasi on each engine and under
//! wasmtime's own WASI hosts (wasmtime-wasi), side by side: for WASI 0.2
//! (`tests/guests/c-command`) compiling the component, start-up (a fresh
//! store, instantiation and a run that writes its first 4 KiB) and stdout
//! throughput (64 MiB in 4 KiB writes, into a sink); for WASI 0.3
//! (`tests/guests/c-command-p3`, wasmtime-wasi's `p3` host on a tokio
//! current-thread runtime) the same start-up and throughput through the
//! stdout stream.
//!
//! `cargo bench -p hostbind-tests --features wasmtime --bench wasi`

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use hostbind::{Component, Engine, EngineKind, Linker, Store};
use hostbind_wasi::WasiCtx;

const GUEST: &[u8] = include_bytes!("../guests/c-command/c-command.wasm");
const GUEST_P3: &[u8] = include_bytes!("../guests/c-command-p3/guest.wasm");

/// The runs: a name, and the guest's arguments.
type Runs = [(&'static str, &'static [&'static str]); 2];

const RUNS: Runs = [
    ("startup", &["c-command", "spam", "4"]),
    ("stdout-64MiB", &["c-command", "spam", "65536"]),
];

const RUNS_P3: Runs = [
    ("p3-startup", &["guest.wasm", "spam", "4"]),
    ("p3-stdout-64MiB", &["guest.wasm", "spam", "65536"]),
];

fn bench_hostbind(c: &mut Criterion, kind: EngineKind, name: &str) {
    let engine = Engine::new(kind);
    c.benchmark_group("compile").bench_function(name, |b| {
        b.iter(|| Component::new(&engine, black_box(GUEST)).unwrap())
    });
    bench_hostbind_runs(c, &engine, name, GUEST, RUNS);
    bench_hostbind_runs(c, &engine, name, GUEST_P3, RUNS_P3);
}

fn bench_hostbind_runs(c: &mut Criterion, engine: &Engine, name: &str, guest: &[u8], runs: Runs) {
    let component = Component::new(engine, guest).unwrap();
    let mut linker = Linker::<WasiCtx>::new(engine);
    hostbind_wasi::add_to_linker(&mut linker, |w| w).unwrap();
    for (group, args) in runs {
        let mut g = c.benchmark_group(group);
        if !group.ends_with("startup") {
            g.sample_size(10);
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                let wasi = WasiCtx::builder().args(args.iter().copied()).build();
                let mut store = Store::new(engine, wasi);
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
    use wasmtime_wasi::p2::bindings::sync::Command;
    let engine = wasmtime::Engine::default();
    c.benchmark_group("compile")
        .bench_function("wasmtime-wasi", |b| {
            b.iter(|| Component::new(&engine, black_box(GUEST)).unwrap())
        });
    let component = Component::new(&engine, GUEST).unwrap();
    let mut linker = Linker::<Peer>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    for (group, args) in RUNS {
        let mut g = c.benchmark_group(group);
        if group != "startup" {
            g.sample_size(10);
        }
        g.bench_function("wasmtime-wasi", |b| {
            b.iter(|| {
                let ctx = wasmtime_wasi::WasiCtx::builder().args(args).build();
                let table = wasmtime::component::ResourceTable::new();
                let mut store = wasmtime::Store::new(&engine, Peer { ctx, table });
                let cmd = Command::instantiate(&mut store, &component, &linker).unwrap();
                cmd.wasi_cli_run().call_run(&mut store).unwrap().unwrap();
            })
        });
    }
}

fn bench_wasmtime_wasi_p3(c: &mut Criterion) {
    use wasmtime::component::{Component, Linker};
    use wasmtime_wasi::p3::bindings::Command;
    let mut config = wasmtime::Config::new();
    config.wasm_component_model_async(true);
    let engine = wasmtime::Engine::new(&config).unwrap();
    let component = Component::new(&engine, GUEST_P3).unwrap();
    let mut linker = Linker::<Peer>::new(&engine);
    wasmtime_wasi::p3::add_to_linker(&mut linker).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (group, args) in RUNS_P3 {
        let mut g = c.benchmark_group(group);
        if !group.ends_with("startup") {
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
    bench_wasmtime_wasi_p3(&mut c);
    c.final_summary();
}
