//! A first end-to-end call.
use hostbind::{Linker, Store, host_fn};
use hostbind_tests::{LIBC, component, engines};

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
    let wat = format!(
        r#"(component
      (import "example:host/api" (instance $host
        (export "log" (func (param "level" u32) (param "msg" string)))
        (export "add" (func (param "a" u32) (param "b" u32) (result u32)))))
      {LIBC}
      (core func $log (canon lower (func $host "log") (memory $memory) (realloc $realloc)))
      (core func $add (canon lower (func $host "add")))
      (core module $Main
        (import "host" "log" (func $log (param i32 i32 i32)))
        (import "host" "add" (func $add (param i32 i32) (result i32)))
        (func (export "run") (param $ptr i32) (param $len i32) (result i32)
          (call $log (i32.const 1) (local.get $ptr) (local.get $len))
          (call $add (local.get $len) (i32.const 100))))
      (core instance $main (instantiate $Main
        (with "host" (instance (export "log" (func $log)) (export "add" (func $add))))))
      (func (export "run") (param "input" string) (result u32)
        (canon lift (core func $main "run") (memory $memory) (realloc $realloc))))"#
    );
    for engine in engines() {
        let c = component(&engine, &wat);
        let mut linker = Linker::<Ctx>::new(&engine);
        linker
            .instance("example:host/api")
            .unwrap()
            .func("log", log)
            .unwrap()
            .func("add", add)
            .unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let instance = linker.instantiate(&mut store, &c).unwrap();
        let run = instance
            .get_typed_func::<(&str,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ("hello",)).unwrap(), (105,));
        assert_eq!(store.data().lines, ["1: hello"]);
    }
}
