//! The main example: a plugin component calls three host functions, and the
//! host calls the plugin's export.
//!
//! Run it with `cargo run --example plugin`.

use hostbind::{Component, Engine, Linker, Result, Store, host_fn};

/// What the host keeps for the plugin.
#[derive(Default)]
struct Host {
    log: Vec<String>,
}

/// `example:host/logging#log`: records a line from the plugin.
#[host_fn]
fn log(host: &mut Host, level: u32, msg: &str) {
    host.log.push(format!("[level {level}] {msg}"));
}

/// `example:host/scoring#score`: scores a word by its vowels.
#[host_fn]
fn score(word: &str) -> u32 {
    word.chars().filter(|c| "aeiouAEIOU".contains(*c)).count() as u32
}

/// `example:host/scoring#label`: turns a total into text for the plugin.
#[host_fn]
fn label(total: u32) -> String {
    match total {
        0..=3 => format!("{total} vowels: terse"),
        _ => format!("{total} vowels: chatty"),
    }
}

fn main() -> Result<()> {
    let engine = Engine::default();
    let wasm = wat::parse_str(include_str!("../../../docs/guests/plugin.wat"))?;
    let component = Component::new(&engine, wasm)?;

    let mut linker = Linker::<Host>::new(&engine);
    linker.instance("example:host/logging")?.func("log", log)?;
    linker
        .instance("example:host/scoring")?
        .func("score", score)?
        .func("label", label)?;

    let mut store = Store::new(&engine, Host::default());
    let instance = linker.instantiate(&mut store, &component)?;
    let process = instance.get_typed_func::<(&str,), (String,)>(&mut store, "process")?;

    let input = "the quick brown fox jumps over the lazy dog";
    let (summary,) = process.call(&mut store, (input,))?;

    println!("engine: {:?}", engine.kind());
    println!("input:  {input:?}");
    println!(
        "the plugin logged {} lines through the host:",
        store.data().log.len()
    );
    for line in &store.data().log {
        println!("  {line}");
    }
    println!("the plugin returned: {summary:?}");
    Ok(())
}
