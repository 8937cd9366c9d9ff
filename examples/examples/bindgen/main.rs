//! The plugin of the main example, driven through bindings that `bindgen!`
//! generates from its WIT: implement one trait per interface, link, call.
//!
//! Run it with `cargo run --example bindgen`.

use hostbind::{Component, Engine, Linker, Result, Store};

hostbind::bindgen!({ path: "../docs/guests/plugin.wit", world: "plugin" });

use example::host::{logging, scoring};

/// What the host keeps for the plugin.
#[derive(Default)]
struct Host {
    log: Vec<String>,
}

impl logging::Host for Host {
    fn log(&mut self, level: u32, msg: &str) {
        self.log.push(format!("[level {level}] {msg}"));
    }
}

impl scoring::Host for Host {
    fn score(&mut self, word: &str) -> u32 {
        word.chars().filter(|c| "aeiouAEIOU".contains(*c)).count() as u32
    }

    fn label(&mut self, total: u32) -> String {
        match total {
            0..=3 => format!("{total} vowels: terse"),
            _ => format!("{total} vowels: chatty"),
        }
    }
}

/// The store's data: the host's state for the bindings, beside whatever
/// else the embedder keeps per store.
struct App {
    host: Host,
    calls: u32,
}

fn main() -> Result<()> {
    let engine = Engine::default();
    let wasm = wat::parse_str(include_str!("../../../docs/guests/plugin.wat"))?;
    let component = Component::new(&engine, wasm)?;

    let mut linker = Linker::<App>::new(&engine);
    // The getter finds the `Host` traits' implementation in the store's data.
    Plugin::add_to_linker(&mut linker, |app: &mut App| &mut app.host)?;
    let app = App {
        host: Host::default(),
        calls: 0,
    };
    let mut store = Store::new(&engine, app);
    let plugin = Plugin::instantiate(&mut store, &component, &linker)?;

    let input = "the quick brown fox jumps over the lazy dog";
    let summary = plugin.call_process(&mut store, input)?;
    store.data_mut().calls += 1;

    println!("input: {input:?}");
    for line in &store.data().host.log {
        println!("  {line}");
    }
    println!("the plugin returned: {summary:?}");
    println!("exports called: {}", store.data().calls);
    Ok(())
}
