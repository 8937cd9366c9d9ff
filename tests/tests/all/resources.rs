//! Resources: host-defined (`Resource<T>`, `Borrow<T>`, a `ResourceTable`,
//! the linker's destructor) and guest-defined (`resource.new/rep/drop`,
//! guest destructors, `ResourceAny`), with the spec's handle rules.

use hostbind::{
    Borrow, Component, Linker, Resource, ResourceAny, ResourceTable, Store, Val, host_fn,
};
use hostbind_tests::{THING_CORE, engines, message};

/// A host resource's state.
struct Counter {
    value: u32,
}

/// Another host resource type, to be confused with `Counter`.
struct Gauge;

#[derive(Default)]
struct Ctx {
    table: ResourceTable,
    /// The values of the counters whose destructor ran, in order.
    dropped: Vec<u32>,
}

#[host_fn]
fn new_counter(cx: &mut Ctx, start: u32) -> Resource<Counter> {
    cx.table.push(Counter { value: start })
}

#[host_fn]
fn incr(cx: &mut Ctx, this: Borrow<Counter>, by: u32) -> hostbind::Result<u32> {
    let c = cx.table.get_mut::<Counter>(&this)?;
    c.value += by;
    Ok(c.value)
}

#[host_fn]
fn merge(
    cx: &mut Ctx,
    a: Resource<Counter>,
    b: Resource<Counter>,
) -> hostbind::Result<Resource<Counter>> {
    let a = cx.table.delete(a)?;
    let b = cx.table.delete(b)?;
    Ok(cx.table.push(Counter {
        value: a.value + b.value,
    }))
}

#[host_fn]
fn new_gauge(cx: &mut Ctx) -> Resource<Gauge> {
    cx.table.push(Gauge)
}

/// The import side of the host-resource guests: a `counter` with a
/// constructor, a method and a static function, and a `gauge`.
const HOST_API: &str = r#"
  (import "test:host/api" (instance $host
    (export "counter" (type $c (sub resource)))
    (export "gauge" (type $g (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
    (export "[method]counter.incr" (func (param "self" (borrow $c)) (param "by" u32) (result u32)))
    (export "[static]counter.merge" (func (param "a" (own $c)) (param "b" (own $c)) (result (own $c))))
    (export "[constructor]gauge" (func (result (own $g))))))
  (alias export $host "counter" (type $counter))
  (alias export $host "gauge" (type $gauge))
  (core func $new (canon lower (func $host "[constructor]counter")))
  (core func $incr (canon lower (func $host "[method]counter.incr")))
  (core func $merge (canon lower (func $host "[static]counter.merge")))
  (core func $new-gauge (canon lower (func $host "[constructor]gauge")))
  (core func $drop (canon resource.drop $counter))
"#;

/// A guest over `HOST_API` whose core module has `body` and whose exports
/// are `exports` (`(name, type)`, each lifted from the core export of that name).
fn host_resource_guest(body: &str, exports: &[(&str, &str)]) -> String {
    let mut wat = format!(
        r#"(component {HOST_API}
  (export $counter-e "counter" (type $counter))
  (core module $M
    (import "host" "new" (func $new (param i32) (result i32)))
    (import "host" "incr" (func $incr (param i32 i32) (result i32)))
    (import "host" "merge" (func $merge (param i32 i32) (result i32)))
    (import "host" "new-gauge" (func $new-gauge (result i32)))
    (import "host" "drop" (func $drop (param i32)))
    {body})
  (core instance $main (instantiate $M (with "host" (instance
    (export "new" (func $new)) (export "incr" (func $incr)) (export "merge" (func $merge))
    (export "new-gauge" (func $new-gauge)) (export "drop" (func $drop))))))
"#
    );
    for (name, ty) in exports {
        wat += &format!(
            "  (func (export \"{name}\") {ty} (canon lift (core func $main \"{name}\")))\n"
        );
    }
    wat + ")"
}

fn host_linker(engine: &hostbind::Engine) -> Linker<Ctx> {
    let mut linker = Linker::new(engine);
    linker
        .instance("test:host/api")
        .unwrap()
        .resource::<Counter>("counter", |cx: &mut Ctx, r| {
            let c = cx.table.delete(r)?;
            cx.dropped.push(c.value);
            Ok(())
        })
        .unwrap()
        .resource::<Gauge>("gauge", |cx: &mut Ctx, r| {
            cx.table.delete(r)?;
            Ok(())
        })
        .unwrap()
        .func("[constructor]counter", new_counter)
        .unwrap()
        .func("[method]counter.incr", incr)
        .unwrap()
        .func("[static]counter.merge", merge)
        .unwrap()
        .func("[constructor]gauge", new_gauge)
        .unwrap();
    linker
}

/// Instantiates a host-resource guest and calls its `run: func() -> u32`.
fn run(body: &str) -> Vec<(Result<u32, String>, Ctx)> {
    engines()
        .iter()
        .map(|engine| {
            let wat = host_resource_guest(body, &[("run", "(result u32)")]);
            let c = Component::new(engine, wat::parse_str(&wat).unwrap()).unwrap();
            let mut store = Store::new(engine, Ctx::default());
            let inst = host_linker(engine).instantiate(&mut store, &c).unwrap();
            let f = inst
                .get_typed_func::<(), (u32,)>(&mut store, "run")
                .unwrap();
            let r = f
                .call(&mut store, ())
                .map(|(v,)| v)
                .map_err(|e| message(&e));
            (r, store.into_data())
        })
        .collect()
}

/// Create, use through a borrow, move into a static function, drop: the
/// destructor runs once, for the merged counter, and the table is empty.
#[test]
fn host_resource_lifecycle() {
    let body = r#"(func (export "run") (result i32)
      (local $a i32) (local $b i32) (local $m i32) (local $r i32)
      (local.set $a (call $new (i32.const 10)))
      (local.set $b (call $new (i32.const 5)))
      (drop (call $incr (local.get $a) (i32.const 1)))
      (local.set $m (call $merge (local.get $a) (local.get $b)))
      (local.set $r (call $incr (local.get $m) (i32.const 100)))
      (call $drop (local.get $m))
      (local.get $r))"#;
    for (r, cx) in run(body) {
        assert_eq!(r.unwrap(), 116);
        assert_eq!(cx.dropped, [116], "the destructor ran exactly once");
        assert!(cx.table.is_empty());
    }
}

#[test]
fn a_handle_that_does_not_exist_traps() {
    for (r, _) in
        run(r#"(func (export "run") (result i32) (call $incr (i32.const 7) (i32.const 1)))"#)
    {
        assert_eq!(
            r.unwrap_err(),
            "handle 7 of `test:host/api#counter` does not exist (never created, already moved or already dropped) in param `this` of `incr`"
        );
    }
}

#[test]
fn a_handle_used_after_drop_traps() {
    let body = r#"(func (export "run") (result i32) (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (call $drop (local.get $a))
      (call $incr (local.get $a) (i32.const 1)))"#;
    for (r, cx) in run(body) {
        assert_eq!(
            r.unwrap_err(),
            "handle 1 of `test:host/api#counter` does not exist (never created, already moved or already dropped) in param `this` of `incr`"
        );
        assert_eq!(cx.dropped, [1]);
    }
}

#[test]
fn an_own_handle_passed_twice_traps() {
    let body = r#"(func (export "run") (result i32) (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (call $merge (local.get $a) (local.get $a)))"#;
    for (r, _) in run(body) {
        assert_eq!(
            r.unwrap_err(),
            "handle 1 of `test:host/api#counter` does not exist (never created, already moved or already dropped) in param `b` of `merge`"
        );
    }
}

#[test]
fn a_handle_of_another_resource_type_traps() {
    let body = r#"(func (export "run") (result i32) (local $g i32)
      (local.set $g (call $new-gauge))
      (call $incr (local.get $g) (i32.const 1)))"#;
    for (r, _) in run(body) {
        assert_eq!(
            r.unwrap_err(),
            "handle 1 is a `test:host/api#gauge`, but `test:host/api#counter` was expected in param `this` of `incr`"
        );
    }
}

#[test]
fn dropping_a_handle_twice_traps_in_resource_drop() {
    let body = r#"(func (export "run") (result i32) (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (call $drop (local.get $a))
      (call $drop (local.get $a))
      (i32.const 0))"#;
    for (r, cx) in run(body) {
        assert_eq!(
            r.unwrap_err(),
            "handle 1 of `test:host/api#counter` does not exist (never created, already moved or already dropped) in param `handle` of `resource.drop`"
        );
        assert_eq!(cx.dropped, [1]);
    }
}

#[host_fn]
fn lend_and_move(cx: &mut Ctx, a: Borrow<Counter>, b: Resource<Counter>) -> u32 {
    let _ = (cx, a, b);
    0
}

/// An own handle cannot move while the same call borrows it.
#[test]
fn an_own_handle_cannot_move_while_lent() {
    let wat = r#"(component
      (import "test:host/api" (instance $host
        (export "counter" (type $c (sub resource)))
        (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
        (export "lend-and-move" (func (param "a" (borrow $c)) (param "b" (own $c)) (result u32)))))
      (core func $new (canon lower (func $host "[constructor]counter")))
      (core func $lm (canon lower (func $host "lend-and-move")))
      (core module $M
        (import "host" "new" (func $new (param i32) (result i32)))
        (import "host" "lm" (func $lm (param i32 i32) (result i32)))
        (func (export "run") (result i32) (local $a i32)
          (local.set $a (call $new (i32.const 1)))
          (call $lm (local.get $a) (local.get $a))))
      (core instance $main (instantiate $M (with "host" (instance (export "new" (func $new)) (export "lm" (func $lm))))))
      (func (export "run") (result u32) (canon lift (core func $main "run"))))"#;
    for engine in engines() {
        let c = Component::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
        let mut linker = Linker::<Ctx>::new(&engine);
        linker
            .instance("test:host/api")
            .unwrap()
            .resource::<Counter>("counter", |_, _| Ok(()))
            .unwrap()
            .func("[constructor]counter", new_counter)
            .unwrap()
            .func("lend-and-move", lend_and_move)
            .unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let f = inst
            .get_typed_func::<(), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(
            message(&f.call(&mut store, ()).unwrap_err()),
            "own handle 1 of `test:host/api#counter` cannot be moved while it is lent to 1 borrow(s) in param `b` of `lend_and_move`"
        );
    }
}

/// The host lends a counter to an export; the guest must drop the borrow
/// before returning (the spec's scope-exit check).
#[test]
fn a_borrow_still_held_when_the_export_returns_traps() {
    let body = r#"
      (func (export "peek") (param i32) (result i32) (call $incr (local.get 0) (i32.const 0)))
      (func (export "peek-and-drop") (param i32) (result i32) (local $v i32)
        (local.set $v (call $incr (local.get 0) (i32.const 0)))
        (call $drop (local.get 0))
        (local.get $v))"#;
    let ty = r#"(param "c" (borrow $counter-e)) (result u32)"#;
    for engine in engines() {
        let wat = host_resource_guest(body, &[("peek", ty), ("peek-and-drop", ty)]);
        let c = Component::new(&engine, wat::parse_str(&wat).unwrap()).unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let inst = host_linker(&engine).instantiate(&mut store, &c).unwrap();
        let counter = store.data_mut().table.push(Counter { value: 42 });
        let ok = inst
            .get_typed_func::<(Borrow<Counter>,), (u32,)>(&mut store, "peek-and-drop")
            .unwrap();
        assert_eq!(ok.call(&mut store, (counter.borrow(),)).unwrap(), (42,));
        let bad = inst
            .get_typed_func::<(Borrow<Counter>,), (u32,)>(&mut store, "peek")
            .unwrap();
        assert_eq!(
            message(&bad.call(&mut store, (counter.borrow(),)).unwrap_err()),
            "export `peek` returned while the guest still holds 1 borrow handle(s) it was lent for the call; borrows must be dropped before returning"
        );
        assert!(
            store.data().dropped.is_empty(),
            "a borrow never runs the destructor"
        );
    }
}

/// A component defining `thing` (rep = the value given to its constructor);
/// its destructor counts drops at address 8 and records the last rep at 12.
fn guest_resource() -> String {
    format!(
        r#"(component
{THING_CORE}  (export $t "thing" (type $thing))
  (func (export "[constructor]thing") (param "v" u32) (result (own $t)) (canon lift (core func $main "make")))
  (func (export "[method]thing.get") (param "self" (borrow $t)) (result u32) (canon lift (core func $main "get")))
  (func (export "consume") (param "t" (own $t)) (result u32) (canon lift (core func $main "consume")))
  (func (export "drops") (result u32) (canon lift (core func $main "drops")))
  (func (export "last") (result u32) (canon lift (core func $main "last")))
  (func (export "bad-rep") (result u32) (canon lift (core func $main "bad-rep"))))"#
    )
}

fn guest_instance(engine: &hostbind::Engine) -> (Store<()>, hostbind::Instance) {
    let c = Component::new(engine, wat::parse_str(guest_resource()).unwrap()).unwrap();
    let mut store = Store::new(engine, ());
    let inst = Linker::new(engine).instantiate(&mut store, &c).unwrap();
    (store, inst)
}

fn counter(store: &mut Store<()>, inst: &hostbind::Instance, name: &str) -> u32 {
    let f = inst.get_typed_func::<(), (u32,)>(store, name).unwrap();
    f.call(store, ()).unwrap().0
}

/// The host holds guest resources as `ResourceAny`, lends them to methods,
/// moves them back, and drops them; the guest destructor runs once each.
#[test]
fn guest_resource_lifecycle() {
    for engine in engines() {
        let (mut store, inst) = guest_instance(&engine);
        let make = inst
            .get_typed_func::<(u32,), (ResourceAny,)>(&mut store, "[constructor]thing")
            .unwrap();
        let get = inst
            .get_typed_func::<(ResourceAny,), (u32,)>(&mut store, "[method]thing.get")
            .unwrap();
        let consume = inst
            .get_typed_func::<(ResourceAny,), (u32,)>(&mut store, "consume")
            .unwrap();
        let (a,) = make.call(&mut store, (7,)).unwrap();
        let (b,) = make.call(&mut store, (9,)).unwrap();
        assert!(a.owned());
        assert_eq!(a.rep(), 7);
        assert_eq!(
            get.call(&mut store, (a,)).unwrap(),
            (7,),
            "a borrow of a guest's own resource is its rep"
        );
        assert_eq!(counter(&mut store, &inst, "drops"), 0);
        assert_eq!(consume.call(&mut store, (a,)).unwrap(), (7,));
        assert_eq!(counter(&mut store, &inst, "drops"), 1);
        assert_eq!(counter(&mut store, &inst, "last"), 7);
        b.drop(&mut store).unwrap();
        assert_eq!(counter(&mut store, &inst, "drops"), 2);
        assert_eq!(counter(&mut store, &inst, "last"), 9);
    }
}

#[test]
fn resource_rep_of_a_missing_handle_traps() {
    for engine in engines() {
        let (mut store, inst) = guest_instance(&engine);
        let f = inst
            .get_typed_func::<(), (u32,)>(&mut store, "bad-rep")
            .unwrap();
        assert_eq!(
            message(&f.call(&mut store, ()).unwrap_err()),
            "handle 9 of `thing` does not exist (never created, already moved or already dropped) in param `handle` of `resource.rep`"
        );
    }
}

/// The same through `Func::call` and `Val::Resource`.
#[test]
fn guest_resources_through_vals() {
    for engine in engines() {
        let (mut store, inst) = guest_instance(&engine);
        let make = inst.get_func(&mut store, "[constructor]thing").unwrap();
        let get = inst.get_func(&mut store, "[method]thing.get").unwrap();
        let consume = inst.get_func(&mut store, "consume").unwrap();
        let mut out = [Val::Bool(false)];
        make.call(&mut store, &[Val::U32(5)], &mut out).unwrap();
        let Val::Resource(r) = out[0].clone() else {
            panic!("not a resource: {:?}", out[0]);
        };
        get.call(&mut store, &[Val::Resource(r)], &mut out).unwrap();
        assert_eq!(out[0], Val::U32(5));
        consume
            .call(&mut store, &[Val::Resource(r)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::U32(5));
        assert_eq!(counter(&mut store, &inst, "drops"), 1);
        let err = get.call(&mut store, &[Val::U32(5)], &mut out).unwrap_err();
        assert_eq!(
            message(&err),
            "type mismatch: expected `borrow<resource>`, found a `u32` value in params of `[method]thing.get`"
        );
    }
}

/// A dynamic host function receives host resources as `Val::Resource` and
/// can hand them back.
#[test]
fn host_resources_in_a_dynamic_function() {
    for engine in engines() {
        let wat = host_resource_guest(
            r#"(func (export "run") (result i32) (local $a i32) (local $b i32)
              (local.set $a (call $new (i32.const 3)))
              (local.set $b (call $new (i32.const 4)))
              (local.set $a (call $merge (local.get $a) (local.get $b)))
              (call $incr (local.get $a) (i32.const 0)))"#,
            &[("run", "(result u32)")],
        );
        let c = Component::new(&engine, wat::parse_str(&wat).unwrap()).unwrap();
        let mut linker = Linker::<Ctx>::new(&engine);
        linker
            .instance("test:host/api")
            .unwrap()
            .resource::<Counter>("counter", |_, _| Ok(()))
            .unwrap()
            .resource::<Gauge>("gauge", |_, _| Ok(()))
            .unwrap()
            .func("[constructor]counter", new_counter)
            .unwrap()
            .func("[method]counter.incr", incr)
            .unwrap()
            .func("[constructor]gauge", new_gauge)
            .unwrap()
            // "merge" keeps the first counter and hands it back.
            .func_new("[static]counter.merge", |_, _, params, results| {
                let (Val::Resource(a), Val::Resource(b)) = (&params[0], &params[1]) else {
                    anyhow::bail!("not resources: {params:?}");
                };
                assert!(a.owned() && b.owned());
                results[0] = Val::Resource(*a);
                Ok(())
            })
            .unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let f = inst
            .get_typed_func::<(), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(f.call(&mut store, ()).unwrap(), (3,));
    }
}

#[host_fn]
fn gauge_from(cx: &mut Ctx, start: u32) -> Resource<Gauge> {
    let _ = start;
    cx.table.push(Gauge)
}

/// A host function whose resource type differs from the import's is
/// refused. One host type may serve two imported resources (as wasmtime's
/// linker allows): they are one type at run time, so only the constructor
/// that returns another type is wrong.
#[test]
fn resource_linking_errors() {
    for engine in engines() {
        let wat = host_resource_guest(
            r#"(func (export "run") (result i32) (i32.const 0))"#,
            &[("run", "(result u32)")],
        );
        let c = Component::new(&engine, wat::parse_str(&wat).unwrap()).unwrap();
        let link = |counter_ctor_is_gauge: bool, gauge_is_counter: bool| {
            let mut linker = Linker::<Ctx>::new(&engine);
            let mut api = linker.instance("test:host/api").unwrap();
            api.resource::<Counter>("counter", |_, _| Ok(())).unwrap();
            if gauge_is_counter {
                api.resource::<Counter>("gauge", |_, _| Ok(())).unwrap();
            } else {
                api.resource::<Gauge>("gauge", |_, _| Ok(())).unwrap();
            }
            if counter_ctor_is_gauge {
                api.func("[constructor]counter", gauge_from).unwrap();
            } else {
                api.func("[constructor]counter", new_counter).unwrap();
            }
            api.func("[method]counter.incr", incr)
                .unwrap()
                .func("[static]counter.merge", merge)
                .unwrap()
                .func("[constructor]gauge", new_gauge)
                .unwrap();
            let err = linker
                .instantiate(&mut Store::new(&engine, Ctx::default()), &c)
                .unwrap_err();
            message(&err)
        };
        assert_eq!(
            link(false, true),
            "import `test:host/api#[constructor]gauge` returns `own<test:host/api#gauge>`, but host function `new_gauge` returns `own<all::resources::Gauge>`"
        );
        assert_eq!(
            link(true, false),
            "import `test:host/api#[constructor]counter` returns `own<test:host/api#counter>`, but host function `gauge_from` returns `own<all::resources::Gauge>`"
        );
    }
}

/// The `counter` of the guests above, through `bindgen!`: a `HostCounter`
/// trait with `new`, `incr`, `merge` and `drop`, wired by `add_to_linker`,
/// and `with` making the host's own `Counter` and `Gauge` the resources'
/// Rust types, so a `ResourceTable` holds them directly.
mod generated {
    hostbind::bindgen!({
        inline: "
package test:host;
interface api {
  resource counter {
    constructor(start: u32);
    incr: func(by: u32) -> u32;
    merge: static func(a: counter, b: counter) -> counter;
  }
  resource gauge {
    constructor();
  }
}
world guest {
  import api;
  export run: func() -> u32;
}
",
        trappable: true,
        with: {
            "test:host/api/counter": super::Counter,
            "test:host/api/gauge": super::Gauge,
        },
    });
}

use generated::test::host::api::{Host, HostCounter, HostGauge};

impl HostCounter for Ctx {
    fn new(&mut self, start: u32) -> hostbind::Result<Resource<Counter>> {
        Ok(self.table.push(Counter { value: start }))
    }
    fn incr(&mut self, this: Borrow<Counter>, by: u32) -> hostbind::Result<u32> {
        let c = self.table.get_mut(&this)?;
        c.value += by;
        Ok(c.value)
    }
    fn merge(
        &mut self,
        a: Resource<Counter>,
        b: Resource<Counter>,
    ) -> hostbind::Result<Resource<Counter>> {
        let value = self.table.delete(a)?.value + self.table.delete(b)?.value;
        Ok(self.table.push(Counter { value }))
    }
    fn drop(&mut self, rep: Resource<Counter>) -> hostbind::Result<()> {
        let c = self.table.delete(rep)?;
        self.dropped.push(c.value);
        Ok(())
    }
}

impl HostGauge for Ctx {
    fn new(&mut self) -> hostbind::Result<Resource<Gauge>> {
        Ok(self.table.push(Gauge))
    }
    fn drop(&mut self, rep: Resource<Gauge>) -> hostbind::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl Host for Ctx {}

#[test]
fn bindgen_resources_run_the_lifecycle() {
    let body = r#"(func (export "run") (result i32)
      (local $a i32) (local $b i32) (local $m i32) (local $r i32)
      (local.set $a (call $new (i32.const 10)))
      (local.set $b (call $new (i32.const 5)))
      (drop (call $incr (local.get $a) (i32.const 1)))
      (local.set $m (call $merge (local.get $a) (local.get $b)))
      (local.set $r (call $incr (local.get $m) (i32.const 100)))
      (call $drop (local.get $m))
      (local.get $r))"#;
    for engine in engines() {
        let wat = host_resource_guest(body, &[("run", "(result u32)")]);
        let c = Component::new(&engine, wat::parse_str(&wat).unwrap()).unwrap();
        let mut linker = Linker::<Ctx>::new(&engine);
        generated::Guest::add_to_linker(&mut linker, |data| data).unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let guest = generated::Guest::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(guest.call_run(&mut store).unwrap(), 116);
        assert_eq!(
            store.data().dropped,
            [116],
            "the destructor ran exactly once"
        );
        assert!(store.data().table.is_empty());
    }
}
