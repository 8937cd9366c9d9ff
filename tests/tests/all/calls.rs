//! Call hooks, host errors and panics as traps, post-return and re-entry.

use hostbind::{CallHook, Store, Trap, host_fn};
use hostbind_tests::{Import, engines, guest, instantiate, message};

#[derive(Default)]
struct Ctx {
    hooks: Vec<CallHook>,
    fail_on: Option<CallHook>,
}

#[host_fn]
fn double(x: u32) -> u32 {
    x * 2
}

#[derive(Debug)]
struct Refused(u32);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused {}", self.0)
    }
}
impl std::error::Error for Refused {}

#[host_fn]
fn check(x: u32) -> Result<u32, Refused> {
    if x > 10 { Err(Refused(x)) } else { Ok(x) }
}

#[host_fn]
fn boom(x: u32) -> u32 {
    if x == 0 {
        panic!("oh no");
    }
    x
}

fn wat() -> String {
    let ty = r#"(param "x" u32) (result u32)"#;
    guest(
        &[
            Import {
                name: "double",
                ty,
                core: "(param i32) (result i32)",
            },
            Import {
                name: "check",
                ty,
                core: "(param i32) (result i32)",
            },
            Import {
                name: "boom",
                ty,
                core: "(param i32) (result i32)",
            },
        ],
        r#"(func (export "twice") (param i32) (result i32) (call $double (call $double (local.get 0))))
           (func (export "check") (param i32) (result i32) (call $check (local.get 0)))
           (func (export "boom") (param i32) (result i32) (call $boom (local.get 0)))"#,
        &[("twice", ty), ("check", ty), ("boom", ty)],
    )
}

fn setup(engine: &hostbind::Engine) -> (Store<Ctx>, hostbind::Instance) {
    let (mut store, inst) = instantiate(engine, &wat(), Ctx::default(), |api| {
        api.func("double", double)?
            .func("check", check)?
            .func("boom", boom)?;
        Ok(())
    });
    store.call_hook(|cx: &mut Ctx, hook| {
        cx.hooks.push(hook);
        if cx.fail_on == Some(hook) {
            anyhow::bail!("hook refused {hook:?}");
        }
        Ok(())
    });
    (store, inst)
}

#[test]
fn hooks_fire_in_order_around_every_crossing() {
    use CallHook::*;
    for engine in engines() {
        let (mut store, inst) = setup(&engine);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        assert_eq!(f.call(&mut store, (5,)).unwrap(), (20,));
        assert_eq!(
            store.data().hooks,
            [
                CallingWasm,
                CallingHost,
                ReturningFromHost,
                CallingHost,
                ReturningFromHost,
                ReturningFromWasm
            ]
        );
    }
}

#[test]
fn a_hook_set_before_instantiating_fires_too() {
    use CallHook::*;
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &wat());
        let mut linker = hostbind::Linker::new(&engine);
        linker
            .instance("test:host/api")
            .unwrap()
            .func("double", double)
            .and_then(|api| api.func("check", check))
            .and_then(|api| api.func("boom", boom))
            .unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        store.call_hook(|cx: &mut Ctx, hook| {
            cx.hooks.push(hook);
            Ok(())
        });
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        assert_eq!(f.call(&mut store, (5,)).unwrap(), (20,));
        let host_calls = store.data().hooks.iter().filter(|h| **h == CallingHost);
        assert_eq!(host_calls.count(), 2, "{:?}", store.data().hooks);
        assert_eq!(store.data().hooks.len(), 6, "{:?}", store.data().hooks);
    }
}

#[test]
fn a_hook_error_traps_the_call() {
    for engine in engines() {
        let (mut store, inst) = setup(&engine);
        store.data_mut().fail_on = Some(CallHook::CallingHost);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        assert_eq!(
            message(&f.call(&mut store, (5,)).unwrap_err()),
            "hook refused CallingHost"
        );
        // Refusing a host call traps the guest; refusing to enter it does not.
        hostbind_tests::assert_poisoned(f.call(&mut store, (5,)), "twice");
        let (mut store, inst) = setup(&engine);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        store.data_mut().fail_on = Some(CallHook::CallingWasm);
        assert_eq!(
            message(&f.call(&mut store, (5,)).unwrap_err()),
            "hook refused CallingWasm"
        );
        store.data_mut().fail_on = None;
        assert_eq!(f.call(&mut store, (5,)).unwrap(), (20,));
    }
}

#[test]
fn a_hook_that_panics_or_refuses_after_the_host_call_traps_it() {
    for engine in engines() {
        let (mut store, inst) = setup(&engine);
        store.data_mut().fail_on = Some(CallHook::ReturningFromHost);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        assert_eq!(
            message(&f.call(&mut store, (5,)).unwrap_err()),
            "hook refused ReturningFromHost"
        );
        // The host function ran; its result was not handed back.
        assert_eq!(
            store.data().hooks,
            [
                CallHook::CallingWasm,
                CallHook::CallingHost,
                CallHook::ReturningFromHost
            ]
        );

        let (mut store, inst) = setup(&engine);
        store.call_hook(|_: &mut Ctx, hook| {
            if hook == CallHook::ReturningFromHost {
                panic!("hook gave up");
            }
            Ok(())
        });
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "twice")
            .unwrap();
        let err = f.call(&mut store, (5,)).unwrap_err();
        assert!(err.downcast_ref::<Trap>().is_some(), "{err:#}");
        assert_eq!(
            message(&err),
            "call hook panicked at ReturningFromHost: hook gave up"
        );
    }
}

#[test]
fn host_err_traps_and_keeps_its_type() {
    for engine in engines() {
        let (mut store, inst) = setup(&engine);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "check")
            .unwrap();
        assert_eq!(f.call(&mut store, (3,)).unwrap(), (3,));
        let err = f.call(&mut store, (11,)).unwrap_err();
        assert_eq!(
            message(&err),
            "host function `check` returned an error: refused 11"
        );
        assert_eq!(err.downcast_ref::<Refused>().map(|r| r.0), Some(11));
        // A trap poisons the instance; another instance is unaffected.
        hostbind_tests::assert_poisoned(f.call(&mut store, (4,)), "check");
        let (mut store, inst) = setup(&engine);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "check")
            .unwrap();
        assert_eq!(f.call(&mut store, (4,)).unwrap(), (4,));
    }
}

#[test]
fn host_panic_becomes_a_trap() {
    for engine in engines() {
        let (mut store, inst) = setup(&engine);
        let f = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "boom")
            .unwrap();
        let err = f.call(&mut store, (0,)).unwrap_err();
        assert_eq!(message(&err), "host function `boom` panicked: oh no");
        assert!(err.downcast_ref::<Trap>().is_some());
        hostbind_tests::assert_poisoned(f.call(&mut store, (9,)), "boom");
    }
}

#[test]
fn guest_traps_are_reported() {
    let wat = guest(&[], r#"(func (export "bad") unreachable)"#, &[("bad", "")]);
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |_| Ok(()));
        let f = inst.get_typed_func::<(), ()>(&mut store, "bad").unwrap();
        let msg = message(&f.call(&mut store, ()).unwrap_err());
        assert!(msg.starts_with("wasm trap: "), "{msg}");
        assert!(msg.contains("unreachable"), "{msg}");
    }
}

#[test]
fn post_return_runs_after_results_are_lifted() {
    let wat = format!(
        r#"(component
      {libc}
      (core module $Main
        (import "env" "memory" (memory 1))
        (global $posts (mut i32) (i32.const 0))
        (data (i32.const 32) "hi")
        (data (i32.const 16) "\20\00\00\00\02\00\00\00")
        (func (export "get") (result i32) (i32.const 16))
        (func (export "post") (param i32)
          ;; scribble over the string: the host must have copied it already
          (i32.store8 (i32.const 32) (i32.const 0x58))
          (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
        (func (export "posts") (result i32) (global.get $posts)))
      (core instance $main (instantiate $Main (with "env" (instance (export "memory" (memory $memory))))))
      (func (export "get") (result string)
        (canon lift (core func $main "get") (memory $memory) (post-return (core func $main "post"))))
      (func (export "posts") (result u32) (canon lift (core func $main "posts"))))"#,
        libc = hostbind_tests::LIBC
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |_| Ok(()));
        let get = inst
            .get_typed_func::<(), (String,)>(&mut store, "get")
            .unwrap();
        let posts = inst
            .get_typed_func::<(), (u32,)>(&mut store, "posts")
            .unwrap();
        assert_eq!(get.call(&mut store, ()).unwrap().0, "hi");
        assert_eq!(posts.call(&mut store, ()).unwrap(), (1,));
        assert_eq!(get.call(&mut store, ()).unwrap().0, "Xi");
        assert_eq!(posts.call(&mut store, ()).unwrap(), (2,));
    }
}
