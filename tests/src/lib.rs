//! Shared helpers for the integration tests: building components from WAT.

// The fixtures are documented by the WAT definitions beside them.
#[allow(missing_docs)]
pub mod fixtures;

use hostbind::{Component, Engine, EngineKind, Instance, Linker, LinkerInstance, Store};

/// Every engine the suite runs on.
pub fn engines() -> Vec<Engine> {
    vec![
        Engine::new(EngineKind::Wasmi),
        #[cfg(feature = "wasmtime")]
        Engine::new(EngineKind::Wasmtime),
    ]
}

/// Every engine the suite runs on, each set up by `config` (whose kind is
/// replaced).
pub fn engines_with(config: &hostbind::Config) -> Vec<Engine> {
    let kinds = [
        EngineKind::Wasmi,
        #[cfg(feature = "wasmtime")]
        EngineKind::Wasmtime,
    ];
    kinds
        .into_iter()
        .map(|kind| Engine::with_config(config.clone().kind(kind)).unwrap())
        .collect()
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
/// components to instantiate as `$libc`. Allocation starts at 1024; a
/// shrinking `realloc` keeps the block, a growing one copies the old bytes.
/// Every call is logged as four `i32`s (old, old size, align, new size)
/// from address 256 on, with the count at 252, for tests of allocation order.
pub const LIBC: &str = r#"
  (core module $Libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32) (local $n i32)
      (local.set $n (i32.load (i32.const 252)))
      (if (i32.lt_u (local.get $n) (i32.const 32))
        (then
          (local.set $p (i32.add (i32.const 256) (i32.shl (local.get $n) (i32.const 4))))
          (i32.store (local.get $p) (local.get $old))
          (i32.store offset=4 (local.get $p) (local.get $old_size))
          (i32.store offset=8 (local.get $p) (local.get $align))
          (i32.store offset=12 (local.get $p) (local.get $size))
          (i32.store (i32.const 252) (i32.add (local.get $n) (i32.const 1)))))
      (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.le_u (local.get $size) (local.get $old_size)))
        (then (return (local.get $old))))
      (local.set $p
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (i32.ne (local.get $old) (i32.const 0))
        (then (memory.copy (local.get $p) (local.get $old) (local.get $old_size))))
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

/// The three canonical `string-encoding` options, as `guest_with` takes them.
pub const ENCODINGS: [&str; 3] = [
    "string-encoding=utf8",
    "string-encoding=utf16",
    "string-encoding=latin1+utf16",
];

/// How a function's results leave its core function.
#[derive(Clone, Copy)]
pub enum Ret<'a> {
    /// No results.
    None,
    /// One flat result of this core type.
    Flat(&'a str),
    /// Through memory: a return pointer for imports, a returned pointer for exports.
    Memory,
}

/// A function that an [`echo_guest`] imports from `test:host/api` and
/// exports under the same name, forwarding every call to the host.
pub struct Echo<'a> {
    /// The function's name.
    pub name: &'a str,
    /// The component function type, using the guest's named types as `$name`.
    pub ty: &'a str,
    /// The flat core params (one `i32` when they are spilled to memory).
    pub params: &'a [&'a str],
    /// How the results travel.
    pub ret: Ret<'a>,
    /// The core body of the export; `None` forwards to the import. A body
    /// sees the import as `$name` and can hand it values a correct guest
    /// never would.
    pub body: Option<&'a str>,
    /// The export's own type when it differs from the import's: component
    /// type, core params and results. Used with `body`.
    pub export: Option<(&'a str, &'a [&'a str], Ret<'a>)>,
}

impl<'a> Echo<'a> {
    /// A function whose export forwards to its import.
    pub fn new(name: &'a str, ty: &'a str, params: &'a [&'a str], ret: Ret<'a>) -> Echo<'a> {
        Echo {
            name,
            ty,
            params,
            ret,
            body: None,
            export: None,
        }
    }
}

/// Builds a component whose exports forward to its imports: a call from the
/// host to export `f` lowers the arguments into the guest, the guest passes
/// them unchanged to import `f`, whose host function lifts them, and the
/// results take the same way back. Every value crosses the boundary four
/// times, under the canonical options `options`.
///
/// `types` are `(name, definition)` pairs; each is defined in the imported
/// instance, exported from it, and re-exported by the component, so a
/// function type refers to it as `$name`.
pub fn echo_guest(types: &[(&str, &str)], funcs: &[Echo<'_>], options: &str) -> String {
    echo(types, funcs, options, None)
}

/// [`echo_guest`] whose exports are the functions of an exported instance
/// named `iface` (`pkg:ns/iface`) rather than root-level functions.
pub fn echo_guest_exporting(
    types: &[(&str, &str)],
    funcs: &[Echo<'_>],
    options: &str,
    iface: &str,
) -> String {
    echo(types, funcs, options, Some(iface))
}

fn echo(types: &[(&str, &str)], funcs: &[Echo<'_>], options: &str, iface: Option<&str>) -> String {
    let mut wat = String::from("(component\n  (import \"test:host/api\" (instance $host\n");
    for (name, def) in types {
        wat += &format!(
            "    (type ${name}-def {def})\n    (export \"{name}\" (type ${name} (eq ${name}-def)))\n"
        );
    }
    for f in funcs {
        wat += &format!("    (export \"{}\" (func {}))\n", f.name, f.ty);
    }
    wat += "  ))\n";
    for (name, _) in types {
        wat += &format!(
            "  (alias export $host \"{name}\" (type ${name}-imported))\n  (export ${name} \"{name}\" (type ${name}-imported))\n"
        );
    }
    wat += LIBC;
    for f in funcs {
        wat += &format!(
            "  (core func $lower-{0} (canon lower (func $host \"{0}\") (memory $memory) (realloc $realloc) {options}))\n",
            f.name
        );
    }
    wat += "  (core module $Main\n    (import \"env\" \"memory\" (memory 1))\n";
    let (mut imports, mut bodies) = (String::new(), String::new());
    for (i, f) in funcs.iter().enumerate() {
        let params = f.params.join(" ");
        let gets: String = (0..f.params.len())
            .map(|i| format!(" (local.get {i})"))
            .collect();
        // Return areas sit at the top of the page, far above the bump allocator.
        let area = 65536 - 2048 * (i + 1);
        let (import_ty, export_ty, forward) = match f.ret {
            Ret::None => (
                format!("(param {params})"),
                format!("(param {params})"),
                format!("(call ${}{gets})", f.name),
            ),
            Ret::Flat(t) => (
                format!("(param {params}) (result {t})"),
                format!("(param {params}) (result {t})"),
                format!("(call ${}{gets})", f.name),
            ),
            Ret::Memory => (
                format!("(param {params} i32)"),
                format!("(param {params}) (result i32)"),
                format!(
                    "(call ${}{gets} (i32.const {area})) (i32.const {area})",
                    f.name
                ),
            ),
        };
        let body = f.body.map_or(forward, str::to_string);
        let export_ty = match f.export {
            None => export_ty,
            Some((_, params, ret)) => {
                let params = params.join(" ");
                match ret {
                    Ret::None => format!("(param {params})"),
                    Ret::Flat(t) => format!("(param {params}) (result {t})"),
                    Ret::Memory => format!("(param {params}) (result i32)"),
                }
            }
        };
        imports += &format!(
            "    (import \"host\" \"{0}\" (func ${0} {import_ty}))\n",
            f.name
        );
        bodies += &format!("    (func (export \"{0}\") {export_ty} {body})\n", f.name);
    }
    // The text format wants every import before the first function.
    wat += &imports;
    wat += &bodies;
    wat += "  )\n  (core instance $main (instantiate $Main\n    (with \"env\" (instance (export \"memory\" (memory $memory))))\n    (with \"host\" (instance";
    for f in funcs {
        wat += &format!(" (export \"{0}\" (func $lower-{0}))", f.name);
    }
    wat += "))))\n";
    for f in funcs {
        let head = match iface {
            None => format!("(export \"{}\")", f.name),
            Some(_) => format!("$lifted-{}", f.name),
        };
        wat += &format!(
            "  (func {head} {1} (canon lift (core func $main \"{0}\") (memory $memory) (realloc $realloc) {options}))\n",
            f.name,
            f.export.map_or(f.ty, |e| e.0)
        );
    }
    if let Some(iface) = iface {
        wat += "  (instance $exported";
        for f in funcs {
            wat += &format!(" (export \"{0}\" (func $lifted-{0}))", f.name);
        }
        wat += &format!(")\n  (export \"{iface}\" (instance $exported))\n");
    }
    wat += ")\n";
    wat
}

/// The full message of an error, with its context chain.
pub fn message(e: &hostbind::Error) -> String {
    format!("{e:#}")
}

/// Asserts that `result` is the refusal of a call into an instance that
/// export `trapped` poisoned by trapping.
#[track_caller]
pub fn assert_poisoned<V: core::fmt::Debug>(result: hostbind::Result<V>, trapped: &str) {
    let err = result.expect_err("a call into a poisoned instance must fail");
    let msg = message(&err);
    assert!(
        msg.starts_with(&format!(
            "cannot enter component instance: export `{trapped}` trapped in it earlier"
        )),
        "{msg}"
    );
    assert!(err.downcast_ref::<hostbind::Trap>().is_some(), "{msg}");
}

/// The inside of a component defining resource `$thing` (rep = the value
/// given to its constructor) and the core instance `$main` using it:
/// `make`, `get` (a borrow's rep), `consume` (takes and drops an own handle),
/// `drops` (how many times the destructor ran), `last` (the rep it last
/// destroyed) and `bad-rep` (`resource.rep` of a handle that does not exist).
pub const THING_CORE: &str = r#"  (core module $Mem (memory (export "memory") 1))
  (core instance $mem (instantiate $Mem))
  (core module $Dtor
    (import "env" "memory" (memory 1))
    (func (export "dtor") (param i32)
      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
      (i32.store (i32.const 12) (local.get 0))))
  (core instance $dtor (instantiate $Dtor (with "env" (instance $mem))))
  (type $thing (resource (rep i32) (dtor (core func $dtor "dtor"))))
  (core func $new (canon resource.new $thing))
  (core func $rep (canon resource.rep $thing))
  (core func $drop (canon resource.drop $thing))
  (core module $M
    (import "env" "memory" (memory 1))
    (import "r" "new" (func $new (param i32) (result i32)))
    (import "r" "rep" (func $rep (param i32) (result i32)))
    (import "r" "drop" (func $drop (param i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param i32) (result i32) (local $v i32)
      (local.set $v (call $rep (local.get 0)))
      (call $drop (local.get 0))
      (local.get $v))
    (func (export "drops") (result i32) (i32.load (i32.const 8)))
    (func (export "last") (result i32) (i32.load (i32.const 12)))
    (func (export "bad-rep") (result i32) (call $rep (i32.const 9))))
  (core instance $main (instantiate $M
    (with "env" (instance $mem))
    (with "r" (instance (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
"#;

/// A component of `world` in the WIT `wit`, made as wasm-tools' `component
/// new` makes one: wit-component wraps the core module `core_wat` (which
/// imports and exports by the world's core names, such as `ns:pkg/iface`
/// `f` and `ns:pkg/iface#g`), with the world embedded and the string
/// encoding UTF-8.
pub fn component_of(wit: &str, world: &str, core_wat: &str) -> Vec<u8> {
    let mut resolve = wit_parser::Resolve::default();
    let pkg = resolve
        .push_str("world.wit", wit)
        .unwrap_or_else(|e| panic!("invalid WIT: {e:#}"));
    let world = resolve
        .select_world(&[pkg], Some(world))
        .unwrap_or_else(|e| panic!("no world: {e:#}"));
    let core = wat::parse_str(core_wat).unwrap_or_else(|e| panic!("invalid WAT: {e}"));
    encode(&resolve, world, core)
}

/// A component of `world` whose every export traps (wit-component's dummy
/// module): what a toolchain would make of the world, to link and
/// instantiate.
pub fn dummy_component(resolve: &wit_parser::Resolve, world: wit_parser::WorldId) -> Vec<u8> {
    let core = wit_component::dummy_module(
        resolve,
        world,
        wit_parser::ManglingAndAbi::Legacy(wit_parser::LiftLowerAbi::Sync),
    );
    encode(resolve, world, core)
}

fn encode(resolve: &wit_parser::Resolve, world: wit_parser::WorldId, mut core: Vec<u8>) -> Vec<u8> {
    wit_component::embed_component_metadata(
        &mut core,
        resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .unwrap_or_else(|e| panic!("embedding the world failed: {e:#}"));
    wit_component::ComponentEncoder::default()
        .module(&core)
        .and_then(|e| e.validate(true).encode())
        .unwrap_or_else(|e| panic!("encoding the component failed: {e:#}"))
}
