//! `bindgen!` over the world shapes real worlds use and that once failed:
//! unnamed interfaces, two versions of one package, a resource at the
//! world's root, an interface both imported and exported, an exported
//! interface using another export's resource, a resource both borrowed and
//! owned in one signature, and one host resource serving two
//! semver-compatible imports. Each guest is a core module wrapped by
//! wit-component, as `wasm-tools component new` wraps a toolchain's output.

use hostbind::{Borrow, Component, Engine, Linker, Resource, ResourceAny, Store};
use hostbind_tests::{component_of, engines};

fn load(engine: &Engine, wit: &str, world: &str, core: &str) -> Component {
    Component::new(engine, component_of(wit, world, core)).unwrap()
}

mod unnamed {
    hostbind::bindgen!({ path: "tests/all/wit/unnamed.wit", world: "w" });
}

struct Tens;

/// Exports `g`, one more than the imported `f` makes of its argument.
const UNNAMED_CORE: &str = r#"(module
  (import "imports" "f" (func $f (param i32) (result i32)))
  (func (export "exports#g") (param i32) (result i32)
    local.get 0 call $f i32.const 1 i32.add))"#;

impl unnamed::imports::Host for Tens {
    fn f(&mut self, x: u32) -> u32 {
        x * 10
    }
}

#[test]
fn unnamed_interfaces() {
    for engine in engines() {
        let c = load(&engine, include_str!("wit/unnamed.wit"), "w", UNNAMED_CORE);
        let mut linker = Linker::new(&engine);
        unnamed::W::add_to_linker(&mut linker, |t: &mut Tens| t).unwrap();
        let mut store = Store::new(&engine, Tens);
        let w = unnamed::W::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(w.exports().call_g(&mut store, 4).unwrap(), 41);
        assert_eq!(w.call_exports_g(&mut store, 5).unwrap(), 51);
    }
}

mod versions {
    hostbind::bindgen!({ path: "tests/all/wit/versions.wit", world: "w" });
}

struct Versioned;

impl versions::test::dep0_1_0::i::Host for Versioned {
    fn f(&mut self) -> u32 {
        1
    }
}

impl versions::test::dep0_2_0::i::Host for Versioned {
    fn f(&mut self) -> u32 {
        2
    }
    fn g(&mut self, x: u32) -> u32 {
        x * 2
    }
}

#[test]
fn two_versions_of_one_package() {
    let wit = include_str!("wit/versions.wit");
    let core = r#"(module
  (import "test:dep/i@0.1.0" "f" (func $f1 (result i32)))
  (import "test:dep/i@0.2.0" "f" (func $f2 (result i32)))
  (import "test:dep/i@0.2.0" "g" (func $g2 (param i32) (result i32)))
  (func (export "test:dep/i@0.1.0#f") (result i32) call $f1 i32.const 100 i32.add)
  (func (export "test:dep/i@0.2.0#f") (result i32) call $f2 i32.const 200 i32.add)
  (func (export "test:dep/i@0.2.0#g") (param i32) (result i32) local.get 0 call $g2))"#;
    for engine in engines() {
        let c = load(&engine, wit, "w", core);
        let mut linker = Linker::new(&engine);
        versions::W::add_to_linker(&mut linker, |t: &mut Versioned| t).unwrap();
        let mut store = Store::new(&engine, Versioned);
        let w = versions::W::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(w.dep0_1_0_i().call_f(&mut store).unwrap(), 101);
        assert_eq!(w.dep0_2_0_i().call_f(&mut store).unwrap(), 202);
        assert_eq!(w.dep0_2_0_i().call_g(&mut store, 21).unwrap(), 42);
        // The exported types are the export side's own, per version.
        let _: Option<versions::exports::test::dep0_2_0::i::Pair> = None;
    }
}

mod root {
    hostbind::bindgen!({ path: "tests/all/wit/root.wit", world: "w" });
}

/// Host resources by rep: the value each was made with; and the drops.
#[derive(Default)]
struct Table {
    values: Vec<u32>,
    dropped: Vec<u32>,
}

impl root::HostR for Table {
    fn new(&mut self, v: u32) -> Resource<root::R> {
        self.values.push(v);
        Resource::new(self.values.len() as u32 - 1)
    }
    fn get(&mut self, this: Borrow<root::R>) -> u32 {
        self.values[this.rep() as usize]
    }
    fn drop(&mut self, rep: Resource<root::R>) -> hostbind::Result<()> {
        self.dropped.push(rep.rep());
        Ok(())
    }
}

impl root::Host for Table {
    fn f(&mut self, x: Borrow<root::R>) -> u32 {
        self.values[x.rep() as usize] * 10
    }
}

#[test]
fn a_resource_at_the_worlds_root() {
    let core = r#"(module
  (import "$root" "[constructor]r" (func $new (param i32) (result i32)))
  (import "$root" "[method]r.get" (func $get (param i32) (result i32)))
  (import "$root" "[resource-drop]r" (func $drop (param i32)))
  (import "$root" "f" (func $f (param i32) (result i32)))
  (func (export "run") (param i32) (result i32) (local $h i32) (local $out i32)
    local.get 0 call $new local.set $h
    local.get $h call $f
    local.get $h call $get
    i32.add local.set $out
    local.get $h call $drop
    local.get $out))"#;
    for engine in engines() {
        let c = load(&engine, include_str!("wit/root.wit"), "w", core);
        let mut linker = Linker::new(&engine);
        root::W::add_to_linker(&mut linker, |t: &mut Table| t).unwrap();
        let mut store = Store::new(&engine, Table::default());
        let w = root::W::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(w.call_run(&mut store, 5).unwrap(), 55);
        assert_eq!(w.call_run(&mut store, 7).unwrap(), 77);
        assert_eq!(store.data().dropped, [0, 1]);
    }
}

mod both {
    hostbind::bindgen!({ path: "tests/all/wit/both.wit", world: "w" });
}

impl both::test::both::i::HostR for Table {
    fn new(&mut self, v: u32) -> Resource<both::test::both::i::R> {
        self.values.push(v);
        Resource::new(self.values.len() as u32 - 1)
    }
    fn get(&mut self, this: Borrow<both::test::both::i::R>) -> u32 {
        self.values[this.rep() as usize]
    }
    fn drop(&mut self, rep: Resource<both::test::both::i::R>) -> hostbind::Result<()> {
        self.dropped.push(rep.rep());
        Ok(())
    }
}

impl both::test::both::i::Host for Table {
    fn make(&mut self, v: u32) -> Resource<both::test::both::i::R> {
        both::test::both::i::HostR::new(self, v * 2)
    }
}

#[test]
fn one_interface_imported_and_exported() {
    // The guest's `r` wraps one of the host's (its rep is the handle of
    // the imported `r`), adding one on the way in and 1000 on the way out.
    let core = r#"(module
  (import "test:both/i" "[constructor]r" (func $inew (param i32) (result i32)))
  (import "test:both/i" "[method]r.get" (func $iget (param i32) (result i32)))
  (import "test:both/i" "[resource-drop]r" (func $idrop (param i32)))
  (import "test:both/i" "make" (func $imake (param i32) (result i32)))
  (import "[export]test:both/i" "[resource-new]r" (func $enew (param i32) (result i32)))
  (func (export "test:both/i#[constructor]r") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $inew call $enew)
  (func (export "test:both/i#[method]r.get") (param i32) (result i32)
    local.get 0 call $iget i32.const 1000 i32.add)
  (func (export "test:both/i#make") (param i32) (result i32)
    local.get 0 call $imake call $enew)
  (func (export "test:both/i#[dtor]r") (param i32)
    local.get 0 call $idrop))"#;
    for engine in engines() {
        let c = load(&engine, include_str!("wit/both.wit"), "w", core);
        let mut linker = Linker::new(&engine);
        both::W::add_to_linker(&mut linker, |t: &mut Table| t).unwrap();
        let mut store = Store::new(&engine, Table::default());
        let w = both::W::instantiate(&mut store, &c, &linker).unwrap();
        let a: ResourceAny = w.i().r().call_constructor(&mut store, 5).unwrap();
        assert_eq!(w.i().r().call_get(&mut store, a).unwrap(), 1006);
        let b = w.i().call_make(&mut store, 3).unwrap();
        assert_eq!(w.i().r().call_get(&mut store, b).unwrap(), 1006);
        let typed = both::GuestR(b);
        assert_eq!(typed.get(&w, &mut store).unwrap(), 1006);
        assert_eq!(store.data().values, [6, 6]);
        a.drop(&mut store).unwrap();
        typed.drop(&mut store).unwrap();
        // The guest's destructors dropped the host's resources they wrapped.
        assert_eq!(store.data().dropped, [0, 1]);
    }
}

mod chain {
    hostbind::bindgen!({ path: "tests/all/wit/chain.wit", world: "w" });
}

/// Exports `e1`'s `x` (its rep is its value) and `e2`'s functions on it;
/// `dup` borrows one `x` and returns a new one, one more.
const CHAIN_CORE: &str = r#"(module
  (import "[export]test:chain/e1" "[resource-new]x" (func $new (param i32) (result i32)))
  (import "[export]test:chain/e1" "[resource-rep]x" (func $rep (param i32) (result i32)))
  (import "[export]test:chain/e1" "[resource-drop]x" (func $drop (param i32)))
  (func (export "test:chain/e1#[constructor]x") (param i32) (result i32) local.get 0 call $new)
  (func (export "test:chain/e1#[method]x.get") (param i32) (result i32) local.get 0)
  (func (export "test:chain/e2#twice") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
  (func (export "test:chain/e2#take") (param i32) (result i32) (local $v i32)
    local.get 0 call $rep local.set $v
    local.get 0 call $drop
    local.get $v)
  (func (export "test:chain/e2#dup") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $new))"#;

#[test]
fn an_export_using_another_exports_resource() {
    for engine in engines() {
        let c = load(&engine, include_str!("wit/chain.wit"), "w", CHAIN_CORE);
        let linker = Linker::new(&engine);
        let mut store = Store::new(&engine, ());
        let w = chain::W::instantiate(&mut store, &c, &linker).unwrap();
        let x = w.e1().x().call_constructor(&mut store, 21).unwrap();
        assert_eq!(w.e2().call_twice(&mut store, x).unwrap(), 42);
        assert_eq!(w.e2().call_take(&mut store, x).unwrap(), 21);
        // `take` moved it to the guest: the host's copy is refused.
        assert!(w.e2().call_twice(&mut store, x).is_err());
    }
}

#[test]
fn one_resource_borrowed_and_owned_in_one_signature() {
    for engine in engines() {
        let c = load(&engine, include_str!("wit/chain.wit"), "w", CHAIN_CORE);
        let linker = Linker::new(&engine);
        let mut store = Store::new(&engine, ());
        let w = chain::W::instantiate(&mut store, &c, &linker).unwrap();
        let x = w.e1().x().call_constructor(&mut store, 8).unwrap();
        let y = w.e2().call_dup(&mut store, x).unwrap();
        assert_eq!(w.e1().x().call_get(&mut store, y).unwrap(), 9);
        assert_eq!(w.e1().x().call_get(&mut store, x).unwrap(), 8);
        // And through the untyped lookup the generated code uses.
        let inst = w.instance();
        let dup = inst
            .get_typed_func::<(ResourceAny,), (ResourceAny,)>(&mut store, "test:chain/e2#dup")
            .unwrap();
        let (z,) = dup.call(&mut store, (y,)).unwrap();
        assert_eq!(w.e1().x().call_get(&mut store, z).unwrap(), 10);
    }
}

mod poll {
    hostbind::bindgen!({ path: "tests/all/wit/poll.wit", world: "server" });
}

/// The host's pollables: whether each is ready.
#[derive(Default)]
struct Polls {
    ready: Vec<bool>,
    dropped: u32,
}

use poll::test::io0_2_1::poll as p;

impl p::HostPollable for Polls {
    fn ready(&mut self, this: Borrow<p::Pollable>) -> bool {
        self.ready[this.rep() as usize]
    }
    fn drop(&mut self, _: Resource<p::Pollable>) -> hostbind::Result<()> {
        self.dropped += 1;
        Ok(())
    }
}

impl p::Host for Polls {
    fn make(&mut self, ready: bool) -> Resource<p::Pollable> {
        self.ready.push(ready);
        Resource::new(self.ready.len() as u32 - 1)
    }
}

#[test]
fn one_host_resource_serves_two_compatible_versions() {
    let wit = include_str!("wit/poll.wit");
    // Makes a pollable through each version, asks each, drops both; the
    // result's bits say what each version's `ready` answered.
    let core = r#"(module
  (import "test:io/poll@0.2.0" "make" (func $make0 (param i32) (result i32)))
  (import "test:io/poll@0.2.0" "[method]pollable.ready" (func $ready0 (param i32) (result i32)))
  (import "test:io/poll@0.2.0" "[resource-drop]pollable" (func $drop0 (param i32)))
  (import "test:io/poll@0.2.1" "make" (func $make1 (param i32) (result i32)))
  (import "test:io/poll@0.2.1" "[method]pollable.ready" (func $ready1 (param i32) (result i32)))
  (import "test:io/poll@0.2.1" "[resource-drop]pollable" (func $drop1 (param i32)))
  (func (export "run") (result i32) (local $a i32) (local $b i32) (local $out i32)
    i32.const 1 call $make0 local.set $a
    i32.const 0 call $make1 local.set $b
    local.get $a call $ready0
    local.get $b call $ready1 i32.const 1 i32.shl
    i32.or local.set $out
    local.get $a call $drop0
    local.get $b call $drop1
    local.get $out))"#;
    for engine in engines() {
        let c = load(&engine, wit, "guest", core);
        let mut linker = Linker::new(&engine);
        // One definition, of 0.2.1, serves both versions' imports.
        poll::Server::add_to_linker(&mut linker, |t: &mut Polls| t).unwrap();
        let mut store = Store::new(&engine, Polls::default());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let run = inst
            .get_typed_func::<(), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), (0b01,));
        assert_eq!(store.data().dropped, 2);
    }
}

/// A mismatch deep in a signature is named by its place, at lookup.
#[test]
fn a_lookup_mismatch_names_the_field() {
    for engine in engines() {
        let c = load(&engine, include_str!("wit/chain.wit"), "w", CHAIN_CORE);
        let linker = Linker::new(&engine);
        let mut store = Store::new(&engine, ());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        // `dup` borrows and returns an own: a `BorrowAny` result is wrong.
        let err = inst
            .get_typed_func::<(hostbind::BorrowAny,), (hostbind::BorrowAny,)>(
                &mut store,
                "test:chain/e2#dup",
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "export `test:chain/e2#dup`, result 0: the component has `own<test:chain/e1#x>`, but it was looked up with `BorrowAny` (the export's type is `func(borrow<test:chain/e1#x>) -> (own<test:chain/e1#x>)`)"
        );
        // Inside a record param: the `some` value of field `y`.
        #[derive(hostbind::ComponentType, hostbind::Lift, hostbind::Lower)]
        struct Point {
            x: u32,
            y: Option<u32>,
        }
        let core = r#"(module
  (func (export "test:nested/api#take") (param i32 i32 i64) (result i32) local.get 0))"#;
        let c = load(&engine, include_str!("wit/nested.wit"), "w", core);
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let err = inst
            .get_typed_func::<(Point,), (u32,)>(&mut store, "test:nested/api#take")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "export `test:nested/api#take`, parameter 0 (`p`), field `y`, the `some` value: the component has `u64`, but it was looked up with `u32` (the export's type is `func(record { x: u32, y: option<u64> }) -> (u32)`)"
        );
    }
}

/// Imports the linker lacks become functions that trap when called,
/// naming themselves; the component instantiates and runs what it can.
#[test]
fn unknown_imports_can_be_defined_as_traps() {
    for engine in engines() {
        let c = load(&engine, include_str!("wit/unnamed.wit"), "w", UNNAMED_CORE);
        let mut linker = Linker::<Tens>::new(&engine);
        assert!(
            linker
                .instantiate(&mut Store::new(&engine, Tens), &c)
                .is_err()
        );
        linker.define_unknown_imports_as_traps(&c).unwrap();
        let mut store = Store::new(&engine, Tens);
        let w = unnamed::W::instantiate(&mut store, &c, &linker).unwrap();
        let err = w.exports().call_g(&mut store, 1).unwrap_err();
        assert!(
            format!("{err:#}").contains(
                "import `imports#f` was called, but the linker defines it only as a stand-in that traps"
            ),
            "{err:#}"
        );
    }
}

mod named_host {
    hostbind::bindgen!({ path: "tests/all/wit/host.wit" });
}

impl named_host::Host for Tens {
    fn f(&mut self, x: u32) -> u32 {
        x * 10
    }
}

/// A world named `host` keeps the root `Host` trait; its struct is
/// `HostWorld`.
#[test]
fn a_world_named_like_its_host_trait() {
    let core = r#"(module
  (import "$root" "f" (func $f (param i32) (result i32)))
  (func (export "g") (param i32) (result i32) local.get 0 call $f))"#;
    for engine in engines() {
        let c = load(&engine, include_str!("wit/host.wit"), "host", core);
        let mut linker = Linker::new(&engine);
        named_host::HostWorld::add_to_linker(&mut linker, |t: &mut Tens| t).unwrap();
        let mut store = Store::new(&engine, Tens);
        let w = named_host::HostWorld::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(w.call_g(&mut store, 3).unwrap(), 30);
    }
}
