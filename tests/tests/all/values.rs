//! Happy paths: every value type of this slice crosses the boundary both ways
//! on every engine, through `#[host_fn]` imports and typed exports.

use hostbind::{Caller, host_fn};
use hostbind_tests::{Import, engines, guest, instantiate};

#[derive(Default)]
struct Ctx {
    seen: Vec<String>,
}

type Scalars = (bool, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, char);

#[host_fn]
#[allow(clippy::too_many_arguments)]
fn scalars(
    cx: &mut Ctx,
    a: bool,
    b: i8,
    c: u8,
    d: i16,
    e: u16,
    f: i32,
    g: u32,
    h: i64,
    i: u64,
    j: f32,
    k: f64,
    l: char,
) -> Scalars {
    cx.seen
        .push(format!("{a} {b} {c} {d} {e} {f} {g} {h} {i} {j} {k} {l}"));
    (!a, b.wrapping_neg(), c / 2, d, e, f, g, h, i, j * 2.0, k, l)
}

const SCALAR_TY: &str = r#"(param "a" bool) (param "b" s8) (param "c" u8) (param "d" s16) (param "e" u16) (param "f" s32) (param "g" u32) (param "h" s64) (param "i" u64) (param "j" f32) (param "k" f64) (param "l" char) (result (tuple bool s8 u8 s16 u16 s32 u32 s64 u64 f32 f64 char))"#;

#[test]
fn scalars_round_trip_through_host_and_return_pointer() {
    let wat = guest(
        &[Import {
            name: "scalars",
            ty: SCALAR_TY,
            core: "(param i32 i32 i32 i32 i32 i32 i32 i64 i64 f32 f64 i32 i32)",
        }],
        r#"(func (export "roundtrip") (param i32 i32 i32 i32 i32 i32 i32 i64 i64 f32 f64 i32) (result i32)
             (call $scalars (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
               (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9) (local.get 10)
               (local.get 11) (i32.const 256))
             (i32.const 256))"#,
        &[("roundtrip", SCALAR_TY)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, Ctx::default(), |api| {
            api.func("scalars", scalars)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<Scalars, (Scalars,)>(&mut store, "roundtrip")
            .unwrap();
        let input = (
            true,
            -128,
            255,
            -32768,
            65535,
            i32::MIN,
            u32::MAX,
            i64::MIN,
            u64::MAX,
            1.5,
            -0.25,
            '🦀',
        );
        let (out,) = f.call(&mut store, input).unwrap();
        assert_eq!(
            out,
            (
                false,
                -128,
                127,
                -32768,
                65535,
                i32::MIN,
                u32::MAX,
                i64::MIN,
                u64::MAX,
                3.0,
                -0.25,
                '🦀'
            )
        );
        assert_eq!(
            store.data().seen,
            [
                "true -128 255 -32768 65535 -2147483648 4294967295 -9223372036854775808 18446744073709551615 1.5 -0.25 🦀"
            ]
        );
    }
}

#[host_fn]
fn shout(s: &str) -> String {
    s.to_uppercase()
}

#[test]
fn strings_borrowed_in_and_allocated_out() {
    let ty = r#"(param "s" string) (result string)"#;
    let wat = guest(
        &[Import {
            name: "shout",
            ty,
            core: "(param i32 i32 i32)",
        }],
        r#"(func (export "shout") (param i32 i32) (result i32)
             (call $shout (local.get 0) (local.get 1) (i32.const 128))
             (i32.const 128))"#,
        &[("shout", ty)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("shout", shout)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<(&str,), (String,)>(&mut store, "shout")
            .unwrap();
        assert_eq!(
            f.call(&mut store, ("hello, wörld",)).unwrap().0,
            "HELLO, WÖRLD"
        );
        assert_eq!(f.call(&mut store, ("",)).unwrap().0, "");
        let long = "ab".repeat(3000);
        assert_eq!(
            f.call(&mut store, (long.as_str(),)).unwrap().0,
            long.to_uppercase()
        );
    }
}

#[host_fn]
fn sum(xs: &[u32]) -> u64 {
    xs.iter().map(|&x| u64::from(x)).sum()
}

#[host_fn]
fn count(bytes: &[u8], floats: Vec<f64>) -> u32 {
    (bytes.len() + floats.len()) as u32
}

#[host_fn]
fn reverse(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().rev().collect()
}

#[host_fn]
fn nest(xss: Vec<Vec<u16>>, words: Vec<String>) -> Vec<Vec<String>> {
    xss.iter()
        .map(|xs| {
            xs.iter()
                .map(|x| format!("{}{x}", words.join("")))
                .collect()
        })
        .collect()
}

#[test]
fn lists_borrowed_copied_and_nested() {
    let sum_ty = r#"(param "xs" (list u32)) (result u64)"#;
    let count_ty = r#"(param "bytes" (list u8)) (param "floats" (list f64)) (result u32)"#;
    let rev_ty = r#"(param "xs" (list s64)) (result (list s64))"#;
    let nest_ty = r#"(param "xss" (list (list u16))) (param "words" (list string)) (result (list (list string)))"#;
    let wat = guest(
        &[
            Import {
                name: "sum",
                ty: sum_ty,
                core: "(param i32 i32) (result i64)",
            },
            Import {
                name: "count",
                ty: count_ty,
                core: "(param i32 i32 i32 i32) (result i32)",
            },
            Import {
                name: "reverse",
                ty: rev_ty,
                core: "(param i32 i32 i32)",
            },
            Import {
                name: "nest",
                ty: nest_ty,
                core: "(param i32 i32 i32 i32 i32)",
            },
        ],
        r#"(func (export "sum") (param i32 i32) (result i64) (call $sum (local.get 0) (local.get 1)))
           (func (export "count") (param i32 i32 i32 i32) (result i32)
             (call $count (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
           (func (export "reverse") (param i32 i32) (result i32)
             (call $reverse (local.get 0) (local.get 1) (i32.const 64)) (i32.const 64))
           (func (export "nest") (param i32 i32 i32 i32) (result i32)
             (call $nest (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 72)) (i32.const 72))"#,
        &[
            ("sum", sum_ty),
            ("count", count_ty),
            ("reverse", rev_ty),
            ("nest", nest_ty),
        ],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("sum", sum)?
                .func("count", count)?
                .func("reverse", reverse)?
                .func("nest", nest)?;
            Ok(())
        });

        let f = inst
            .get_typed_func::<(&[u32],), (u64,)>(&mut store, "sum")
            .unwrap();
        let xs: Vec<u32> = (1..=1000).collect();
        assert_eq!(f.call(&mut store, (&xs,)).unwrap(), (500_500,));
        assert_eq!(f.call(&mut store, (&[],)).unwrap(), (0,));

        let f = inst
            .get_typed_func::<(&[u8], Vec<f64>), (u32,)>(&mut store, "count")
            .unwrap();
        assert_eq!(f.call(&mut store, (b"abc", vec![1.0, 2.0])).unwrap(), (5,));

        let f = inst
            .get_typed_func::<(Vec<i64>,), (Vec<i64>,)>(&mut store, "reverse")
            .unwrap();
        assert_eq!(
            f.call(&mut store, (vec![1, -2, i64::MAX],)).unwrap().0,
            [i64::MAX, -2, 1]
        );

        let f = inst
            .get_typed_func::<(Vec<Vec<u16>>, &[&str]), (Vec<Vec<String>>,)>(&mut store, "nest")
            .unwrap();
        let (out,) = f
            .call(&mut store, (vec![vec![1, 2], vec![], vec![3]], &["x", "y"]))
            .unwrap();
        assert_eq!(
            out,
            vec![
                vec!["xy1".to_string(), "xy2".into()],
                vec![],
                vec!["xy3".into()]
            ]
        );
    }
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
    q: u8,
) -> u32 {
    [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, u32::from(q)]
        .iter()
        .sum()
}

#[test]
fn more_than_sixteen_flat_params_spill_to_memory_both_ways() {
    let ty = r#"(param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (param "f" u32) (param "g" u32) (param "h" u32) (param "i" u32) (param "j" u32) (param "k" u32) (param "l" u32) (param "m" u32) (param "n" u32) (param "o" u32) (param "p" u32) (param "q" u8) (result u32)"#;
    // The export receives a pointer to its spilled params and passes it on:
    // the import's spilled layout is the same tuple.
    let wat = guest(
        &[Import {
            name: "sum17",
            ty,
            core: "(param i32) (result i32)",
        }],
        r#"(func (export "sum17") (param i32) (result i32) (call $sum17 (local.get 0)))"#,
        &[("sum17", ty)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("sum17", sum17)?;
            Ok(())
        });
        type P = (
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u8,
        );
        let f = inst
            .get_typed_func::<P, (u32,)>(&mut store, "sum17")
            .unwrap();
        let args: P = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 200);
        assert_eq!(f.call(&mut store, args).unwrap(), (136 + 200,));
    }
}

#[host_fn]
fn weigh5(a: u32, b: u32, c: u32, d: u32, e: u32) -> f64 {
    [a, b, c, d, e]
        .iter()
        .enumerate()
        .map(|(i, &v)| f64::from(v) * 10f64.powi(i as i32))
        .sum()
}

#[test]
fn five_flat_params_pass_in_order() {
    // Five core values: more than the engines' small storage holds, so
    // the host call takes its full-size path (on wasmi, through a typed
    // trampoline); each param is weighed so that a value in the wrong slot
    // shows.
    let ty = r#"(param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (result f64)"#;
    let wat = guest(
        &[Import {
            name: "weigh5",
            ty,
            core: "(param i32 i32 i32 i32 i32) (result f64)",
        }],
        r#"(func (export "weigh5") (param i32 i32 i32 i32 i32) (result f64)
             (call $weigh5 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))"#,
        &[("weigh5", ty)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, (), |api| {
            api.func("weigh5", weigh5)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<(u32, u32, u32, u32, u32), (f64,)>(&mut store, "weigh5")
            .unwrap();
        assert_eq!(
            f.call(&mut store, (1, 2, 3, 4, 5)).unwrap(),
            (54321.0,),
            "on {engine:?}"
        );
    }
}

#[host_fn]
fn swap(pair: (u8, String)) -> (String, u8) {
    (pair.1, pair.0)
}

#[host_fn]
fn peek(caller: Caller<'_, Ctx>, at: u32) -> u8 {
    caller.memory()[at as usize]
}

#[test]
fn tuples_and_caller_memory() {
    let swap_ty = r#"(param "pair" (tuple u8 string)) (result (tuple string u8))"#;
    let peek_ty = r#"(param "at" u32) (result u8)"#;
    let wat = guest(
        &[
            Import {
                name: "swap",
                ty: swap_ty,
                core: "(param i32 i32 i32 i32)",
            },
            Import {
                name: "peek",
                ty: peek_ty,
                core: "(param i32) (result i32)",
            },
        ],
        r#"(data (i32.const 40) "\2a")
           (func (export "swap") (param i32 i32 i32) (result i32)
             (call $swap (local.get 0) (local.get 1) (local.get 2) (i32.const 48)) (i32.const 48))
           (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))"#,
        &[("swap", swap_ty), ("peek", peek_ty)],
    );
    for engine in engines() {
        let (mut store, inst) = instantiate(&engine, &wat, Ctx::default(), |api| {
            api.func("swap", swap)?.func("peek", peek)?;
            Ok(())
        });
        let f = inst
            .get_typed_func::<((u8, &str),), ((String, u8),)>(&mut store, "swap")
            .unwrap();
        assert_eq!(
            f.call(&mut store, ((7, "seven"),)).unwrap().0,
            ("seven".to_string(), 7)
        );
        let f = inst
            .get_typed_func::<(u32,), (u8,)>(&mut store, "peek")
            .unwrap();
        assert_eq!(f.call(&mut store, (40,)).unwrap(), (42,));
    }
}

#[test]
fn annotated_functions_stay_callable() {
    assert_eq!(shout("a"), "A");
    assert_eq!(sum(&[1, 2, 3]), 6);
    let mut cx = Ctx::default();
    let out = scalars(&mut cx, true, 1, 2, 3, 4, 5, 6, 7, 8, 1.0, 2.0, 'x');
    assert!(!out.0);
    assert_eq!(cx.seen.len(), 1);
}
