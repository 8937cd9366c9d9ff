//! Dynamic host functions (`func_new`) and dynamic export calls
//! (`Func::call`) with `Val`s: every type round-trips through both, mixed
//! with the static path, and type errors name the expected type.

use hostbind::{Func, Store, TypeKind, Val};
use hostbind_tests::fixtures::*;
use hostbind_tests::{ENCODINGS, Echo, Ret, echo_guest, engines, instantiate, message};

/// Instantiates an echo guest whose import is a dynamic function copying
/// its params to its results (and counting calls), in encoding `enc`.
fn dynamic_echo(
    engine: &hostbind::Engine,
    types: &[(&str, &str)],
    f: &Echo<'_>,
    enc: &str,
) -> (Store<u32>, Func, hostbind::Instance) {
    let wat = echo_guest(types, std::slice::from_ref(f), enc);
    let (mut store, inst) = instantiate(engine, &wat, 0u32, |api| {
        api.func_new(f.name, |mut cx, _ty, params, results| {
            *cx.data_mut() += 1;
            results.clone_from_slice(params);
            Ok(())
        })?;
        Ok(())
    });
    let func = inst.get_func(&mut store, f.name).unwrap();
    (store, func, inst)
}

fn s(v: &str) -> Val {
    Val::String(v.to_string())
}

fn person(name: &str, age: u8, email: Option<&str>, tags: &[&str], score: f64) -> Val {
    Val::Record(vec![
        ("full-name".into(), s(name)),
        ("age".into(), Val::U8(age)),
        ("email".into(), Val::Option(email.map(|e| Box::new(s(e))))),
        (
            "tags".into(),
            Val::List(tags.iter().map(|t| s(t)).collect()),
        ),
        ("score".into(), Val::Float64(score)),
    ])
}

/// `Val`s of every type go out through `Func::call`, through the guest into
/// a `func_new` function, and back, in all three string encodings.
#[test]
fn vals_round_trip_through_dynamic_calls_and_functions() {
    type Case<'a> = (&'a [(&'a str, &'a str)], Echo<'a>, Vec<Val>);
    let cases: Vec<Case<'_>> = vec![
        (
            &[PERSON],
            Echo::new(
                "pass-people",
                r#"(param "ps" (list $person)) (result (list $person))"#,
                &["i32", "i32"],
                Ret::Memory,
            ),
            vec![Val::List(vec![
                person("Ada", 36, Some("ada@example.org"), &["math"], 1.5),
                person("Ünïcödé 🚀", 255, None, &[], -2.0),
            ])],
        ),
        (
            &[POINT, SHAPE],
            Echo::new(
                "pass-shape",
                r#"(param "s" $shape) (result $shape)"#,
                &["i32", "i64", "i32"],
                Ret::Memory,
            ),
            vec![
                Val::Variant("circle".into(), Some(Box::new(Val::Float32(0.25)))),
                Val::Variant(
                    "rect".into(),
                    Some(Box::new(Val::Record(vec![
                        ("x".into(), Val::S32(-3)),
                        ("y".into(), Val::S32(4)),
                    ]))),
                ),
                Val::Variant("label".into(), Some(Box::new(s("ŝ")))),
                Val::Variant("empty".into(), None),
                Val::Variant("big".into(), Some(Box::new(Val::U64(u64::MAX)))),
            ],
        ),
        (
            &[COLOR, OUTCOME],
            Echo::new(
                "pass-outcome",
                r#"(param "o" (list $outcome)) (result (list $outcome))"#,
                &["i32", "i32"],
                Ret::Memory,
            ),
            vec![Val::List(vec![
                Val::Variant(
                    "done".into(),
                    Some(Box::new(Val::Result(Ok(Some(Box::new(Val::U32(7))))))),
                ),
                Val::Variant(
                    "done".into(),
                    Some(Box::new(Val::Result(Err(Some(Box::new(s("no"))))))),
                ),
                Val::Variant("failed".into(), Some(Box::new(Val::Result(Ok(None))))),
                Val::Variant(
                    "failed".into(),
                    Some(Box::new(Val::Result(Err(Some(Box::new(Val::Enum(
                        "sky-blue".into(),
                    ))))))),
                ),
                Val::Variant("pending".into(), None),
            ])],
        ),
        (
            &[PERMS],
            Echo::new(
                "pass-perms",
                r#"(param "p" $perms) (result $perms)"#,
                &["i32"],
                Ret::Flat("i32"),
            ),
            vec![
                Val::Flags(vec![]),
                Val::Flags(vec!["read".into(), "exec".into()]),
            ],
        ),
        (
            &[WIDE],
            Echo::new(
                "pass-wide",
                r#"(param "w" $wide) (result $wide)"#,
                &["i32"],
                Ret::Flat("i32"),
            ),
            vec![Val::Flags(vec!["f0".into(), "f19".into()])],
        ),
        (
            &[],
            Echo::new(
                "pass-scalars",
                r#"(param "t" (tuple bool s8 u16 s64 f32 char (option (option u8)) (result (error string)))) (result (tuple bool s8 u16 s64 f32 char (option (option u8)) (result (error string))))"#,
                &[
                    "i32", "i32", "i32", "i64", "f32", "i32", "i32", "i32", "i32", "i32", "i32",
                    "i32",
                ],
                Ret::Memory,
            ),
            vec![Val::Tuple(vec![
                Val::Bool(true),
                Val::S8(-128),
                Val::U16(65535),
                Val::S64(i64::MIN),
                Val::Float32(-1.5),
                Val::Char('🚀'),
                Val::Option(Some(Box::new(Val::Option(None)))),
                Val::Result(Err(Some(Box::new(s("why ✗"))))),
            ])],
        ),
    ];
    for engine in engines() {
        for enc in ENCODINGS {
            for (types, f, vals) in &cases {
                let (mut store, func, _) = dynamic_echo(&engine, types, f, enc);
                for v in vals {
                    let mut out = [Val::Bool(false)];
                    func.call(&mut store, std::slice::from_ref(v), &mut out)
                        .unwrap_or_else(|e| panic!("{enc} {}: {e:#}", f.name));
                    assert_eq!(&out[0], v, "{enc} {}", f.name);
                }
                assert_eq!(*store.data() as usize, vals.len(), "{enc} {}", f.name);
            }
        }
    }
}

/// The static path lowers, the dynamic function lifts and lowers, the
/// static path lifts: both agree on every layout.
#[test]
fn static_and_dynamic_paths_agree() {
    let f = Echo::new(
        "pass-people",
        r#"(param "ps" (list $person)) (result (list $person))"#,
        &["i32", "i32"],
        Ret::Memory,
    );
    let people = vec![
        Person {
            name: "Grace".into(),
            age: 85,
            email: Some("grace@navy.mil".into()),
            tags: vec!["cobol".into(), "compilers".into()],
            score: 1e300,
        },
        Person {
            name: String::new(),
            age: 0,
            email: None,
            tags: vec![String::new()],
            score: f64::MIN_POSITIVE,
        },
    ];
    for engine in engines() {
        for enc in ENCODINGS {
            let (mut store, _, inst) = dynamic_echo(&engine, &[PERSON], &f, enc);
            let typed = inst
                .get_typed_func::<(Vec<Person>,), (Vec<Person>,)>(&mut store, "pass-people")
                .unwrap();
            let (back,) = typed.call(&mut store, (people.clone(),)).unwrap();
            assert_eq!(back, people, "{enc}");
        }
    }
}

#[test]
fn types_are_inspectable() {
    let f = Echo::new(
        "pass-point",
        r#"(param "p" $point) (result $point)"#,
        &["i32", "i32"],
        Ret::Memory,
    );
    for engine in engines() {
        let wat = echo_guest(&[POINT], std::slice::from_ref(&f), "");
        let (mut store, inst) = instantiate(&engine, &wat, Vec::<String>::new(), |api| {
            api.func_new("pass-point", |mut cx, ty, params, results| {
                cx.data_mut().push(ty.to_string());
                results[0] = params[0].clone();
                Ok(())
            })?;
            Ok(())
        });
        let func = inst.get_func(&mut store, "pass-point").unwrap();
        let ty = func.ty();
        assert_eq!(
            ty.to_string(),
            "func(p: record { x: s32, y: s32 }) -> record { x: s32, y: s32 }"
        );
        assert_eq!(ty.params()[0].0, "p");
        let TypeKind::Record(fields) = ty.params()[0].1.kind() else {
            panic!("not a record: {:?}", ty.params()[0].1);
        };
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        assert!(matches!(fields[0].1.kind(), TypeKind::S32));
        let p = Val::Record(vec![("x".into(), Val::S32(1)), ("y".into(), Val::S32(2))]);
        let mut out = [Val::Bool(false)];
        func.call(&mut store, &[p], &mut out).unwrap();
        assert_eq!(
            store.data().as_slice(),
            ["func(p: record { x: s32, y: s32 }) -> record { x: s32, y: s32 }"]
        );
    }
}

/// Runs `pass-point` with a dynamic import that returns `result`.
fn point_returning(result: Val) -> Vec<String> {
    let f = Echo::new(
        "pass-point",
        r#"(param "p" $point) (result $point)"#,
        &["i32", "i32"],
        Ret::Memory,
    );
    engines()
        .iter()
        .map(|engine| {
            let wat = echo_guest(&[POINT], std::slice::from_ref(&f), "");
            let result = result.clone();
            let (mut store, inst) = instantiate(engine, &wat, (), move |api| {
                api.func_new("pass-point", move |_, _, _, results| {
                    results[0] = result.clone();
                    Ok(())
                })?;
                Ok(())
            });
            let func = inst.get_func(&mut store, "pass-point").unwrap();
            let p = Val::Record(vec![("x".into(), Val::S32(1)), ("y".into(), Val::S32(2))]);
            message(
                &func
                    .call(&mut store, &[p], &mut [Val::Bool(false)])
                    .unwrap_err(),
            )
        })
        .collect()
}

#[test]
fn a_wrong_result_variant_names_the_expected_type() {
    for msg in point_returning(Val::U32(3)) {
        assert_eq!(
            msg,
            "type mismatch: expected `record { x: s32, y: s32 }`, found a `u32` value in result of `test:host/api#pass-point`"
        );
    }
}

#[test]
fn a_record_with_the_wrong_fields_names_the_expected_type() {
    let wrong = Val::Record(vec![("x".into(), Val::S32(1)), ("z".into(), Val::S32(2))]);
    for msg in point_returning(wrong) {
        assert_eq!(
            msg,
            "type mismatch: expected `record { x: s32, y: s32 }`, found a record with fields `x`, `z` in result of `test:host/api#pass-point`"
        );
    }
    let wrong_inner = Val::Record(vec![("x".into(), Val::S32(1)), ("y".into(), Val::U8(2))]);
    for msg in point_returning(wrong_inner) {
        assert_eq!(
            msg,
            "type mismatch: expected `s32`, found a `u8` value in result of `test:host/api#pass-point`"
        );
    }
}

#[test]
fn wrong_params_to_a_dynamic_call_are_refused() {
    let f = Echo::new(
        "pass-color",
        r#"(param "c" $color) (result $color)"#,
        &["i32"],
        Ret::Flat("i32"),
    );
    for engine in engines() {
        let (mut store, func, _) = dynamic_echo(&engine, &[COLOR], &f, "");
        let err = func
            .call(
                &mut store,
                &[Val::Enum("purple".into())],
                &mut [Val::Bool(false)],
            )
            .unwrap_err();
        assert_eq!(
            message(&err),
            "type mismatch: expected `enum { red, green, sky-blue }`, found case `purple` in params of `pass-color`"
        );
        let err = func
            .call(&mut store, &[], &mut [Val::Bool(false)])
            .unwrap_err();
        assert_eq!(
            message(&err),
            "export `pass-color` of type `func(c: enum { red, green, sky-blue }) -> enum { red, green, sky-blue }` takes 1 params and gives 1 results, but it was called with 0 params and 1 result slots"
        );
        assert_eq!(*store.data(), 0, "the host was never reached");
        // The host's mistakes are found before the guest runs, so they do
        // not poison the instance as a trap would.
        let mut out = [Val::Bool(false)];
        func.call(&mut store, &[Val::Enum("green".into())], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::Enum("green".into()));
    }
}

/// A dynamic function's params are validated like a static one's.
#[test]
fn invalid_discriminant_reaches_no_dynamic_function() {
    let f = Echo {
        name: "take-color",
        ty: r#"(param "c" $color) (result u32)"#,
        params: &["i32"],
        ret: Ret::Flat("i32"),
        body: Some("(call $take-color (i32.const 3))"),
        export: Some(("(result u32)", &[], Ret::Flat("i32"))),
    };
    for engine in engines() {
        let wat = echo_guest(&[COLOR], std::slice::from_ref(&f), "");
        let (mut store, inst) = instantiate(&engine, &wat, 0u32, |api| {
            api.func_new("take-color", |mut cx, _, _, results| {
                *cx.data_mut() += 1;
                results[0] = Val::U32(0);
                Ok(())
            })?;
            Ok(())
        });
        let func = inst.get_func(&mut store, "take-color").unwrap();
        let err = func
            .call(&mut store, &[], &mut [Val::Bool(false)])
            .unwrap_err();
        assert_eq!(
            message(&err),
            "invalid discriminant 3 for `enum { red, green, sky-blue }` (3 cases) in param `c` of `test:host/api#take-color`"
        );
        assert_eq!(*store.data(), 0);
    }
}

/// A panic in a dynamic function is a trap, which poisons the instance.
#[test]
fn a_panicking_dynamic_function_traps() {
    let f = Echo::new(
        "pass-color",
        r#"(param "c" $color) (result $color)"#,
        &["i32"],
        Ret::Flat("i32"),
    );
    for engine in engines() {
        let wat = echo_guest(&[COLOR], std::slice::from_ref(&f), "");
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func_new("pass-color", |_, _, params, results| {
                if params[0] == Val::Enum("red".into()) {
                    panic!("red is not allowed");
                }
                results[0] = params[0].clone();
                Ok(())
            })?;
            Ok(())
        });
        let func = inst.get_func(&mut store, "pass-color").unwrap();
        let mut out = [Val::Bool(false)];
        let err = func
            .call(&mut store, &[Val::Enum("red".into())], &mut out)
            .unwrap_err();
        assert_eq!(
            message(&err),
            "host function `test:host/api#pass-color` panicked: red is not allowed"
        );
        hostbind_tests::assert_poisoned(
            func.call(&mut store, &[Val::Enum("green".into())], &mut out),
            "pass-color",
        );
    }
}

mod host_resources {
    use hostbind::{Component, Linker, ResourceTable, Store, Val};
    use hostbind_tests::{engines, message};

    pub struct Counter(u32);
    pub struct Other;

    #[derive(Default)]
    pub struct Ctx {
        table: ResourceTable,
        dropped: u32,
    }

    /// `run` makes a counter through the constructor, increments it twice
    /// through the method, and hands it to `take`; `run` returns what
    /// `take` did.
    const GUEST: &str = r#"(component
      (import "counter" (type $c (sub resource)))
      (import "[constructor]counter" (func $new (param "start" u32) (result (own $c))))
      (import "[method]counter.incr" (func $incr (param "self" (borrow $c)) (result u32)))
      (import "take" (func $take (param "c" (own $c)) (result u32)))
      (core func $new (canon lower (func $new)))
      (core func $incr (canon lower (func $incr)))
      (core func $take (canon lower (func $take)))
      (core module $M
        (import "" "new" (func $new (param i32) (result i32)))
        (import "" "incr" (func $incr (param i32) (result i32)))
        (import "" "take" (func $take (param i32) (result i32)))
        (func (export "run") (result i32) (local $h i32)
          (local.set $h (call $new (i32.const 40)))
          (drop (call $incr (local.get $h)))
          (drop (call $incr (local.get $h)))
          (call $take (local.get $h))))
      (core instance $m (instantiate $M (with "" (instance
        (export "new" (func $new)) (export "incr" (func $incr)) (export "take" (func $take))))))
      (func (export "run") (result u32) (canon lift (core func $m "run"))))"#;

    fn linker(engine: &hostbind::Engine, take_as_other: bool) -> Linker<Ctx> {
        let mut linker = Linker::<Ctx>::new(engine);
        let mut root = linker.root();
        root.resource::<Counter>("counter", |cx, r| {
            cx.table.delete(r)?;
            cx.dropped += 1;
            Ok(())
        })
        .unwrap();
        root.func_new("[constructor]counter", |mut cx, _, params, results| {
            let Val::U32(start) = params[0] else {
                anyhow::bail!("not a u32")
            };
            let r = cx.data_mut().table.push(Counter(start));
            results[0] = Val::Resource(cx.resource_any(r)?);
            Ok(())
        })
        .unwrap();
        root.func_new("[method]counter.incr", |mut cx, _, params, results| {
            let Val::Resource(any) = &params[0] else {
                anyhow::bail!("not a handle")
            };
            let this = cx.borrow::<Counter>(any)?;
            let c = cx.data_mut().table.get_mut(&this)?;
            c.0 += 1;
            results[0] = Val::U32(c.0);
            Ok(())
        })
        .unwrap();
        root.func_new("take", move |mut cx, _, params, results| {
            let Val::Resource(any) = params[0] else {
                anyhow::bail!("not a handle")
            };
            if take_as_other {
                cx.resource::<Other>(any)?;
            }
            let r = cx.resource::<Counter>(any)?;
            // Given away once: a second conversion is refused.
            let again = cx.resource::<Counter>(any).unwrap_err();
            assert!(
                message(&again).contains("no longer the host's"),
                "{again:#}"
            );
            let Counter(n) = cx.data_mut().table.delete(r)?;
            results[0] = Val::U32(n * 10);
            Ok(())
        })
        .unwrap();
        linker
    }

    #[test]
    fn dynamic_functions_make_and_take_host_resources() {
        for engine in engines() {
            let c = Component::new(&engine, wat::parse_str(GUEST).unwrap()).unwrap();
            let mut store = Store::new(&engine, Ctx::default());
            let i = linker(&engine, false).instantiate(&mut store, &c).unwrap();
            let run = i.get_typed_func::<(), (u32,)>(&mut store, "run").unwrap();
            assert_eq!(run.call(&mut store, ()).unwrap(), (420,));
            // `take` moved the counter out of the guest; no destructor ran.
            assert_eq!(store.data().dropped, 0);
            assert!(store.data().table.is_empty());
        }
    }

    #[test]
    fn a_handle_converted_to_the_wrong_type_is_refused() {
        for engine in engines() {
            let c = Component::new(&engine, wat::parse_str(GUEST).unwrap()).unwrap();
            let mut store = Store::new(&engine, Ctx::default());
            let i = linker(&engine, true).instantiate(&mut store, &c).unwrap();
            let run = i.get_typed_func::<(), (u32,)>(&mut store, "run").unwrap();
            let err = run.call(&mut store, ()).unwrap_err();
            assert!(
                message(&err).contains(
                    "host resource type `all::dynamic::host_resources::Other` is not linked to any resource this component imports"
                ),
                "{}",
                message(&err)
            );
        }
    }
}
