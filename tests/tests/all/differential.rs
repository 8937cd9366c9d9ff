//! A differential tester: hostbind on every engine against wasmtime's own
//! component model, on random value types, random values, random string
//! encodings, and a guest that damages what it holds before or after the
//! host call.
//!
//! Each case is a component that passes a value through a host `echo` and
//! back. Without damage, every runtime must return the value it was given;
//! with damage, every runtime must agree: the same value, or a trap.
//!
//! `cargo test` runs a bounded, seeded run. For a longer one:
//!
//! ```sh
//! HOSTBIND_DIFF_TYPES=2000 HOSTBIND_DIFF_SEED=7 \
//!   cargo test --release -p hostbind-tests --features wasmtime --test all differential -- --nocapture
//! ```

mod guest;
mod random;

use hostbind::Val;
use random::{Rng, Ty, V};
use wasmtime::component::Val as WVal;

/// What one runtime made of a case.
#[derive(Debug)]
enum Outcome {
    Value(V),
    /// The message, kept for the report of a disagreement.
    #[allow(dead_code)]
    Trap(String),
}

/// Conversions between [`V`] and a runtime's `Val`: hostbind's and
/// wasmtime's have the same variants for the types the generator makes.
macro_rules! conversions {
    ($to:ident, $from:ident, $val:ident) => {
        fn $to(v: &V) -> $val {
            let opt = |p: &Option<Box<V>>| p.as_ref().map(|p| Box::new($to(p)));
            match v {
                V::Bool(x) => $val::Bool(*x),
                V::S8(x) => $val::S8(*x),
                V::U8(x) => $val::U8(*x),
                V::S16(x) => $val::S16(*x),
                V::U16(x) => $val::U16(*x),
                V::S32(x) => $val::S32(*x),
                V::U32(x) => $val::U32(*x),
                V::S64(x) => $val::S64(*x),
                V::U64(x) => $val::U64(*x),
                V::F32(x) => $val::Float32(*x),
                V::F64(x) => $val::Float64(*x),
                V::Char(x) => $val::Char(*x),
                V::String(x) => $val::String(x.clone()),
                V::List(xs) => $val::List(xs.iter().map($to).collect()),
                V::Tuple(xs) => $val::Tuple(xs.iter().map($to).collect()),
                V::Record(fs) => {
                    $val::Record(fs.iter().map(|(n, v)| (n.clone(), $to(v))).collect())
                }
                V::Variant(n, p) => $val::Variant(n.clone(), opt(p)),
                V::Enum(n) => $val::Enum(n.clone()),
                V::Option(p) => $val::Option(opt(p)),
                V::Result(Ok(p)) => $val::Result(Ok(opt(p))),
                V::Result(Err(p)) => $val::Result(Err(opt(p))),
                V::Flags(ns) => $val::Flags(ns.clone()),
            }
        }

        fn $from(v: &$val) -> V {
            let opt = |p: &Option<Box<$val>>| p.as_ref().map(|p| Box::new($from(p)));
            match v {
                $val::Bool(x) => V::Bool(*x),
                $val::S8(x) => V::S8(*x),
                $val::U8(x) => V::U8(*x),
                $val::S16(x) => V::S16(*x),
                $val::U16(x) => V::U16(*x),
                $val::S32(x) => V::S32(*x),
                $val::U32(x) => V::U32(*x),
                $val::S64(x) => V::S64(*x),
                $val::U64(x) => V::U64(*x),
                $val::Float32(x) => V::F32(*x),
                $val::Float64(x) => V::F64(*x),
                $val::Char(x) => V::Char(*x),
                $val::String(x) => V::String(x.clone()),
                $val::List(xs) => V::List(xs.iter().map($from).collect()),
                $val::Tuple(xs) => V::Tuple(xs.iter().map($from).collect()),
                $val::Record(fs) => {
                    V::Record(fs.iter().map(|(n, v)| (n.clone(), $from(v))).collect())
                }
                $val::Variant(n, p) => V::Variant(n.clone(), opt(p)),
                $val::Enum(n) => V::Enum(n.clone()),
                $val::Option(p) => V::Option(opt(p)),
                $val::Result(Ok(p)) => V::Result(Ok(opt(p))),
                $val::Result(Err(p)) => V::Result(Err(opt(p))),
                $val::Flags(ns) => V::Flags(ns.clone()),
                other => panic!("the generator makes no {other:?}"),
            }
        }
    };
}

conversions!(to_hostbind, from_hostbind, Val);
conversions!(to_wasmtime, from_wasmtime, WVal);

/// Equality in which every NaN equals every NaN: the canonical ABI leaves
/// a NaN's bits to the implementation.
fn same(a: &V, b: &V) -> bool {
    let all = |x: &[V], y: &[V]| x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b));
    let opt = |x: &Option<Box<V>>, y: &Option<Box<V>>| match (x, y) {
        (None, None) => true,
        (Some(a), Some(b)) => same(a, b),
        _ => false,
    };
    match (a, b) {
        (V::F32(x), V::F32(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (V::F64(x), V::F64(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (V::List(x), V::List(y)) | (V::Tuple(x), V::Tuple(y)) => all(x, y),
        (V::Record(x), V::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, a), (m, b))| n == m && same(a, b))
        }
        (V::Variant(n, x), V::Variant(m, y)) => n == m && opt(x, y),
        (V::Option(x), V::Option(y)) => opt(x, y),
        (V::Result(Ok(x)), V::Result(Ok(y))) | (V::Result(Err(x)), V::Result(Err(y))) => opt(x, y),
        (V::Flags(x), V::Flags(y)) => {
            let mut x = x.clone();
            let mut y = y.clone();
            x.sort();
            y.sort();
            x == y
        }
        _ => a == b,
    }
}

/// How `run` is to damage what it holds: `(when, offset, mask, pick, pmask)`.
type Damage = [u32; 5];

const NO_DAMAGE: Damage = [0, 0, 0, u32::MAX, 0];

fn damage(rng: &mut Rng) -> Damage {
    if rng.chance(50) {
        return NO_DAMAGE;
    }
    let when = 1 + rng.below(2) as u32;
    let mask = 1u32 << rng.below(8);
    if rng.chance(30) {
        // A flat param instead: a discriminant, a length, a pointer.
        [
            when,
            0,
            0,
            rng.below(4) as u32,
            [1, 0x80, 0x1_0000, 0x8000_0000][rng.below(4) as usize],
        ]
    } else {
        [when, rng.next() as u32, mask, u32::MAX, 0]
    }
}

/// The case on hostbind, on `engine`.
fn hostbind_run(engine: &hostbind::Engine, c: &hostbind::Component, v: &V, d: Damage) -> Outcome {
    let mut linker = hostbind::Linker::<()>::new(engine);
    linker
        .instance("test:diff/api")
        .unwrap()
        .func_new("echo", |_, _, params, results| {
            results[0] = params[0].clone();
            Ok(())
        })
        .unwrap();
    let mut store = hostbind::Store::new(engine, ());
    let instance = linker.instantiate(&mut store, c).unwrap();
    let set = instance.get_func(&mut store, "set-corrupt").unwrap();
    let args: Vec<Val> = d.iter().map(|x| Val::U32(*x)).collect();
    set.call(&mut store, &args, &mut []).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let mut out = [Val::Bool(false)];
    match run.call(&mut store, &[to_hostbind(v)], &mut out) {
        Ok(()) => Outcome::Value(from_hostbind(&out[0])),
        Err(e) => Outcome::Trap(format!("{e:#}")),
    }
}

/// The case on wasmtime's component model.
fn wasmtime_run(
    engine: &wasmtime::Engine,
    c: &wasmtime::component::Component,
    v: &V,
    d: Damage,
) -> Outcome {
    let mut linker = wasmtime::component::Linker::<()>::new(engine);
    linker
        .instance("test:diff/api")
        .unwrap()
        .func_new("echo", |_, _, params, results| {
            results[0] = params[0].clone();
            Ok(())
        })
        .unwrap();
    let mut store = wasmtime::Store::new(engine, ());
    let instance = linker.instantiate(&mut store, c).unwrap();
    let set = instance.get_func(&mut store, "set-corrupt").unwrap();
    let args: Vec<WVal> = d.iter().map(|x| WVal::U32(*x)).collect();
    set.call(&mut store, &args, &mut []).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let mut out = [WVal::Bool(false)];
    match run.call(&mut store, &[to_wasmtime(v)], &mut out) {
        Ok(()) => Outcome::Value(from_wasmtime(&out[0])),
        Err(e) => Outcome::Trap(format!("{e:#}")),
    }
}

const ENCODINGS: [&str; 3] = [
    "string-encoding=utf8",
    "string-encoding=utf16",
    "string-encoding=latin1+utf16",
];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Counts of what a run saw.
#[derive(Default, Debug)]
struct Tally {
    types: u64,
    composed: u64,
    cases: u64,
    round_trips: u64,
    agreed_values: u64,
    agreed_traps: u64,
}

#[test]
fn hostbind_agrees_with_wasmtime() {
    let seed = env("HOSTBIND_DIFF_SEED", 1);
    let types = env("HOSTBIND_DIFF_TYPES", 40);
    let values = env("HOSTBIND_DIFF_VALUES", 16);
    let engines = hostbind_tests::engines();
    let wt = wasmtime::Engine::default();
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for _ in 0..types {
        let ty: Ty = random::ty(&mut rng, 3);
        let encoding = ENCODINGS[rng.below(3) as usize];
        let copying = rng.chance(70);
        // Some cases cross a fused adapter between two nested components.
        let inner = rng.chance(40).then(|| ENCODINGS[rng.below(3) as usize]);
        let text = match inner {
            Some(inner) => guest::composed(&ty, encoding, inner, copying),
            None => guest::component(&ty, encoding, copying),
        };
        let bytes = wat::parse_str(&text)
            .unwrap_or_else(|e| panic!("bad generated WAT for {ty:?}: {e}\n{text}"));
        let ours: Vec<_> = engines
            .iter()
            .map(|e| {
                hostbind::Component::new(e, &bytes).unwrap_or_else(|err| panic!("{ty:?}: {err:#}"))
            })
            .collect();
        let theirs = wasmtime::component::Component::new(&wt, &bytes).unwrap();
        tally.types += 1;
        tally.composed += u64::from(inner.is_some());
        for _ in 0..values {
            let v = random::value(&mut rng, &ty);
            let d = damage(&mut rng);
            let reference = wasmtime_run(&wt, &theirs, &v, d);
            tally.cases += 1;
            let mut agreed = true;
            for (engine, c) in engines.iter().zip(&ours) {
                let got = hostbind_run(engine, c, &v, d);
                let ok = match (&got, &reference) {
                    (Outcome::Value(a), Outcome::Value(b)) => same(a, b),
                    (Outcome::Trap(_), Outcome::Trap(_)) => true,
                    _ => false,
                };
                if !ok {
                    agreed = false;
                    failures.push(format!(
                        "{:?}: type {ty:?}, {encoding}, inner {inner:?}, copying realloc {copying}, value {v:?}, damage {d:?}:\n  hostbind: {got:?}\n  wasmtime: {reference:?}",
                        engine.kind()
                    ));
                }
            }
            if agreed {
                match &reference {
                    Outcome::Value(_) => tally.agreed_values += 1,
                    Outcome::Trap(_) => tally.agreed_traps += 1,
                }
            }
            // Undamaged, and with a realloc that keeps what it moves, the
            // value comes back as it went.
            if d == NO_DAMAGE && copying {
                match &reference {
                    Outcome::Value(back) if same(back, &v) => tally.round_trips += 1,
                    other => failures.push(format!(
                        "undamaged {ty:?} {encoding} {v:?} did not come back: {other:?}"
                    )),
                }
            }
        }
    }
    println!("differential run, seed {seed}: {tally:?}");
    assert!(
        failures.is_empty(),
        "{} disagreement(s) (seed {seed}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The run must have exercised both outcomes, or it proves little.
    assert!(tally.round_trips > 0 && tally.agreed_traps > 0, "{tally:?}");
}

/// One random change to a binary: a bit flipped, a byte replaced, inserted
/// or removed, a range duplicated, or the tail cut off.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        bytes.push(rng.next() as u8);
        return;
    }
    let n = bytes.len() as u64;
    let at = rng.below(n) as usize;
    match rng.below(6) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = rng.next() as u8,
        2 => bytes.insert(at, rng.next() as u8),
        3 => {
            bytes.remove(at);
        }
        4 => {
            let len = (rng.below(16) as usize).min(bytes.len() - at);
            let copy: Vec<u8> = bytes[at..at + len].to_vec();
            bytes.splice(at..at, copy);
        }
        _ => bytes.truncate(at),
    }
}

/// What loading, linking and calling a possibly broken binary did; a panic
/// is caught here so that the test can report the input.
fn exercise(engine: &hostbind::Engine, bytes: &[u8]) -> Result<(), String> {
    let run = || -> hostbind::Result<()> {
        let c = hostbind::Component::new(engine, bytes)?;
        let mut linker = hostbind::Linker::<()>::new(engine);
        linker
            .instance("test:diff/api")?
            .func_new("echo", |_, _, params, results| {
                results[0] = params[0].clone();
                Ok(())
            })?;
        let mut store = hostbind::Store::new(engine, ());
        let instance = linker.instantiate(&mut store, &c)?;
        let run = instance.get_func(&mut store, "run")?;
        let params: Vec<Val> = run.ty().params().iter().map(|_| Val::U32(0)).collect();
        let mut results: Vec<Val> = run
            .ty()
            .results()
            .iter()
            .map(|_| Val::Bool(false))
            .collect();
        run.call(&mut store, &params, &mut results)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(())) => Ok(()),
        // An environ panic that hostbind caught is still a bug to report.
        Ok(Err(e)) if format!("{e:#}").contains("wasmtime-environ failed") => Err(format!("{e:#}")),
        Ok(Err(_)) => Ok(()),
        Err(_) => Err("panicked".to_string()),
    }
}

#[test]
fn mutated_components_never_panic() {
    let seed = env("HOSTBIND_DIFF_SEED", 1);
    let types = env("HOSTBIND_MUTATE_TYPES", 12);
    let mutations = env("HOSTBIND_MUTATE_EACH", 40);
    let engines = hostbind_tests::engines();
    let mut rng = Rng::new(seed ^ 0x6d75_7461_7465);
    let mut tried = 0u64;
    let mut loaded = 0u64;
    let mut problems = Vec::new();
    for _ in 0..types {
        let ty = random::ty(&mut rng, 3);
        let encoding = ENCODINGS[rng.below(3) as usize];
        let text = if rng.chance(40) {
            guest::composed(&ty, encoding, ENCODINGS[rng.below(3) as usize], true)
        } else {
            guest::component(&ty, encoding, true)
        };
        let valid = wat::parse_str(text).unwrap();
        for _ in 0..mutations {
            let mut bytes = valid.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut rng, &mut bytes);
            }
            // A crash that no `catch_unwind` can stop leaves its input here.
            if let Ok(path) = std::env::var("HOSTBIND_MUTATE_LAST") {
                std::fs::write(path, &bytes).unwrap();
            }
            for engine in &engines {
                tried += 1;
                if hostbind::Component::new(engine, &bytes).is_ok() {
                    loaded += 1;
                }
                if let Err(why) = exercise(engine, &bytes) {
                    problems.push(format!("{:?}, seed {seed}: {why}", engine.kind()));
                }
            }
        }
    }
    println!("mutation run, seed {seed}: {tried} binaries, {loaded} loaded");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        loaded > 0,
        "no mutated binary loaded, so linking and calls were not tried"
    );
}

/// Found by the mutation run: two record types that differ only in a
/// label's case pass validation (labels compare without case), and
/// wasmtime-environ's adapter generator then panicked twice, aborting the
/// process. hostbind refuses the component instead.
#[test]
fn labels_differing_only_in_case_are_refused_not_an_abort() {
    let ty = Ty::Record(vec![("f0".into(), Ty::U32), ("f1".into(), Ty::U64)]);
    let text = guest::composed(&ty, ENCODINGS[0], ENCODINGS[0], true);
    let at = text.rfind(r#"(field "f0""#).unwrap();
    let text = format!(
        "{}(field \"F0\"{}",
        &text[..at],
        &text[at + r#"(field "f0""#.len()..]
    );
    let bytes = wat::parse_str(&text).unwrap();
    for engine in hostbind_tests::engines() {
        let err = hostbind::Component::new(&engine, &bytes).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "the component has record types whose labels differ only in case (f0, f1 and F0, f1); hostbind cannot pass values between them"
        );
    }
}
