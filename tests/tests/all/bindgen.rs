//! `bindgen!` end to end: types, a `Host` trait per imported interface,
//! `add_to_linker` through `#[host_fn]`'s glue, and typed calls of exports,
//! against a real component on every engine.

use std::borrow::Cow;

use hostbind::{Linker, Store};
use hostbind_tests::{Echo, Ret, echo_guest, engines};

hostbind::bindgen!({
    inline: "
package test:host;

interface api {
  record point { x: s32, y: s32 }
  enum color { red, sky-blue }
  flags perms { read, write }
  variant shape { dot(point), nothing }

  log: func(level: u32, msg: string);
  move-by: func(p: point, dx: s32) -> result<point, string>;
  paint: func(c: color, p: perms, tags: list<string>) -> shape;
}

world plugin {
  import api;
  use api.{point, color, perms, shape};

  export log: func(level: u32, msg: string);
  export move-by: func(p: point, dx: s32) -> result<point, string>;
  export paint: func(c: color, p: perms, tags: list<string>) -> shape;
}
",
    world: "plugin",
});

use test::host::api::Host;

#[derive(Default)]
struct Ctx {
    lines: Vec<String>,
}

impl Host for Ctx {
    fn log(&mut self, level: u32, msg: &str) {
        self.lines.push(format!("{level}: {msg}"));
    }

    fn move_by(&mut self, p: Point, dx: i32) -> Result<Point, String> {
        match p.x.checked_add(dx) {
            Some(x) => Ok(Point { x, y: p.y }),
            None => Err("overflow".into()),
        }
    }

    fn paint(&mut self, c: Color, p: Perms, tags: Vec<Cow<'_, str>>) -> Shape {
        self.lines.push(format!("{c:?} {p:?} {tags:?}"));
        match c {
            Color::Red => Shape::Dot(Point {
                x: tags.len() as i32,
                y: 0,
            }),
            Color::SkyBlue => Shape::Nothing,
        }
    }
}

#[test]
fn generated_bindings_drive_a_component() {
    let types = [
        ("point", r#"(record (field "x" s32) (field "y" s32))"#),
        ("color", r#"(enum "red" "sky-blue")"#),
        ("perms", r#"(flags "read" "write")"#),
        ("shape", r#"(variant (case "dot" $point) (case "nothing"))"#),
    ];
    let funcs = [
        Echo::new(
            "log",
            r#"(param "level" u32) (param "msg" string)"#,
            &["i32", "i32", "i32"],
            Ret::None,
        ),
        Echo::new(
            "move-by",
            r#"(param "p" $point) (param "dx" s32) (result (result $point (error string)))"#,
            &["i32", "i32", "i32"],
            Ret::Memory,
        ),
        Echo::new(
            "paint",
            r#"(param "c" $color) (param "p" $perms) (param "tags" (list string)) (result $shape)"#,
            &["i32", "i32", "i32", "i32"],
            Ret::Memory,
        ),
    ];
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &echo_guest(&types, &funcs, ""));
        let mut linker = Linker::<Ctx>::new(&engine);
        Plugin::add_to_linker(&mut linker, |data| data).unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let plugin = Plugin::instantiate(&mut store, &c, &linker).unwrap();
        plugin.call_log(&mut store, 3, "from bindgen").unwrap();
        assert_eq!(
            plugin
                .call_move_by(&mut store, Point { x: 1, y: 2 }, 4)
                .unwrap(),
            Ok(Point { x: 5, y: 2 })
        );
        assert_eq!(
            plugin
                .call_move_by(&mut store, Point { x: i32::MAX, y: 2 }, 1)
                .unwrap(),
            Err("overflow".to_string())
        );
        let tags = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            plugin
                .call_paint(&mut store, Color::Red, Perms::READ | Perms::WRITE, &tags)
                .unwrap(),
            Shape::Dot(Point { x: 2, y: 0 })
        );
        assert_eq!(
            plugin
                .call_paint(&mut store, Color::SkyBlue, Perms::empty(), &[])
                .unwrap(),
            Shape::Nothing
        );
        assert_eq!(
            store.data().lines,
            [
                "3: from bindgen",
                "Red {READ, WRITE} [\"a\", \"b\"]",
                "SkyBlue {} []"
            ]
        );
    }
}

/// The golden fixtures of `hostbind-expand` compile as bindings.
mod fixtures {
    /// `macros/expand/tests/golden/every-type.wit`.
    pub mod every_type {
        hostbind::bindgen!({ path: "../macros/expand/tests/golden/every-type.wit", world: "every-type" });
    }
    /// `macros/expand/tests/golden/resources.wit`.
    pub mod resources {
        hostbind::bindgen!({ path: "../macros/expand/tests/golden/resources.wit", world: "store" });
    }
    /// `macros/expand/tests/golden/wasi-shaped.wit`.
    pub mod wasi_shaped {
        hostbind::bindgen!({ path: "../macros/expand/tests/golden/wasi-shaped.wit", world: "command" });
    }
}

/// Each imported interface of a several-interface world gets its own `Host`
/// trait, and the world's `add_to_linker` requires them all.
#[test]
fn a_wasi_shaped_world_links_every_interface() {
    use fixtures::wasi_shaped::demo::wasi::{clocks, filesystem, types};
    struct Os;
    impl clocks::Host for Os {
        fn now(&mut self) -> types::Datetime {
            types::Datetime {
                seconds: 1,
                nanoseconds: 2,
            }
        }
        fn resolution(&mut self) -> u64 {
            1
        }
    }
    impl filesystem::Host for Os {
        fn read_file(&mut self, _path: &str) -> Result<Vec<u8>, types::ErrorCode> {
            Err(types::ErrorCode::NotFound)
        }
        fn modified(&mut self, _path: &str) -> Result<types::Datetime, types::ErrorCode> {
            Err(types::ErrorCode::Access)
        }
    }
    impl fixtures::wasi_shaped::Host for Os {
        fn print(&mut self, _line: &str) {}
    }
    for engine in engines() {
        let mut linker = Linker::<Os>::new(&engine);
        fixtures::wasi_shaped::Command::add_to_linker(&mut linker, |data| data).unwrap();
    }
}

/// `instantiate` checks the world's exports, so a component that lacks one
/// fails there, not at the first call.
#[test]
fn a_missing_export_fails_at_instantiation() {
    let funcs = [Echo::new(
        "log",
        r#"(param "level" u32) (param "msg" string)"#,
        &["i32", "i32", "i32"],
        Ret::None,
    )];
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &echo_guest(&[], &funcs, ""));
        let mut linker = Linker::<Ctx>::new(&engine);
        Plugin::add_to_linker(&mut linker, |data| data).unwrap();
        let mut store = Store::new(&engine, Ctx::default());
        let err = Plugin::instantiate(&mut store, &c, &linker).err().unwrap();
        assert_eq!(
            hostbind_tests::message(&err),
            "the component has no export `move-by`; it exports `log`"
        );
    }
}

/// `ownership: Owning`: every import param owned, as wasmtime's `bindgen!`
/// generates them, so a wasmtime host's signatures port unchanged.
mod owning {
    hostbind::bindgen!({
        inline: "
package test:host;

interface api {
  note: func(msg: string, bytes: list<u8>, tags: list<string>) -> u32;
}

world plugin {
  import api;
  export note: func(msg: string, bytes: list<u8>, tags: list<string>) -> u32;
}
",
        world: "plugin",
        ownership: Owning,
    });

    #[derive(Default)]
    pub struct Ctx {
        pub seen: Vec<(String, Vec<u8>, Vec<String>)>,
    }

    impl test::host::api::Host for Ctx {
        fn note(&mut self, msg: String, bytes: Vec<u8>, tags: Vec<String>) -> u32 {
            let n = (msg.len() + bytes.len() + tags.len()) as u32;
            self.seen.push((msg, bytes, tags));
            n
        }
    }
}

#[test]
fn owning_bindings_take_every_param_by_value() {
    let funcs = [Echo::new(
        "note",
        r#"(param "msg" string) (param "bytes" (list u8)) (param "tags" (list string)) (result u32)"#,
        &["i32", "i32", "i32", "i32", "i32", "i32"],
        Ret::Flat("i32"),
    )];
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &echo_guest(&[], &funcs, ""));
        let mut linker = Linker::<owning::Ctx>::new(&engine);
        owning::Plugin::add_to_linker(&mut linker, |data| data).unwrap();
        let mut store = Store::new(&engine, owning::Ctx::default());
        let plugin = owning::Plugin::instantiate(&mut store, &c, &linker).unwrap();
        let tags = ["x".to_string()];
        assert_eq!(
            plugin.call_note(&mut store, "hey", &[1, 2], &tags).unwrap(),
            6
        );
        assert_eq!(
            store.data().seen,
            [("hey".to_string(), vec![1, 2], vec!["x".to_string()])]
        );
    }
}
