//! Shared helpers for the integration tests: building components from WAT.

use hostbind::{Component, Engine, EngineKind, Instance, Linker, LinkerInstance, Store};

/// Every engine the suite runs on.
pub fn engines() -> Vec<Engine> {
    vec![Engine::new(EngineKind::Wasmi)]
}

/// Compiles a component written in the WebAssembly text format.
pub fn component(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("invalid WAT: {e}"));
    Component::new(engine, bytes).unwrap_or_else(|e| panic!("component failed to load: {e:#}"))
}

/// Compiles `wat`, lets `define` put host functions into the linker's
/// `test:host/api` instance, and instantiates the component in a new store
/// holding `data`.
pub fn instantiate<T: 'static>(
    engine: &Engine,
    wat: &str,
    data: T,
    define: impl FnOnce(&mut LinkerInstance<'_, T>) -> hostbind::Result<()>,
) -> (Store<T>, Instance) {
    let c = component(engine, wat);
    let mut linker = Linker::new(engine);
    let mut api = linker.instance("test:host/api").expect("a fresh linker");
    define(&mut api).unwrap_or_else(|e| panic!("defining host functions failed: {e:#}"));
    let mut store = Store::new(engine, data);
    let instance = linker
        .instantiate(&mut store, &c)
        .unwrap_or_else(|e| panic!("instantiation failed: {e:#}"));
    (store, instance)
}

/// A core module with a memory and a bump-allocating `realloc`, for
/// components to instantiate as `$libc`. Allocation starts at 1024.
pub const LIBC: &str = r#"
  (core module $Libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))
"#;

/// A host import of a generated guest: name, component func type, core type.
pub struct Import<'a> {
    /// The function's name in the `test:host/api` instance.
    pub name: &'a str,
    /// The component function type, e.g. `(param "s" string) (result u32)`.
    pub ty: &'a str,
    /// The lowered core type, e.g. `(param i32 i32) (result i32)`.
    pub core: &'a str,
}

/// Builds a component that imports `imports` from `test:host/api`, lowers
/// each with the canonical options `options` (memory and realloc are always
/// given), runs `body` as its core module (which sees `$memory`, `$realloc`
/// and one function per import, by name) and lifts `exports`
/// (`(name, component func type)`), each from the core export of that name.
pub fn guest_with(
    imports: &[Import<'_>],
    options: &str,
    body: &str,
    exports: &[(&str, &str)],
) -> String {
    let mut wat = String::from("(component\n  (import \"test:host/api\" (instance $host\n");
    for i in imports {
        wat += &format!("    (export \"{}\" (func {}))\n", i.name, i.ty);
    }
    wat += "  ))\n";
    wat += LIBC;
    for i in imports {
        wat += &format!(
            "  (core func $lower-{0} (canon lower (func $host \"{0}\") (memory $memory) (realloc $realloc) {options}))\n",
            i.name
        );
    }
    wat += "  (core module $Main\n    (import \"env\" \"memory\" (memory 1))\n";
    wat +=
        "    (import \"env\" \"realloc\" (func $realloc (param i32 i32 i32 i32) (result i32)))\n";
    for i in imports {
        wat += &format!(
            "    (import \"host\" \"{0}\" (func ${0} {1}))\n",
            i.name, i.core
        );
    }
    wat += body;
    wat += "\n  )\n  (core instance $main (instantiate $Main\n";
    wat += "    (with \"env\" (instance (export \"memory\" (memory $memory)) (export \"realloc\" (func $realloc))))\n";
    wat += "    (with \"host\" (instance";
    for i in imports {
        wat += &format!(" (export \"{0}\" (func $lower-{0}))", i.name);
    }
    wat += "))))\n";
    for (name, ty) in exports {
        wat += &format!(
            "  (func (export \"{name}\") {ty} (canon lift (core func $main \"{name}\") (memory $memory) (realloc $realloc) {options}))\n"
        );
    }
    wat += ")\n";
    wat
}

/// [`guest_with`] with default (UTF-8) canonical options.
pub fn guest(imports: &[Import<'_>], body: &str, exports: &[(&str, &str)]) -> String {
    guest_with(imports, "", body, exports)
}

/// The full message of an error, with its context chain.
pub fn message(e: &hostbind::Error) -> String {
    format!("{e:#}")
}
