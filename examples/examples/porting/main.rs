//! One host, written for wasmtime's `bindgen!` and wasmtime-wasi, and the
//! same host on hostbind and hostbind-wasi, side by side, running the same
//! plugin (the C plugin of the `wasi-plugin` example). Each difference is
//! explained in `docs/porting.md`; this program checks that both hosts see
//! the same run.
//!
//! `cargo run -p hostbind-examples --example porting`

const GUEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/wasi-plugin/guest");

/// What a host saw of the plugin's run.
#[derive(Debug, PartialEq)]
struct Seen {
    stdout: String,
    kept: Vec<String>,
    read: u32,
}

/// The embedder's own state, the same on both runtimes.
struct Host {
    name: String,
    kept: Vec<String>,
}

mod on_wasmtime {
    use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
    use wasmtime::{Engine, Store};
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
    use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

    wasmtime::component::bindgen!({
        path: "examples/wasi-plugin/guest/wit",
        world: "plugin",
        with: { "wasi": wasmtime_wasi::p2::bindings::sync },
        require_store_data_send: true,
    });

    impl example::plugin::host::Host for super::Host {
        fn name(&mut self) -> String {
            self.name.clone()
        }

        fn keep(&mut self, line: String) {
            self.kept.push(line);
        }
    }

    struct Data {
        wasi: WasiCtx,
        table: ResourceTable,
        host: super::Host,
    }

    impl WasiView for Data {
        fn ctx(&mut self) -> WasiCtxView<'_> {
            WasiCtxView {
                ctx: &mut self.wasi,
                table: &mut self.table,
            }
        }
    }

    pub fn run(host: super::Host) -> anyhow::Result<super::Seen> {
        let engine = Engine::default();
        let component = Component::from_file(&engine, format!("{}/plugin.wasm", super::GUEST))?;
        let mut linker = Linker::<Data>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        example::plugin::host::add_to_linker::<_, HasSelf<_>>(&mut linker, |d| &mut d.host)?;
        let stdout = MemoryOutputPipe::new(1 << 20);
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .env("SALUTATION", "Good morning")
            .preopened_dir(
                format!("{}/config", super::GUEST),
                "/config",
                FsPerms::ReadOnly,
            )?
            .build();
        let data = Data {
            wasi,
            table: ResourceTable::new(),
            host,
        };
        let mut store = Store::new(&engine, data);
        let plugin = Plugin::instantiate(&mut store, &component, &linker)?;
        let read = plugin.call_run(&mut store, 3)?;
        let kept = std::mem::take(&mut store.data_mut().host.kept);
        drop(store);
        Ok(super::Seen {
            stdout: String::from_utf8(stdout.contents().to_vec())?,
            kept,
            read,
        })
    }
}

mod on_hostbind {
    use hostbind::{Component, Engine, Linker, Store};
    use hostbind_wasi::{DirPerms, FilePerms, OutputPipe, WasiCtx};

    hostbind::bindgen!({
        path: "examples/wasi-plugin/guest/wit",
        world: "plugin",
        with: { "wasi": hostbind_wasi::bindings::wasi },
        // The signatures wasmtime's `bindgen!` generates: `keep` takes a
        // `String`, so the `impl` below is the one above, line for line.
        ownership: Owning,
    });

    impl example::plugin::host::Host for super::Host {
        fn name(&mut self) -> String {
            self.name.clone()
        }

        fn keep(&mut self, line: String) {
            self.kept.push(line);
        }
    }

    struct Data {
        wasi: WasiCtx,
        host: super::Host,
    }

    pub fn run(host: super::Host) -> anyhow::Result<super::Seen> {
        let engine = Engine::default();
        let component = Component::from_file(&engine, format!("{}/plugin.wasm", super::GUEST))?;
        let mut linker = Linker::<Data>::new(&engine);
        hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi)?;
        Plugin::add_to_linker(&mut linker, |d| &mut d.host)?;
        let stdout = OutputPipe::new();
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .env("SALUTATION", "Good morning")
            .preopened_dir(
                format!("{}/config", super::GUEST),
                "/config",
                DirPerms::READ,
                FilePerms::READ,
            )?
            .build();
        let mut store = Store::new(&engine, Data { wasi, host });
        let plugin = Plugin::instantiate(&mut store, &component, &linker)?;
        let read = plugin.call_run(&mut store, 3)?;
        let kept = std::mem::take(&mut store.data_mut().host.kept);
        Ok(super::Seen {
            stdout: String::from_utf8(stdout.contents())?,
            kept,
            read,
        })
    }
}

fn host() -> Host {
    Host {
        name: "porting".to_owned(),
        kept: Vec::new(),
    }
}

fn main() -> anyhow::Result<()> {
    let wasmtime = on_wasmtime::run(host())?;
    let hostbind = on_hostbind::run(host())?;
    println!("wasmtime + wasmtime-wasi:\n{wasmtime:#?}\nhostbind + hostbind-wasi:\n{hostbind:#?}");
    anyhow::ensure!(wasmtime == hostbind, "the two hosts saw different runs");
    println!("both hosts saw the same run");
    Ok(())
}

/// `cargo test` runs the comparison too.
#[test]
fn both_hosts_see_the_same_run() {
    let wasmtime = on_wasmtime::run(host()).unwrap();
    let hostbind = on_hostbind::run(host()).unwrap();
    assert_eq!(wasmtime, hostbind);
    assert_eq!(hostbind.kept.len(), 3);
    assert_eq!(hostbind.read, 32);
}
