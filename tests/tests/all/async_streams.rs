//! Streams, futures and error contexts: values that cross from one
//! component's memory into another's (strings through the reader's
//! `realloc`), partial copies, futures read once, error contexts, and the
//! spec's traps for ends used wrongly.

use hostbind::{Linker, Store, Val};
use hostbind_tests::{component, engines, message};

/// A bump allocator and memory every component here uses.
const LIBC: &str = r#"
    (core module $libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))"#;

/// `$P` writes `hello` and `streams` into a `stream<string>` it returns,
/// and 42 into a `future<u32>`; `$D` reads them in the ways its exports
/// are named for.
fn producer_and_reader() -> String {
    format!(
        r#"(component
  (component $P
    {LIBC}
    (type $S (stream string))
    (type $F (future u32))
    (core func $s-new (canon stream.new $S))
    (core func $s-write (canon stream.write $S async (memory (core memory $libc "mem"))))
    (core func $f-new (canon future.new $F))
    (core func $f-write (canon future.write $F async (memory (core memory $libc "mem"))))
    (core func $ret-s (canon task.return (result $S)))
    (core func $ret-f (canon task.return (result $F)))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "s-new" (func $s-new (result i64)))
      (import "" "s-write" (func $s-write (param i32 i32 i32) (result i32)))
      (import "" "f-new" (func $f-new (result i64)))
      (import "" "f-write" (func $f-write (param i32 i32) (result i32)))
      (import "" "ret-s" (func $ret-s (param i32)))
      (import "" "ret-f" (func $ret-f (param i32)))
      (data (memory 0) (i32.const 16) "hello")
      (data (memory 0) (i32.const 32) "streams")
      (func (export "words")
        (local $ends i64)
        (local.set $ends (call $s-new))
        (call $ret-s (i32.wrap_i64 (local.get $ends)))
        (i32.store (i32.const 64) (i32.const 16))
        (i32.store (i32.const 68) (i32.const 5))
        (i32.store (i32.const 72) (i32.const 32))
        (i32.store (i32.const 76) (i32.const 7))
        ;; no reader yet: the write waits with its buffer pending
        (if (i32.ne (call $s-write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
                                   (i32.const 64) (i32.const 2))
                    (i32.const -1 (; BLOCKED ;)))
          (then unreachable)))
      (func (export "answer")
        (local $ends i64)
        (local.set $ends (call $f-new))
        (call $ret-f (i32.wrap_i64 (local.get $ends)))
        (i32.store (i32.const 80) (i32.const 42))
        (if (i32.ne (call $f-write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
                                   (i32.const 80))
                    (i32.const -1 (; BLOCKED ;)))
          (then unreachable))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "s-new" (func $s-new)) (export "s-write" (func $s-write))
      (export "f-new" (func $f-new)) (export "f-write" (func $f-write))
      (export "ret-s" (func $ret-s)) (export "ret-f" (func $ret-f))))))
    (func (export "words") async (result (stream string)) (canon lift (core func $m "words") async))
    (func (export "answer") async (result (future u32)) (canon lift (core func $m "answer") async)))

  (component $D
    (import "p" (instance $p
      (export "words" (func async (result (stream string))))
      (export "answer" (func async (result (future u32))))))
    {LIBC}
    (type $S (stream string))
    (type $F (future u32))
    (core func $words (canon lower (func $p "words")))
    (core func $answer (canon lower (func $p "answer")))
    (core func $s-read (canon stream.read $S (memory (core memory $libc "mem"))
                                             (realloc (core func $libc "realloc"))))
    (core func $s-drop (canon stream.drop-readable $S))
    (core func $f-read (canon future.read $F (memory (core memory $libc "mem"))))
    (core func $ret-list (canon task.return (result (list string)) (memory (core memory $libc "mem"))))
    (core func $ret-u32 (canon task.return (result u32)))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "words" (func $words (result i32)))
      (import "" "answer" (func $answer (result i32)))
      (import "" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
      (import "" "s-drop" (func $s-drop (param i32)))
      (import "" "f-read" (func $f-read (param i32 i32) (result i32)))
      (import "" "ret-list" (func $ret-list (param i32 i32)))
      (import "" "ret-u32" (func $ret-u32 (param i32)))
      (func (export "words")
        (local $rx i32)
        (local.set $rx (call $words))
        ;; one string, then the one left of the writer's two
        (if (i32.ne (call $s-read (local.get $rx) (i32.const 256) (i32.const 1))
                    (i32.const 0x10 (; COMPLETED | 1 << 4 ;)))
          (then unreachable))
        (if (i32.ne (call $s-read (local.get $rx) (i32.const 264) (i32.const 4))
                    (i32.const 0x10 (; COMPLETED | 1 << 4 ;)))
          (then unreachable))
        (call $s-drop (local.get $rx))
        (call $ret-list (i32.const 256) (i32.const 2)))
      (func (export "read-past-end")
        (local $rx i32)
        (local.set $rx (call $words))
        (drop (call $s-read (local.get $rx) (i32.const 256) (i32.const 2)))
        ;; the writer's task is gone and nothing else can write
        (drop (call $s-read (local.get $rx) (i32.const 256) (i32.const 2))))
      (func (export "answer")
        (local $rx i32)
        (local.set $rx (call $answer))
        (if (i32.ne (call $f-read (local.get $rx) (i32.const 512)) (i32.const 0 (; COMPLETED ;)))
          (then unreachable))
        (call $ret-u32 (i32.load (i32.const 512))))
      (func (export "answer-twice")
        (local $rx i32)
        (local.set $rx (call $answer))
        (drop (call $f-read (local.get $rx) (i32.const 512)))
        (drop (call $f-read (local.get $rx) (i32.const 512)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "words" (func $words)) (export "answer" (func $answer))
      (export "s-read" (func $s-read)) (export "s-drop" (func $s-drop))
      (export "f-read" (func $f-read))
      (export "ret-list" (func $ret-list)) (export "ret-u32" (func $ret-u32))))))
    (func (export "words") async (result (list string))
      (canon lift (core func $m "words") async (memory (core memory $libc "mem"))))
    (func (export "read-past-end") async
      (canon lift (core func $m "read-past-end") async))
    (func (export "answer") async (result u32)
      (canon lift (core func $m "answer") async))
    (func (export "answer-twice") async
      (canon lift (core func $m "answer-twice") async)))

  (instance $p (instantiate $P))
  (instance $d (instantiate $D (with "p" (instance $p))))
  (export "words" (func $d "words"))
  (export "read-past-end" (func $d "read-past-end"))
  (export "answer" (func $d "answer"))
  (export "answer-twice" (func $d "answer-twice")))"#
    )
}

/// Calls export `name` of a fresh instance of `wat` on every engine.
fn call(wat: &str, name: &str, results: usize) -> Vec<hostbind::Result<Vec<Val>>> {
    engines()
        .iter()
        .map(|engine| {
            let c = component(engine, wat);
            let mut store = Store::new(engine, ());
            let instance = Linker::new(engine).instantiate(&mut store, &c)?;
            let f = instance.get_func(&mut store, name)?;
            let mut out = vec![Val::Bool(false); results];
            f.call(&mut store, &[], &mut out)?;
            Ok(out)
        })
        .collect()
}

#[test]
fn strings_cross_a_stream_between_components_in_partial_reads() {
    let wat = producer_and_reader();
    for r in call(&wat, "words", 1) {
        // The reader's list holds the strings its own realloc made room for.
        assert_eq!(
            r.unwrap(),
            vec![Val::List(vec![
                Val::String("hello".into()),
                Val::String("streams".into())
            ])]
        );
    }
}

#[test]
fn a_future_carries_one_value_and_is_read_once() {
    let wat = producer_and_reader();
    for r in call(&wat, "answer", 1) {
        assert_eq!(r.unwrap(), vec![Val::U32(42)]);
    }
    for r in call(&wat, "answer-twice", 0) {
        let e = message(&r.unwrap_err());
        assert!(
            e.contains("cannot read from future after previous read succeeded")
                && e.contains("`future.read`"),
            "{e}"
        );
    }
}

#[test]
fn a_read_nothing_can_complete_is_a_deadlock() {
    let wat = producer_and_reader();
    for r in call(&wat, "read-past-end", 0) {
        let e = message(&r.unwrap_err());
        assert!(
            e.contains("deadlock detected") && e.contains("export `read-past-end` is blocked"),
            "{e}"
        );
    }
}

/// One component whose core module `$M` (given its body) imports the
/// built-ins of a `stream<T>` and a `future<T>` of `elem`, all `async`.
fn one_component(elem: &str, body: &str) -> String {
    format!(
        r#"(component
  {LIBC}
  (type $S (stream {elem}))
  (type $F (future {elem}))
  (core func $s-new (canon stream.new $S))
  (core func $s-read (canon stream.read $S async (memory (core memory $libc "mem"))
                                                 (realloc (core func $libc "realloc"))))
  (core func $s-write (canon stream.write $S async (memory (core memory $libc "mem"))))
  (core func $s-cancel-read (canon stream.cancel-read $S))
  (core func $f-new (canon future.new $F))
  (core func $f-drop-w (canon future.drop-writable $F))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "s-new" (func $s-new (result i64)))
    (import "" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
    (import "" "s-write" (func $s-write (param i32 i32 i32) (result i32)))
    (import "" "s-cancel-read" (func $s-cancel-read (param i32) (result i32)))
    (import "" "f-new" (func $f-new (result i64)))
    (import "" "f-drop-w" (func $f-drop-w (param i32)))
    (global $r (mut i32) (i32.const 0))
    (global $w (mut i32) (i32.const 0))
    (func $stream
      (local $ends i64)
      (local.set $ends (call $s-new))
      (global.set $r (i32.wrap_i64 (local.get $ends)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))))
    {body})
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "s-new" (func $s-new)) (export "s-read" (func $s-read))
    (export "s-write" (func $s-write)) (export "s-cancel-read" (func $s-cancel-read))
    (export "f-new" (func $f-new)) (export "f-drop-w" (func $f-drop-w))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))"#
    )
}

#[test]
fn numbers_move_within_one_component_and_a_cancelled_read_reports_what_it_received() {
    let body = r#"
    (func (export "run") (result i32)
      (local $ret i32)
      (call $stream)
      (i64.store (i32.const 8) (i64.const 0x0807060504030201))
      ;; the read waits; a write of 8 bytes fills 3 of them into it
      (if (i32.ne (call $s-read (global.get $r) (i32.const 100) (i32.const 3)) (i32.const -1))
        (then unreachable))
      (local.set $ret (call $s-write (global.get $w) (i32.const 8) (i32.const 8)))
      (if (i32.ne (local.get $ret) (i32.const 0x30 (; COMPLETED | 3 << 4 ;))) (then unreachable))
      ;; the reader's buffer is still pending (its event not delivered):
      ;; cancelling it reports the three elements it received
      (local.set $ret (call $s-cancel-read (global.get $r)))
      (if (i32.ne (local.get $ret) (i32.const 0x32 (; CANCELLED | 3 << 4 ;))) (then unreachable))
      (i32.load (i32.const 100)))"#;
    let wat = one_component("u8", body);
    for r in call(&wat, "run", 1) {
        // Bytes 01 02 03 arrived; byte 4 at 103 is untouched (zero).
        assert_eq!(r.unwrap(), vec![Val::U32(0x0003_0201)]);
    }
}

#[test]
fn the_spec_traps_on_ends_used_wrongly() {
    let cases = [
        (
            "u8",
            r#"(func (export "run") (result i32)
                 (call $stream)
                 (drop (call $s-read (global.get $r) (i32.const 100) (i32.const 3)))
                 (call $s-read (global.get $r) (i32.const 100) (i32.const 3)))"#,
            "cannot have concurrent operations active on a future/stream (`stream.read`)",
        ),
        (
            "string",
            r#"(func (export "run") (result i32)
                 (call $stream)
                 (drop (call $s-read (global.get $r) (i32.const 100) (i32.const 1)))
                 (call $s-write (global.get $w) (i32.const 200) (i32.const 1)))"#,
            "cannot read from and write to intra-component future/stream with non-numeric payload (`stream.write`)",
        ),
        (
            "u8",
            r#"(func (export "run") (result i32)
                 (call $f-drop-w (i32.wrap_i64 (i64.shr_u (call $f-new) (i64.const 32))))
                 (i32.const 0))"#,
            "cannot drop future write end without first writing a value (`future.drop-writable`)",
        ),
        (
            "u8",
            r#"(func (export "run") (result i32)
                 (call $stream)
                 (call $s-read (global.get $w) (i32.const 100) (i32.const 1)))"#,
            "handle 2 is a writable stream end, not a readable stream end",
        ),
        (
            "u32",
            r#"(func (export "run") (result i32)
                 (call $stream)
                 (call $s-read (global.get $r) (i32.const 101) (i32.const 1)))"#,
            "buffer pointer 0x65 not aligned to 4",
        ),
    ];
    for (elem, body, want) in cases {
        let wat = one_component(elem, body);
        for r in call(&wat, "run", 1) {
            let e = message(&r.unwrap_err());
            assert!(e.contains(want), "want `{want}`, got: {e}");
        }
    }
}

#[test]
fn an_error_context_keeps_its_debug_message() {
    let wat = format!(
        r#"(component
  {LIBC}
  (core func $ec-new (canon error-context.new (memory (core memory $libc "mem"))))
  (core func $ec-msg (canon error-context.debug-message (memory (core memory $libc "mem"))
                                                        (realloc (core func $libc "realloc"))))
  (core func $ec-drop (canon error-context.drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "ec-new" (func $ec-new (param i32 i32) (result i32)))
    (import "" "ec-msg" (func $ec-msg (param i32 i32)))
    (import "" "ec-drop" (func $ec-drop (param i32)))
    (data (memory 0) (i32.const 16) "disk on fire")
    (func (export "run") (result i32)
      (local $e i32)
      (local.set $e (call $ec-new (i32.const 16) (i32.const 12)))
      ;; the message is the error context's own: overwriting the source
      ;; does not change it
      (i32.store8 (i32.const 16) (i32.const 0x44 (; 'D' ;)))
      (call $ec-msg (local.get $e) (i32.const 64))
      (call $ec-drop (local.get $e))
      (i32.const 64))
    (func (export "use-after-drop")
      (local $e i32)
      (local.set $e (call $ec-new (i32.const 16) (i32.const 12)))
      (call $ec-drop (local.get $e))
      (call $ec-drop (local.get $e))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "ec-new" (func $ec-new)) (export "ec-msg" (func $ec-msg))
    (export "ec-drop" (func $ec-drop))))))
  (func (export "run") (result string)
    (canon lift (core func $m "run") (memory (core memory $libc "mem"))))
  (func (export "use-after-drop") (canon lift (core func $m "use-after-drop"))))"#
    );
    for r in call(&wat, "run", 1) {
        assert_eq!(r.unwrap(), vec![Val::String("disk on fire".into())]);
    }
    for r in call(&wat, "use-after-drop", 0) {
        let e = message(&r.unwrap_err());
        assert!(
            e.contains("unknown handle index 1 (expected an error context)"),
            "{e}"
        );
    }
}
