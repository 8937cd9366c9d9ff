//! Sad paths: every rule checked on guest input traps with a message naming
//! the rule, the function and the parameter, on every engine.

use hostbind::{Trap, host_fn};
use hostbind_tests::{Import, engines, guest, instantiate, message};

#[host_fn]
fn log(msg: &str) -> u32 {
    msg.len() as u32
}

#[host_fn]
fn sum(xs: &[u32]) -> u32 {
    xs.iter().sum()
}

#[host_fn]
fn letter(c: char) -> u32 {
    c as u32
}

#[host_fn]
fn words(ws: Vec<String>) -> u32 {
    ws.len() as u32
}

#[host_fn]
fn ping() -> u32 {
    1
}

#[host_fn]
fn text() -> String {
    "a string result".into()
}

#[host_fn]
#[allow(clippy::too_many_arguments)]
fn sum17(
    a: u32,
    b: u32,
    c: u32,
    d: u32,
    e: u32,
    f: u32,
    g: u32,
    h: u32,
    i: u32,
    j: u32,
    k: u32,
    l: u32,
    m: u32,
    n: u32,
    o: u32,
    p: u32,
    q: u32,
) -> u32 {
    a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q
}

const SUM17: &str = r#"(param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (param "f" u32) (param "g" u32) (param "h" u32) (param "i" u32) (param "j" u32) (param "k" u32) (param "l" u32) (param "m" u32) (param "n" u32) (param "o" u32) (param "p" u32) (param "q" u32) (result u32)"#;

fn imports() -> Vec<Import<'static>> {
    vec![
        Import {
            name: "log",
            ty: r#"(param "msg" string) (result u32)"#,
            core: "(param i32 i32) (result i32)",
        },
        Import {
            name: "sum",
            ty: r#"(param "xs" (list u32)) (result u32)"#,
            core: "(param i32 i32) (result i32)",
        },
        Import {
            name: "letter",
            ty: r#"(param "c" char) (result u32)"#,
            core: "(param i32) (result i32)",
        },
        Import {
            name: "words",
            ty: r#"(param "ws" (list string)) (result u32)"#,
            core: "(param i32 i32) (result i32)",
        },
        Import {
            name: "text",
            ty: r#"(result string)"#,
            core: "(param i32)",
        },
        Import {
            name: "sum17",
            ty: SUM17,
            core: "(param i32) (result i32)",
        },
    ]
}

/// Each export `call-X(a, b) -> u32` passes its raw core arguments to import
/// X, so a test picks the pointers and lengths the host sees.
const BODY: &str = r#"
  (data (i32.const 100) "\ff\fe")
  ;; a list<string> at 200 whose second element is invalid UTF-8
  (data (i32.const 200) "\00\01\00\00\01\00\00\00\64\00\00\00\02\00\00\00")
  (data (i32.const 256) "a")
  (func (export "call-log") (param i32 i32) (result i32) (call $log (local.get 0) (local.get 1)))
  (func (export "call-sum") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1)))
  (func (export "call-letter") (param i32 i32) (result i32) (call $letter (local.get 0)))
  (func (export "call-words") (param i32 i32) (result i32) (call $words (local.get 0) (local.get 1)))
  (func (export "call-text") (param i32 i32) (result i32) (call $text (local.get 0)) (i32.const 0))
  (func (export "call-sum17") (param i32 i32) (result i32) (call $sum17 (local.get 0)))
"#;

const CALL_TY: &str = r#"(param "a" u32) (param "b" u32) (result u32)"#;

/// Calls `call-<name>(a, b)` and returns the trap's message.
fn trap(name: &str, a: u32, b: u32) -> Vec<String> {
    let exports: Vec<(String, &str)> = ["log", "sum", "letter", "words", "text", "sum17"]
        .iter()
        .map(|n| (format!("call-{n}"), CALL_TY))
        .collect();
    let exports: Vec<(&str, &str)> = exports.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let wat = guest(&imports(), BODY, &exports);
    let mut messages = Vec::new();
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("log", log)?
                .func("sum", sum)?
                .func("letter", letter)?
                .func("words", words)?
                .func("text", text)?
                .func("sum17", sum17)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<(u32, u32), (u32,)>(&mut store, &format!("call-{name}"))
            .unwrap();
        let err = f.call(&mut store, (a, b)).expect_err("the call must trap");
        assert!(err.downcast_ref::<Trap>().is_some(), "not a Trap: {err:#}");
        messages.push(message(&err));
    }
    messages
}

fn assert_trap(name: &str, a: u32, b: u32, expected: &str) {
    for msg in trap(name, a, b) {
        assert_eq!(msg, expected);
    }
}

#[test]
fn string_out_of_bounds() {
    assert_trap(
        "log",
        0xfff0,
        32,
        "string pointer 0xfff0 with 32 bytes out of bounds (memory is 65536 bytes) in param `msg` of `log`",
    );
}

#[test]
fn string_end_overflows_32_bits() {
    assert_trap(
        "log",
        0xffff_ff00,
        0x200,
        "string at 0xffffff00 with 512 bytes overflows 32 bits in param `msg` of `log`",
    );
}

#[test]
fn string_invalid_utf8() {
    assert_trap(
        "log",
        100,
        2,
        "invalid utf-8 in string at 0x64: invalid utf-8 sequence of 1 bytes from index 0 in param `msg` of `log`",
    );
}

#[test]
fn list_pointer_misaligned() {
    assert_trap(
        "sum",
        2,
        1,
        "list pointer 0x2 not aligned to 4 in param `xs` of `sum`",
    );
}

#[test]
fn list_length_times_size_overflows() {
    assert_trap(
        "sum",
        0,
        0x4000_0000,
        "list length 1073741824 times element size 4 overflows 32 bits in param `xs` of `sum`",
    );
}

#[test]
fn list_out_of_bounds() {
    assert_trap(
        "sum",
        0xfff0,
        8,
        "list pointer 0xfff0 with 32 bytes out of bounds (memory is 65536 bytes) in param `xs` of `sum`",
    );
}

#[test]
fn char_surrogate_and_too_large() {
    assert_trap(
        "letter",
        0xd800,
        0,
        "char value 0xd800 is not a unicode scalar value (a surrogate or above 0x10ffff) in param `c` of `letter`",
    );
    assert_trap(
        "letter",
        0x11_0000,
        0,
        "char value 0x110000 is not a unicode scalar value (a surrogate or above 0x10ffff) in param `c` of `letter`",
    );
}

#[test]
fn invalid_string_inside_a_list() {
    assert_trap(
        "words",
        200,
        2,
        "invalid utf-8 in string at 0x64: invalid utf-8 sequence of 1 bytes from index 0 in param `ws` of `words`",
    );
}

#[test]
fn return_pointer_out_of_bounds_and_misaligned() {
    assert_trap(
        "text",
        0x1_0000 - 4,
        0,
        "return pointer 0xfffc with 8 bytes out of bounds (memory is 65536 bytes) in result of `text`",
    );
    assert_trap(
        "text",
        2,
        0,
        "return pointer 0x2 not aligned to 4 in result of `text`",
    );
}

#[test]
fn spilled_params_pointer_checked() {
    assert_trap(
        "sum17",
        3,
        0,
        "params pointer 0x3 not aligned to 4 in params of `sum17`",
    );
    assert_trap(
        "sum17",
        0xffc0,
        0,
        "params pointer 0xffc0 with 68 bytes out of bounds (memory is 65536 bytes) in params of `sum17`",
    );
}

#[test]
fn bad_realloc_pointer_is_a_trap() {
    // A realloc that returns an out-of-bounds pointer.
    let wat = r#"(component
      (import "test:host/api" (instance $host (export "text" (func (result string)))))
      (core module $Libc
        (memory (export "memory") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0xfffffff0)))
      (core instance $libc (instantiate $Libc))
      (alias core export $libc "memory" (core memory $memory))
      (alias core export $libc "realloc" (core func $realloc))
      (core func $text (canon lower (func $host "text") (memory $memory) (realloc $realloc)))
      (core module $Main
        (import "host" "text" (func $text (param i32)))
        (func (export "run") (call $text (i32.const 8))))
      (core instance $main (instantiate $Main (with "host" (instance (export "text" (func $text))))))
      (func (export "run") (canon lift (core func $main "run"))))"#;
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, wat, (), |api| {
            api.func("text", text)?;
            Ok(())
        });
        let f = inst.get_typed_func::<(), ()>(&mut store, "run").unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(
            message(&err),
            "realloc returned a bad pointer for a string of 15 bytes: string pointer 0xfffffff0 with 15 bytes out of bounds (memory is 65536 bytes) in result of `text`"
        );
    }
}

#[test]
fn realloc_that_calls_an_import_cannot_leave() {
    // realloc calls back into the host while the host is lowering a result:
    // may_leave is cleared then, so the nested call traps.
    let wat = r#"(component
      (import "test:host/api" (instance $host
        (export "text" (func (result string)))
        (export "ping" (func (result u32)))))
      (core module $Libc
        (import "host" "ping" (func $ping (result i32)))
        (memory (export "memory") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (drop (call $ping))
          (i32.const 64)))
      (core func $ping (canon lower (func $host "ping")))
      (core instance $libc (instantiate $Libc (with "host" (instance (export "ping" (func $ping))))))
      (alias core export $libc "memory" (core memory $memory))
      (alias core export $libc "realloc" (core func $realloc))
      (core func $text (canon lower (func $host "text") (memory $memory) (realloc $realloc)))
      (core module $Main
        (import "host" "text" (func $text (param i32)))
        (func (export "run") (call $text (i32.const 8))))
      (core instance $main (instantiate $Main (with "host" (instance (export "text" (func $text))))))
      (func (export "run") (canon lift (core func $main "run"))))"#;
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, wat, (), |api| {
            api.func("text", text)?.func("ping", ping)?;
            Ok(())
        });
        let f = inst.get_typed_func::<(), ()>(&mut store, "run").unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(
            message(&err),
            "cannot leave component instance: host function `ping` called while its `realloc` or `post-return` runs"
        );
    }
}

#[test]
fn export_result_is_validated_too() {
    let ty = r#"(result string)"#;
    let wat = guest(
        &[],
        r#"(data (i32.const 100) "\c3\28")
           (data (i32.const 16) "\64\00\00\00\02\00\00\00")
           (func (export "bad") (result i32) (i32.const 16))"#,
        &[("bad", ty)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |_| Ok(()));
        let f = inst
            .get_typed_func::<(), (String,)>(&mut store, "bad")
            .unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(
            message(&err),
            "invalid utf-8 in string at 0x64: invalid utf-8 sequence of 1 bytes from index 0 in result of `bad`"
        );
    }
}
