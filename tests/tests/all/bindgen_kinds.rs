//! `bindgen!` over the type kinds `bindgen.rs` leaves out (scalars, chars,
//! floats, options, tuples, borrowed and nested lists, an empty signature),
//! imported by the host and exported by the guest in an interface; a getter
//! into part of the store's data; and `trappable` imports.

use std::borrow::Cow;

use hostbind::{Linker, Store};
use hostbind_tests::{Echo, Ret, echo_guest, echo_guest_exporting, engines, message};

mod kinds {
    hostbind::bindgen!({
        inline: "
package test:host;

interface api {
  scalars: func(a: bool, b: s8, c: u16, d: s64, e: f32, f: f64, g: char) -> tuple<bool, s8, u16, s64, f32, f64, char>;
  maybe: func(s: option<string>, n: option<u64>) -> option<tuple<u8, string>>;
  bytes: func(b: list<u8>, w: list<u32>) -> list<list<u8>>;
  tick: func();
}

interface calc {
  scalars: func(a: bool, b: s8, c: u16, d: s64, e: f32, f: f64, g: char) -> tuple<bool, s8, u16, s64, f32, f64, char>;
  maybe: func(s: option<string>, n: option<u64>) -> option<tuple<u8, string>>;
  bytes: func(b: list<u8>, w: list<u32>) -> list<list<u8>>;
  tick: func();
}

world exporter {
  import api;
  export calc;
}
",
    });
}

use kinds::test::host::api;

type Scalars = (bool, i8, u16, i64, f32, f64, char);

/// Changes every value it is given, so that a result shows the host ran.
#[derive(Default)]
struct Kinds {
    ticks: u32,
}

impl api::Host for Kinds {
    fn scalars(&mut self, a: bool, b: i8, c: u16, d: i64, e: f32, f: f64, g: char) -> Scalars {
        let next = char::from_u32(g as u32 + 1).unwrap_or('?');
        (
            !a,
            b.wrapping_neg(),
            c.wrapping_add(1),
            d * 2,
            e / 2.0,
            f + 0.5,
            next,
        )
    }

    fn maybe(&mut self, s: Option<Cow<'_, str>>, n: Option<u64>) -> Option<(u8, String)> {
        Some((n? as u8, s?.to_uppercase()))
    }

    fn bytes(&mut self, b: &[u8], w: Vec<u32>) -> Vec<Vec<u8>> {
        vec![
            b.iter().rev().copied().collect(),
            w.iter().map(|x| *x as u8).collect(),
        ]
    }

    fn tick(&mut self) {
        self.ticks += 1;
    }
}

/// The store's data holds the host as one field among others.
#[derive(Default)]
struct Ctx {
    host: Kinds,
    name: &'static str,
}

fn exporter_guest(options: &str) -> String {
    let funcs = [
        Echo::new(
            "scalars",
            r#"(param "a" bool) (param "b" s8) (param "c" u16) (param "d" s64) (param "e" f32) (param "f" f64) (param "g" char) (result (tuple bool s8 u16 s64 f32 f64 char))"#,
            &["i32", "i32", "i32", "i64", "f32", "f64", "i32"],
            Ret::Memory,
        ),
        Echo::new(
            "maybe",
            r#"(param "s" (option string)) (param "n" (option u64)) (result (option (tuple u8 string)))"#,
            &["i32", "i32", "i32", "i32", "i64"],
            Ret::Memory,
        ),
        Echo::new(
            "bytes",
            r#"(param "b" (list u8)) (param "w" (list u32)) (result (list (list u8)))"#,
            &["i32", "i32", "i32", "i32"],
            Ret::Memory,
        ),
        Echo::new("tick", "", &[], Ret::None),
    ];
    echo_guest_exporting(&[], &funcs, options, "test:host/calc")
}

#[test]
fn every_kind_crosses_an_exported_interface_and_back() {
    // A UTF-16 guest's strings inside options reach the host decoded
    // (`Cow::Owned`), a UTF-8 guest's borrowed.
    for (engine, options) in engines()
        .into_iter()
        .flat_map(|e| hostbind_tests::ENCODINGS.map(|o| (e.clone(), o)))
    {
        let c = hostbind_tests::component(&engine, &exporter_guest(options));
        let mut linker = Linker::<Ctx>::new(&engine);
        kinds::Exporter::add_to_linker(&mut linker, |cx: &mut Ctx| &mut cx.host).unwrap();
        let data = Ctx {
            name: "kinds",
            ..Ctx::default()
        };
        let mut store = Store::new(&engine, data);
        let w = kinds::Exporter::instantiate(&mut store, &c, &linker).unwrap();

        let got = w
            .call_calc_scalars(&mut store, true, -3, u16::MAX, -21, 3.0, 1.25, 'a')
            .unwrap();
        assert_eq!(got, (false, 3, 0, -42, 1.5, 1.75, 'b'));

        let got = w
            .call_calc_maybe(&mut store, Some("hi".into()), Some(7))
            .unwrap();
        assert_eq!(got, Some((7, "HI".to_string())));
        assert_eq!(w.call_calc_maybe(&mut store, None, Some(7)).unwrap(), None);

        let got = w
            .call_calc_bytes(&mut store, &[1, 2, 3], &[256 + 9, 4])
            .unwrap();
        assert_eq!(got, [vec![3, 2, 1], vec![9, 4]]);
        assert_eq!(
            w.call_calc_bytes(&mut store, &[], &[]).unwrap(),
            [Vec::<u8>::new(), vec![]]
        );

        w.call_calc_tick(&mut store).unwrap();
        w.call_calc_tick(&mut store).unwrap();
        assert_eq!(store.data().host.ticks, 2);
        assert_eq!(store.data().name, "kinds");
    }
}

mod guarded {
    hostbind::bindgen!({
        inline: "
package test:host;

interface api {
  div: func(a: u32, b: u32) -> u32;
  note: func(msg: string);
}

world guarded {
  import api;
  export div: func(a: u32, b: u32) -> u32;
  export note: func(msg: string);
}
",
        trappable: true,
    });
}

#[derive(Default)]
struct Guard {
    notes: Vec<String>,
}

impl guarded::test::host::api::Host for Guard {
    fn div(&mut self, a: u32, b: u32) -> hostbind::Result<u32> {
        a.checked_div(b)
            .ok_or_else(|| hostbind::Error::msg(format!("cannot divide {a} by zero")))
    }

    fn note(&mut self, msg: &str) -> hostbind::Result<()> {
        if msg.is_empty() {
            return Err(hostbind::Error::msg("an empty note"));
        }
        self.notes.push(msg.to_string());
        Ok(())
    }
}

/// A trappable method's `Err` traps the call that reached it, naming the
/// import, and the store stays usable.
#[test]
fn a_trappable_import_traps_with_the_hosts_error() {
    let funcs = [
        Echo::new(
            "div",
            r#"(param "a" u32) (param "b" u32) (result u32)"#,
            &["i32", "i32"],
            Ret::Flat("i32"),
        ),
        Echo::new(
            "note",
            r#"(param "msg" string)"#,
            &["i32", "i32"],
            Ret::None,
        ),
    ];
    for engine in engines() {
        let c = hostbind_tests::component(&engine, &echo_guest(&[], &funcs, ""));
        let mut linker = Linker::<Guard>::new(&engine);
        guarded::Guarded::add_to_linker(&mut linker, |g| g).unwrap();
        let mut store = Store::new(&engine, Guard::default());
        let w = guarded::Guarded::instantiate(&mut store, &c, &linker).unwrap();
        assert_eq!(w.call_div(&mut store, 12, 4).unwrap(), 3);
        let err = w.call_div(&mut store, 1, 0).unwrap_err();
        let msg = message(&err);
        assert!(msg.contains("cannot divide 1 by zero"), "{msg}");
        assert!(msg.contains("host function `test:host/api#div`"), "{msg}");
        // The trap poisoned the instance; a fresh one serves the rest.
        hostbind_tests::assert_poisoned(w.call_div(&mut store, 12, 4), "div");
        let w = guarded::Guarded::instantiate(&mut store, &c, &linker).unwrap();
        let err = w.call_note(&mut store, "").unwrap_err();
        assert!(message(&err).contains("an empty note"), "{}", message(&err));
        let w = guarded::Guarded::instantiate(&mut store, &c, &linker).unwrap();
        w.call_note(&mut store, "kept").unwrap();
        assert_eq!(store.data().notes, ["kept"]);
    }
}
