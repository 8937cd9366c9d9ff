//! Versioned WIT packages end to end: `bindgen!` links and calls the full
//! `pkg:ns/iface@x.y.z` names, a guest built against an older compatible
//! version links to a newer host, and `#[host_fn(wit = ..)]` takes and
//! registers versioned names.

use hostbind::{Linker, Store, host_fn};
use hostbind_tests::{component, engines, message};

mod lab {
    hostbind::bindgen!({
        inline: "
package lab:demo@0.1.4;

interface host-api {
  greet: func(name: string) -> u32;
}

interface plugin {
  run: func(n: u32) -> u32;
}

world app {
  import host-api;
  export plugin;
}
",
    });
}

#[derive(Default)]
struct Host {
    greeted: Vec<String>,
}

impl lab::lab::demo::host_api::Host for Host {
    fn greet(&mut self, name: &str) -> u32 {
        self.greeted.push(name.to_string());
        name.len() as u32
    }
}

/// A guest importing `lab:demo/host-api@{import}` and exporting
/// `lab:demo/plugin@{export}`, whose `run(n)` returns `greet("hi") + n`.
fn guest(import: &str, export: &str) -> String {
    format!(
        r#"(component
  (import "lab:demo/host-api@{import}" (instance $h
    (export "greet" (func (param "name" string) (result u32)))))
  (core module $Mem (memory (export "memory") 1) (data (i32.const 16) "hi"))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "memory" (core memory $memory))
  (core func $greet (canon lower (func $h "greet") (memory $memory)))
  (core module $M
    (import "h" "greet" (func $greet (param i32 i32) (result i32)))
    (func (export "run") (param i32) (result i32)
      (i32.add (call $greet (i32.const 16) (i32.const 2)) (local.get 0))))
  (core instance $m (instantiate $M (with "h" (instance (export "greet" (func $greet))))))
  (func $run (param "n" u32) (result u32) (canon lift (core func $m "run")))
  (instance $plugin (export "run" (func $run)))
  (export "lab:demo/plugin@{export}" (instance $plugin)))"#
    )
}

#[test]
fn bindgen_links_versioned_names() {
    for engine in engines() {
        // The same version, and a guest built against older patches.
        for (import, export) in [("0.1.4", "0.1.4"), ("0.1.0", "0.1.2")] {
            let c = component(&engine, &guest(import, export));
            let mut linker = Linker::<Host>::new(&engine);
            lab::App::add_to_linker(&mut linker, |h: &mut Host| h).unwrap();
            let mut store = Store::new(&engine, Host::default());
            let app = lab::App::instantiate(&mut store, &c, &linker).unwrap();
            assert_eq!(app.call_plugin_run(&mut store, 5).unwrap(), 7);
            assert_eq!(store.data().greeted, ["hi"]);
        }
    }
}

#[test]
fn an_incompatible_guest_is_refused_with_the_near_version() {
    for engine in engines() {
        let c = component(&engine, &guest("0.2.0", "0.1.4"));
        let mut linker = Linker::<Host>::new(&engine);
        lab::App::add_to_linker(&mut linker, |h: &mut Host| h).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let Err(err) = lab::App::instantiate(&mut store, &c, &linker) else {
            panic!("an incompatible version must not link");
        };
        assert_eq!(
            message(&err),
            "the linker defines no host function for import `lab:demo/host-api@0.2.0#greet`; the linker defines `lab:demo/host-api@0.1.4`, which is not semver-compatible with `lab:demo/host-api@0.2.0`"
        );
    }
}

/// Checked against the versioned WIT; the version may be given or left out.
#[host_fn(
    inline = "package lab:demo@0.1.4; interface host-api { greet: func(name: string) -> u32; }",
    import = "lab:demo/host-api@0.1.4#greet"
)]
fn greet_versioned(cx: &mut Host, name: &str) -> u32 {
    cx.greeted.push(format!("v:{name}"));
    name.len() as u32
}

#[host_fn(
    inline = "package lab:demo@0.1.4; interface host-api { greet: func(name: string) -> u32; }",
    import = "lab:demo/host-api#greet"
)]
fn greet_plain(cx: &mut Host, name: &str) -> u32 {
    cx.greeted.push(format!("p:{name}"));
    name.len() as u32
}

#[test]
fn host_fn_takes_versioned_imports_and_registers_the_full_name() {
    use hostbind::WitImport;
    assert_eq!(
        <greet_versioned as WitImport>::WIT_IMPORT,
        "lab:demo/host-api@0.1.4#greet"
    );
    assert_eq!(
        <greet_plain as WitImport>::WIT_IMPORT,
        "lab:demo/host-api@0.1.4#greet"
    );
    for engine in engines() {
        let c = component(&engine, &guest("0.1.1", "0.1.4"));
        let mut linker = Linker::<Host>::new(&engine);
        linker.func_wit(greet_versioned).unwrap();
        let mut store = Store::new(&engine, Host::default());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let run = inst
            .get_typed_func::<(u32,), (u32,)>(&mut store, "lab:demo/plugin@0.1.4#run")
            .unwrap();
        assert_eq!(run.call(&mut store, (1,)).unwrap(), (3,));
        assert_eq!(store.data().greeted, ["v:hi"]);
    }
}
