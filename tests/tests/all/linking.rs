//! Link-time and lookup typechecks, and components the runtime refuses.

use hostbind::{Component, Linker, Store, host_fn};
use hostbind_tests::{Import, component, engines, guest, instantiate, message};

#[host_fn]
fn log(level: u32, msg: &str) {
    let _ = (level, msg);
}

#[host_fn]
fn log_wrong(level: u32, msg: u32) {
    let _ = (level, msg);
}

#[host_fn]
fn log_short(msg: &str) {
    let _ = msg;
}

#[host_fn]
fn log_returns(level: u32, msg: &str) -> u32 {
    level + msg.len() as u32
}

fn wat() -> String {
    guest(
        &[
            Import {
                name: "log",
                ty: r#"(param "level" u32) (param "msg" string)"#,
                core: "(param i32 i32 i32)",
            },
            Import {
                name: "flush",
                ty: "",
                core: "",
            },
        ],
        r#"(func (export "run") (param i32 i32) (result i32) (local.get 1))"#,
        &[("run", r#"(param "input" string) (result u32)"#)],
    )
}

/// The instantiation error on every engine, after `define` fills the linker.
fn link_error(define: impl Fn(&mut Linker<()>)) -> Vec<String> {
    engines()
        .into_iter()
        .map(|engine| {
            let c = component(&engine, &wat());
            let mut linker = Linker::<()>::new(&engine);
            define(&mut linker);
            let mut store = Store::new(&engine, ());
            message(&linker.instantiate(&mut store, &c).unwrap_err())
        })
        .collect()
}

#[test]
fn all_missing_imports_are_listed_at_once() {
    for msg in link_error(|_| {}) {
        assert_eq!(
            msg,
            "the linker defines no host function for imports `test:host/api#log`, `test:host/api#flush`"
        );
    }
}

#[test]
fn parameter_mismatch_names_import_parameter_and_both_types() {
    for msg in link_error(|l| {
        l.instance("test:host/api")
            .unwrap()
            .func("log", log_wrong)
            .unwrap();
    }) {
        assert_eq!(
            msg,
            "2 problems linking the component:\n  \
             - the linker defines no host function for import `test:host/api#flush`\n  \
             - parameter 1 (`msg`) of import `test:host/api#log` is `string`, but host function `log_wrong` takes `u32` for `msg`"
        );
    }
}

#[test]
fn parameter_count_mismatch() {
    for msg in link_error(|l| {
        l.instance("test:host/api")
            .unwrap()
            .func("log", log_short)
            .unwrap()
            .func("flush", log)
            .unwrap();
    }) {
        assert_eq!(
            msg,
            "2 problems linking the component:\n  \
             - import `test:host/api#log` takes 2 parameters (level: u32, msg: string), but host function `log_short` takes 1 (msg: string)\n  \
             - import `test:host/api#flush` takes 0 parameters (), but host function `log` takes 2 (level: u32, msg: string)"
        );
    }
}

#[test]
fn result_mismatch() {
    #[host_fn]
    fn flush() {}
    for msg in link_error(|l| {
        l.instance("test:host/api")
            .unwrap()
            .func("log", log_returns)
            .unwrap()
            .func("flush", flush)
            .unwrap();
    }) {
        assert_eq!(
            msg,
            "import `test:host/api#log` returns nothing, but host function `log_returns` returns `u32`"
        );
    }
}

#[test]
fn defining_a_name_twice_is_an_error() {
    for engine in engines() {
        let mut linker = Linker::<()>::new(&engine);
        let mut api = linker.instance("test:host/api").unwrap();
        api.func("log", log).unwrap();
        let err = api.func("log", log).err().unwrap();
        assert_eq!(err.to_string(), "`test:host/api#log` is defined twice");
        let err = linker
            .instance("test:host/api")
            .unwrap()
            .instance("log")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "`test:host/api#log` is a function, not an instance"
        );
    }
}

#[test]
fn typed_lookup_checks_both_sides_and_names_exports() {
    #[host_fn]
    fn flush() {}
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat(), (), |api| {
            api.func("log", log)?.func("flush", flush)?;
            Ok(())
        });
        let err = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "run")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "export `run`, parameter 0 (`input`): the component has `string`, but it was looked up with `u32` (the export's type is `func(string) -> (u32)`)"
        );
        let err = inst
            .get_typed_func::<(&str,), ()>(&mut store, "run")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "export `run` has type `func(string) -> (u32)`, but it was looked up as `func(string) -> ()`"
        );
        let err = inst
            .get_typed_func::<(), ()>(&mut store, "walk")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the component has no export `walk`; it exports `run`"
        );

        let first = inst
            .get_typed_func::<(&str,), (u32,)>(&mut store, "run")
            .unwrap();
        let again = inst
            .get_typed_func::<(&str,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(first.call(&mut store, ("abc",)).unwrap(), (3,));
        assert_eq!(again.call(&mut store, ("abcd",)).unwrap(), (4,));

        let mut other = Store::new(&engine, ());
        let err = inst
            .get_typed_func::<(&str,), (u32,)>(&mut other, "run")
            .unwrap_err();
        assert_eq!(err.to_string(), "the instance belongs to another store");
    }
}

#[test]
fn invalid_binaries_are_named_when_loading() {
    for engine in engines() {
        let err = Component::new(&engine, b"\0asm not really").unwrap_err();
        assert!(message(&err).starts_with("invalid component: "), "{err:#}");
    }
}

/// An export that takes a future takes one the host made; a typed lookup
/// of it fails the typecheck, naming the type; an async function lifted
/// synchronously loads and runs.
#[test]
fn exports_passing_futures_take_host_ends() {
    let future_param = r#"(component
      (type $f (future s16))
      (core module $M (func (export "run") (param i32)) (func (export "other")))
      (core instance $m (instantiate $M))
      (func (export "run") (param "x" $f) (canon lift (core func $m "run")))
      (func (export "other") (canon lift (core func $m "other"))))"#;
    let async_export = r#"(component
      (core module $M (func (export "run")))
      (core instance $m (instantiate $M))
      (func (export "run") async (canon lift (core func $m "run"))))"#;
    for engine in engines() {
        let c = Component::new(&engine, wat::parse_str(future_param).unwrap()).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let run = instance.get_func(&mut store, "run").unwrap();
        let ty = run.ty().params()[0].1.clone();
        assert_eq!(ty.to_string(), "future<s16>");
        let (_tx, rx) = store.future(&ty).unwrap();
        run.call(&mut store, &[hostbind::Val::Future(rx)], &mut [])
            .unwrap();
        let err = instance
            .get_typed_func::<(u32,), ()>(&mut store, "run")
            .unwrap_err();
        assert!(message(&err).contains("future<s16>"), "{err:#}");
        let other = instance
            .get_typed_func::<(), ()>(&mut store, "other")
            .unwrap();
        other.call(&mut store, ()).unwrap();
        let c = Component::new(&engine, wat::parse_str(async_export).unwrap()).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .unwrap();
        run.call(&mut store, ()).unwrap();
    }
}

#[test]
fn start_functions_run_and_can_call_the_host() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static STARTS: AtomicU32 = AtomicU32::new(0);
    #[host_fn]
    fn started() {
        STARTS.fetch_add(1, Ordering::SeqCst);
    }
    let wat = guest(
        &[Import {
            name: "started",
            ty: "",
            core: "",
        }],
        r#"(func $start (call $started)) (start $start)"#,
        &[],
    );
    for engine in engines() {
        let before = STARTS.load(Ordering::SeqCst);
        instantiate(&engine, &wat, (), |api| {
            api.func("started", started)?;
            Ok(())
        });
        assert_eq!(STARTS.load(Ordering::SeqCst), before + 1);
    }
}

/// Like `point` in the WIT, but its second field is named `z`.
#[derive(hostbind::ComponentType, hostbind::Lift, hostbind::Lower)]
struct Skewed {
    x: i32,
    z: i32,
}

#[hostbind::host_fn]
fn skewed(p: Skewed) -> Skewed {
    p
}

/// Field, case and flag names are part of the type: a record whose field
/// names differ does not link, and the message shows both.
#[test]
fn record_field_names_are_typechecked() {
    use hostbind_tests::fixtures::POINT;
    use hostbind_tests::{Echo, Ret, echo_guest};
    let f = Echo::new(
        "pass-point",
        r#"(param "p" $point) (result $point)"#,
        &["i32", "i32"],
        Ret::Memory,
    );
    let wat = echo_guest(&[POINT], &[f], "");
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &wat);
        let mut linker = hostbind::Linker::<()>::new(&engine);
        linker
            .instance("test:host/api")
            .unwrap()
            .func("pass-point", skewed)
            .unwrap();
        let err = linker
            .instantiate(&mut hostbind::Store::new(&engine, ()), &c)
            .unwrap_err();
        assert_eq!(
            message(&err),
            "parameter 0 (`p`) of import `test:host/api#pass-point` is `record { x: s32, y: s32 }`, but host function `skewed` takes `record skewed { x: s32, z: s32 }` for `p`"
        );
    }
}
