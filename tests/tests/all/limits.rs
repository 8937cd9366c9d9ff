//! Limits for untrusted guests on every engine: fuel, interruption from
//! another thread, and a limiter on memory growth.

use std::time::Duration;

use hostbind::{Config, Engine, Linker, Store, StoreLimits, Trap};
use hostbind_tests::{component, engines_with, message};

/// `spin` loops forever, `count(n)` loops `n` times and returns `n`,
/// `grow(pages)` is `memory.grow` (the old size in pages, or -1).
const GUEST: &str = r#"(component
  (core module $M
    (memory (export "memory") 1)
    (func (export "spin") (loop $l (br $l)))
    (func (export "count") (param $n i32) (result i32) (local $i i32)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.get $i))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
  (core instance $m (instantiate $M))
  (func (export "spin") (canon lift (core func $m "spin")))
  (func (export "count") (param "n" u32) (result u32) (canon lift (core func $m "count")))
  (func (export "grow") (param "pages" u32) (result s32) (canon lift (core func $m "grow"))))"#;

struct Guest<T: 'static> {
    store: Store<T>,
    instance: hostbind::Instance,
}

fn start<T: 'static>(
    engine: &Engine,
    data: T,
    setup: impl FnOnce(&mut Store<T>),
) -> hostbind::Result<Guest<T>> {
    let c = component(engine, GUEST);
    let mut store = Store::new(engine, data);
    setup(&mut store);
    let instance = Linker::new(engine).instantiate(&mut store, &c)?;
    Ok(Guest { store, instance })
}

impl<T: 'static> Guest<T> {
    fn spin(&mut self) -> hostbind::Result<()> {
        let f = self
            .instance
            .get_typed_func::<(), ()>(&mut self.store, "spin")
            .unwrap();
        f.call(&mut self.store, ())
    }

    fn count(&mut self, n: u32) -> hostbind::Result<u32> {
        let f = self
            .instance
            .get_typed_func::<(u32,), (u32,)>(&mut self.store, "count")
            .unwrap();
        Ok(f.call(&mut self.store, (n,))?.0)
    }

    fn grow(&mut self, pages: u32) -> hostbind::Result<i32> {
        let f = self
            .instance
            .get_typed_func::<(u32,), (i32,)>(&mut self.store, "grow")
            .unwrap();
        Ok(f.call(&mut self.store, (pages,))?.0)
    }
}

fn assert_trap(err: &hostbind::Error, starts: &str) {
    let msg = message(err);
    assert!(msg.starts_with(starts), "{msg}");
    assert!(err.downcast_ref::<Trap>().is_some(), "not a Trap: {msg}");
}

#[test]
fn fuel_stops_an_infinite_loop() {
    // Fuel alone, and fuel with interruption (wasmi then meters it in slices).
    for interruptible in [false, true] {
        for engine in engines_with(
            Config::new()
                .consume_fuel(true)
                .interruptible(interruptible),
        ) {
            let mut g = start(&engine, (), |s| s.set_fuel(1_000_000).unwrap()).unwrap();
            assert_eq!(g.count(1000).unwrap(), 1000);
            let left = g.store.get_fuel().unwrap();
            assert!(left < 1_000_000 && left > 0, "{left} left");
            // The budget outlasts many slices, then runs out.
            g.store.set_fuel(3_000_000).unwrap();
            let err = g.spin().unwrap_err();
            assert_trap(&err, "fuel ran out");
            assert_eq!(g.store.get_fuel().unwrap(), 0);
            // A fresh budget runs a fresh instance.
            let mut g = start(&engine, (), |s| s.set_fuel(1_000_000).unwrap()).unwrap();
            assert_eq!(g.count(10).unwrap(), 10);
        }
    }
}

#[test]
fn a_step_dearer_than_a_slice_runs_and_one_dearer_than_what_is_left_traps() {
    // wasmi charges `memory.grow` for the bytes it adds: 1000 pages cost
    // about a million units, ten of the slices an interruptible store is
    // metered in. Both once spun forever, refilled with too little.
    for engine in engines_with(Config::new().consume_fuel(true).interruptible(true)) {
        let mut g = start(&engine, (), |s| s.set_fuel(10_000_000).unwrap()).unwrap();
        assert_eq!(g.grow(1000).unwrap(), 1);
        if engine.kind() == hostbind::EngineKind::Wasmi {
            let mut g = start(&engine, (), |s| s.set_fuel(300_000).unwrap()).unwrap();
            assert_trap(&g.grow(1000).unwrap_err(), "fuel ran out");
        }
    }
}

#[test]
fn a_store_with_no_fuel_runs_nothing() {
    for engine in engines_with(Config::new().consume_fuel(true)) {
        let mut g = start(&engine, (), |_| {}).unwrap();
        assert_trap(&g.count(1).unwrap_err(), "fuel ran out");
    }
}

#[test]
fn fuel_calls_need_fuel_enabled() {
    for engine in engines_with(&Config::new()) {
        let mut store = Store::new(&engine, ());
        let err = store.set_fuel(10).unwrap_err();
        assert_eq!(
            message(&err),
            "fuel is not enabled for this engine; create it with `Config::consume_fuel(true)`"
        );
        assert_eq!(
            message(&store.get_fuel().unwrap_err()),
            "fuel is not enabled for this engine; create it with `Config::consume_fuel(true)`"
        );
        assert_eq!(
            message(&store.interrupt_handle().unwrap_err()),
            "this engine cannot be interrupted; create it with `Config::interruptible(true)`"
        );
    }
}

#[test]
fn another_thread_interrupts_an_infinite_loop() {
    for engine in engines_with(Config::new().interruptible(true)) {
        let mut g = start(&engine, (), |_| {}).unwrap();
        let handle = g.store.interrupt_handle().unwrap();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            handle.interrupt();
        });
        let err = g.spin().unwrap_err();
        stopper.join().unwrap();
        assert_trap(
            &err,
            "interrupted: the store's `InterruptHandle` stopped the guest",
        );
        // One interruption stops one call; the store runs a new instance.
        let mut g = Guest {
            instance: Linker::new(&engine)
                .instantiate(&mut g.store, &component(&engine, GUEST))
                .unwrap(),
            store: g.store,
        };
        assert_eq!(g.count(5).unwrap(), 5);
    }
}

#[test]
fn an_interruption_before_a_call_stops_it_at_once() {
    for engine in engines_with(Config::new().interruptible(true)) {
        let mut g = start(&engine, (), |_| {}).unwrap();
        g.store.interrupt_handle().unwrap().interrupt();
        assert_trap(&g.count(1).unwrap_err(), "interrupted");
    }
}

#[test]
fn interrupting_one_store_leaves_another_running() {
    for engine in engines_with(Config::new().interruptible(true)) {
        let mut a = start(&engine, (), |_| {}).unwrap();
        let mut b = start(&engine, (), |_| {}).unwrap();
        a.store.interrupt_handle().unwrap().interrupt();
        assert_eq!(b.count(2_000_000).unwrap(), 2_000_000);
        assert_trap(&a.count(1).unwrap_err(), "interrupted");
    }
}

struct Limited {
    limits: StoreLimits,
}

fn limited(engine: &Engine, limits: StoreLimits) -> hostbind::Result<Guest<Limited>> {
    start(engine, Limited { limits }, |s| {
        s.limiter(|d: &mut Limited| &mut d.limits)
    })
}

#[test]
fn memory_may_not_grow_past_the_limit() {
    for engine in engines_with(&Config::new()) {
        // One page to start with, at most two.
        let mut g = limited(&engine, StoreLimits::builder().memory_size(2 << 16).build()).unwrap();
        assert_eq!(g.grow(1).unwrap(), 1);
        assert_eq!(g.grow(1).unwrap(), -1, "the limit refuses a third page");
        assert_eq!(g.grow(0).unwrap(), 2);

        let mut g = limited(
            &engine,
            StoreLimits::builder()
                .memory_size(2 << 16)
                .trap_on_grow_failure(true)
                .build(),
        )
        .unwrap();
        let err = g.grow(5).unwrap_err();
        assert_trap(
            &err,
            "memory limit reached: a memory of 65536 bytes may not grow to 393216 bytes; the store allows at most 131072 bytes",
        );
    }
}

#[test]
fn a_memory_larger_than_the_limit_cannot_be_created() {
    for engine in engines_with(&Config::new()) {
        let Err(err) = limited(&engine, StoreLimits::builder().memory_size(1000).build()) else {
            panic!("a 64 KiB memory must not fit a 1000-byte limit");
        };
        let msg = message(&err);
        assert!(msg.starts_with("cannot instantiate core module 0"), "{msg}");
        // Each engine words the refusal; both name a limit.
        assert!(msg.contains("limit"), "{msg}");
    }
}

/// Millions of guest instructions in one call, with no limit set: wasmi's
/// dispatch must not grow the native stack per instruction, even in a
/// debug build (it did, before `auto-dispatch` was turned on).
#[test]
fn a_long_loop_runs_in_any_build() {
    for engine in engines_with(&Config::new()) {
        let mut g = start(&engine, (), |_| {}).unwrap();
        assert_eq!(g.count(3_000_000).unwrap(), 3_000_000);
    }
}
