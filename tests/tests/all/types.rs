//! Every component value type round-trips host → guest → host in all three
//! string encodings: the host calls an export, the guest hands the value to
//! an import, and the host function returns it the same way.

use std::fmt::Debug;

use hostbind::{ComponentType, IntoHostFunc, Lift, Lower, host_fn};
use hostbind_tests::fixtures::*;
use hostbind_tests::{ENCODINGS, Echo, Ret, echo_guest, engines, instantiate};

/// Calls export `f.name` with each value in every encoding and checks that
/// the host function (which counts its calls in the store) returned it intact.
fn round_trip<V, F>(types: &[(&str, &str)], f: Echo<'_>, host: F, values: &[V])
where
    V: ComponentType + Lower + for<'a> Lift<'a> + Clone + Debug + PartialEq,
    F: IntoHostFunc<u32> + Copy,
{
    for engine in engines() {
        for enc in ENCODINGS {
            let wat = echo_guest(types, std::slice::from_ref(&f), enc);
            let (mut store, inst) = instantiate(&engine, &wat, 0u32, |api| {
                api.func(f.name, host)?;
                Ok(())
            });
            let func = inst
                .get_typed_func::<(V,), (V,)>(&mut store, f.name)
                .unwrap_or_else(|e| panic!("{enc}: {e:#}"));
            for v in values {
                let (back,) = func
                    .call(&mut store, (v.clone(),))
                    .unwrap_or_else(|e| panic!("{enc}: {v:?}: {e:#}"));
                assert_eq!(&back, v, "{enc}");
            }
            assert_eq!(*store.data() as usize, values.len(), "{enc}: host calls");
        }
    }
}

#[host_fn]
fn point(n: &mut u32, p: Point) -> Point {
    *n += 1;
    p
}

#[test]
fn record_of_scalars() {
    round_trip(
        &[POINT],
        Echo::new(
            "pass-point",
            r#"(param "p" $point) (result $point)"#,
            &["i32", "i32"],
            Ret::Memory,
        ),
        point,
        &[
            Point { x: 0, y: 0 },
            Point {
                x: i32::MIN,
                y: i32::MAX,
            },
        ],
    );
}

#[host_fn]
fn people(n: &mut u32, ps: Vec<Person>) -> Vec<Person> {
    *n += 1;
    ps
}

#[test]
fn list_of_records_with_strings_options_and_padding() {
    let ada = Person {
        name: "Ada Lovelace".into(),
        age: 36,
        email: Some("ada@example.org".into()),
        tags: vec!["math".into(), "engines".into()],
        score: 99.5,
    };
    let anon = Person {
        name: "Ünïcödé 🚀 ÿ".into(),
        age: 255,
        email: None,
        tags: vec![],
        score: -0.0,
    };
    round_trip(
        &[PERSON],
        Echo::new(
            "pass-people",
            r#"(param "ps" (list $person)) (result (list $person))"#,
            &["i32", "i32"],
            Ret::Memory,
        ),
        people,
        &[vec![], vec![ada.clone()], vec![anon, ada]],
    );
}

#[host_fn]
fn shape(n: &mut u32, s: Shape) -> Shape {
    *n += 1;
    s
}

#[test]
fn variant_payloads_join_across_core_types() {
    round_trip(
        &[POINT, SHAPE],
        Echo::new(
            "pass-shape",
            r#"(param "s" $shape) (result $shape)"#,
            &["i32", "i64", "i32"],
            Ret::Memory,
        ),
        shape,
        &[
            Shape::Circle(1.5),
            Shape::Circle(f32::NEG_INFINITY),
            Shape::Rect(Point { x: -1, y: 7 }),
            Shape::Label("ŝtring in a variant".into()),
            Shape::Empty,
            Shape::Big(u64::MAX),
        ],
    );
}

#[host_fn]
fn colors(n: &mut u32, c: Vec<Color>) -> Vec<Color> {
    *n += 1;
    c
}

#[test]
fn enums_in_a_list() {
    round_trip(
        &[COLOR],
        Echo::new(
            "pass-colors",
            r#"(param "c" (list $color)) (result (list $color))"#,
            &["i32", "i32"],
            Ret::Memory,
        ),
        colors,
        &[vec![Color::Red, Color::Blue, Color::Green, Color::Blue]],
    );
}

#[host_fn]
fn color(n: &mut u32, c: Color) -> Color {
    *n += 1;
    c
}

#[test]
fn enum_flat() {
    round_trip(
        &[COLOR],
        Echo::new(
            "pass-color",
            r#"(param "c" $color) (result $color)"#,
            &["i32"],
            Ret::Flat("i32"),
        ),
        color,
        &[Color::Red, Color::Green, Color::Blue],
    );
}

#[host_fn]
fn outcome(n: &mut u32, o: Vec<Outcome>) -> Vec<Outcome> {
    *n += 1;
    o
}

#[test]
fn variant_of_results() {
    round_trip(
        &[COLOR, OUTCOME],
        Echo::new(
            "pass-outcome",
            r#"(param "o" (list $outcome)) (result (list $outcome))"#,
            &["i32", "i32"],
            Ret::Memory,
        ),
        outcome,
        &[vec![
            Outcome::Done(Ok(7)),
            Outcome::Done(Err("no luck — ¡ay!".into())),
            Outcome::Failed(Ok(())),
            Outcome::Failed(Err(Color::Blue)),
            Outcome::Pending,
        ]],
    );
}

#[host_fn]
fn perms(n: &mut u32, p: Perms) -> Perms {
    *n += 1;
    p
}

#[host_fn]
fn wide(n: &mut u32, w: Vec<Wide>) -> Vec<Wide> {
    *n += 1;
    w
}

#[test]
fn flags_flat_and_in_memory() {
    round_trip(
        &[PERMS],
        Echo::new(
            "pass-perms",
            r#"(param "p" $perms) (result $perms)"#,
            &["i32"],
            Ret::Flat("i32"),
        ),
        perms,
        &[Perms::empty(), Perms::READ | Perms::EXEC, Perms::all()],
    );
    round_trip(
        &[WIDE],
        Echo::new(
            "pass-wide",
            r#"(param "w" (list $wide)) (result (list $wide))"#,
            &["i32", "i32"],
            Ret::Memory,
        ),
        wide,
        &[vec![
            Wide::F0 | Wide::F19,
            Wide::all(),
            Wide::empty(),
            Wide::F9,
        ]],
    );
}

type Opts = (Option<Option<u8>>, Option<String>);

#[host_fn]
fn options(n: &mut u32, t: Opts) -> Opts {
    *n += 1;
    t
}

#[test]
fn nested_options() {
    round_trip(
        &[],
        Echo::new(
            "pass-options",
            r#"(param "t" (tuple (option (option u8)) (option string))) (result (tuple (option (option u8)) (option string)))"#,
            &["i32", "i32", "i32", "i32", "i32", "i32"],
            Ret::Memory,
        ),
        options,
        &[
            (None, None) as Opts,
            (Some(None), Some(String::new())),
            (Some(Some(200)), Some("optional ✓".into())),
        ],
    );
}

type Row = (
    Result<String, u32>,
    Result<(), String>,
    Result<f64, ()>,
    Result<(), ()>,
);

#[host_fn]
fn results(
    n: &mut u32,
    a: Result<String, u32>,
    b: Result<(), String>,
    c: Result<f64, ()>,
    d: Result<(), ()>,
) -> Vec<Row> {
    *n += 1;
    vec![(a, b, c, d)]
}

/// All four forms: `result<T, E>`, `result<_, E>`, `result<T>` and `result`.
#[test]
fn every_result_form() {
    for engine in engines() {
        for enc in ENCODINGS {
            let ty = r#"(param "a" (result string (error u32))) (param "b" (result (error string))) (param "c" (result f64)) (param "d" (result))
                        (result (list (tuple (result string (error u32)) (result (error string)) (result f64) (result))))"#;
            let f = Echo::new(
                "results",
                ty,
                &[
                    "i32", "i32", "i32", "i32", "i32", "i32", "i32", "f64", "i32",
                ],
                Ret::Memory,
            );
            let wat = echo_guest(&[], &[f], enc);
            let (mut store, inst) = instantiate(&engine, &wat, 0u32, |api| {
                api.func("results", results)?;
                Ok(())
            });
            let func = inst
                .get_typed_func::<(
                    Result<String, u32>,
                    Result<(), String>,
                    Result<f64, ()>,
                    Result<(), ()>,
                ), (Vec<Row>,)>(&mut store, "results")
                .unwrap();
            for row in [
                (Ok("fine".to_string()), Ok(()), Ok(2.5), Ok(())),
                (Err(404), Err("bad ✗".to_string()), Err(()), Err(())),
            ] {
                let (back,) = func.call(&mut store, row.clone()).unwrap();
                assert_eq!(back, vec![row], "{enc}");
            }
        }
    }
}

#[host_fn]
fn nan(n: &mut u32, a: f32, b: &[f64]) -> (u32, Vec<u64>) {
    *n += 1;
    (a.to_bits(), b.iter().map(|f| f.to_bits()).collect())
}

/// Lifting keeps a NaN's bits, as the canonical ABI has allowed since it
/// stopped requiring canonical NaNs (and as wasmtime does): the host sees
/// the guest's bits, flat or in a list borrowed from guest memory.
#[test]
fn lifting_keeps_nan_bits() {
    let ty = r#"(param "a" f32) (param "b" (list f64)) (result (tuple u32 (list u64)))"#;
    for engine in engines() {
        let mut f = Echo::new("nan", ty, &["f32", "i32", "i32"], Ret::Memory);
        f.body = Some(
            "(f64.store (i32.const 2048) (f64.reinterpret_i64 (i64.const 0xfff0000000000bad)))
             (f64.store (i32.const 2056) (f64.const 1.25))
             (call $nan (f32.reinterpret_i32 (i32.const 0xffc00123)) (i32.const 2048) (i32.const 2) (i32.const 63488))
             (i32.const 63488)",
        );
        let wat = echo_guest(&[], &[f], "");
        let (mut store, inst) = instantiate(&engine, &wat, 0u32, |api| {
            api.func("nan", nan)?;
            Ok(())
        });
        let func = inst
            .get_typed_func::<(f32, Vec<f64>), ((u32, Vec<u64>),)>(&mut store, "nan")
            .unwrap();
        let ((a, b),) = func.call(&mut store, (0.0, vec![])).unwrap();
        assert_eq!(a, 0xffc0_0123);
        assert_eq!(b, [0xfff0_0000_0000_0bad, 1.25f64.to_bits()]);
    }
}
