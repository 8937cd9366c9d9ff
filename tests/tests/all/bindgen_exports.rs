//! `bindgen!` calls of a guest's exported interface that defines a
//! resource: its constructor, a method, a function taking ownership, and
//! the host dropping what it still holds, with the guest's destructor.

use hostbind::{Linker, ResourceAny, Store};
use hostbind_tests::{THING_CORE, engines};

mod owner {
    hostbind::bindgen!({
        inline: "
package test:host;

interface things {
  /// A guest value; its rep is what its constructor was given.
  resource thing {
    constructor(v: u32);
    get: func() -> u32;
  }
  consume: func(t: thing) -> u32;
  drops: func() -> u32;
}

world owner {
  export things;
}
",
    });
}

/// Exports `test:host/things`: the `thing` of [`THING_CORE`] and its functions.
fn guest() -> String {
    format!(
        r#"(component
{THING_CORE}  (func $make (param "v" u32) (result (own $thing)) (canon lift (core func $main "make")))
  (func $get (param "self" (borrow $thing)) (result u32) (canon lift (core func $main "get")))
  (func $consume (param "t" (own $thing)) (result u32) (canon lift (core func $main "consume")))
  (func $drops (result u32) (canon lift (core func $main "drops")))
  ;; A nested component names the resource in the exported instance, as
  ;; wit-component's output does.
  (component $Things
    (import "thing" (type $t (sub resource)))
    (import "make" (func $make (param "v" u32) (result (own $t))))
    (import "get" (func $get (param "self" (borrow $t)) (result u32)))
    (import "consume" (func $consume (param "t" (own $t)) (result u32)))
    (import "drops" (func $drops (result u32)))
    (export $te "thing" (type $t))
    (export "[constructor]thing" (func $make) (func (param "v" u32) (result (own $te))))
    (export "[method]thing.get" (func $get) (func (param "self" (borrow $te)) (result u32)))
    (export "consume" (func $consume) (func (param "t" (own $te)) (result u32)))
    (export "drops" (func $drops)))
  (instance $things (instantiate $Things
    (with "thing" (type $thing))
    (with "make" (func $make))
    (with "get" (func $get))
    (with "consume" (func $consume))
    (with "drops" (func $drops))))
  (export "test:host/things" (instance $things)))"#
    )
}

#[test]
fn an_exported_resource_through_generated_calls() {
    for engine in engines() {
        let bytes = wat::parse_str(guest()).unwrap();
        let c = hostbind::Component::new(&engine, bytes).unwrap();
        let linker = Linker::<()>::new(&engine);
        let mut store = Store::new(&engine, ());
        let w = owner::Owner::instantiate(&mut store, &c, &linker).unwrap();
        let a: ResourceAny = w.call_things_thing_new(&mut store, 7).unwrap();
        let b = w.call_things_thing_new(&mut store, 9).unwrap();
        assert_eq!(w.call_things_thing_get(&mut store, a).unwrap(), 7);
        assert_eq!(w.call_things_thing_get(&mut store, b).unwrap(), 9);
        assert_eq!(w.call_things_drops(&mut store).unwrap(), 0);
        assert_eq!(w.call_things_consume(&mut store, a).unwrap(), 7);
        assert_eq!(w.call_things_drops(&mut store).unwrap(), 1);
        b.drop(&mut store).unwrap();
        assert_eq!(w.call_things_drops(&mut store).unwrap(), 2);
        // Copies of handles the host gave away are refused, not forged
        // into second owners.
        let gone = w.call_things_thing_get(&mut store, a).unwrap_err();
        assert_eq!(
            format!("{gone:#}"),
            "a handle of `test:host/things#thing` the host no longer owns was given: it was already moved to the guest or dropped in params of `test:host/things#[method]thing.get`"
        );
        let gone = w.call_things_consume(&mut store, b).unwrap_err();
        assert!(format!("{gone:#}").contains("no longer owns"), "{gone:#}");
        let gone = a.drop(&mut store).unwrap_err();
        assert_eq!(
            format!("{gone:#}"),
            "this handle of `test:host/things#thing` is no longer the host's to drop: it was already moved to the guest or dropped"
        );
        assert_eq!(
            w.call_things_drops(&mut store).unwrap(),
            2,
            "no destructor ran twice"
        );
    }
}

#[test]
fn exported_interfaces_have_views_in_wasmtimes_shape() {
    for engine in engines() {
        let bytes = wat::parse_str(guest()).unwrap();
        let c = hostbind::Component::new(&engine, bytes).unwrap();
        let linker = Linker::<()>::new(&engine);
        let mut store = Store::new(&engine, ());
        let w = owner::Owner::instantiate(&mut store, &c, &linker).unwrap();
        // `world.iface().resource().call_constructor(..)`, as in wasmtime.
        let things = w.things();
        let a = things.thing().call_constructor(&mut store, 5).unwrap();
        assert_eq!(things.thing().call_get(&mut store, a).unwrap(), 5);
        assert_eq!(things.call_drops(&mut store).unwrap(), 0);
        assert_eq!(things.call_consume(&mut store, a).unwrap(), 5);
        assert_eq!(things.call_drops(&mut store).unwrap(), 1);
    }
}

#[test]
fn guest_resources_have_typed_handles() {
    use owner::GuestThing;
    for engine in engines() {
        let bytes = wat::parse_str(guest()).unwrap();
        let c = hostbind::Component::new(&engine, bytes).unwrap();
        let linker = Linker::<()>::new(&engine);
        let mut store = Store::new(&engine, ());
        let w = owner::Owner::instantiate(&mut store, &c, &linker).unwrap();
        let a = GuestThing::new(&w, &mut store, 11).unwrap();
        let b = GuestThing::new(&w, &mut store, 12).unwrap();
        assert_eq!(a.get(&w, &mut store).unwrap(), 11);
        assert_eq!(b.get(&w, &mut store).unwrap(), 12);
        // Where the WIT takes the resource, the handle goes as it is.
        assert_eq!(w.things().call_consume(&mut store, a.handle()).unwrap(), 11);
        b.drop(&mut store).unwrap();
        assert_eq!(w.things().call_drops(&mut store).unwrap(), 2);
        // A handle given away is refused, typed or not.
        let gone = a.get(&w, &mut store).unwrap_err();
        assert!(
            format!("{gone:#}").contains("the host no longer owns was given"),
            "{gone:#}"
        );
    }
}
