//! Host functions whose types pass streams and futures: an async host
//! function returns a stream that a task it spawned writes, and a future
//! it writes later; another reads a stream the guest passes it while the
//! guest goes on writing; a synchronous one receives a stream and keeps it.
//! The same through `Linker::func_new_async`, `#[host_fn]` with typed ends,
//! and `bindgen!` (with `async_imports`). The guest is WAT with stackful
//! async exports, on both engines.

use hostbind::{Access, Caller, FuncType, HostFuture, Linker, Store, StreamReader, Val};
use hostbind_tests::{component, engines, message};

use crate::async_host_fns::{Yields, block_on};

/// A bump allocator and memory.
const LIBC: &str = r#"
    (core module $libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 32768))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))"#;

/// `pull(n)` calls `digits(n)` (sync-lowered) and sums the bytes of the
/// stream it returns, reading with a blocking `stream.read`, then adds the
/// value of the future `later(n)` returns. `push(n)` writes the bytes
/// 1..=n into a new stream, passes its readable end to `sum` (lowered
/// async), waits for its write to finish, drops its writable end, waits
/// for `sum` and returns its result. `hold(n)` passes a new stream to the
/// synchronous `keep` and returns `n` plus what it returns.
fn guest() -> String {
    format!(
        r#"(component
  {LIBC}
  (type $S (stream u8))
  (type $F (future u32))
  (import "digits" (func $digits (param "n" u32) (result $S)))
  (import "later" (func $later (param "n" u32) (result $F)))
  (import "sum" (func $sum async (param "s" $S) (result u32)))
  (import "keep" (func $keep (param "s" $S) (result u32)))
  (core func $digits (canon lower (func $digits)))
  (core func $later (canon lower (func $later)))
  (core func $sum (canon lower (func $sum) async (memory (core memory $libc "mem"))))
  (core func $keep (canon lower (func $keep)))
  (core func $s-new (canon stream.new $S))
  (core func $s-read (canon stream.read $S (memory (core memory $libc "mem"))))
  (core func $s-write (canon stream.write $S async (memory (core memory $libc "mem"))))
  (core func $drop-r (canon stream.drop-readable $S))
  (core func $drop-w (canon stream.drop-writable $S))
  (core func $f-read (canon future.read $F (memory (core memory $libc "mem"))))
  (core func $f-drop (canon future.drop-readable $F))
  (core func $set-new (canon waitable-set.new))
  (core func $set-wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $set-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $sub-drop (canon subtask.drop))
  (core func $ret (canon task.return (result u32)))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "digits" (func $digits (param i32) (result i32)))
    (import "" "later" (func $later (param i32) (result i32)))
    (import "" "sum" (func $sum (param i32 i32) (result i32)))
    (import "" "keep" (func $keep (param i32) (result i32)))
    (import "" "s-new" (func $s-new (result i64)))
    (import "" "s-read" (func $s-read (param i32 i32 i32) (result i32)))
    (import "" "s-write" (func $s-write (param i32 i32 i32) (result i32)))
    (import "" "drop-r" (func $drop-r (param i32)))
    (import "" "drop-w" (func $drop-w (param i32)))
    (import "" "f-read" (func $f-read (param i32 i32) (result i32)))
    (import "" "f-drop" (func $f-drop (param i32)))
    (import "" "set-new" (func $set-new (result i32)))
    (import "" "set-wait" (func $set-wait (param i32 i32) (result i32)))
    (import "" "set-drop" (func $set-drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "sub-drop" (func $sub-drop (param i32)))
    (import "" "ret" (func $ret (param i32)))
    ;; Waits for one event on waitable `w`; returns its payload.
    (func $wait1 (param $w i32) (result i32)
      (local $set i32)
      (local.set $set (call $set-new))
      (call $join (local.get $w) (local.get $set))
      (drop (call $set-wait (local.get $set) (i32.const 16)))
      (call $join (local.get $w) (i32.const 0))
      (call $set-drop (local.get $set))
      (i32.load (i32.const 20)))
    (func (export "pull") (param $n i32)
      (local $rx i32) (local $r i32) (local $sum i32) (local $i i32) (local $k i32)
      (local $f i32)
      (local.set $rx (call $digits (local.get $n)))
      (block $done (loop $next
        (local.set $r (call $s-read (local.get $rx) (i32.const 2048) (i32.const 100)))
        (local.set $k (i32.shr_u (local.get $r) (i32.const 4)))
        (local.set $i (i32.const 0))
        (block $b (loop $l
          (br_if $b (i32.ge_u (local.get $i) (local.get $k)))
          (local.set $sum (i32.add (local.get $sum)
            (i32.load8_u (i32.add (i32.const 2048) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        ;; DROPPED: the writer is done
        (br_if $done (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)))
        (br $next)))
      (call $drop-r (local.get $rx))
      (local.set $f (call $later (local.get $n)))
      ;; COMPLETED
      (if (i32.ne (call $f-read (local.get $f) (i32.const 64)) (i32.const 0))
        (then unreachable))
      (call $f-drop (local.get $f))
      (call $ret (i32.add (local.get $sum) (i32.load (i32.const 64)))))
    (func (export "push") (param $n i32)
      (local $ends i64) (local $tx i32) (local $i i32) (local $status i32) (local $sub i32)
      (local.set $ends (call $s-new))
      (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (i32.const 4096) (local.get $i))
          (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      ;; BLOCKED: nobody reads yet
      (if (i32.ne (call $s-write (local.get $tx) (i32.const 4096) (local.get $n)) (i32.const -1))
        (then unreachable))
      (local.set $status (call $sum (i32.wrap_i64 (local.get $ends)) (i32.const 8192)))
      ;; `sum` took the bytes and waits for the end: the write is done
      (if (i32.ne (call $wait1 (local.get $tx)) (i32.shl (local.get $n) (i32.const 4)))
        (then unreachable))
      (call $drop-w (local.get $tx))
      ;; STARTED, then RETURNED
      (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 1))
        (then unreachable))
      (local.set $sub (i32.shr_u (local.get $status) (i32.const 4)))
      (if (i32.ne (call $wait1 (local.get $sub)) (i32.const 2))
        (then unreachable))
      (call $sub-drop (local.get $sub))
      (call $ret (i32.load (i32.const 8192))))
    (func (export "hold") (param $n i32)
      (local $ends i64)
      (local.set $ends (call $s-new))
      (call $drop-w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (call $ret (i32.add (local.get $n)
        (call $keep (i32.wrap_i64 (local.get $ends)))))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "digits" (func $digits)) (export "later" (func $later))
    (export "sum" (func $sum)) (export "keep" (func $keep))
    (export "s-new" (func $s-new)) (export "s-read" (func $s-read))
    (export "s-write" (func $s-write)) (export "drop-r" (func $drop-r))
    (export "drop-w" (func $drop-w)) (export "f-read" (func $f-read))
    (export "f-drop" (func $f-drop)) (export "set-new" (func $set-new))
    (export "set-wait" (func $set-wait)) (export "set-drop" (func $set-drop))
    (export "join" (func $join)) (export "sub-drop" (func $sub-drop))
    (export "ret" (func $ret))))))
  (func (export "pull") async (param "n" u32) (result u32)
    (canon lift (core func $m "pull") async))
  (func (export "push") async (param "n" u32) (result u32)
    (canon lift (core func $m "push") async))
  (func (export "hold") async (param "n" u32) (result u32)
    (canon lift (core func $m "hold") async)))"#
    )
}

/// What the host functions saw.
#[derive(Default)]
struct Seen {
    /// The chunks `sum` read, in order.
    chunks: Vec<Vec<u8>>,
    /// The stream `keep` kept.
    kept: Option<StreamReader>,
}

fn u32_of(v: &Val) -> hostbind::Result<u32> {
    match v {
        Val::U32(n) => Ok(*n),
        other => anyhow::bail!("expected a u32, got {other:?}"),
    }
}

fn linker(engine: &hostbind::Engine) -> Linker<Seen> {
    let mut linker = Linker::new(engine);
    let mut root = linker.root();
    // Returns a stream at once; a spawned task writes 1..=n into it, a
    // byte at a time, yielding between writes, then closes it.
    root.func_new_async(
        "digits",
        |access: Access<Seen>, ty: FuncType, params: Vec<Val>| -> HostFuture {
            Box::pin(async move {
                let n = u32_of(&params[0])?;
                let (tx, rx) = access.stream(&ty.results()[0])?;
                let writer = access.clone();
                access.spawn(async move {
                    for i in 1..=n {
                        let taken = tx.write_bytes(&writer, &[i as u8]).await?;
                        anyhow::ensure!(taken == 1, "the guest took {taken} bytes");
                        Yields(1).await;
                    }
                    tx.close(&writer)
                })?;
                Ok(vec![Val::Stream(rx)])
            })
        },
    )
    .unwrap();
    // Returns a future that a spawned task writes `n * 1000` into later.
    root.func_new_async("later", |access, ty, params| {
        Box::pin(async move {
            let n = u32_of(&params[0])?;
            let (tx, rx) = access.future(&ty.results()[0])?;
            let writer = access.clone();
            access.spawn(async move {
                Yields(3).await;
                let taken = tx.write(&writer, Val::U32(n * 1000)).await?;
                anyhow::ensure!(taken, "the guest dropped the future unread");
                Ok(())
            })?;
            Ok(vec![Val::Future(rx)])
        })
    })
    .unwrap();
    // Reads the stream it is given, 3 bytes at most at a time, to its end.
    root.func_new_async("sum", |access, _, params| {
        Box::pin(async move {
            let Some(Val::Stream(rx)) = params.into_iter().next() else {
                anyhow::bail!("`sum` takes a stream");
            };
            let mut sum = 0;
            while let Some(chunk) = rx.read_bytes(&access, 3).await? {
                sum += chunk.iter().map(|&b| u32::from(b)).sum::<u32>();
                access.with(|seen| seen.chunks.push(chunk))?;
            }
            rx.close(&access)?;
            Ok(vec![Val::U32(sum)])
        })
    })
    .unwrap();
    // A synchronous host function keeps the stream it is given.
    root.func_new(
        "keep",
        |mut caller: Caller<'_, Seen>, _, params, results| {
            let Val::Stream(rx) = &params[0] else {
                anyhow::bail!("`keep` takes a stream");
            };
            caller.data_mut().kept = Some(rx.clone());
            results[0] = Val::U32(7);
            Ok(())
        },
    )
    .unwrap();
    linker
}

fn call(store: &mut Store<Seen>, instance: &hostbind::Instance, name: &str, n: u32) -> u32 {
    let f = instance.get_func(&mut *store, name).unwrap();
    let out = block_on(f.call_async(&mut *store, &[Val::U32(n)]))
        .unwrap_or_else(|e| panic!("`{name}` failed: {}", message(&e)));
    u32_of(&out[0]).unwrap()
}

#[test]
fn host_returns_a_stream_and_a_future_that_spawned_tasks_write() {
    for engine in engines() {
        let c = component(&engine, &guest());
        let mut store = Store::new(&engine, Seen::default());
        let instance = linker(&engine).instantiate(&mut store, &c).unwrap();
        // 1 + 2 + ... + 10, then 10 * 1000 from the future.
        assert_eq!(call(&mut store, &instance, "pull", 10), 55 + 10_000);
        assert_eq!(call(&mut store, &instance, "pull", 0), 0);
    }
}

#[test]
fn async_host_function_reads_the_stream_a_guest_passes_it() {
    for engine in engines() {
        let c = component(&engine, &guest());
        let mut store = Store::new(&engine, Seen::default());
        let instance = linker(&engine).instantiate(&mut store, &c).unwrap();
        assert_eq!(call(&mut store, &instance, "push", 8), 36);
        // The guest wrote all 8 bytes at once; `sum` read at most 3 at a time.
        assert_eq!(
            store.data().chunks,
            vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8]]
        );
    }
}

#[test]
fn synchronous_host_function_keeps_a_stream_for_later() {
    for engine in engines() {
        let c = component(&engine, &guest());
        let mut store = Store::new(&engine, Seen::default());
        let instance = linker(&engine).instantiate(&mut store, &c).unwrap();
        assert_eq!(call(&mut store, &instance, "hold", 1), 8);
        let kept = store
            .data_mut()
            .kept
            .take()
            .expect("`keep` kept the stream");
        // The guest dropped the writable end: the host reads the end.
        assert_eq!(block_on(kept.read_bytes(&mut store, 10)).unwrap(), None);
        kept.close(&mut store).unwrap();
    }
}

/// What the typed host functions saw.
#[derive(Default)]
struct Typed {
    chunks: Vec<Vec<u8>>,
    kept: Option<hostbind::StreamReader<u8>>,
}

/// `digits` through `#[host_fn] async fn`: a typed stream, written whole
/// by the task it spawns.
#[hostbind::host_fn]
async fn digits_typed(access: Access<Typed>, n: u32) -> hostbind::Result<StreamReader<u8>> {
    let (tx, rx) = hostbind::stream::<u8>(&access)?;
    let writer = access.clone();
    access.spawn(async move {
        let bytes: Vec<u8> = (1..=n).map(|i| i as u8).collect();
        let taken = tx.write(&writer, bytes).await?;
        anyhow::ensure!(taken == n as usize, "the guest took {taken} bytes");
        tx.close(&writer)
    })?;
    Ok(rx)
}

#[hostbind::host_fn]
async fn later_typed(
    access: Access<Typed>,
    n: u32,
) -> hostbind::Result<hostbind::FutureReader<u32>> {
    let (tx, rx) = hostbind::future::<u32>(&access)?;
    let writer = access.clone();
    access.spawn(async move {
        Yields(2).await;
        anyhow::ensure!(tx.write(&writer, n * 1000).await?, "unread");
        Ok(())
    })?;
    Ok(rx)
}

#[hostbind::host_fn]
async fn sum_typed(access: Access<Typed>, s: StreamReader<u8>) -> hostbind::Result<u32> {
    let mut sum = 0;
    while let Some(chunk) = s.read(&access, 3).await? {
        sum += chunk.iter().map(|&b| u32::from(b)).sum::<u32>();
        access.with(|t| t.chunks.push(chunk))?;
    }
    s.close(&access)?;
    Ok(sum)
}

#[hostbind::host_fn]
fn keep_typed(typed: &mut Typed, s: StreamReader<u8>) -> u32 {
    typed.kept = Some(s);
    7
}

#[test]
fn typed_host_functions_pass_typed_streams_and_futures() {
    for engine in engines() {
        let c = component(&engine, &guest());
        let mut linker = Linker::<Typed>::new(&engine);
        linker
            .root()
            .func("digits", digits_typed)
            .unwrap()
            .func("later", later_typed)
            .unwrap()
            .func("sum", sum_typed)
            .unwrap()
            .func("keep", keep_typed)
            .unwrap();
        let mut store = Store::new(&engine, Typed::default());
        let instance = linker.instantiate(&mut store, &c).unwrap();
        let call = |store: &mut Store<Typed>, name: &str, n: u32| {
            let f = instance
                .get_typed_func::<(u32,), (u32,)>(&mut *store, name)
                .unwrap();
            block_on(f.call_async(&mut *store, (n,)))
                .unwrap_or_else(|e| panic!("`{name}` failed: {}", message(&e)))
                .0
        };
        assert_eq!(call(&mut store, "pull", 10), 55 + 10_000);
        assert_eq!(call(&mut store, "push", 8), 36);
        assert_eq!(
            store.data().chunks,
            vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8]]
        );
        assert_eq!(call(&mut store, "hold", 1), 8);
        let kept = store.data_mut().kept.take().unwrap();
        assert_eq!(block_on(kept.read(&mut store, 10)).unwrap(), None);
        kept.close(&mut store).unwrap();
    }
}

#[test]
fn typed_ends_cross_typed_exports_and_misuse_is_named() {
    use crate::async_host_ends::{consumer, producer};
    use hostbind::{ErrorContext, FutureReader};
    use hostbind_tests::instantiate;
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &producer(), (), |_| Ok(()));
        let words = instance
            .get_typed_func::<(), (StreamReader<String>,)>(&mut store, "words")
            .unwrap();
        let (rx,) = words.call(&mut store, ()).unwrap();
        // Strings lifted straight from the guest's buffer.
        let first = block_on(rx.read(&mut store, 1)).unwrap();
        assert_eq!(first, Some(vec!["hello".to_string()]));
        let rest = block_on(rx.read(&mut store, 4)).unwrap();
        assert_eq!(rest, Some(vec!["streams".to_string()]));
        rx.close(&mut store).unwrap();
        let answer = instance
            .get_typed_func::<(), (FutureReader<u32>,)>(&mut store, "answer")
            .unwrap();
        let (f,) = answer.call(&mut store, ()).unwrap();
        assert_eq!(block_on(f.read(&mut store)).unwrap(), Some(42));
        // A stream of the wrong element type is refused at lookup.
        let err = instance
            .get_typed_func::<(), (StreamReader<u32>,)>(&mut store, "words")
            .unwrap_err();
        let text = message(&err);
        assert!(
            text.contains("stream<u32>") && text.contains("stream<string>"),
            "{text}"
        );

        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        let consume = instance
            .get_typed_func::<(StreamReader<u8>,), (FutureReader<u32>,)>(&mut store, "consume")
            .unwrap();
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 256) as u8).collect();
        let (tx, rx) = hostbind::stream::<u8>(&mut store).unwrap();
        let (sum,) = consume.call(&mut store, (rx.clone(),)).unwrap();
        // The whole buffer in one call; the guest reads 100 at a time.
        assert_eq!(block_on(tx.write(&mut store, &bytes[..])).unwrap(), 1000);
        tx.close(&mut store).unwrap();
        let want = bytes.iter().map(|&b| u32::from(b)).sum::<u32>();
        assert_eq!(block_on(sum.read(&mut store)).unwrap(), Some(want));
        // The reader went to the guest: the host's copy is no end of its.
        let err = rx.close(&mut store).unwrap_err();
        assert!(message(&err).contains("no longer the host's"), "{err:#}");
        // A typed end of an element type the guest does not use.
        let (tx, rx) = hostbind::stream::<String>(&mut store).unwrap();
        let sum_export = instance
            .get_typed_func::<(StreamReader<String>,), (u32,)>(&mut store, "sum")
            .unwrap_err();
        assert!(
            message(&sum_export).contains("stream<u8>"),
            "{sum_export:#}"
        );
        tx.close(&mut store).unwrap();
        rx.close(&mut store).unwrap();

        let echo = instance
            .get_typed_func::<(ErrorContext,), (ErrorContext,)>(&mut store, "echo")
            .unwrap();
        let (back,) = echo
            .call(&mut store, (ErrorContext::new("typed"),))
            .unwrap();
        assert_eq!(back.debug_message(), "typed");
    }
}

mod ends {
    ::hostbind::bindgen!({
        inline: "
            package test:ends;
            world ends {
                import digits: func(n: u32) -> stream<u8>;
                import later: func(n: u32) -> future<u32>;
                import sum: async func(s: stream<u8>) -> u32;
                import keep: func(s: stream<u8>) -> u32;
                export pull: async func(n: u32) -> u32;
                export push: async func(n: u32) -> u32;
                export hold: async func(n: u32) -> u32;
            }
        ",
        trappable: true,
        // Both return an end that a task of theirs writes: they need the
        // store, so their methods are async though WIT's are not.
        async_imports: ["digits", "later"],
    });
}

/// The `bindgen!` host: what `Typed` saw, through the generated trait.
#[derive(Default)]
struct Bound(Typed);

impl ends::Host for Bound {
    async fn digits(access: Access<Self>, n: u32) -> hostbind::Result<StreamReader<u8>> {
        let (tx, rx) = hostbind::stream::<u8>(&access)?;
        let writer = access.clone();
        access.spawn(async move {
            let bytes: Vec<u8> = (1..=n).map(|i| i as u8).collect();
            tx.write(&writer, bytes).await?;
            tx.close(&writer)
        })?;
        Ok(rx)
    }

    async fn later(access: Access<Self>, n: u32) -> hostbind::Result<hostbind::FutureReader<u32>> {
        let (tx, rx) = hostbind::future::<u32>(&access)?;
        let writer = access.clone();
        access.spawn(async move {
            tx.write(&writer, n * 1000).await?;
            Ok(())
        })?;
        Ok(rx)
    }

    async fn sum(access: Access<Self>, s: StreamReader<u8>) -> hostbind::Result<u32> {
        let bytes = s.read_to_end(&access).await?;
        s.close(&access)?;
        access.with(|b| b.0.chunks.push(bytes.clone()))?;
        Ok(bytes.iter().map(|&b| u32::from(b)).sum())
    }

    fn keep(&mut self, s: StreamReader<u8>) -> hostbind::Result<u32> {
        self.0.kept = Some(s);
        Ok(7)
    }
}

#[test]
fn bindgen_binds_streams_futures_and_async_imports() {
    for engine in engines() {
        let c = component(&engine, &guest());
        let mut linker = Linker::<Bound>::new(&engine);
        ends::Ends::add_to_linker(&mut linker, |b: &mut Bound| b).unwrap();
        let mut store = Store::new(&engine, Bound::default());
        let bound = ends::Ends::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(bound.call_pull(&mut store, 10).unwrap(), 55 + 10_000);
        assert_eq!(block_on(bound.call_push_async(&mut store, 8)).unwrap(), 36);
        assert_eq!(store.data().0.chunks, vec![(1..=8).collect::<Vec<u8>>()]);
        assert_eq!(bound.call_hold(&mut store, 1).unwrap(), 8);
        let kept = store.data_mut().0.kept.take().unwrap();
        assert_eq!(block_on(kept.read(&mut store, 10)).unwrap(), None);
        kept.close(&mut store).unwrap();
    }
}

/// `run` makes a `conn`, calls its async method `fetch` (lowered async),
/// waits for it, drops the `conn` and returns what `fetch` returned;
/// `drop-early` drops the `conn` while `fetch` still borrows it.
const CONN_GUEST: &str = r#"(component
  (import "a:b/api" (instance $api
    (export "conn" (type $conn (sub resource)))
    (export "[constructor]conn" (func (result (own $conn))))
    (export "[method]conn.fetch" (func async (param "self" (borrow $conn)) (result u32)))))
  (alias export $api "conn" (type $conn))
  (alias export $api "[constructor]conn" (func $new))
  (alias export $api "[method]conn.fetch" (func $fetch))
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core func $new (canon lower (func $new)))
  (core func $fetch (canon lower (func $fetch) async (memory (core memory $libc "mem"))))
  (core func $drop (canon resource.drop $conn))
  (core func $set-new (canon waitable-set.new))
  (core func $set-wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $set-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $sub-drop (canon subtask.drop))
  (core func $ret (canon task.return (result u32)))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "new" (func $new (result i32)))
    (import "" "fetch" (func $fetch (param i32 i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "set-new" (func $set-new (result i32)))
    (import "" "set-wait" (func $set-wait (param i32 i32) (result i32)))
    (import "" "set-drop" (func $set-drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "sub-drop" (func $sub-drop (param i32)))
    (import "" "ret" (func $ret (param i32)))
    (func (export "run")
      (local $c i32) (local $st i32) (local $set i32)
      (local.set $c (call $new))
      (local.set $st (call $fetch (local.get $c) (i32.const 64)))
      ;; STARTED: the host's future waits
      (if (i32.ne (i32.and (local.get $st) (i32.const 0xf)) (i32.const 1))
        (then unreachable))
      (local.set $set (call $set-new))
      (call $join (i32.shr_u (local.get $st) (i32.const 4)) (local.get $set))
      (drop (call $set-wait (local.get $set) (i32.const 16)))
      ;; RETURNED
      (if (i32.ne (i32.load (i32.const 20)) (i32.const 2)) (then unreachable))
      (call $sub-drop (i32.shr_u (local.get $st) (i32.const 4)))
      (call $set-drop (local.get $set))
      (call $drop (local.get $c))
      (call $ret (i32.load (i32.const 64))))
    (func (export "drop-early")
      (local $c i32)
      (local.set $c (call $new))
      (drop (call $fetch (local.get $c) (i32.const 64)))
      (call $drop (local.get $c))
      (call $ret (i32.const 0))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "new" (func $new)) (export "fetch" (func $fetch)) (export "drop" (func $drop))
    (export "set-new" (func $set-new)) (export "set-wait" (func $set-wait))
    (export "set-drop" (func $set-drop)) (export "join" (func $join))
    (export "sub-drop" (func $sub-drop)) (export "ret" (func $ret))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run") async))
  (func (export "drop-early") async (result u32) (canon lift (core func $m "drop-early") async)))"#;

mod conns {
    ::hostbind::bindgen!({
        inline: "
            package a:b;
            interface api {
                resource conn {
                    constructor();
                    fetch: async func() -> u32;
                }
            }
            world conns {
                import api;
                export run: async func() -> u32;
                export drop-early: async func() -> u32;
            }
        ",
    });
}

#[derive(Default)]
struct Conns {
    dropped: u32,
}

impl conns::a::b::api::HostConn for Conns {
    fn new(&mut self) -> hostbind::Resource<conns::a::b::api::Conn> {
        hostbind::Resource::new(7)
    }

    async fn fetch(access: Access<Self>, this: hostbind::Borrow<conns::a::b::api::Conn>) -> u32 {
        // The guest goes on while this waits; `this` stays lent.
        Yields(2).await;
        let _ = access.with(|_| ());
        this.rep() * 10
    }

    fn drop(&mut self, _: hostbind::Resource<conns::a::b::api::Conn>) -> hostbind::Result<()> {
        self.dropped += 1;
        Ok(())
    }
}

impl conns::a::b::api::Host for Conns {}

#[test]
fn async_resource_methods_keep_their_borrow_until_done() {
    for engine in engines() {
        let c = component(&engine, CONN_GUEST);
        let mut linker = Linker::<Conns>::new(&engine);
        conns::Conns::add_to_linker(&mut linker, |c: &mut Conns| c).unwrap();
        let mut store = Store::new(&engine, Conns::default());
        let guest = conns::Conns::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(guest.call_run(&mut store).unwrap(), 70);
        assert_eq!(store.data().dropped, 1);
        // Dropping the `conn` while `fetch` borrows it traps.
        let err = guest.call_drop_early(&mut store).unwrap_err();
        let text = message(&err);
        assert!(text.contains("while it is lent to 1 borrow"), "{text}");
        assert_eq!(store.data().dropped, 1);
    }
}

#[test]
fn dropping_a_host_end_closes_it() {
    use crate::async_host_ends::consumer;
    use hostbind_tests::instantiate;
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, &consumer(), (), |_| Ok(()));
        // Typed: the writer is dropped, not closed; the guest's read sees
        // the end dropped, and `sum` returns.
        let sum = instance
            .get_typed_func::<(StreamReader<u8>,), (u32,)>(&mut store, "sum")
            .unwrap();
        let (tx, rx) = hostbind::stream::<u8>(&mut store).unwrap();
        let call = sum.start(&mut store, (rx,)).unwrap();
        block_on(tx.write(&mut store, vec![1, 2, 3])).unwrap();
        drop(tx);
        assert_eq!(block_on(call.finish(&mut store)).unwrap(), (6,));

        // Dynamic: the same.
        let dynamic = instance.get_func(&mut store, "sum").unwrap();
        let ty = dynamic.ty().params()[0].1.clone();
        let (tx, rx) = store.stream(&ty).unwrap();
        let call = dynamic.start(&mut store, &[Val::Stream(rx)]).unwrap();
        block_on(tx.write_bytes(&mut store, &[4, 5])).unwrap();
        drop(tx);
        assert_eq!(block_on(call.finish(&mut store)).unwrap(), [Val::U32(9)]);
    }
}

/// The C consumer of `tests/guests/c-stream-pair` (wit-bindgen, async
/// C): it imports `count(n) -> tuple<stream<u8>, future<u32>>` and its
/// `total(n)` reads all of both.
const C_CONSUMER: &[u8] = include_bytes!("../../guests/c-stream-pair/consumer.wasm");

/// `count` for the C consumer: a typed stream and future, written by a
/// task spawned on the store's loop, in chunks of `chunk` bytes.
#[hostbind::host_fn]
async fn count(
    access: Access<u32>,
    n: u32,
) -> hostbind::Result<(StreamReader<u8>, hostbind::FutureReader<u32>)> {
    let bytes: Vec<u8> = (1..=n).map(|i| (i % 256) as u8).collect();
    let sum = bytes.iter().map(|&b| u32::from(b)).sum::<u32>();
    let chunk = access.with(|c| *c as usize)?;
    let (tx, rx) = hostbind::stream::<u8>(&access)?;
    let (ftx, frx) = hostbind::future::<u32>(&access)?;
    let writer = access.clone();
    access.spawn(async move {
        for part in bytes.chunks(chunk.max(1)) {
            let taken = tx.write(&writer, part).await?;
            anyhow::ensure!(taken == part.len(), "the guest dropped the stream");
            Yields(1).await;
        }
        drop(tx);
        ftx.write(&writer, sum).await?;
        Ok(())
    })?;
    Ok((rx, frx))
}

#[test]
fn typed_host_function_serves_the_c_consumer() {
    for engine in engines() {
        let c = hostbind::Component::new(&engine, C_CONSUMER).unwrap();
        let mut linker = Linker::<u32>::new(&engine);
        linker
            .instance("hostbind:stream-pair/numbers")
            .unwrap()
            .func("count", count)
            .unwrap();
        for chunk in [1u32, 64, 100_000] {
            let mut store = Store::new(&engine, chunk);
            let instance = linker.instantiate(&mut store, &c).unwrap();
            let total = instance
                .get_typed_func::<(u32,), ((u32, u32, u32),)>(&mut store, "total")
                .unwrap();
            for n in [0u32, 1, 1000, 70_000] {
                if chunk == 1 && n > 1000 {
                    continue;
                }
                let want = (1..=n).map(|i| i % 256).sum::<u32>();
                let ((sum, len, fut),) = block_on(total.call_async(&mut store, (n,)))
                    .unwrap_or_else(|e| panic!("n = {n}, chunk = {chunk}: {}", message(&e)));
                assert_eq!((sum, len, fut), (want, n, want), "n = {n}, chunk = {chunk}");
            }
        }
    }
}
