//! Strings in the three canonical encodings: round trips, the allocation
//! sequence of transcoding, and every way a guest's string can be wrong.

use hostbind::{Caller, host_fn};
use hostbind_tests::{ENCODINGS, Echo, Ret, echo_guest, engines, instantiate, message};

#[host_fn]
fn shout(s: &str) -> String {
    s.to_uppercase()
}

fn shout_guest(enc: &str, body: Option<&str>) -> String {
    echo_guest(
        &[],
        &[Echo {
            name: "shout",
            ty: r#"(param "s" string) (result string)"#,
            params: &["i32", "i32"],
            ret: Ret::Memory,
            body,
            export: None,
        }],
        enc,
    )
}

#[test]
fn every_encoding_round_trips_every_plane() {
    let samples = [
        "",
        "plain ascii",
        "latin-1: ÿ é ß ñ",
        "bmp: ∑ Ω 漢字",
        "astral: 🚀 𝄞",
        "mixed: aÿ∑🚀",
    ];
    for engine in engines() {
        for enc in ENCODINGS {
            let (mut store, inst) = instantiate(&engine, &shout_guest(enc, None), (), |api| {
                api.func("shout", shout)?;
                Ok(())
            });
            let f = inst
                .get_typed_func::<(&str,), (String,)>(&mut store, "shout")
                .unwrap();
            for s in samples {
                let (back,) = f.call(&mut store, (s,)).unwrap();
                assert_eq!(back, s.to_uppercase(), "{enc}");
            }
        }
    }
}

/// One logged `realloc` call: `(old != 0, old size, align, new size)`.
type Alloc = (bool, u32, u32, u32);

/// Reads the guest allocator's log (see `LIBC`): `(old != 0, old size, align, new size)`.
#[host_fn]
fn allocs(mut cx: Caller<'_, Vec<Alloc>>, _s: &str) {
    let mem = cx.memory();
    let word = |at: usize| u32::from_le_bytes(mem[at..at + 4].try_into().unwrap());
    let log = (0..word(252) as usize)
        .map(|i| {
            let at = 256 + 16 * i;
            (word(at) != 0, word(at + 4), word(at + 8), word(at + 12))
        })
        .collect();
    *cx.data_mut() = log;
}

/// Lowering follows the spec's `store_string`: worst-case allocation, then
/// a shrinking `realloc` once the transcoded length is known.
#[test]
fn transcoding_allocates_as_the_spec_says() {
    let cases: [(&str, &str, &[Alloc]); 5] = [
        ("string-encoding=utf8", "aé🚀", &[(false, 0, 1, 7)]),
        // 7 UTF-8 bytes: room for 14, shrunk to 4 code units.
        (
            "string-encoding=utf16",
            "aé🚀",
            &[(false, 0, 2, 14), (true, 14, 2, 8)],
        ),
        // All Latin-1: one byte per code point, shrunk from 3 to 2.
        (
            "string-encoding=latin1+utf16",
            "aé",
            &[(false, 0, 2, 3), (true, 3, 2, 2)],
        ),
        // Not Latin-1: grown to the UTF-16 worst case, then shrunk to 3 units.
        (
            "string-encoding=latin1+utf16",
            "a🚀",
            &[(false, 0, 2, 5), (true, 5, 2, 10), (true, 10, 2, 6)],
        ),
        // Latin-1 whose UTF-8 size is its Latin-1 size: no shrink.
        ("string-encoding=latin1+utf16", "abc", &[(false, 0, 2, 3)]),
    ];
    for engine in engines() {
        for (enc, s, want) in cases {
            let wat = echo_guest(
                &[],
                &[Echo {
                    name: "allocs",
                    ty: r#"(param "s" string)"#,
                    params: &["i32", "i32"],
                    ret: Ret::None,
                    body: None,
                    export: None,
                }],
                enc,
            );
            let (mut store, inst) = instantiate(&engine, &wat, Vec::new(), |api| {
                api.func("allocs", allocs)?;
                Ok(())
            });
            let f = inst
                .get_typed_func::<(&str,), ()>(&mut store, "allocs")
                .unwrap();
            f.call(&mut store, (s,)).unwrap();
            assert_eq!(store.data().as_slice(), want, "{enc} {s:?}");
        }
    }
}

/// The spec's `store_string_to_latin1_or_utf16` inflates the Latin-1 bytes
/// it finds at the pointer the growing `realloc` returns: moving them is the
/// guest's business. A `realloc` that hands out pointers from a table
/// without copying shows which bytes are used: those already at the new
/// pointer (`XY`), not a host-side copy of the string's head (`aé`).
#[test]
fn latin1_utf16_inflates_what_the_guest_realloc_left() {
    let wat = r#"(component
      (core module $M
        (memory (export "memory") 1)
        (data (i32.const 2000) "XY")
        (global $n (mut i32) (i32.const 0))
        ;; 1000 first, then 2000, never copying.
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (if (result i32) (i32.eq (global.get $n) (i32.const 1))
            (then (i32.const 1000)) (else (i32.const 2000))))
        (func (export "echo") (param i32 i32) (result i32)
          (i32.store (i32.const 100) (local.get 0))
          (i32.store (i32.const 104) (local.get 1))
          (i32.const 100)))
      (core instance $m (instantiate $M))
      (func (export "echo") (param "s" string) (result string)
        (canon lift (core func $m "echo") (memory (core memory $m "memory"))
          (realloc (core func $m "realloc")) string-encoding=latin1+utf16)))"#;
    for engine in engines() {
        let c = hostbind_tests::component(&engine, wat);
        let linker = hostbind::Linker::<()>::new(&engine);
        let mut store = hostbind::Store::new(&engine, ());
        let inst = linker.instantiate(&mut store, &c).unwrap();
        let f = inst
            .get_typed_func::<(&str,), (String,)>(&mut store, "echo")
            .unwrap();
        // 7 UTF-8 bytes: Latin-1 `a`, `é` at 1000, then grown to 2000.
        assert_eq!(f.call(&mut store, ("aé🚀",)).unwrap().0, "XY🚀");
    }
}

/// Runs a guest whose `shout` export passes `(ptr, len)` to the host after
/// `setup`, and returns the trap's message.
fn bad_string(enc: &str, setup: &str, ptr: u32, len: u32) -> Vec<String> {
    let body = format!(
        "{setup} (call $shout (i32.const {ptr}) (i32.const {len}) (i32.const 63488)) (i32.const 63488)"
    );
    let mut out = Vec::new();
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &shout_guest(enc, Some(&body)), (), |api| {
            api.func("shout", shout)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<(&str,), (String,)>(&mut store, "shout")
            .unwrap();
        out.push(match f.call(&mut store, ("",)) {
            Ok((s,)) => format!("ok: {s}"),
            Err(e) => message(&e),
        });
    }
    out
}

#[test]
fn utf16_unpaired_surrogate_traps() {
    // "A", a lone high surrogate, "B".
    let setup = "(i32.store16 (i32.const 2048) (i32.const 0x41)) (i32.store16 (i32.const 2050) (i32.const 0xd800)) (i32.store16 (i32.const 2052) (i32.const 0x42))";
    for msg in bad_string("string-encoding=utf16", setup, 2048, 3) {
        assert_eq!(
            msg,
            "invalid utf-16 in string at 0x800: unpaired surrogate 0xd800 near code unit 1 in param `s` of `shout`"
        );
    }
}

#[test]
fn utf16_at_an_odd_address_traps() {
    for enc in ["string-encoding=utf16", "string-encoding=latin1+utf16"] {
        for msg in bad_string(enc, "", 2049, 1) {
            assert_eq!(
                msg,
                "string pointer 0x801 not aligned to 2 in param `s` of `shout`"
            );
        }
    }
}

#[test]
fn latin1_utf16_length_tag_that_lies_traps() {
    // The tag says UTF-16 with 40000 code units: 80000 bytes past a 64 KiB memory.
    for msg in bad_string(
        "string-encoding=latin1+utf16",
        "",
        2048,
        0x8000_0000 | 40000,
    ) {
        assert_eq!(
            msg,
            "string pointer 0x800 with 80000 bytes out of bounds (memory is 65536 bytes) in param `s` of `shout`"
        );
    }
    // A length past the canonical ABI's limit is refused before any access.
    for msg in bad_string("string-encoding=latin1+utf16", "", 2048, 0xf000_0000) {
        assert_eq!(
            msg,
            "string of 3758096384 bytes (1879048192 code units in `latin1+utf16`) is longer than the canonical ABI's limit of 268435455 bytes in param `s` of `shout`"
        );
    }
}

#[test]
fn latin1_bytes_decode_to_their_code_points() {
    // 0xff is `ÿ` in Latin-1 but an invalid byte in UTF-8.
    let setup = "(i32.store8 (i32.const 2048) (i32.const 0x61)) (i32.store8 (i32.const 2049) (i32.const 0xff))";
    for msg in bad_string("string-encoding=latin1+utf16", setup, 2048, 2) {
        assert_eq!(msg, "ok: AŸ");
    }
    for msg in bad_string("string-encoding=utf8", setup, 2048, 2) {
        assert_eq!(
            msg,
            "invalid utf-8 in string at 0x800: invalid utf-8 sequence of 1 bytes from index 1 in param `s` of `shout`"
        );
    }
}

/// A string's length and first byte, for `a_string_in_memory_grown_since_the_last_call_is_read`.
#[host_fn]
fn peek(s: &str) -> u32 {
    (s.len() as u32) << 8 | u32::from(s.as_bytes().first().copied().unwrap_or(0))
}

/// Host calls keep where the guest's memory was found between calls; after
/// the guest grows it (and on wasmi, moves it), the next call finds it
/// again and reads a string that lies in the new page.
#[test]
fn a_string_in_memory_grown_since_the_last_call_is_read() {
    for engine in engines() {
        let wat = echo_guest(
            &[],
            &[Echo {
                name: "peek",
                ty: r#"(param "s" string) (result u32)"#,
                params: &["i32", "i32"],
                ret: Ret::Flat("i32"),
                body: Some(
                    "(drop (call $peek (i32.const 0) (i32.const 1)))
                     (drop (memory.grow (i32.const 3)))
                     (i32.store8 (i32.const 200000) (i32.const 0x41))
                     (call $peek (i32.const 200000) (i32.const 1))",
                ),
                export: None,
            }],
            "",
        );
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("peek", peek)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<(&str,), (u32,)>(&mut store, "peek")
            .unwrap();
        for _ in 0..2 {
            assert_eq!(f.call(&mut store, ("",)).unwrap(), ((1 << 8) | 0x41,));
        }
    }
}
