//! Limits hold for async tasks: fuel, interruption and memory limits stop a
//! callback that yields forever, a task that pumps a stream forever, and a
//! callback that grows memory, on every engine.

use std::time::Duration;

use hostbind::{Config, Engine, Linker, Store, StoreLimits};
use hostbind_tests::{component, engines_with, message};

/// Exports `spin` (a callback that yields forever), `pump` (a stackful task
/// that moves a byte through a stream forever) and `grow` (a callback that
/// grows memory a page per step and returns the page count it reached).
const GUEST: &str = r#"(component
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (type $S (stream u8))
  (core func $ret (canon task.return (result u32)))
  (core func $s-new (canon stream.new $S))
  (core func $s-read (canon stream.read $S async (memory (core memory $libc "mem"))))
  (core func $s-write (canon stream.write $S async (memory (core memory $libc "mem"))))
  (core func $s-cancel-read (canon stream.cancel-read $S))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "ret" (func $ret (param i32)))
    (import "" "s-new" (func $s-new (result i64)))
    (import "" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
    (import "" "s-write" (func $s-write (param i32 i32 i32) (result i32)))
    (import "" "s-cancel-read" (func $s-cancel-read (param i32) (result i32)))
    (func (export "spin") (result i32) (i32.const 1 (; YIELD ;)))
    (func (export "spin-cb") (param i32 i32 i32) (result i32) (i32.const 1 (; YIELD ;)))
    (func (export "pump")
      (local $ends i64) (local $r i32) (local $w i32)
      (local.set $ends (call $s-new))
      (local.set $r (i32.wrap_i64 (local.get $ends)))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (loop $again
        (drop (call $s-read (local.get $r) (i32.const 0) (i32.const 1)))
        (drop (call $s-write (local.get $w) (i32.const 8) (i32.const 1)))
        (drop (call $s-cancel-read (local.get $r)))
        (br $again)))
    (func (export "grow") (result i32) (i32.const 1 (; YIELD ;)))
    (func (export "grow-cb") (param i32 i32 i32) (result i32)
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
        (then
          (call $ret (memory.size))
          (return (i32.const 0 (; EXIT ;)))))
      (i32.const 1 (; YIELD ;))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem")) (export "ret" (func $ret))
    (export "s-new" (func $s-new)) (export "s-read" (func $s-read))
    (export "s-write" (func $s-write)) (export "s-cancel-read" (func $s-cancel-read))))))
  (func (export "spin") async (canon lift (core func $m "spin") async (callback (core func $m "spin-cb"))))
  (func (export "pump") async (canon lift (core func $m "pump") async))
  (func (export "grow") async (result u32)
    (canon lift (core func $m "grow") async (callback (core func $m "grow-cb")))))"#;

fn call<T: 'static>(engine: &Engine, store: &mut Store<T>, name: &str) -> hostbind::Result<()> {
    let c = component(engine, GUEST);
    let instance = Linker::new(engine).instantiate(&mut *store, &c)?;
    let f = instance.get_typed_func::<(), ()>(&mut *store, name)?;
    f.call(store, ())
}

#[test]
fn fuel_stops_a_task_that_yields_or_pumps_a_stream_forever() {
    for engine in engines_with(Config::new().consume_fuel(true)) {
        for name in ["spin", "pump"] {
            let mut store = Store::new(&engine, ());
            store.set_fuel(300_000).unwrap();
            let err = call(&engine, &mut store, name).unwrap_err();
            assert!(message(&err).contains("fuel ran out"), "{name}: {err:#}");
        }
    }
}

#[test]
fn another_thread_interrupts_a_task_that_yields_or_pumps_a_stream_forever() {
    for engine in engines_with(Config::new().interruptible(true)) {
        for name in ["spin", "pump"] {
            let mut store = Store::new(&engine, ());
            let handle = store.interrupt_handle().unwrap();
            let stopper = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                handle.interrupt();
            });
            let err = call(&engine, &mut store, name).unwrap_err();
            stopper.join().unwrap();
            assert!(message(&err).contains("interrupted"), "{name}: {err:#}");
        }
    }
}

#[test]
fn a_memory_limit_holds_in_callbacks() {
    struct Limited(StoreLimits);
    for engine in engines_with(&Config::new()) {
        let mut store = Store::new(
            &engine,
            Limited(StoreLimits::builder().memory_size(4 << 16).build()),
        );
        store.limiter(|d: &mut Limited| &mut d.0);
        let c = component(&engine, GUEST);
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let grow = instance
            .get_typed_func::<(), (u32,)>(&mut store, "grow")
            .unwrap();
        // One page to start with; the fifth is refused.
        assert_eq!(grow.call(&mut store, ()).unwrap(), (4,));
    }
}
