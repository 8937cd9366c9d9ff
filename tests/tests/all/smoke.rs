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
