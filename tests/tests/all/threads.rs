//! One engine, component and linker shared by threads, each with stores of
//! its own: what a server embedding hostbind does.

use hostbind::{Component, Engine, InstancePre, Linker, Store, host_fn};
use hostbind_tests::{Import, engines, guest};

const fn assert_send_sync<T: Send + Sync>() {}
const _: () = {
    assert_send_sync::<Engine>();
    assert_send_sync::<Component>();
    assert_send_sync::<Linker<u32>>();
    assert_send_sync::<InstancePre<u32>>();
};

#[host_fn]
fn bump(n: &mut u32, by: u32) -> u32 {
    *n += by;
    *n
}

/// The guest's import of [`bump`].
const BUMP: Import<'static> = Import {
    name: "bump",
    ty: r#"(param "by" u32) (result u32)"#,
    core: "(param i32) (result i32)",
};

/// The guest `wat` compiled for `engine`, and a linker defining `bump`.
fn bump_guest(engine: &Engine, wat: &str) -> (Component, Linker<u32>) {
    let component = Component::new(engine, wat::parse_str(wat).unwrap()).unwrap();
    let mut linker = Linker::<u32>::new(engine);
    linker
        .instance("test:host/api")
        .unwrap()
        .func("bump", bump)
        .unwrap();
    (component, linker)
}

#[test]
fn stores_of_one_component_run_on_several_threads_at_once() {
    let wat = guest(
        &[BUMP],
        r#"(func (export "run") (param $n i32) (result i32) (local $i i32) (local $r i32)
             (block $done (loop $l
               (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
               (local.set $r (call $bump (i32.const 2)))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br $l)))
             (local.get $r))"#,
        &[("run", r#"(param "n" u32) (result u32)"#)],
    );
    for engine in engines() {
        let (component, linker) = bump_guest(&engine, &wat);
        let pre = linker.instantiate_pre(&component).unwrap();
        std::thread::scope(|s| {
            let runs: Vec<_> = (0..4u32)
                .map(|t| {
                    let (engine, component, linker, pre) = (&engine, &component, &linker, &pre);
                    s.spawn(move || {
                        // Each thread's store starts from its own count.
                        let mut store = Store::new(engine, t * 1000);
                        // Half link each time, half share the linked `InstancePre`.
                        let instance = if t % 2 == 0 {
                            linker.instantiate(&mut store, component).unwrap()
                        } else {
                            pre.instantiate(&mut store).unwrap()
                        };
                        let run = instance
                            .get_typed_func::<(u32,), (u32,)>(&mut store, "run")
                            .unwrap();
                        (0..50)
                            .map(|_| run.call(&mut store, (100,)).unwrap().0)
                            .last()
                            .unwrap()
                    })
                })
                .collect();
            for (t, run) in runs.into_iter().enumerate() {
                assert_eq!(run.join().unwrap(), t as u32 * 1000 + 50 * 100 * 2);
            }
        });
    }
}

const fn assert_send<T: Send>() {}
/// A store is `Send` when its data is, as in wasmtime: it can move to the
/// thread that runs it.
const _: () = assert_send::<hostbind::Store<u32>>();

#[test]
fn a_store_moves_to_another_thread_with_its_instance() {
    let wat = guest(
        &[BUMP],
        r#"(func (export "run") (param $n i32) (result i32) (call $bump (local.get $n)))"#,
        &[("run", r#"(param "n" u32) (result u32)"#)],
    );
    for engine in engines() {
        let (component, linker) = bump_guest(&engine, &wat);
        let mut store = Store::new(&engine, 10);
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let run = instance
            .get_typed_func::<(u32,), (u32,)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, (1,)).unwrap(), (11,));
        // Made on this thread, called on another, and back.
        let (mut store, run) = std::thread::spawn(move || {
            assert_eq!(run.call(&mut store, (5,)).unwrap(), (16,));
            (store, run)
        })
        .join()
        .unwrap();
        assert_eq!(*store.data(), 16);
        assert_eq!(run.call(&mut store, (4,)).unwrap(), (20,));
    }
}
