//! A plugin that uses WASI beside the embedder's own interface: its world
//! includes `wasi:cli/imports`, and `bindgen!`'s `with` maps every `wasi`
//! interface to hostbind-wasi's bindings, so this embedder implements only
//! `example:plugin/host`. The plugin (`guest/plugin.c`, built by
//! `guest/build.sh`) prints through WASI's stdout, reads a file in a
//! preopened directory, and reports each line to the host.
//!
//! `cargo run -p hostbind-examples --example wasi-plugin`

use hostbind::{Component, Engine, Linker, Store};
use hostbind_wasi::{DirPerms, FilePerms, WasiCtx};

mod bindings {
    hostbind::bindgen!({
        path: "examples/wasi-plugin/guest/wit",
        world: "plugin",
        with: { "wasi": hostbind_wasi::bindings::wasi },
    });
}

/// The embedder's own state: what `example:plugin/host` needs.
struct Host {
    name: String,
    kept: Vec<String>,
}

impl bindings::example::plugin::host::Host for Host {
    fn name(&mut self) -> String {
        self.name.clone()
    }

    fn keep(&mut self, line: &str) {
        self.kept.push(line.to_owned());
    }
}

/// The store's data: WASI's context beside the embedder's host.
struct Data {
    wasi: WasiCtx,
    host: Host,
}

fn main() -> anyhow::Result<()> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/wasi-plugin/guest");
    let engine = Engine::default();
    let component = Component::from_file(&engine, format!("{dir}/plugin.wasm"))?;

    let mut linker = Linker::<Data>::new(&engine);
    // WASI comes from hostbind-wasi; the world's own import from here.
    hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi)?;
    bindings::Plugin::add_to_linker(&mut linker, |d| &mut d.host)?;

    let wasi = WasiCtx::builder()
        .inherit_stdout()
        .env("SALUTATION", "Good morning")
        .preopened_dir(
            format!("{dir}/config"),
            "/config",
            DirPerms::READ,
            FilePerms::READ,
        )?
        .build();
    let host = Host {
        name: "hostbind".to_owned(),
        kept: Vec::new(),
    };
    let mut store = Store::new(&engine, Data { wasi, host });
    let plugin = bindings::Plugin::instantiate(&mut store, &component, &linker)?;
    let read = plugin.call_run(&mut store, 3)?;

    println!("the host kept {} lines:", store.data().host.kept.len());
    for line in &store.data().host.kept {
        println!("  {line}");
    }
    println!("the plugin read {read} bytes of /config/greeting.txt");
    Ok(())
}
