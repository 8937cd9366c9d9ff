//! A guest's invalid values are traps naming the rule, the parameter or
//! result, and the function: discriminants, misaligned nested pointers. Where
//! the spec gives any bits a meaning (flags, bool), the host sees that value.

use hostbind::{IntoHostFunc, host_fn};
use hostbind_tests::fixtures::*;
use hostbind_tests::{Echo, Ret, echo_guest, engines, instantiate, message};

/// A guest importing `name: ty` (with core params `params`, one flat result) whose export `name: func() -> R` runs
/// `code`; returns what the call gave on every engine.
fn run<R, F>(
    types: &[(&str, &str)],
    name: &str,
    (ty, params): (&str, &[&str]),
    code: &str,
    export: (&str, Ret<'_>),
    host: F,
) -> Vec<Result<R, String>>
where
    R: hostbind::ComponentType + for<'a> hostbind::Lift<'a>,
    F: IntoHostFunc<()> + Copy,
{
    let f = Echo {
        name,
        ty,
        params,
        ret: Ret::Flat("i32"),
        body: Some(code),
        export: Some((export.0, &[], export.1)),
    };
    engines()
        .iter()
        .map(|engine| {
            let wat = echo_guest(types, std::slice::from_ref(&f), "");
            let (mut store, inst) = instantiate(engine, &wat, (), |api| {
                api.func(name, host)?;
                Ok(())
            });
            let func = inst
                .get_typed_func::<(), (R,)>(&mut store, name)
                .unwrap_or_else(|e| panic!("{e:#}"));
            func.call(&mut store, ())
                .map(|(r,)| r)
                .map_err(|e| message(&e))
        })
        .collect()
}

const U32: (&str, Ret<'static>) = ("(result u32)", Ret::Flat("i32"));

#[host_fn]
fn take_color(c: Color) -> u32 {
    c as u32
}

#[test]
fn enum_discriminant_out_of_range() {
    let out = run::<u32, _>(
        &[COLOR],
        "take-color",
        (r#"(param "c" $color) (result u32)"#, &["i32"]),
        "(call $take-color (i32.const 3))",
        U32,
        take_color,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "invalid discriminant 3 for enum `color` (3 cases) in param `c` of `take_color`"
        );
    }
}

#[host_fn]
fn take_shape(s: Shape) -> u32 {
    matches!(s, Shape::Empty) as u32
}

#[test]
fn variant_discriminant_out_of_range() {
    let out = run::<u32, _>(
        &[POINT, SHAPE],
        "take-shape",
        (r#"(param "s" $shape) (result u32)"#, &["i32", "i64", "i32"]),
        "(call $take-shape (i32.const 5) (i64.const 0) (i32.const 0))",
        U32,
        take_shape,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "invalid discriminant 5 for variant `shape` (5 cases) in param `s` of `take_shape`"
        );
    }
}

#[host_fn]
fn take_option(o: Option<u8>) -> u32 {
    o.map_or(0, u32::from)
}

#[test]
fn option_discriminant_out_of_range() {
    let out = run::<u32, _>(
        &[],
        "take-option",
        (r#"(param "o" (option u8)) (result u32)"#, &["i32", "i32"]),
        "(call $take-option (i32.const 2) (i32.const 9))",
        U32,
        take_option,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "invalid discriminant 2 for `option<u8>` (2 cases) in param `o` of `take_option`"
        );
    }
}

#[host_fn]
fn take_results(rs: Vec<Result<u16, String>>) -> u32 {
    rs.len() as u32
}

/// The second element of a list in memory has discriminant 7.
#[test]
fn result_discriminant_in_memory() {
    let code =
        "(i32.store8 (i32.const 2048) (i32.const 0)) (i32.store16 (i32.const 2052) (i32.const 1))
                (i32.store8 (i32.const 2060) (i32.const 7))
                (call $take-results (i32.const 2048) (i32.const 2))";
    let out = run::<u32, _>(
        &[],
        "take-results",
        (
            r#"(param "rs" (list (result u16 (error string)))) (result u32)"#,
            &["i32", "i32"],
        ),
        code,
        U32,
        take_results,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "invalid discriminant 7 for `result<u16, string>` (2 cases) in param `rs` of `take_results`"
        );
    }
}

#[host_fn]
fn pass_color() -> Color {
    Color::Red
}

/// An export's result is checked the same way as an import's params.
#[test]
fn export_result_discriminant_out_of_range() {
    let out = run::<Color, _>(
        &[COLOR],
        "pass-color",
        (r#"(result $color)"#, &[]),
        "(i32.const 9)",
        (r#"(result $color)"#, Ret::Flat("i32")),
        pass_color,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "invalid discriminant 9 for enum `color` (3 cases) in result of `pass-color`"
        );
    }
}

#[host_fn]
fn take_people(ps: Vec<Person>) -> u32 {
    ps.len() as u32
}

/// A person at 2048 (40 bytes, align 8) whose `tags` list (at offset 24)
/// points to 0x803, which is not aligned for `string` elements.
#[test]
fn misaligned_list_inside_a_record_in_a_list() {
    let code =
        "(i32.store (i32.const 2072) (i32.const 0x803)) (i32.store (i32.const 2076) (i32.const 1))
                (call $take-people (i32.const 2048) (i32.const 1))";
    let out = run::<u32, _>(
        &[PERSON],
        "take-people",
        (
            r#"(param "ps" (list $person)) (result u32)"#,
            &["i32", "i32"],
        ),
        code,
        U32,
        take_people,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "list pointer 0x803 not aligned to 4 in param `ps` of `take_people`"
        );
    }
}

#[test]
fn misaligned_list_of_records() {
    let out = run::<u32, _>(
        &[PERSON],
        "take-people",
        (
            r#"(param "ps" (list $person)) (result u32)"#,
            &["i32", "i32"],
        ),
        "(call $take-people (i32.const 2052) (i32.const 1))",
        U32,
        take_people,
    );
    for r in out {
        assert_eq!(
            r.unwrap_err(),
            "list pointer 0x804 not aligned to 8 in param `ps` of `take_people`"
        );
    }
}

#[host_fn]
fn take_perms(p: Perms) -> u32 {
    p.bits()[0]
}

/// Bits past the last flag mean nothing in the spec's `unpack_flags_from_int`:
/// they are dropped, never shown to the host.
#[test]
fn flags_bits_past_the_last_flag_are_dropped() {
    let out = run::<u32, _>(
        &[PERMS],
        "take-perms",
        (r#"(param "p" $perms) (result u32)"#, &["i32"]),
        "(call $take-perms (i32.const 0xff))",
        U32,
        take_perms,
    );
    for r in out {
        assert_eq!(r.unwrap(), 0b111);
    }
}

#[host_fn]
fn take_bool(b: Option<bool>) -> u32 {
    match b {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

/// Any nonzero `bool` is `true`, as the spec's `convert_int_to_bool` says.
#[test]
fn bool_is_any_nonzero() {
    let out = run::<u32, _>(
        &[],
        "take-bool",
        (r#"(param "b" (option bool)) (result u32)"#, &["i32", "i32"]),
        "(call $take-bool (i32.const 1) (i32.const 0x80))",
        U32,
        take_bool,
    );
    for r in out {
        assert_eq!(r.unwrap(), 2);
    }
}
