//! Every declared import is linked, used or not; versioned interface names
//! match semver-compatibly; a name that does not match says what is near.

use hostbind::{Component, Linker, Store, host_fn};
use hostbind_tests::{component, engines, message};

#[host_fn]
fn ping() -> u32 {
    7
}

#[host_fn]
fn ping_wrong(x: u32) -> u32 {
    x
}

/// Links `wat` (a component) with `define` on every engine: `Ok` or the error.
fn link(wat: &str, define: impl Fn(&mut Linker<()>)) -> Vec<Result<(), String>> {
    engines()
        .into_iter()
        .map(|engine| {
            let c = component(&engine, wat);
            let mut linker = Linker::<()>::new(&engine);
            define(&mut linker);
            let mut store = Store::new(&engine, ());
            linker
                .instantiate(&mut store, &c)
                .map(|_| ())
                .map_err(|e| message(&e))
        })
        .collect()
}

fn link_err(wat: &str, define: impl Fn(&mut Linker<()>)) -> Vec<String> {
    link(wat, define)
        .into_iter()
        .map(|r| r.expect_err("the component must not link"))
        .collect()
}

#[test]
fn an_unused_import_must_still_be_defined() {
    let wat = r#"(component (import "nonexistent" (func)))"#;
    for msg in link_err(wat, |_| {}) {
        assert_eq!(
            msg,
            "the linker defines no host function for import `nonexistent`"
        );
    }
}

#[test]
fn an_unused_import_is_typechecked() {
    let wat = r#"(component (import "ping" (func (result u32))))"#;
    for r in link(wat, |l| {
        l.func("ping", ping).unwrap();
    }) {
        r.unwrap();
    }
    for msg in link_err(wat, |l| {
        l.func("ping", ping_wrong).unwrap();
    }) {
        assert!(msg.contains("`ping`"), "{msg}");
        assert!(msg.contains("param"), "{msg}");
    }
}

#[test]
fn every_export_of_an_imported_instance_is_checked() {
    let wat = r#"(component
        (import "a:b/c" (instance
            (export "ping" (func (result u32)))
            (export "pong" (func (result u32)))
            (type $t u32)
            (export "t" (type (eq $t)))
        )))"#;
    // Value types need no definition; each function does.
    for msg in link_err(wat, |l| {
        l.instance("a:b/c").unwrap().func("ping", ping).unwrap();
    }) {
        assert_eq!(
            msg,
            "the linker defines no host function for import `a:b/c#pong`"
        );
    }
    // More definitions than the component imports are fine.
    for r in link(wat, |l| {
        l.instance("a:b/c")
            .unwrap()
            .func("ping", ping)
            .unwrap()
            .func("pong", ping)
            .unwrap()
            .func("extra", ping)
            .unwrap();
    }) {
        r.unwrap();
    }
}

#[test]
fn an_import_of_the_wrong_kind_is_named() {
    let instance = r#"(component (import "ping" (instance)))"#;
    for msg in link_err(instance, |l| {
        l.func("ping", ping).unwrap();
    }) {
        assert_eq!(
            msg,
            "import `ping` is an instance, but the linker defines a function there"
        );
    }
    let func = r#"(component (import "i" (func (result u32))))"#;
    for msg in link_err(func, |l| {
        l.instance("i").unwrap();
    }) {
        assert_eq!(
            msg,
            "import `i` is a function, but the linker defines an instance there"
        );
    }
    let module = r#"(component (import "m" (core module)))"#;
    for msg in link_err(module, |_| {}) {
        assert_eq!(
            msg,
            "the linker defines no host function for import `m` (a core module)"
        );
    }
    let empty = r#"(component (import "i" (instance)))"#;
    for msg in link_err(empty, |_| {}) {
        assert_eq!(
            msg,
            "the linker defines no host function for import `i` (an instance)"
        );
    }
    for r in link(empty, |l| {
        l.instance("i").unwrap();
    }) {
        r.unwrap();
    }
}

struct R1;
struct R2;

#[test]
fn a_resource_alias_must_be_the_resource_it_aliases() {
    let wat = r#"(component
        (import "host" (instance
            (export "r1" (type (sub resource)))
            (export "r2" (type $r2 (sub resource)))
            (export "r2-again" (type (eq $r2)))
        )))"#;
    let define = |alias: bool| {
        move |l: &mut Linker<()>| {
            let mut h = l.instance("host").unwrap();
            h.resource::<R1>("r1", |_, _| Ok(())).unwrap();
            h.resource::<R2>("r2", |_, _| Ok(())).unwrap();
            if alias {
                h.resource::<R1>("r2-again", |_, _| Ok(())).unwrap();
            }
        }
    };
    // An alias needs no definition of its own.
    for r in link(wat, define(false)) {
        r.unwrap();
    }
    for msg in link_err(wat, define(true)) {
        assert!(
            msg.starts_with(
                "mismatched resource types: import `host#r2-again` is the resource type `host#r2`"
            ),
            "{msg}"
        );
    }
}

/// A component importing `ping` from interface `name`, and calling it.
fn importing(name: &str) -> String {
    format!(
        r#"(component
        (import "{name}" (instance $i (export "ping" (func (result u32)))))
        (core func $ping (canon lower (func $i "ping")))
        (core module $M
            (import "i" "ping" (func $ping (result i32)))
            (func (export "run") (result i32) (call $ping)))
        (core instance $m (instantiate $M (with "i" (instance (export "ping" (func $ping))))))
        (func (export "run") (result u32) (canon lift (core func $m "run"))))"#
    )
}

fn run_with(guest_name: &str, host_names: &[&str]) -> Vec<Result<u32, String>> {
    engines()
        .into_iter()
        .map(|engine| {
            let c: Component = component(&engine, &importing(guest_name));
            let mut linker = Linker::<()>::new(&engine);
            for n in host_names {
                linker.instance(n).unwrap().func("ping", ping).unwrap();
            }
            let mut store = Store::new(&engine, ());
            let instance = linker
                .instantiate(&mut store, &c)
                .map_err(|e| message(&e))?;
            let run = instance
                .get_typed_func::<(), (u32,)>(&mut store, "run")
                .unwrap();
            Ok(run.call(&mut store, ()).unwrap().0)
        })
        .collect()
}

#[test]
fn versions_match_semver_compatibly() {
    // Exact, a newer patch, a newer minor for >= 1.0.
    for (guest, host) in [
        ("a:b/c@0.2.6", "a:b/c@0.2.6"),
        ("a:b/c@0.2.1", "a:b/c@0.2.6"),
        ("a:b/c@1.0.0", "a:b/c@1.4.2"),
    ] {
        for r in run_with(guest, &[host]) {
            assert_eq!(r, Ok(7), "{guest} against {host}");
        }
    }
    // The newest compatible definition is used when there are several.
    for r in run_with(
        "a:b/c@0.2.0",
        &["a:b/c@0.2.3", "a:b/c@0.2.9", "a:b/c@0.3.0"],
    ) {
        assert_eq!(r, Ok(7));
    }
}

#[test]
fn an_incompatible_version_is_named_as_near() {
    for r in run_with("a:b/c@0.3.0", &["a:b/c@0.2.6"]) {
        assert_eq!(
            r.unwrap_err(),
            "the linker defines no host function for import `a:b/c@0.3.0#ping`; the linker defines `a:b/c@0.2.6`, which is not semver-compatible with `a:b/c@0.3.0`"
        );
    }
    for r in run_with("a:b/c@2.0.0", &["a:b/c@1.9.0"]) {
        assert!(r.unwrap_err().contains("not semver-compatible"));
    }
    // 0.0.x versions are compatible only with themselves.
    for r in run_with("a:b/c@0.0.1", &["a:b/c@0.0.2"]) {
        assert!(r.unwrap_err().contains("not semver-compatible"));
    }
    for r in run_with("a:b/c", &["a:b/c@1.0.0"]) {
        assert_eq!(
            r.unwrap_err(),
            "the linker defines no host function for import `a:b/c#ping`; the linker defines `a:b/c@1.0.0`, but `a:b/c` is imported without a version and matches only an unversioned name"
        );
    }
    for r in run_with("a:b/c@1.0.0", &["a:b/c"]) {
        assert!(r.unwrap_err().ends_with(
            "the linker defines `a:b/c` without a version, which a versioned import does not match"
        ));
    }
}
