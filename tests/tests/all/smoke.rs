//! A first end-to-end call: a store-data host function and a context-free one.

use hostbind::host_fn;
use hostbind_tests::{Import, engines, guest, instantiate};

#[derive(Default)]
struct Ctx {
    lines: Vec<String>,
}

#[host_fn]
fn log(cx: &mut Ctx, level: u32, msg: &str) {
    cx.lines.push(format!("{level}: {msg}"));
}

#[host_fn]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[test]
fn run_calls_log_and_add() {
    let wat = guest(
        &[
            Import {
                name: "log",
                ty: r#"(param "level" u32) (param "msg" string)"#,
                core: "(param i32 i32 i32)",
            },
            Import {
                name: "add",
                ty: r#"(param "a" u32) (param "b" u32) (result u32)"#,
                core: "(param i32 i32) (result i32)",
            },
        ],
        r#"(func (export "run") (param $ptr i32) (param $len i32) (result i32)
             (call $log (i32.const 1) (local.get $ptr) (local.get $len))
             (call $add (local.get $len) (i32.const 100)))"#,
        &[("run", r#"(param "input" string) (result u32)"#)],
    );
    // Compiled on every core (the default) and on one.
    let serial = hostbind_tests::engines_with(hostbind::Config::new().parallel_compilation(false));
    for engine in engines().into_iter().chain(serial) {
        let (mut store, instance) = instantiate(&engine, &wat, Ctx::default(), |api| {
            api.func("log", log)?.func("add", add)?;
            Ok(())
        });
        let run = instance
            .get_typed_func::<(&str,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ("hello",)).unwrap(), (105,));
        assert_eq!(store.data().lines, ["1: hello"]);
    }
}

/// With the `wasmtime` feature, every test in this suite runs on both engines.
#[test]
fn the_suite_runs_on_every_engine() {
    let kinds: Vec<_> = engines().iter().map(|e| e.kind()).collect();
    #[cfg(not(feature = "wasmtime"))]
    assert_eq!(kinds, [hostbind::EngineKind::Wasmi]);
    #[cfg(feature = "wasmtime")]
    assert_eq!(
        kinds,
        [hostbind::EngineKind::Wasmi, hostbind::EngineKind::Wasmtime]
    );
}

/// With the `wat` feature (on by default) a component, and a core module,
/// may be given as text; text that does not assemble names its line and
/// column, and bytes that are neither text nor a binary keep the binary's
/// own message.
#[test]
fn components_and_modules_load_from_text() {
    let text = r#"(component
      (core module $m (func (export "seven") (result i32) (i32.const 7)))
      (core instance $i (instantiate $m))
      (func (export "seven") (result u32) (canon lift (core func $i "seven"))))"#;
    for engine in engines() {
        let component = hostbind::Component::new(&engine, text).unwrap();
        let mut store = hostbind::Store::new(&engine, ());
        let instance = hostbind::Linker::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let seven = instance
            .get_typed_func::<(), (u32,)>(&mut store, "seven")
            .unwrap();
        assert_eq!(seven.call(&mut store, ()).unwrap(), (7,));

        hostbind::Module::new(&engine, "(module (func (export \"f\")))").unwrap();

        let err = hostbind::Component::new(&engine, "(component\n  (func (export \"f\") oops))")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("this WebAssembly text does not assemble"),
            "{err}"
        );
        assert!(err.contains(":2:"), "names the line: {err}");

        let err = hostbind::Component::new(&engine, b"\x01\x02not wasm")
            .unwrap_err()
            .to_string();
        assert!(err.contains("magic header not detected"), "{err}");
    }
}
