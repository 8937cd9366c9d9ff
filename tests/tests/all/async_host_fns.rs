//! Async host functions (`LinkerInstance::func_new_async`) serving real
//! guests: the C async guest's async-lowered `add` becomes a subtask while
//! its future waits, its sync-lowered `log` blocks the calling task, a
//! synchronous component blocks until its host function's future is woken
//! from another thread, and every misuse is a named error.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hostbind::{Access, Component, FuncType, HostFuture, Linker, Store, Val};
use hostbind_tests::{Echo, Ret, echo_guest, engines, message};

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../../guests/c-async/guest.wasm");

/// Polls `f` to completion on this thread, parking it while `f` waits: a
/// real waker, so a future that is not woken would hang here.
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread, std::sync::atomic::AtomicBool);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.1.store(true, Ordering::Release);
            self.0.unpark();
        }
    }
    let unpark = Arc::new(Unpark(
        std::thread::current(),
        std::sync::atomic::AtomicBool::new(false),
    ));
    let waker = Waker::from(unpark.clone());
    let mut cx = Context::from_waker(&waker);
    let mut f = core::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        while !unpark.1.swap(false, Ordering::AcqRel) {
            std::thread::park();
        }
    }
}

/// [`block_on`], also counting the polls that found `f` pending.
fn block_on_counting<F: Future>(f: F) -> (F::Output, usize) {
    let pending = AtomicUsize::new(0);
    let mut f = core::pin::pin!(f);
    let out = block_on(core::future::poll_fn(|cx| {
        let p = f.as_mut().poll(cx);
        if p.is_pending() {
            pending.fetch_add(1, Ordering::Relaxed);
        }
        p
    }));
    (out, pending.into_inner())
}

/// A future that is pending `n` times, waking itself each time (as a
/// future waiting on a timer or a socket that is ready at once would).
pub(crate) struct Yields(pub(crate) u32);

impl Future for Yields {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A value another thread sends after `delay`: pending until then, and
/// woken from that thread.
fn later<V: Send + 'static>(v: V, delay: std::time::Duration) -> impl Future<Output = V> + Send {
    struct Slot<V>(Mutex<(Option<V>, Option<Waker>)>);
    struct Later<V>(Arc<Slot<V>>);
    impl<V> Future for Later<V> {
        type Output = V;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<V> {
            let mut s = self.0.0.lock().unwrap();
            match s.0.take() {
                Some(v) => Poll::Ready(v),
                None => {
                    s.1 = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        }
    }
    let slot = Arc::new(Slot(Mutex::new((None, None))));
    let sender = slot.clone();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        let mut s = sender.0.lock().unwrap();
        s.0 = Some(v);
        if let Some(w) = s.1.take() {
            w.wake();
        }
    });
    Later(slot)
}

/// Counts the polls of `add`'s futures that found them pending.
#[derive(Default)]
struct Host {
    log: Vec<String>,
    pending_adds: usize,
}

fn u32_of(v: &Val) -> anyhow::Result<u32> {
    match v {
        Val::U32(n) => Ok(*n),
        other => anyhow::bail!("expected a u32, got {other:?}"),
    }
}

/// `add` waits `yields` times before it adds; `log` waits once, then
/// records the line in the store's data.
fn link(linker: &mut Linker<Host>, yields: u32) {
    let mut host = linker.instance("hostbind:async-guest/host").unwrap();
    host.func_new_async(
        "add",
        move |access: Access<Host>, _: FuncType, params: Vec<Val>| -> HostFuture {
            Box::pin(async move {
                let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
                for _ in 0..yields {
                    access.with(|h| h.pending_adds += 1)?;
                    Yields(1).await;
                }
                Ok(vec![Val::U32(a.wrapping_add(b))])
            })
        },
    )
    .unwrap();
    host.func_new_async("log", |access: Access<Host>, _, params| {
        Box::pin(async move {
            Yields(1).await;
            let Val::String(line) = &params[0] else {
                anyhow::bail!("`log` takes a string");
            };
            access.with(|h| h.log.push(line.clone()))?;
            Ok(vec![])
        })
    })
    .unwrap();
}

#[test]
fn pending_async_host_calls_become_subtasks_of_the_c_guest() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        link(&mut linker, 3);
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        let out = block_on(sum_to.call_async(&mut store, &[Val::U32(10)])).unwrap();
        assert_eq!(out, [Val::U32(55)]);
        // Every `add` was pending three times before it returned.
        assert_eq!(store.data().pending_adds, 30);
        // `log` is lowered synchronously: the task blocked until it ran.
        assert_eq!(store.data().log, ["sum-to 10"]);
        // The synchronous API waits for the futures too.
        let typed = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
            .unwrap();
        assert_eq!(typed.call(&mut store, (100,)).unwrap(), (5050,));
        assert_eq!(store.data().log, ["sum-to 10", "sum-to 100"]);
    }
}

#[test]
fn calls_started_at_once_wait_for_their_host_futures_together() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        link(&mut linker, 2);
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        let calls: Vec<_> = (1..=4)
            .map(|n| sum_to.start(&mut store, &[Val::U32(n * 10)]).unwrap())
            .collect();
        let mut sums = Vec::new();
        for call in calls.into_iter().rev() {
            sums.push(block_on(call.finish(&mut store)).unwrap());
        }
        assert_eq!(
            sums,
            [
                [Val::U32(820)],
                [Val::U32(465)],
                [Val::U32(210)],
                [Val::U32(55)]
            ]
        );
        let mut log = store.data().log.clone();
        log.sort();
        assert_eq!(log, ["sum-to 10", "sum-to 20", "sum-to 30", "sum-to 40"]);
    }
}

#[test]
fn a_host_future_woken_from_another_thread_finishes_the_call() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        let mut host = linker.instance("hostbind:async-guest/host").unwrap();
        host.func_new_async("add", |_, _, params| {
            Box::pin(async move {
                let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
                let sum = later(a + b, std::time::Duration::from_millis(2)).await;
                Ok(vec![Val::U32(sum)])
            })
        })
        .unwrap();
        host.func_new("log", |_, _, _, _| Ok(())).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        // The call returns `Pending` while the other thread has not
        // answered, and its waker brings it back.
        let (out, pending) = block_on_counting(sum_to.call_async(&mut store, &[Val::U32(5)]));
        assert_eq!(out.unwrap(), [Val::U32(15)]);
        assert!(pending >= 1, "the call never waited");
    }
}

#[test]
fn a_synchronous_component_blocks_until_its_host_future_is_woken() {
    let wat = echo_guest(
        &[],
        &[Echo::new(
            "greet",
            "(param \"name\" string) (result string)",
            &["i32", "i32"],
            Ret::Memory,
        )],
        "",
    );
    for engine in engines() {
        let component = hostbind_tests::component(&engine, &wat);
        let mut linker = Linker::<u32>::new(&engine);
        linker
            .instance("test:host/api")
            .unwrap()
            .func_new_async("greet", |access, _, params| {
                Box::pin(async move {
                    let Val::String(name) = &params[0] else {
                        anyhow::bail!("`greet` takes a string");
                    };
                    let greeting = later(
                        format!("hello, {name}!"),
                        std::time::Duration::from_millis(2),
                    )
                    .await;
                    access.with(|n| *n += 1)?;
                    Ok(vec![Val::String(greeting)])
                })
            })
            .unwrap();
        let mut store = Store::new(&engine, 0u32);
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let greet = instance
            .get_typed_func::<(&str,), (String,)>(&mut store, "greet")
            .unwrap();
        assert_eq!(greet.call(&mut store, ("Ada",)).unwrap().0, "hello, Ada!");
        assert_eq!(greet.call(&mut store, ("世界",)).unwrap().0, "hello, 世界!");
        assert_eq!(*store.data(), 2);
    }
}

#[test]
fn a_failing_or_panicking_host_future_traps_its_caller() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        for panics in [false, true] {
            let mut linker = Linker::<Host>::new(&engine);
            let mut host = linker.instance("hostbind:async-guest/host").unwrap();
            host.func_new_async("add", move |_, _, _| {
                Box::pin(async move {
                    Yields(1).await;
                    if panics {
                        panic!("the database is gone");
                    }
                    anyhow::bail!("the database is gone")
                })
            })
            .unwrap();
            host.func_new("log", |_, _, _, _| Ok(())).unwrap();
            let mut store = Store::new(&engine, Host::default());
            let instance = linker.instantiate(&mut store, &component).unwrap();
            let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
            let err = block_on(sum_to.call_async(&mut store, &[Val::U32(3)])).unwrap_err();
            let text = message(&err);
            let want = match panics {
                true => {
                    "host function `hostbind:async-guest/host#add` panicked: the database is gone"
                }
                false => "host function `hostbind:async-guest/host#add` returned an error",
            };
            assert!(text.contains(want), "{text}");
        }
    }
}

#[test]
fn the_stores_data_is_out_of_reach_outside_the_hosts_poll() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        let mut host = linker.instance("hostbind:async-guest/host").unwrap();
        host.func_new_async("add", |access, _, params| {
            Box::pin(async move {
                // Another thread holds the access while the future runs.
                let elsewhere = access.clone();
                let there =
                    std::thread::spawn(move || elsewhere.with(|h| h.pending_adds).map(|_| ()))
                        .join()
                        .unwrap();
                let text = format!("{:#}", there.unwrap_err());
                assert!(text.contains("reachable only while hostbind"), "{text}");
                // A nested `with` finds nothing either.
                let nested = access.with(|_| access.with(|_| ()))?;
                let text = format!("{:#}", nested.unwrap_err());
                assert!(
                    text.contains("not from inside another `Access::with`"),
                    "{text}"
                );
                let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
                Ok(vec![Val::U32(a + b)])
            })
        })
        .unwrap();
        host.func_new("log", |_, _, _, _| Ok(())).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        let out = block_on(sum_to.call_async(&mut store, &[Val::U32(4)])).unwrap();
        assert_eq!(out, [Val::U32(10)]);
    }
}

/// The componentize-py guest awaits `add` through an async lowering: each
/// call that is not ready becomes a subtask its asyncio loop waits on.
#[test]
fn the_python_guest_awaits_pending_host_futures() {
    let bytes = crate::async_python::guest();
    for engine in engines() {
        let component = Component::new(&engine, &bytes).unwrap();
        let mut linker = Linker::<u32>::new(&engine);
        linker
            .instance("hostbind:py-async/host")
            .unwrap()
            .func_new_async("add", |access: Access<u32>, _, params| {
                Box::pin(async move {
                    let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
                    Yields(2).await;
                    access.with(|n| *n += 1)?;
                    Ok(vec![Val::U32(a.wrapping_add(b))])
                })
            })
            .unwrap();
        let mut store = Store::new(&engine, 0u32);
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        for (n, want) in [(10, 55), (0, 0), (300, 45_150)] {
            let out = block_on(sum_to.call_async(&mut store, &[Val::U32(n)])).unwrap();
            assert_eq!(out, [Val::U32(want)]);
        }
        assert_eq!(*store.data(), 310);
        let shout = instance.get_func(&mut store, "shout").unwrap();
        let words = Val::List(vec![
            Val::String("async".into()),
            Val::String("python".into()),
        ]);
        let out = block_on(shout.call_async(&mut store, &[words])).unwrap();
        assert_eq!(out, [Val::String("ASYNC PYTHON!!".into())]);
    }
}

/// wasmtime's concurrent API, with the same pending futures, agrees.
#[test]
fn wasmtime_agrees_with_pending_host_futures_on_the_python_guest() {
    use wasmtime::component::{Accessor, Component, Linker};
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, crate::async_python::guest()).unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("hostbind:py-async/host")
        .unwrap()
        .func_wrap_concurrent("add", |_: &Accessor<()>, (a, b): (u32, u32)| {
            Box::pin(async move {
                Yields(2).await;
                Ok((a.wrapping_add(b),))
            })
        })
        .unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = block_on(linker.instantiate_async(&mut store, &component)).unwrap();
    let sum_to = instance
        .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
        .unwrap();
    for (n, want) in [(10, 55), (0, 0), (300, 45_150)] {
        assert_eq!(
            block_on(sum_to.call_async(&mut store, (n,))).unwrap(),
            (want,)
        );
    }
}

/// `add` through `#[host_fn] async fn`: pending twice, then counted in the
/// store's data.
#[hostbind::host_fn]
async fn add_later(access: Access<Host>, a: u32, b: u32) -> hostbind::Result<u32> {
    Yields(2).await;
    access.with(|h| h.pending_adds += 1)?;
    Ok(a.wrapping_add(b))
}

/// `log` with a borrowed string param, lifted owned for the future.
#[hostbind::host_fn]
async fn log_later(access: Access<Host>, line: &str) -> hostbind::Result<()> {
    Yields(1).await;
    access.with(|h| h.log.push(line.to_owned()))
}

/// With no store access: for a store of any data type.
#[hostbind::host_fn]
async fn add_plain(a: u32, b: u32) -> u32 {
    Yields(1).await;
    a.wrapping_add(b)
}

#[test]
fn typed_async_host_fns_serve_the_c_guest() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        linker
            .instance("hostbind:async-guest/host")
            .unwrap()
            .func("add", add_later)
            .unwrap()
            .func("log", log_later)
            .unwrap();
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
            .unwrap();
        assert_eq!(sum_to.call(&mut store, (10,)).unwrap(), (55,));
        let dynamic = instance.get_func(&mut store, "sum-to").unwrap();
        let out = block_on(dynamic.call_async(&mut store, &[Val::U32(20)])).unwrap();
        assert_eq!(out, [Val::U32(210)]);
        assert_eq!(store.data().pending_adds, 30);
        assert_eq!(store.data().log, ["sum-to 10", "sum-to 20"]);

        // The same guest with the store-free `add`, in a store of `()`.
        let mut linker = Linker::<()>::new(&engine);
        linker
            .instance("hostbind:async-guest/host")
            .unwrap()
            .func("add", add_plain)
            .unwrap()
            .func_new("log", |_, _, _, _| Ok(()))
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
        let out = block_on(sum_to.call_async(&mut store, &[Val::U32(100)])).unwrap();
        assert_eq!(out, [Val::U32(5050)]);
    }
}

#[test]
fn a_typed_async_host_fn_of_the_wrong_type_is_a_link_error() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        linker
            .instance("hostbind:async-guest/host")
            .unwrap()
            .func("add", log_later)
            .unwrap()
            .func("log", log_later)
            .unwrap();
        let mut store = Store::new(&engine, Host::default());
        let err = linker.instantiate(&mut store, &component).unwrap_err();
        let text = message(&err);
        assert!(text.contains("hostbind:async-guest/host#add"), "{text}");
    }
}

mod bound {
    ::hostbind::bindgen!({ path: "guests/c-async/wit", world: "guest" });
}

/// The host of the C guest's imports through `bindgen!`: `add` is a WIT
/// `async func`, so its method returns a future and reaches the host
/// through `Access<Self>`; `log` is a plain method.
#[derive(Default)]
struct Bound {
    log: Vec<String>,
    adds: u32,
}

impl bound::hostbind::async_guest::host::Host for Bound {
    async fn add(access: Access<Self>, a: u32, b: u32) -> u32 {
        Yields(1).await;
        // The projection reaches the host inside the store's data.
        let _ = access.with(|h| h.adds += 1);
        a.wrapping_add(b)
    }

    fn log(&mut self, msg: &str) {
        self.log.push(msg.to_owned());
    }
}

#[derive(Default)]
struct BoundData {
    host: Bound,
}

#[test]
fn bindgen_async_imports_serve_the_c_guest() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<BoundData>::new(&engine);
        bound::Guest::add_to_linker(&mut linker, |d: &mut BoundData| &mut d.host).unwrap();
        let mut store = Store::new(&engine, BoundData::default());
        let guest = bound::Guest::instantiate(&mut store, &component, &linker).unwrap();
        // The async exports' `call_*` returns at `task.return`.
        assert_eq!(guest.call_sum_to(&mut store, 10).unwrap(), 55);
        assert_eq!(guest.call_greet(&mut store, "Ada").unwrap(), "hello, Ada!");
        assert_eq!(store.data().host.adds, 10);
        assert_eq!(store.data().host.log, ["sum-to 10"]);
        // `call_*_async` waits without blocking (here it never needs to).
        let sum = block_on(guest.call_sum_to_async(&mut store, 20)).unwrap();
        assert_eq!(sum, 210);
        let hello = block_on(guest.call_greet_async(&mut store, "Grace")).unwrap();
        assert_eq!(hello, "hello, Grace!");
    }
}

/// A callback-lifted `run` that calls the host's `wait` through an async
/// lowering and waits for it; told of its cancellation, it cancels and
/// drops that subtask, counts it and calls `task.cancel`.
const CANCELLABLE: &str = r#"(component
  (import "wait" (func $wait async (result u32)))
  (core module $libc
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 512)))
  (core instance $libc (instantiate $libc))
  (core func $wait (canon lower (func $wait) async (memory (core memory $libc "mem"))))
  (core func $ret (canon task.return (result u32)))
  (core func $task-cancel (canon task.cancel))
  (core func $ws-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $st-cancel (canon subtask.cancel))
  (core func $st-drop (canon subtask.drop))
  (core module $M
    (import "libc" "mem" (memory 1))
    (import "" "wait" (func $wait (param i32) (result i32)))
    (import "" "ret" (func $ret (param i32)))
    (import "" "task-cancel" (func $task-cancel))
    (import "" "ws-new" (func $ws-new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "st-cancel" (func $st-cancel (param i32) (result i32)))
    (import "" "st-drop" (func $st-drop (param i32)))
    (global $sub (mut i32) (i32.const 0))
    (global $cancelled (mut i32) (i32.const 0))
    (func (export "run") (result i32)
      (local $status i32) (local $set i32)
      (local.set $status (call $wait (i32.const 16)))
      (if (i32.ne (i32.and (local.get $status) (i32.const 15)) (i32.const 1))
        (then unreachable))
      (global.set $sub (i32.shr_u (local.get $status) (i32.const 4)))
      (local.set $set (call $ws-new))
      (call $join (global.get $sub) (local.get $set))
      ;; WAIT on the set
      (i32.or (i32.const 2) (i32.shl (local.get $set) (i32.const 4))))
    (func (export "cb") (param $event i32) (param i32 i32) (result i32)
      (if (i32.eq (local.get $event) (i32.const 6))
        (then
          ;; Out of the set, then cancelled: the host's future is dropped.
          (call $join (global.get $sub) (i32.const 0))
          (if (i32.ne (call $st-cancel (global.get $sub)) (i32.const 4))
            (then unreachable))
          (call $st-drop (global.get $sub))
          (global.set $cancelled (i32.add (global.get $cancelled) (i32.const 1)))
          (call $task-cancel)
          (return (i32.const 0))))
      ;; The subtask returned: its result is at 16.
      (call $st-drop (global.get $sub))
      (call $ret (i32.load (i32.const 16)))
      (i32.const 0))
    (func (export "cancelled") (result i32) (global.get $cancelled)))
  (core instance $m (instantiate $M
    (with "libc" (instance $libc))
    (with "" (instance
      (export "wait" (func $wait)) (export "ret" (func $ret))
      (export "task-cancel" (func $task-cancel)) (export "ws-new" (func $ws-new))
      (export "join" (func $join)) (export "st-cancel" (func $st-cancel))
      (export "st-drop" (func $st-drop))))))
  (func (export "run") async (result u32)
    (canon lift (core func $m "run") async (callback (core func $m "cb"))))
  (func (export "cancelled") (result u32) (canon lift (core func $m "cancelled"))))"#;

/// Counts the host futures dropped before they finished.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_a_started_call_cancels_its_task() {
    for engine in engines() {
        let component = hostbind_tests::component(&engine, CANCELLABLE);
        let dropped = Arc::new(AtomicUsize::new(0));
        let mut linker = Linker::<()>::new(&engine);
        let counter = dropped.clone();
        // `wait` never finishes on its own: only cancelling ends it.
        linker
            .root()
            .func_new_async("wait", move |_, _, _| {
                let guard = DropCount(counter.clone());
                Box::pin(async move {
                    let _guard = guard;
                    core::future::pending::<()>().await;
                    Ok(vec![Val::U32(0)])
                })
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let run = instance.get_func(&mut store, "run").unwrap();
        let cancelled = instance
            .get_typed_func::<(), (u32,)>(&mut store, "cancelled")
            .unwrap();
        let call = run.start(&mut store, &[]).unwrap();
        assert!(!call.is_done());
        assert_eq!(dropped.load(Ordering::SeqCst), 0);
        drop(call);
        // The store's next call cancels the dropped one first: the guest
        // is told, cancels its subtask (dropping the host's future) and
        // calls `task.cancel`.
        assert_eq!(cancelled.call(&mut store, ()).unwrap(), (1,));
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
        // A dropped `finish` future cancels the same way.
        let call = run.start(&mut store, &[]).unwrap();
        {
            let mut finish = core::pin::pin!(call.finish(&mut store));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(finish.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(cancelled.call(&mut store, ()).unwrap(), (2,));
        assert_eq!(dropped.load(Ordering::SeqCst), 2);
    }
}

#[test]
fn typed_calls_start_and_finish_with_pending_host_futures() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let mut linker = Linker::<Host>::new(&engine);
        link(&mut linker, 1);
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let sum_to = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "sum-to")
            .unwrap();
        let (out, pending) = block_on_counting(sum_to.call_async(&mut store, (10,)));
        assert_eq!(out.unwrap(), (55,));
        assert_eq!(
            pending, 0,
            "self-waking futures need no wakeup from outside"
        );
        let a = sum_to.start(&mut store, (20,)).unwrap();
        let b = sum_to.start(&mut store, (30,)).unwrap();
        assert_eq!(block_on(b.finish(&mut store)).unwrap(), (465,));
        assert_eq!(block_on(a.finish(&mut store)).unwrap(), (210,));
        let greet = instance
            .get_typed_func::<(&str,), (String,)>(&mut store, "greet")
            .unwrap();
        let (hello,) = block_on(greet.call_async(&mut store, ("Ada",))).unwrap();
        assert_eq!(hello, "hello, Ada!");
    }
}
