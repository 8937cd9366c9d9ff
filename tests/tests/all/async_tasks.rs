//! Async-lifted exports called from the host: stackless (`callback`) and
//! stackful lifts, results delivered by `task.return` and lifted at once,
//! `context.get`/`.set`, backpressure and waitable sets, and the spec's
//! traps for each built-in.

use hostbind::{Linker, Store, Val};
use hostbind_tests::{component, engines, message};

/// A component with one core module `$m` (given its body) that imports the
/// async built-ins, a memory and a bump `realloc`; `exports` lifts its
/// functions.
fn async_component(body: &str, exports: &str) -> String {
    format!(
        r#"(component
  (core module $libc
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $ret-u32 (canon task.return (result u32)))
  (core func $ret-str (canon task.return (result string) (memory (core memory $libc "mem"))))
  (core func $ret-none (canon task.return))
  (core func $ctx-get (canon context.get i32 0))
  (core func $ctx-set (canon context.set i32 0))
  (core func $ws-new (canon waitable-set.new))
  (core func $ws-drop (canon waitable-set.drop))
  (core func $ws-poll (canon waitable-set.poll (memory (core memory $libc "mem"))))
  (core func $ws-wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $bp-inc (canon backpressure.inc))
  (core func $bp-dec (canon backpressure.dec))
  (core func $yield (canon thread.yield))
  (core module $M
    (import "libc" "mem" (memory 1))
    (import "" "ret-u32" (func $ret-u32 (param i32)))
    (import "" "ret-str" (func $ret-str (param i32 i32)))
    (import "" "ret-none" (func $ret-none))
    (import "" "ctx-get" (func $ctx-get (result i32)))
    (import "" "ctx-set" (func $ctx-set (param i32)))
    (import "" "ws-new" (func $ws-new (result i32)))
    (import "" "ws-drop" (func $ws-drop (param i32)))
    (import "" "ws-poll" (func $ws-poll (param i32 i32) (result i32)))
    (import "" "ws-wait" (func $ws-wait (param i32 i32) (result i32)))
    (import "" "bp-inc" (func $bp-inc))
    (import "" "bp-dec" (func $bp-dec))
    (import "" "yield" (func $yield (result i32)))
    {body})
  (core instance $m (instantiate $M
    (with "libc" (instance $libc))
    (with "" (instance
      (export "ret-u32" (func $ret-u32)) (export "ret-str" (func $ret-str))
      (export "ret-none" (func $ret-none))
      (export "ctx-get" (func $ctx-get)) (export "ctx-set" (func $ctx-set))
      (export "ws-new" (func $ws-new)) (export "ws-drop" (func $ws-drop))
      (export "ws-poll" (func $ws-poll)) (export "ws-wait" (func $ws-wait))
      (export "bp-inc" (func $bp-inc)) (export "bp-dec" (func $bp-dec))
      (export "yield" (func $yield))))))
  {exports})"#
    )
}

/// Calls export `name` with no params through the dynamic API.
fn call_dynamic(
    wat: &str,
    name: &str,
    params: &[Val],
    results: usize,
) -> Vec<hostbind::Result<Vec<Val>>> {
    engines()
        .iter()
        .map(|engine| {
            let c = component(engine, wat);
            let mut store = Store::new(engine, ());
            let instance = Linker::new(engine).instantiate(&mut store, &c)?;
            let f = instance.get_func(&mut store, name)?;
            let mut out = vec![Val::Bool(false); results];
            f.call(&mut store, params, &mut out)?;
            Ok(out)
        })
        .collect()
}

const ADD_ONE: &str = r#"
    (func (export "add-one") (param i32) (result i32)
      (call $ret-u32 (i32.add (local.get 0) (i32.const 1)))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable)"#;

#[test]
fn a_callback_lifted_export_returns_through_task_return() {
    let wat = async_component(
        ADD_ONE,
        r#"(func (export "add-one") async (param "x" u32) (result u32)
             (canon lift (core func $m "add-one") async (callback (core func $m "cb"))))"#,
    );
    for engine in engines() {
        let c = component(&engine, &wat);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let f = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "add-one")
            .unwrap();
        assert_eq!(f.call(&mut store, (41,)).unwrap(), (42,));
        // A task leaves nothing behind: the next call is a new task.
        assert_eq!(f.call(&mut store, (1,)).unwrap(), (2,));
    }
    for r in call_dynamic(&wat, "add-one", &[Val::U32(9)], 1) {
        assert_eq!(r.unwrap(), vec![Val::U32(10)]);
    }
}

#[test]
fn results_are_lifted_at_task_return_before_the_callee_reuses_its_memory() {
    // The task returns "hello" from memory at 100, yields, and then
    // overwrites those bytes before it exits: the caller must see "hello".
    let body = r#"
    (data (memory 0) (i32.const 100) "hello")
    (func (export "greet") (result i32)
      (call $ctx-set (i32.const 7))
      (call $ret-str (i32.const 100) (i32.const 5))
      (i32.const 1 (; YIELD ;)))
    (func (export "cb") (param $event i32) (param i32 i32) (result i32)
      (if (i32.ne (local.get $event) (i32.const 0 (; NONE ;))) (then unreachable))
      ;; context.set in the first call is still the task's
      (if (i32.ne (call $ctx-get) (i32.const 7)) (then unreachable))
      (i32.store8 (i32.const 100) (i32.const 74 (; 'J' ;)))
      (i32.const 0 (; EXIT ;)))"#;
    let wat = async_component(
        body,
        r#"(func (export "greet") async (result string)
             (canon lift (core func $m "greet") async (memory (core memory $libc "mem"))
               (callback (core func $m "cb"))))"#,
    );
    for engine in engines() {
        let c = component(&engine, &wat);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let f = instance
            .get_typed_func::<(), (String,)>(&mut store, "greet")
            .unwrap();
        assert_eq!(f.call(&mut store, ()).unwrap().0, "hello");
    }
    for r in call_dynamic(&wat, "greet", &[], 1) {
        assert_eq!(r.unwrap(), vec![Val::String("hello".into())]);
    }
}

#[test]
fn a_stackful_export_returns_and_polls_an_empty_waitable_set() {
    // No callback: the core function runs to its end; `waitable-set.poll`
    // on a new set reports no event and writes zeros.
    let body = r#"
    (func (export "run") (param i32)
      (local $ws i32)
      (i32.store (i32.const 200) (i32.const -1))
      (i32.store (i32.const 204) (i32.const -1))
      (local.set $ws (call $ws-new))
      (if (i32.ne (call $ws-poll (local.get $ws) (i32.const 200)) (i32.const 0))
        (then unreachable))
      (if (i32.ne (i32.load (i32.const 200)) (i32.const 0)) (then unreachable))
      (if (i32.ne (i32.load (i32.const 204)) (i32.const 0)) (then unreachable))
      (if (i32.ne (call $yield) (i32.const 0)) (then unreachable))
      (call $ws-drop (local.get $ws))
      (call $ret-u32 (i32.mul (local.get 0) (i32.const 3))))"#;
    let wat = async_component(
        body,
        r#"(func (export "triple") async (param "x" u32) (result u32)
             (canon lift (core func $m "run") async))"#,
    );
    for r in call_dynamic(&wat, "triple", &[Val::U32(5)], 1) {
        assert_eq!(r.unwrap(), vec![Val::U32(15)]);
    }
}

/// The message of calling export `name` (no params, no results) of a
/// component lifting `body`'s functions with `exports`, on every engine.
fn trap_of(body: &str, exports: &str, name: &str) -> Vec<String> {
    let wat = async_component(body, exports);
    call_dynamic(&wat, name, &[], 0)
        .into_iter()
        .map(|r| message(&r.expect_err("the call must trap")))
        .collect()
}

const CB: &str = r#"(func (export "cb") (param i32 i32 i32) (result i32) unreachable)"#;

#[test]
fn an_async_export_that_never_calls_task_return_traps() {
    let body = format!(r#"(func (export "f") (result i32) (i32.const 0)) {CB}"#);
    let lift = r#"(func (export "f") async (canon lift (core func $m "f") async (callback (core func $m "cb"))))"#;
    for msg in trap_of(&body, lift, "f") {
        assert!(
            msg.contains("async-lifted export failed to produce a result") && msg.contains("`f`"),
            "{msg}"
        );
    }
}

#[test]
fn task_return_twice_or_with_another_type_traps() {
    let body = r#"(func (export "twice") (call $ret-none) (call $ret-none))
                  (func (export "wrong") (call $ret-u32 (i32.const 1)))"#;
    let lift = r#"(func (export "twice") async (canon lift (core func $m "twice") async))
                  (func (export "wrong") async (canon lift (core func $m "wrong") async))"#;
    for msg in trap_of(body, lift, "twice") {
        assert!(
            msg.contains("`task.return` or `task.cancel` called more than once")
                && msg.contains("export `twice`"),
            "{msg}"
        );
    }
    for msg in trap_of(body, lift, "wrong") {
        assert!(
            msg.contains("invalid `task.return` signature and/or options for current task"),
            "{msg}"
        );
    }
}

#[test]
fn waiting_on_a_set_nothing_can_complete_is_a_deadlock_not_a_hang() {
    // A callback WAIT on an empty set, and a stackful wait on one.
    let body = format!(
        r#"(func (export "cb-wait") (result i32)
             (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (call $ws-new) (i32.const 4))))
           (func (export "stackful-wait")
             (drop (call $ws-wait (call $ws-new) (i32.const 200))))
           (func (export "sync-wait")
             (drop (call $ws-wait (call $ws-new) (i32.const 200))))
           {CB}"#
    );
    let lift = r#"
      (func (export "cb-wait") async (canon lift (core func $m "cb-wait") async (callback (core func $m "cb"))))
      (func (export "stackful-wait") async (canon lift (core func $m "stackful-wait") async))
      (func (export "sync-wait") (canon lift (core func $m "sync-wait")))"#;
    for name in ["cb-wait", "stackful-wait"] {
        for msg in trap_of(&body, lift, name) {
            assert!(
                msg.contains("deadlock detected: event loop cannot make further progress")
                    && msg.contains(&format!("export `{name}`")),
                "{msg}"
            );
        }
    }
    // A synchronous task may not block at all.
    for msg in trap_of(&body, lift, "sync-wait") {
        assert!(
            msg.contains("cannot block a synchronous task before returning")
                && msg.contains("waitable-set.wait"),
            "{msg}"
        );
    }
}

#[test]
fn backpressure_counts_and_blocks_new_async_tasks() {
    let body = format!(
        r#"(func (export "inc") (call $bp-inc))
           (func (export "dec") (call $bp-dec))
           (func (export "f") (result i32) (call $ret-none) (i32.const 0))
           {CB}"#
    );
    let lift = r#"
      (func (export "inc") (canon lift (core func $m "inc")))
      (func (export "dec") (canon lift (core func $m "dec")))
      (func (export "f") async (canon lift (core func $m "f") async (callback (core func $m "cb"))))"#;
    let wat = async_component(&body, lift);
    for engine in engines() {
        let c = component(&engine, &wat);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let call = |store: &mut Store<()>, name: &str| {
            let f = instance.get_func(&mut *store, name).unwrap();
            f.call(store, &[], &mut [])
        };
        call(&mut store, "f").unwrap();
        call(&mut store, "inc").unwrap();
        // With backpressure set, a new async task waits for it to clear,
        // and nothing else runs to clear it.
        let msg = message(&call(&mut store, "f").unwrap_err());
        assert!(
            msg.contains("deadlock detected") && msg.contains("backpressure"),
            "{msg}"
        );
    }
    // Below zero is the spec's overflow trap.
    for msg in trap_of(&body, lift, "dec") {
        assert!(msg.contains("backpressure counter overflow"), "{msg}");
    }
}

#[test]
fn a_callback_code_outside_the_spec_traps() {
    let body = format!(r#"(func (export "f") (result i32) (call $ret-none) (i32.const 5)) {CB}"#);
    let lift = r#"(func (export "f") async (canon lift (core func $m "f") async (callback (core func $m "cb"))))"#;
    for msg in trap_of(&body, lift, "f") {
        assert!(
            msg.contains("unsupported callback code") && msg.contains("code 5"),
            "{msg}"
        );
    }
}

#[test]
fn a_handle_of_the_wrong_kind_is_refused_by_name() {
    // `waitable-set.drop` of a resource handle, and of a freed index.
    let body = r#"(func (export "f") (call $ws-drop (i32.const 3)))"#;
    let lift = r#"(func (export "f") (canon lift (core func $m "f")))"#;
    for msg in trap_of(body, lift, "f") {
        assert!(
            msg.contains("unknown handle index 3 (expected a waitable set)"),
            "{msg}"
        );
    }
}

/// `$Callee.double` (callback-lifted) yields once, then returns twice its
/// argument. `$Caller` calls it: `run` through an async lowering (it gets a
/// subtask, waits for its event, drops it and returns the result plus 1),
/// `run-sync` through a synchronous lowering from a stackful async task
/// (plus 2), and `run-blocked` the same way from a synchronous task, which
/// may not block.
const COMPOSED: &str = r#"(component
  (component $Callee
    (core module $m
      (import "" "ret" (func $ret (param i32)))
      (global $arg (mut i32) (i32.const 0))
      (func (export "double") (param i32) (result i32)
        (global.set $arg (local.get 0))
        (i32.const 1 (; YIELD ;)))
      (func (export "cb") (param i32 i32 i32) (result i32)
        ;; 13 marks a call whose caller trapped: it must never resume
        (if (i32.eq (global.get $arg) (i32.const 13)) (then unreachable))
        (call $ret (i32.mul (global.get $arg) (i32.const 2)))
        (i32.const 0 (; EXIT ;))))
    (core func $ret (canon task.return (result u32)))
    (core instance $i (instantiate $m (with "" (instance (export "ret" (func $ret))))))
    (func (export "double") async (param "x" u32) (result u32)
      (canon lift (core func $i "double") async (callback (core func $i "cb")))))
  (component $Caller
    (import "double" (func $double async (param "x" u32) (result u32)))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $double-async (canon lower (func $double) async (memory (core memory $libc "mem"))))
    (core func $double-sync (canon lower (func $double)))
    (core func $ret (canon task.return (result u32)))
    (core func $ws-new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $sub-drop (canon subtask.drop))
    (core module $m
      (import "libc" "mem" (memory 1))
      (import "" "double-async" (func $double-async (param i32 i32) (result i32)))
      (import "" "double-sync" (func $double-sync (param i32) (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (import "" "ws-new" (func $ws-new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "sub-drop" (func $sub-drop (param i32)))
      (global $ws (mut i32) (i32.const 0))
      (func (export "run") (param i32) (result i32)
        (local $status i32)
        (local.set $status (call $double-async (local.get 0) (i32.const 100)))
        ;; STARTED (1), with the subtask's handle above the low 4 bits
        (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 1)) (then unreachable))
        (global.set $ws (call $ws-new))
        (call $join (i32.shr_u (local.get $status) (i32.const 4)) (global.get $ws))
        (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))
      (func (export "cb") (param $event i32) (param $handle i32) (param $status i32) (result i32)
        ;; a SUBTASK (1) event saying RETURNED (2)
        (if (i32.ne (local.get $event) (i32.const 1)) (then unreachable))
        (if (i32.ne (local.get $status) (i32.const 2)) (then unreachable))
        (call $sub-drop (local.get $handle))
        (call $ret (i32.add (i32.load (i32.const 100)) (i32.const 1)))
        (i32.const 0 (; EXIT ;)))
      (func (export "run-sync") (param i32)
        (call $ret (i32.add (call $double-sync (local.get 0)) (i32.const 2))))
      (func (export "run-blocked") (param i32) (result i32)
        (call $double-sync (local.get 0)))
      (func (export "run-then-trap") (param i32)
        (drop (call $double-async (local.get 0) (i32.const 100)))
        unreachable))
    (core instance $i (instantiate $m (with "libc" (instance $libc)) (with "" (instance
      (export "double-async" (func $double-async)) (export "double-sync" (func $double-sync))
      (export "ret" (func $ret)) (export "ws-new" (func $ws-new))
      (export "join" (func $join)) (export "sub-drop" (func $sub-drop))))))
    (func (export "run") async (param "x" u32) (result u32)
      (canon lift (core func $i "run") async (callback (core func $i "cb"))))
    (func (export "run-sync") async (param "x" u32) (result u32)
      (canon lift (core func $i "run-sync") async))
    (func (export "run-blocked") (param "x" u32) (result u32)
      (canon lift (core func $i "run-blocked")))
    (func (export "run-then-trap") async (param "x" u32)
      (canon lift (core func $i "run-then-trap") async)))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "double" (func $callee "double"))))
  (export "run" (func $caller "run"))
  (export "run-sync" (func $caller "run-sync"))
  (export "run-blocked" (func $caller "run-blocked"))
  (export "run-then-trap" (func $caller "run-then-trap")))"#;

#[test]
fn an_async_call_between_components_is_a_subtask_the_caller_waits_on() {
    for engine in engines() {
        let c = component(&engine, COMPOSED);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let run = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, (20,)).unwrap(), (41,));
        // The subtask was dropped and its task is gone: a second call is
        // a new one and reuses nothing stale.
        assert_eq!(run.call(&mut store, (5,)).unwrap(), (11,));
        let sync = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "run-sync")
            .unwrap();
        assert_eq!(sync.call(&mut store, (7,)).unwrap(), (16,));
    }
}

#[test]
fn a_synchronous_task_may_not_call_an_async_function_synchronously() {
    for r in call_dynamic(COMPOSED, "run-blocked", &[Val::U32(1)], 1) {
        let msg = message(&r.expect_err("a synchronous task cannot block"));
        assert!(
            msg.contains("cannot block a synchronous task before returning"),
            "{msg}"
        );
    }
}

#[test]
fn a_trap_drops_the_tasks_of_its_instance() {
    // The first instance starts a call that yields, then traps: the call
    // it left behind must never run, not even from another instance's
    // event loop in the same store.
    for engine in engines() {
        let c = component(&engine, COMPOSED);
        let mut store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        let first = linker.instantiate(&mut store, &c).unwrap();
        let trap = first
            .get_typed_func::<(u32,), ()>(&mut store, "run-then-trap")
            .unwrap();
        let msg = message(&trap.call(&mut store, (13,)).unwrap_err());
        assert!(msg.contains("unreachable"), "{msg}");
        let second = linker.instantiate(&mut store, &c).unwrap();
        let run = second
            .get_typed_func::<(u32,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, (20,)).unwrap(), (41,));
    }
}

#[hostbind::host_fn]
fn host_add(a: u32, b: u32) -> u32 {
    a + b
}

#[hostbind::host_fn]
fn host_greet(name: &str) -> String {
    format!("hello, {name}")
}

#[test]
fn a_host_function_lowered_async_returns_at_once() {
    // `add` has one flat result, which the async lowering gets through a
    // pointer; `greet` returns a string (two flat values), whose pointer
    // both layouts pass.
    let wat = r#"(component
      (import "test:host/api" (instance $api
        (export "add" (func async (param "a" u32) (param "b" u32) (result u32)))
        (export "greet" (func async (param "name" string) (result string)))))
      (core module $libc
        (memory (export "mem") 1)
        (data (i32.const 16) "Ada")
        (global $bump (mut i32) (i32.const 1024))
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (local $p i32)
          (local.set $p (global.get $bump))
          (global.set $bump (i32.add (local.get $p) (local.get 3)))
          (local.get $p)))
      (core instance $libc (instantiate $libc))
      (core func $add (canon lower (func $api "add") async (memory (core memory $libc "mem"))))
      (core func $greet (canon lower (func $api "greet") async
        (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
      (core module $m
        (import "libc" "mem" (memory 1))
        (import "" "add" (func $add (param i32 i32 i32) (result i32)))
        (import "" "greet" (func $greet (param i32 i32 i32) (result i32)))
        (func (export "run") (result i32)
          ;; RETURNED (2) at once, the sum at 100
          (if (i32.ne (call $add (i32.const 40) (i32.const 2) (i32.const 100)) (i32.const 2))
            (then unreachable))
          (if (i32.ne (call $greet (i32.const 16) (i32.const 3) (i32.const 200)) (i32.const 2))
            (then unreachable))
          ;; "hello, Ada" is 10 bytes long
          (if (i32.ne (i32.load (i32.const 204)) (i32.const 10)) (then unreachable))
          (i32.load (i32.const 100))))
      (core instance $i (instantiate $m (with "libc" (instance $libc))
        (with "" (instance (export "add" (func $add)) (export "greet" (func $greet))))))
      (func (export "run") (result u32) (canon lift (core func $i "run"))))"#;
    for engine in engines() {
        let (mut store, instance) = hostbind_tests::instantiate(&engine, wat, (), |api| {
            api.func("add", host_add)?;
            api.func("greet", host_greet)?;
            Ok(())
        });
        let run = instance
            .get_typed_func::<(), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), (42,));
    }
}
