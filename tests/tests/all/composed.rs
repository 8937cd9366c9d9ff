//! Components composed of nested components: calls between them go through
//! the fused adapters wasmtime-environ generates, with strings transcoded
//! between memories, resources moved and lent between handle tables, and
//! the adapters' own traps.

use hostbind::{Linker, Store, Trap};
use hostbind_tests::{component, engines, message};

const REALLOC: &str = r#"
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (local.get 0) (then (memory.copy (local.get $p) (local.get 0) (local.get 1))))
      (local.get $p))"#;

/// `$Lib` (UTF-16) shouts strings (and answers `!…` with a lone surrogate),
/// defines resource `counter`, and returns `option<u32>` with whatever
/// discriminant it is asked for. `$App` (UTF-8, or `app_encoding`) calls
/// it; the outer component exports `$App`'s functions.
fn composed(app_encoding: &str) -> String {
    format!(
        r#"(component
  (component $Lib
    (core module $M
      (memory (export "mem") 1)
      {REALLOC}
      (func (export "shout") (param $p i32) (param $n i32) (result i32)
        (local $i i32) (local $u i32) (local $at i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $at (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1))))
          (local.set $u (i32.load16_u (local.get $at)))
          (if (i32.eq (local.get $u) (i32.const 33))
            (then (i32.store16 (local.get $at) (i32.const 0xd800))))
          (if (i32.and (i32.ge_u (local.get $u) (i32.const 97)) (i32.le_u (local.get $u) (i32.const 122)))
            (then (i32.store16 (local.get $at) (i32.sub (local.get $u) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (i32.store (i32.const 16) (local.get $p))
        (i32.store (i32.const 20) (local.get $n))
        (i32.const 16))
      (func (export "opt") (param $d i32) (result i32)
        (i32.store8 (i32.const 48) (local.get $d))
        (i32.store (i32.const 52) (i32.const 7))
        (i32.const 48)))
    (core instance $m (instantiate $M))
    (type $counter (resource (rep i32)))
    (core func $new (canon resource.new $counter))
    (core func $rep (canon resource.rep $counter))
    (core module $R
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (func (export "ctor") (param i32) (result i32) (call $new (local.get 0)))
      ;; The component that defines `counter` is lent the rep itself.
      (func (export "get") (param i32) (result i32) (local.get 0))
      (func (export "take") (param i32) (result i32) (call $rep (local.get 0))))
    (core instance $r (instantiate $R (with "" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
    (func $shout (param "s" string) (result string)
      (canon lift (core func $m "shout") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) string-encoding=utf16))
    (func $opt (param "d" u32) (result (option u32))
      (canon lift (core func $m "opt") (memory (core memory $m "mem"))))
    (func $ctor (param "n" u32) (result (own $counter)) (canon lift (core func $r "ctor")))
    (func $get (param "self" (borrow $counter)) (result u32) (canon lift (core func $r "get")))
    (func $take (param "c" (own $counter)) (result u32) (canon lift (core func $r "take")))
    (export $c "counter" (type $counter))
    (export "shout" (func $shout))
    (export "opt" (func $opt))
    (export "[constructor]counter" (func $ctor) (func (param "n" u32) (result (own $c))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $c)) (result u32)))
    (export "take" (func $take) (func (param "c" (own $c)) (result u32))))

  (component $App
    (import "lib" (instance $lib
      (export "counter" (type $c (sub resource)))
      (export "shout" (func (param "s" string) (result string)))
      (export "opt" (func (param "d" u32) (result (option u32))))
      (export "[constructor]counter" (func (param "n" u32) (result (own $c))))
      (export "[method]counter.get" (func (param "self" (borrow $c)) (result u32)))
      (export "take" (func (param "c" (own $c)) (result u32)))))
    (core module $M
      (memory (export "mem") 1)
      {REALLOC})
    (core instance $m (instantiate $M))
    (core func $shout (canon lower (func $lib "shout") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) {app_encoding}))
    (core func $opt (canon lower (func $lib "opt") (memory (core memory $m "mem"))))
    (core func $ctor (canon lower (func $lib "[constructor]counter")))
    (core func $get (canon lower (func $lib "[method]counter.get")))
    (core func $take (canon lower (func $lib "take")))
    (core module $Main
      (import "lib" "shout" (func $shout (param i32 i32 i32)))
      (import "lib" "opt" (func $opt (param i32 i32)))
      (import "lib" "ctor" (func $ctor (param i32) (result i32)))
      (import "lib" "get" (func $get (param i32) (result i32)))
      (import "lib" "take" (func $take (param i32) (result i32)))
      (func (export "run") (param i32 i32) (result i32)
        (call $shout (local.get 0) (local.get 1) (i32.const 32))
        (i32.const 32))
      (func (export "opt") (param i32) (result i32)
        (call $opt (local.get 0) (i32.const 64))
        (i32.const 64))
      ;; A new counter (own, moved out of $Lib), lent back for `get`, then
      ;; moved back for `take`.
      (func (export "count") (param $n i32) (result i32) (local $h i32)
        (local.set $h (call $ctor (local.get $n)))
        (i32.add (call $get (local.get $h)) (call $take (local.get $h)))))
    (core instance $main (instantiate $Main (with "lib" (instance
      (export "shout" (func $shout)) (export "opt" (func $opt)) (export "ctor" (func $ctor))
      (export "get" (func $get)) (export "take" (func $take))))))
    (func (export "run") (param "s" string) (result string)
      (canon lift (core func $main "run") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) {app_encoding}))
    (func (export "opt") (param "d" u32) (result (option u32))
      (canon lift (core func $main "opt") (memory (core memory $m "mem"))))
    (func (export "count") (param "n" u32) (result u32) (canon lift (core func $main "count"))))

  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "lib" (instance $lib))))
  (alias export $app "run" (func $run))
  (alias export $app "opt" (func $opt))
  (alias export $app "count" (func $count))
  (export "run" (func $run))
  (export "opt" (func $opt))
  (export "count" (func $count)))"#
    )
}

fn instance(engine: &hostbind::Engine, encoding: &str) -> (Store<()>, hostbind::Instance) {
    let c = component(engine, &composed(encoding));
    let mut store = Store::new(engine, ());
    let i = Linker::new(engine).instantiate(&mut store, &c).unwrap();
    (store, i)
}

#[test]
fn strings_cross_between_components_in_every_encoding() {
    for engine in engines() {
        for encoding in [
            "string-encoding=utf8",
            "string-encoding=utf16",
            "string-encoding=latin1+utf16",
        ] {
            for s in ["", "hello", "héllo wörld", "ascii ∑ and 🚀 astral", "ÿÿÿ"] {
                let (mut store, i) = instance(&engine, encoding);
                let run = i
                    .get_typed_func::<(&str,), (String,)>(&mut store, "run")
                    .unwrap();
                let want: String = s
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                assert_eq!(
                    run.call(&mut store, (s,)).unwrap().0,
                    want,
                    "{encoding} {s:?}"
                );
            }
        }
    }
}

#[test]
fn a_bad_string_between_components_traps() {
    for engine in engines() {
        for encoding in ["string-encoding=utf8", "string-encoding=latin1+utf16"] {
            let (mut store, i) = instance(&engine, encoding);
            let run = i
                .get_typed_func::<(&str,), (String,)>(&mut store, "run")
                .unwrap();
            let err = run.call(&mut store, ("!x",)).unwrap_err();
            assert!(
                message(&err)
                    .contains("invalid utf16 encoding in a string passed between components"),
                "{encoding}: {}",
                message(&err)
            );
            assert!(err.downcast_ref::<Trap>().is_some());
        }
    }
}

#[test]
fn resources_move_and_are_lent_between_components() {
    for engine in engines() {
        let (mut store, i) = instance(&engine, "string-encoding=utf8");
        let count = i
            .get_typed_func::<(u32,), (u32,)>(&mut store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, (21,)).unwrap(), (42,));
        assert_eq!(count.call(&mut store, (5,)).unwrap(), (10,));
    }
}

#[test]
fn an_adapter_traps_on_an_invalid_discriminant() {
    for engine in engines() {
        let (mut store, i) = instance(&engine, "string-encoding=utf8");
        let opt = i
            .get_typed_func::<(u32,), (Option<u32>,)>(&mut store, "opt")
            .unwrap();
        assert_eq!(opt.call(&mut store, (0,)).unwrap(), (None,));
        assert_eq!(opt.call(&mut store, (1,)).unwrap(), (Some(7),));
        let err = opt.call(&mut store, (2,)).unwrap_err();
        let msg = message(&err);
        assert_eq!(
            msg,
            "wasm trap: invalid variant discriminant (in an adapter between components)"
        );
        assert!(err.downcast_ref::<Trap>().is_some());
        // The trap poisoned the instance.
        hostbind_tests::assert_poisoned(opt.call(&mut store, (0,)), "opt");
    }
}

/// A host resource lent from `$User` to `$Keeper`: `polite` drops the
/// borrow it was given, `keep` returns still holding it, which the spec
/// makes a trap when the call between the components ends.
const BORROWS: &str = r#"(component
  (import "test:host/res" (instance $h
    (export "r" (type $r (sub resource)))
    (export "[constructor]r" (func (param "n" u32) (result (own $r))))))
  (alias export $h "r" (type $r))
  (alias export $h "[constructor]r" (func $new))
  (component $Keeper
    (import "r" (type $r (sub resource)))
    (core func $drop (canon resource.drop $r))
    (core module $K
      (import "" "drop" (func $drop (param i32)))
      (func (export "keep") (param i32))
      (func (export "polite") (param i32) (call $drop (local.get 0))))
    (core instance $k (instantiate $K (with "" (instance (export "drop" (func $drop))))))
    (func (export "keep") (param "x" (borrow $r)) (canon lift (core func $k "keep")))
    (func (export "polite") (param "x" (borrow $r)) (canon lift (core func $k "polite"))))
  (instance $keeper (instantiate $Keeper (with "r" (type $r))))
  (component $User
    (import "r" (type $r (sub resource)))
    (import "new" (func $new (param "n" u32) (result (own $r))))
    (import "keep" (func $keep (param "x" (borrow $r))))
    (import "polite" (func $polite (param "x" (borrow $r))))
    (core func $new (canon lower (func $new)))
    (core func $keep (canon lower (func $keep)))
    (core func $polite (canon lower (func $polite)))
    (core module $U
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "keep" (func $keep (param i32)))
      (import "" "polite" (func $polite (param i32)))
      (func (export "run") (param $rude i32) (local $h i32)
        (local.set $h (call $new (i32.const 9)))
        (if (local.get $rude)
          (then (call $keep (local.get $h)))
          (else (call $polite (local.get $h))))))
    (core instance $u (instantiate $U (with "" (instance
      (export "new" (func $new)) (export "keep" (func $keep)) (export "polite" (func $polite))))))
    (func (export "run") (param "rude" bool) (canon lift (core func $u "run"))))
  (alias export $keeper "keep" (func $keep))
  (alias export $keeper "polite" (func $polite))
  (instance $user (instantiate $User
    (with "r" (type $r)) (with "new" (func $new)) (with "keep" (func $keep)) (with "polite" (func $polite))))
  (alias export $user "run" (func $run))
  (export "run" (func $run)))"#;

struct R;

#[hostbind::host_fn]
fn new_r(n: u32) -> hostbind::Resource<R> {
    hostbind::Resource::new(n)
}

#[test]
fn a_borrow_kept_past_a_call_between_components_traps() {
    for engine in engines() {
        let c = component(&engine, BORROWS);
        let mut linker = Linker::<()>::new(&engine);
        linker
            .instance("test:host/res")
            .unwrap()
            .resource::<R>("r", |_, _| Ok(()))
            .unwrap()
            .func("[constructor]r", new_r)
            .unwrap();
        let mut store = Store::new(&engine, ());
        let i = linker.instantiate(&mut store, &c).unwrap();
        let run = i.get_typed_func::<(bool,), ()>(&mut store, "run").unwrap();
        run.call(&mut store, (false,)).unwrap();
        let err = run.call(&mut store, (true,)).unwrap_err();
        assert_eq!(
            message(&err),
            "a component returned from a call by another component while it still holds 1 borrow handle(s) it was lent for the call; borrows must be dropped before returning"
        );
    }
}

/// One component lowers a function it lifts itself and calls it: a
/// component may not be entered while it runs, so the adapter traps.
const SELF_CALL: &str = r#"(component
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (local.get 0) (then (memory.copy (local.get $p) (local.get 0) (local.get 1))))
      (local.get $p))
    ;; UTF-16 in, the same string (its units reversed) out.
    (func (export "reverse") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $j i32) (local $t i32)
      (local.set $j (i32.sub (local.get $n) (i32.const 1)))
      (block $done (loop $l
        (br_if $done (i32.ge_s (local.get $i) (local.get $j)))
        (local.set $t (i32.load16_u (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1)))))
        (i32.store16 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1)))
          (i32.load16_u (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 1)))))
        (i32.store16 (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 1))) (local.get $t))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $l)))
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16)))
  (core instance $m (instantiate $M))
  (func $reverse (param "s" string) (result string)
    (canon lift (core func $m "reverse") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) string-encoding=utf16))
  (core func $lowered (canon lower (func $reverse) (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (core module $Main
    (import "" "reverse" (func $reverse (param i32 i32 i32)))
    (func (export "run") (param i32 i32) (result i32)
      (call $reverse (local.get 0) (local.get 1) (i32.const 32))
      (i32.const 32)))
  (core instance $main (instantiate $Main (with "" (instance (export "reverse" (func $lowered))))))
  (func (export "run") (param "s" string) (result string)
    (canon lift (core func $main "run") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))"#;

#[test]
fn a_component_cannot_call_into_itself() {
    for engine in engines() {
        let c = component(&engine, SELF_CALL);
        let mut store = Store::new(&engine, ());
        let i = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let run = i
            .get_typed_func::<(&str,), (String,)>(&mut store, "run")
            .unwrap();
        let err = run.call(&mut store, ("abc",)).unwrap_err();
        assert_eq!(
            message(&err),
            "wasm trap: cannot enter component instance (in an adapter between components)"
        );
    }
}

/// `$Inner` exports an instance of its functions and the core module it
/// was built from; the outer component hands both to `$User`, which
/// imports the instance and instantiates the module itself, and exports
/// `$Inner`'s instance again under another name.
const REEXPORTS: &str = r#"(component
  (component $Inner
    (core module $M
      (global $calls (mut i32) (i32.const 0))
      (func (export "seven") (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (i32.add (i32.const 6) (global.get $calls))))
    (core instance $m (instantiate $M))
    (func $seven (result u32) (canon lift (core func $m "seven")))
    (instance $api (export "seven" (func $seven)))
    (export "api" (instance $api))
    (export "module" (core module $M)))
  (component $User
    (import "api" (instance $api (export "seven" (func (result u32)))))
    (import "module" (core module $M (export "seven" (func (result i32)))))
    ;; A second instance of the module, with state of its own.
    (core instance $own (instantiate $M))
    (core func $shared (canon lower (func $api "seven")))
    (core module $Sum
      (import "" "shared" (func $shared (result i32)))
      (import "" "own" (func $own (result i32)))
      (func (export "sum") (result i32) (i32.add (i32.mul (call $shared) (i32.const 100)) (call $own))))
    (core instance $sum (instantiate $Sum
      (with "" (instance (export "shared" (func $shared)) (export "own" (func $own "seven"))))))
    (func (export "sum") (result u32) (canon lift (core func $sum "sum")))
    (export "api-again" (instance $api)))
  (instance $inner (instantiate $Inner))
  (alias export $inner "api" (instance $api))
  (alias export $inner "module" (core module $module))
  (instance $user (instantiate $User (with "api" (instance $api)) (with "module" (core module $module))))
  (alias export $user "sum" (func $sum))
  (alias export $user "api-again" (instance $again))
  (export "sum" (func $sum))
  (export "again" (instance $again)))"#;

#[test]
fn instances_and_modules_cross_nesting_levels() {
    for engine in engines() {
        let c = component(&engine, REEXPORTS);
        let mut store = Store::new(&engine, ());
        let i = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let sum = i.get_typed_func::<(), (u32,)>(&mut store, "sum").unwrap();
        let seven = i
            .get_typed_func::<(), (u32,)>(&mut store, "again#seven")
            .unwrap();
        // `$Inner`'s instance counts every call, through `$User` or from the
        // host; `$User`'s own instance of the module counts only its own.
        assert_eq!(sum.call(&mut store, ()).unwrap(), (7 * 100 + 7,));
        assert_eq!(seven.call(&mut store, ()).unwrap(), (8,));
        assert_eq!(sum.call(&mut store, ()).unwrap(), (9 * 100 + 8,));
    }
}
