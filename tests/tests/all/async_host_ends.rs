//! Streams, futures and error contexts between the host and a guest: the
//! host reads the stream and future an export returns (from WAT and from a
//! real C producer), writes a stream it made into a guest that sums it
//! into a future, passes and receives error contexts, and every misuse of
//! a host end is an error naming what was wrong.

use hostbind::{Component, ErrorContext, Linker, Store, StreamReader, TypeKind, Val};
use hostbind_tests::{component, engines, instantiate, message};

use crate::async_guest::block_on;

/// A bump allocator and memory every component here uses.
const LIBC: &str = r#"
    (core module $libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))"#;

/// `words` returns a `stream<string>` holding `hello` and `streams`, and
/// `answer` a `future<u32>` holding 42: each returns the readable end, then
/// writes, and exits with its write pending.
pub(crate) fn producer() -> String {
    format!(
        r#"(component
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
    (func (export "words") async (result $S) (canon lift (core func $m "words") async))
    (func (export "answer") async (result $F) (canon lift (core func $m "answer") async)))"#
    )
}

/// `sum(s)` returns the sum of the bytes of `s` once its writer drops it;
/// `consume(s)` returns a `future<u32>` at once, then reads `s` in its
/// callback, 100 bytes at a time, and writes their sum to the future once
/// the writer drops `s`. `echo` gives back the error context it is given;
/// `make` makes one saying `made by the guest`.
pub(crate) fn consumer() -> String {
    format!(
        r#"(component
  {LIBC}
  (type $S (stream u8))
  (type $F (future u32))
  (core func $s-read (canon stream.read $S async (memory (core memory $libc "mem"))))
  (core func $s-drop (canon stream.drop-readable $S))
  (core func $f-new (canon future.new $F))
  (core func $f-write (canon future.write $F async (memory (core memory $libc "mem"))))
  (core func $f-drop (canon future.drop-writable $F))
  (core func $ws-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $ret (canon task.return (result $F)))
  (core func $ret-u32 (canon task.return (result u32)))
  (core func $e-new (canon error-context.new (memory (core memory $libc "mem"))))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
    (import "" "s-drop" (func $s-drop (param i32)))
    (import "" "f-new" (func $f-new (result i64)))
    (import "" "f-write" (func $f-write (param i32 i32) (result i32)))
    (import "" "f-drop" (func $f-drop (param i32)))
    (import "" "ws-new" (func $ws-new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "ret" (func $ret (param i32)))
    (import "" "ret-u32" (func $ret-u32 (param i32)))
    (import "" "e-new" (func $e-new (param i32 i32) (result i32)))
    (data (memory 0) (i32.const 300) "made by the guest")
    (global $rx (mut i32) (i32.const 0))
    (global $fw (mut i32) (i32.const 0))
    (global $set (mut i32) (i32.const 0))
    (global $sum (mut i32) (i32.const 0))
    ;; 1 while `sum` runs: the sum is its result, not a future's value
    (global $returns (mut i32) (i32.const 0))
    (func $add (param $n i32)
      (local $i i32)
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (global.set $sum (i32.add (global.get $sum) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
    (func $wait (result i32)
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $set) (i32.const 4))))
    ;; Applies a read's packed result, then reads again until a read waits
    ;; or the writer has dropped; returns the callback code.
    (func $on-read (param $r i32) (result i32)
      (loop $again
        (call $add (i32.shr_u (local.get $r) (i32.const 4)))
        (if (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))
          (then (return (call $finish))))
        (local.set $r (call $s-read (global.get $rx) (i32.const 0) (i32.const 100)))
        (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
          (then
            (call $join (global.get $rx) (global.get $set))
            (return (call $wait))))
        (br $again))
      unreachable)
    (func $finish (result i32)
      (call $s-drop (global.get $rx))
      (if (global.get $returns)
        (then
          (call $ret-u32 (global.get $sum))
          (return (i32.const 0 (; EXIT ;)))))
      (i32.store (i32.const 200) (global.get $sum))
      (if (i32.eq (call $f-write (global.get $fw) (i32.const 200)) (i32.const -1))
        (then
          (call $join (global.get $fw) (global.get $set))
          (return (call $wait))))
      (call $f-drop (global.get $fw))
      (i32.const 0 (; EXIT ;)))
    (func (export "sum") (param $s i32) (result i32)
      (global.set $rx (local.get $s))
      (global.set $sum (i32.const 0))
      (global.set $returns (i32.const 1))
      (global.set $set (call $ws-new))
      (call $on-read (i32.const 0)))
    (func (export "consume") (param $s i32) (result i32)
      (local $ends i64)
      (global.set $returns (i32.const 0))
      (global.set $rx (local.get $s))
      (global.set $sum (i32.const 0))
      (local.set $ends (call $f-new))
      (global.set $fw (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (call $ret (i32.wrap_i64 (local.get $ends)))
      (global.set $set (call $ws-new))
      ;; an empty completed read starts the loop
      (call $on-read (i32.const 0)))
    (func (export "cb") (param $event i32) (param $h i32) (param $p i32) (result i32)
      (if (i32.eq (local.get $event) (i32.const 2 (; STREAM_READ ;)))
        (then
          (call $join (global.get $rx) (i32.const 0))
          (return (call $on-read (local.get $p)))))
      (if (i32.eq (local.get $event) (i32.const 5 (; FUTURE_WRITE ;)))
        (then
          (call $f-drop (global.get $fw))
          (return (i32.const 0))))
      unreachable)
    (func (export "echo") (param i32) (result i32) (local.get 0))
    (func (export "make") (result i32) (call $e-new (i32.const 300) (i32.const 17))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "s-read" (func $s-read)) (export "s-drop" (func $s-drop))
    (export "f-new" (func $f-new)) (export "f-write" (func $f-write))
    (export "f-drop" (func $f-drop)) (export "ws-new" (func $ws-new))
    (export "join" (func $join)) (export "ret" (func $ret))
    (export "ret-u32" (func $ret-u32))
    (export "e-new" (func $e-new))))))
  (func (export "consume") async (param "s" $S) (result $F)
    (canon lift (core func $m "consume") async (callback (core func $m "cb"))))
  (func (export "sum") async (param "s" $S) (result u32)
    (canon lift (core func $m "sum") async (callback (core func $m "cb"))))
  (func (export "echo") (param "e" error-context) (result error-context)
    (canon lift (core func $m "echo")))
  (func (export "make") (result error-context) (canon lift (core func $m "make"))))"#
    )
}

/// Calls export `name` of `instance` with `params`; returns its one result.
fn call1<T: 'static>(
    store: &mut Store<T>,
    instance: &hostbind::Instance,
    name: &str,
    params: &[Val],
) -> hostbind::Result<Val> {
    let f = instance.get_func(store, name)?;
    let mut out = [Val::Bool(false)];
    f.call(store, params, &mut out)?;
    let [v] = out;
    Ok(v)
}

#[test]
fn the_host_reads_a_stream_and_a_future_an_export_returns() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &producer(), (), |_| Ok(()));

        let Val::Stream(words) = call1(&mut store, &instance, "words", &[]).unwrap() else {
            panic!("`words` gave no stream");
        };
        // One at a time: the writer's buffer stays pending between reads.
        let first = block_on(words.read(&mut store, 1)).unwrap();
        assert_eq!(first, Some(vec![Val::String("hello".into())]));
        let rest = block_on(words.read(&mut store, 4)).unwrap();
        assert_eq!(rest, Some(vec![Val::String("streams".into())]));
        // The writer never drops its end: reading on waits for nothing
        // that can happen.
        let err = block_on(words.read(&mut store, 4)).unwrap_err();
        assert!(
            message(&err).starts_with("the host's stream read did not complete: deadlock detected"),
            "{err:#}"
        );
        words.close(&mut store).unwrap();

        let Val::Future(answer) = call1(&mut store, &instance, "answer", &[]).unwrap() else {
            panic!("`answer` gave no future");
        };
        assert_eq!(
            block_on(answer.read(&mut store)).unwrap(),
            Some(Val::U32(42))
        );
    }
}

#[test]
fn the_host_writes_a_stream_it_made_into_a_guest() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        let consume = instance.get_func(&mut store, "consume").unwrap();
        let ty = consume.ty().params()[0].1.clone();
        assert!(matches!(ty.kind(), TypeKind::Stream(Some(_))), "{ty}");

        for len in [0usize, 1, 99, 100, 1000, 100_000] {
            let (tx, rx) = store.stream(&ty).unwrap();
            let mut out = [Val::Bool(false)];
            consume
                .call(&mut store, &[Val::Stream(rx)], &mut out)
                .unwrap();
            let [Val::Future(sum)] = out else {
                panic!("`consume` gave no future");
            };
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            // Half as bytes, half as values: the guest reads 100 at a time.
            let (a, b) = bytes.split_at(len / 2);
            assert_eq!(block_on(tx.write_bytes(&mut store, a)).unwrap(), a.len());
            let vals = b.iter().map(|&x| Val::U8(x)).collect();
            assert_eq!(block_on(tx.write(&mut store, vals)).unwrap(), b.len());
            tx.close(&mut store).unwrap();
            let want = bytes.iter().map(|&b| u32::from(b)).sum::<u32>();
            assert_eq!(
                block_on(sum.read(&mut store)).unwrap(),
                Some(Val::U32(want)),
                "len = {len}"
            );
        }
    }
}

/// The C producer of `tests/guests/c-stream-pair`, built with wit-bindgen.
const PRODUCER: &[u8] = include_bytes!("../../guests/c-stream-pair/producer.wasm");

#[test]
fn the_host_reads_the_c_producers_stream_and_future() {
    for engine in engines() {
        let c = Component::new(&engine, PRODUCER).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        for n in [0u32, 1, 64, 1000, 100_000] {
            let v = call1(
                &mut store,
                &instance,
                "hostbind:stream-pair/numbers#count",
                &[Val::U32(n)],
            )
            .unwrap();
            let Val::Tuple(parts) = v else {
                panic!("`count` gave {v:?}");
            };
            let [Val::Stream(bytes), Val::Future(sum)] = &parts[..] else {
                panic!("`count` gave {parts:?}");
            };
            let mut got = Vec::new();
            // Reads of 100 against the producer's writes of 64.
            while let Some(chunk) = block_on(bytes.read_bytes(&mut store, 100)).unwrap() {
                assert!(chunk.len() <= 100);
                got.extend(chunk);
            }
            let want: Vec<u8> = (1..=n).map(|i| (i % 256) as u8).collect();
            assert_eq!(got, want, "n = {n}");
            bytes.clone().close(&mut store).unwrap();
            let total = want.iter().map(|&b| u32::from(b)).sum::<u32>();
            assert_eq!(
                block_on(sum.clone().read(&mut store)).unwrap(),
                Some(Val::U32(total)),
                "n = {n}"
            );
        }
    }
}

#[test]
fn error_contexts_cross_between_host_and_guest() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        let made = call1(&mut store, &instance, "make", &[]).unwrap();
        let Val::ErrorContext(e) = &made else {
            panic!("`make` gave {made:?}");
        };
        assert_eq!(e.debug_message(), "made by the guest");
        let mine = Val::ErrorContext(ErrorContext::new("made by the host"));
        let back = call1(&mut store, &instance, "echo", &[mine]).unwrap();
        let Val::ErrorContext(e) = back else {
            panic!("`echo` gave {back:?}");
        };
        assert_eq!(e.debug_message(), "made by the host");
    }
}

#[test]
fn misused_host_ends_are_errors_that_say_what_was_wrong() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        let consume = instance.get_func(&mut store, "consume").unwrap();
        let ty = consume.ty().params()[0].1.clone();

        // A reader handed to the guest is the guest's.
        let (tx, rx) = store.stream(&ty).unwrap();
        let kept: StreamReader = rx.clone();
        let mut out = [Val::Bool(false)];
        consume
            .call(&mut store, &[Val::Stream(rx)], &mut out)
            .unwrap();
        let err = block_on(kept.read(&mut store, 1)).unwrap_err();
        assert_eq!(
            message(&err),
            "this stream end is no longer the host's: it was passed to a guest or closed, or its instance trapped"
        );
        // Values of the wrong type for a `stream<u8>`.
        let err = block_on(tx.write(&mut store, vec![Val::String("x".into())])).unwrap_err();
        assert_eq!(
            message(&err),
            "value 0 written to a stream of `u8` is a `string`"
        );
        tx.close(&mut store).unwrap();
        let [Val::Future(sum)] = core::mem::replace(&mut out, [Val::Bool(false)]) else {
            panic!("`consume` gave no future");
        };
        assert_eq!(block_on(sum.read(&mut store)).unwrap(), Some(Val::U32(0)));

        // The end of another store.
        let mut other = Store::new(&engine, ());
        let (tx2, rx2) = store.stream(&ty).unwrap();
        let err = block_on(rx2.read(&mut other, 1)).unwrap_err();
        assert_eq!(message(&err), "this stream end belongs to another store");
        // A type that is not a stream, and a stream of another element type.
        let not_stream = instance.get_func(&mut store, "echo").unwrap().ty().params()[0]
            .1
            .clone();
        let err = store.stream(&not_stream).unwrap_err();
        assert_eq!(message(&err), "`error-context` is not a stream type");
        let words = component(&engine, &producer());
        let p = Linker::new(&engine)
            .instantiate(&mut store, &words)
            .unwrap();
        let strings = p.get_func(&mut store, "words").unwrap().ty().results()[0].clone();
        let (tx3, rx3) = store.stream(&strings).unwrap();
        let err = consume
            .call(&mut store, &[Val::Stream(rx3)], &mut out)
            .unwrap_err();
        assert_eq!(
            message(&err),
            "a stream<string> was given where a stream<u8> is expected"
        );
        tx3.close(&mut store).unwrap();
        // Nothing reads the host's writes: a deadlock, not a hang.
        let err = block_on(tx2.write_bytes(&mut store, b"abc")).unwrap_err();
        assert!(
            message(&err)
                .starts_with("the host's stream write did not complete: deadlock detected"),
            "{err:#}"
        );
        rx2.close(&mut store).unwrap();
        assert_eq!(block_on(tx2.write_bytes(&mut store, b"abc")).unwrap(), 0);
    }
}

#[test]
fn calls_started_into_one_store_run_at_once() {
    for engine in engines() {
        let c = component(&engine, &consumer());
        let mut store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        // Two instances, so two `sum` tasks hold state apart.
        let one = linker.instantiate(&mut store, &c).unwrap();
        let two = linker.instantiate(&mut store, &c).unwrap();
        let sum1 = one.get_func(&mut store, "sum").unwrap();
        let sum2 = two.get_func(&mut store, "sum").unwrap();
        let ty = sum1.ty().params()[0].1.clone();
        let (tx1, rx1) = store.stream(&ty).unwrap();
        let (tx2, rx2) = store.stream(&ty).unwrap();

        // Both wait for their streams: neither has returned.
        let a = sum1.start(&mut store, &[Val::Stream(rx1)]).unwrap();
        let b = sum2.start(&mut store, &[Val::Stream(rx2)]).unwrap();
        assert!(!a.is_done() && !b.is_done());
        // The second finishes first; the first goes on meanwhile.
        block_on(async {
            assert_eq!(tx1.write_bytes(&mut store, &[1, 2, 3]).await.unwrap(), 3);
            assert_eq!(tx2.write_bytes(&mut store, &[200; 300]).await.unwrap(), 300);
            tx2.close(&mut store).unwrap();
            assert_eq!(b.finish(&mut store).await.unwrap(), vec![Val::U32(60_000)]);
            assert!(!a.is_done());
            assert_eq!(tx1.write_bytes(&mut store, &[4]).await.unwrap(), 1);
            // Closing runs no guest code: the task sees the end when the
            // loop next runs.
            tx1.close(&mut store).unwrap();
            assert!(!a.is_done());
            assert_eq!(a.finish(&mut store).await.unwrap(), vec![Val::U32(10)]);
        });

        // `call_async` is start and finish: a stream the host closed
        // before the call is summed in the call.
        let (tx, rx) = store.stream(&ty).unwrap();
        let pending = sum1.start(&mut store, &[Val::Stream(rx)]).unwrap();
        block_on(tx.write_bytes(&mut store, &[5, 6])).unwrap();
        tx.close(&mut store).unwrap();
        assert_eq!(
            block_on(pending.finish(&mut store)).unwrap(),
            vec![Val::U32(11)]
        );
        let (tx, rx) = store.stream(&ty).unwrap();
        tx.close(&mut store).unwrap();
        let got = block_on(sum2.call_async(&mut store, &[Val::Stream(rx)])).unwrap();
        assert_eq!(got, vec![Val::U32(0)]);
        // A synchronous export started is done at once.
        let make = one.get_func(&mut store, "make").unwrap();
        let call = make.start(&mut store, &[]).unwrap();
        assert!(call.is_done());
        let [Val::ErrorContext(e)] = &block_on(call.finish(&mut store)).unwrap()[..] else {
            panic!("`make` gave no error context");
        };
        assert_eq!(e.debug_message(), "made by the guest");
    }
}

#[test]
fn a_started_call_nothing_can_finish_is_a_deadlock() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        let sum = instance.get_func(&mut store, "sum").unwrap();
        let ty = sum.ty().params()[0].1.clone();
        let (_tx, rx) = store.stream(&ty).unwrap();
        let call = sum.start(&mut store, &[Val::Stream(rx)]).unwrap();
        let err = block_on(call.finish(&mut store)).unwrap_err();
        assert!(
            message(&err).starts_with("deadlock detected")
                && message(&err).contains("export `sum`"),
            "{err:#}"
        );
    }
}
