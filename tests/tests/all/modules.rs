//! Core modules the host provides (`LinkerInstance::module`) to components
//! that import one and instantiate it themselves, and the link errors when
//! a module does not fit the component's module type.

use hostbind::{Linker, Module, Store};
use hostbind_tests::{component, engines, message};

/// Imports module `lib/calc`, which must export `double` and may import
/// `env::add` (given from the component's own core module), and exports
/// `double` lifted.
const GUEST: &str = r#"(component
  (import "lib" (instance $lib
    (export "calc" (core module
      (import "env" "add" (func (param i32 i32) (result i32)))
      (export "double" (func (param i32) (result i32)))))))
  (alias export $lib "calc" (core module $Calc))
  (core module $Env (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $env (instantiate $Env))
  (core instance $calc (instantiate $Calc (with "env" (instance $env))))
  (func (export "double") (param "x" u32) (result u32) (canon lift (core func $calc "double"))))"#;

const USES_ADD: &str = r#"(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (func (export "double") (param i32) (result i32) (call $add (local.get 0) (local.get 0))))"#;

fn link(module: &str) -> Vec<Result<u32, String>> {
    engines()
        .into_iter()
        .map(|engine| {
            let c = component(&engine, GUEST);
            let m = Module::new(&engine, wat::parse_str(module).unwrap()).unwrap();
            let mut linker = Linker::<()>::new(&engine);
            linker.instance("lib").unwrap().module("calc", &m).unwrap();
            let mut store = Store::new(&engine, ());
            let i = linker
                .instantiate(&mut store, &c)
                .map_err(|e| message(&e))?;
            let f = i
                .get_typed_func::<(u32,), (u32,)>(&mut store, "double")
                .unwrap();
            Ok(f.call(&mut store, (21,)).unwrap().0)
        })
        .collect()
}

#[test]
fn a_host_module_is_instantiated_by_the_component() {
    for r in link(USES_ADD) {
        assert_eq!(r, Ok(42));
    }
    // Importing less than the component gives is fine.
    for r in link(
        r#"(module (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))"#,
    ) {
        assert_eq!(r, Ok(42));
    }
}

#[test]
fn a_module_that_does_not_fit_is_a_link_error() {
    for r in link(r#"(module (func (export "triple") (param i32) (result i32) (local.get 0)))"#) {
        assert_eq!(
            r.unwrap_err(),
            "core module `lib#calc`: module export `double` not defined"
        );
    }
    for r in link(
        r#"(module (import "env" "other" (func)) (func (export "double") (param i32) (result i32) (local.get 0)))"#,
    ) {
        assert_eq!(
            r.unwrap_err(),
            "core module `lib#calc`: module import `env::other` not defined: the component gives the module no such import"
        );
    }
    for r in link(r#"(module (func (export "double") (param i64) (result i64) (local.get 0)))"#) {
        let msg = r.unwrap_err();
        assert!(
            msg.starts_with("core module `lib#calc`: module export `double` has the wrong type"),
            "{msg}"
        );
    }
    for r in link(r#"(module (memory (export "double") 1))"#) {
        let msg = r.unwrap_err();
        assert!(msg.contains("the module has memory"), "{msg}");
    }
}

#[test]
fn a_missing_or_misplaced_module_is_named() {
    for engine in engines() {
        let c = component(&engine, GUEST);
        let mut store = Store::new(&engine, ());
        let err = Linker::<()>::new(&engine)
            .instantiate(&mut store, &c)
            .unwrap_err();
        assert_eq!(
            message(&err),
            "the linker defines no host function for import `lib#calc` (a core module)"
        );
        let mut linker = Linker::<()>::new(&engine);
        linker
            .instance("lib")
            .unwrap()
            .func_new("calc", |_, _, _, _| Ok(()))
            .unwrap();
        let err = linker.instantiate(&mut store, &c).unwrap_err();
        assert_eq!(
            message(&err),
            "import `lib#calc` is a core module, but the linker defines a function there"
        );
    }
}
