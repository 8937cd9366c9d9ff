//! Precompiled components (`Component::serialize`/`deserialize`), the
//! on-disk `ComponentCache`, and wasmi's compilation modes.

use hostbind::{
    Component, ComponentCache, Config, Engine, EngineKind, Linker, Store, WasmiCompilation,
};

/// A component whose export adds one to its argument.
const ADD_ONE: &str = r#"(component
  (core module $m (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
  (core instance $i (instantiate $m))
  (func (export "add-one") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"#;

fn add_one(engine: &Engine, component: &Component, x: u32) -> hostbind::Result<u32> {
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, component)?;
    let f = instance.get_typed_func::<(u32,), (u32,)>(&mut store, "add-one")?;
    Ok(f.call(&mut store, (x,))?.0)
}

fn message(r: hostbind::Result<Component>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => format!("{e:#}"),
    }
}

#[cfg(feature = "wasmtime")]
#[test]
fn a_serialized_component_loads_and_runs_on_wasmtime() {
    let engine = Engine::new(EngineKind::Wasmtime);
    let compiled = Component::new(&engine, wat::parse_str(ADD_ONE).unwrap()).unwrap();
    let saved = compiled.serialize().unwrap();
    // SAFETY: `saved` is what `serialize` just wrote.
    let loaded = unsafe { Component::deserialize(&engine, &saved) }.unwrap();
    assert_eq!(add_one(&engine, &loaded, 41).unwrap(), 42);
    assert_eq!(loaded.import_names(), compiled.import_names());
}

#[cfg(feature = "wasmtime")]
#[test]
fn saved_bytes_that_do_not_fit_are_refused_with_the_reason() {
    let engine = Engine::new(EngineKind::Wasmtime);
    let saved = Component::new(&engine, wat::parse_str(ADD_ONE).unwrap())
        .unwrap()
        .serialize()
        .unwrap();
    // Each of these is refused while reading hostbind's header and
    // lengths, before wasmtime sees any machine code.
    let refused = |engine: &Engine, bytes: &[u8]| {
        // SAFETY: the bytes are `serialize`'s, cut short, lengthened or
        // replaced in ways the header checks refuse before any code is used.
        message(unsafe { Component::deserialize(engine, bytes) })
    };
    let other =
        Engine::with_config(Config::new().kind(EngineKind::Wasmtime).consume_fuel(true)).unwrap();
    assert!(refused(&other, &saved).contains("precompiled for another engine configuration"));
    assert!(refused(&engine, &saved[..saved.len() - 3]).contains("truncated"));
    assert!(
        refused(&engine, b"\0asm\x0d\0\x01\0").contains("not a precompiled hostbind component")
    );
    let mut longer = saved.clone();
    longer.push(0);
    assert!(refused(&engine, &longer).contains("after its end"));
    let wasmi = Engine::new(EngineKind::Wasmi);
    assert!(refused(&wasmi, &saved).contains("another engine configuration"));
}

#[test]
fn wasmi_has_nothing_to_serialize() {
    let engine = Engine::new(EngineKind::Wasmi);
    let c = Component::new(&engine, wat::parse_str(ADD_ONE).unwrap()).unwrap();
    let err = c.serialize().unwrap_err().to_string();
    assert!(err.contains("wasmi interprets components"), "{err}");
}

/// A fresh, empty directory under the target dir.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hostbind-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[cfg(feature = "wasmtime")]
#[test]
fn the_cache_saves_once_reuses_and_replaces_a_broken_entry() {
    let engine = Engine::new(EngineKind::Wasmtime);
    let wasm = wat::parse_str(ADD_ONE).unwrap();
    let dir = scratch("cache");
    // SAFETY: only this test writes to its fresh directory.
    let cache = unsafe { ComponentCache::new(&dir) }.unwrap();
    let first = cache.load(&engine, &wasm).unwrap();
    assert_eq!(add_one(&engine, &first, 1).unwrap(), 2);
    let saved = entries(&dir);
    assert_eq!(saved.len(), 1, "one entry: {saved:?}");
    let bytes = std::fs::read(&saved[0]).unwrap();
    // The entry is exactly what `serialize` writes.
    assert_eq!(bytes, first.serialize().unwrap());

    // A second load reads the entry: make it recognisably different (a
    // broken one) and see it replaced by a good one.
    std::fs::write(&saved[0], b"broken").unwrap();
    let again = cache.load(&engine, &wasm).unwrap();
    assert_eq!(add_one(&engine, &again, 2).unwrap(), 3);
    assert_eq!(std::fs::read(&saved[0]).unwrap(), bytes);

    // Another engine configuration keys another entry.
    let fuel =
        Engine::with_config(Config::new().kind(EngineKind::Wasmtime).consume_fuel(true)).unwrap();
    cache.load(&fuel, &wasm).unwrap();
    assert_eq!(entries(&dir).len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_cache_on_wasmi_compiles_and_writes_nothing() {
    let engine = Engine::new(EngineKind::Wasmi);
    let dir = scratch("cache-wasmi");
    // SAFETY: only this test writes to its fresh directory.
    let cache = unsafe { ComponentCache::new(&dir) }.unwrap();
    let c = cache
        .load(&engine, wat::parse_str(ADD_ONE).unwrap())
        .unwrap();
    assert_eq!(add_one(&engine, &c, 9).unwrap(), 10);
    assert!(entries(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same component with a function body that does not validate: it
/// returns an `i64` where its type says `i32`.
const BAD_BODY: &str = r#"(component
  (core module $m (func (export "f") (param i32) (result i32) (i64.const 1)))
  (core instance $i (instantiate $m))
  (func (export "add-one") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"#;

#[test]
fn wasmi_validates_eagerly_unless_told_to_be_lazy() {
    let wasm = wat::parse_str(BAD_BODY).unwrap();
    for mode in [WasmiCompilation::Eager, WasmiCompilation::LazyTranslation] {
        let engine = Engine::with_config(Config::new().wasmi_compilation(mode)).unwrap();
        let err = message(Component::new(&engine, &wasm));
        assert!(
            err.contains("cannot compile core module 0"),
            "{mode:?}: {err}"
        );
    }
    let engine =
        Engine::with_config(Config::new().wasmi_compilation(WasmiCompilation::Lazy)).unwrap();
    let lazy = Component::new(&engine, &wasm).unwrap();
    let err = format!("{:#}", add_one(&engine, &lazy, 1).unwrap_err());
    assert!(err.contains("type mismatch"), "{err}");
    // A valid component runs the same in every mode.
    let ok = Component::new(&engine, wat::parse_str(ADD_ONE).unwrap()).unwrap();
    assert_eq!(add_one(&engine, &ok, 6).unwrap(), 7);
}
