//! Random component value types and values, from a seed.
//!
//! The generator is a splitmix64 of its own so that a seed names the same
//! case on every machine and every version of the test, which a general
//! random-number crate does not promise across releases.

/// A small deterministic random-number generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A component value type.
#[derive(Clone, Debug)]
pub enum Ty {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Box<Ty>),
    Tuple(Vec<Ty>),
    Record(Vec<(String, Ty)>),
    Variant(Vec<(String, Option<Ty>)>),
    Enum(Vec<String>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    Flags(Vec<String>),
}

const SCALARS: [Ty; 13] = [
    Ty::Bool,
    Ty::S8,
    Ty::U8,
    Ty::S16,
    Ty::U16,
    Ty::S32,
    Ty::U32,
    Ty::S64,
    Ty::U64,
    Ty::F32,
    Ty::F64,
    Ty::Char,
    Ty::String,
];

fn names(rng: &mut Rng, prefix: &str, n: usize) -> Vec<String> {
    let _ = rng;
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A random type, at most `depth` levels deep.
pub fn ty(rng: &mut Rng, depth: u32) -> Ty {
    if depth == 0 || rng.chance(35) {
        return SCALARS[rng.below(SCALARS.len() as u64) as usize].clone();
    }
    let d = depth - 1;
    match rng.below(9) {
        0 => Ty::List(Box::new(ty(rng, d))),
        1 => {
            let n = 1 + rng.below(3) as usize;
            Ty::Tuple((0..n).map(|_| ty(rng, d)).collect())
        }
        2 => {
            let n = 1 + rng.below(3) as usize;
            let fields = names(rng, "f", n);
            Ty::Record(fields.into_iter().map(|f| (f, ty(rng, d))).collect())
        }
        3 => {
            let n = 1 + rng.below(4) as usize;
            let cases = names(rng, "c", n);
            Ty::Variant(
                cases
                    .into_iter()
                    .map(|c| {
                        let payload = rng.chance(70).then(|| ty(rng, d));
                        (c, payload)
                    })
                    .collect(),
            )
        }
        4 => {
            // Past 256 cases the discriminant takes two bytes.
            let n = if rng.chance(10) {
                300
            } else {
                1 + rng.below(5) as usize
            };
            Ty::Enum(names(rng, "e", n))
        }
        5 => Ty::Option(Box::new(ty(rng, d))),
        6 => {
            let ok = rng.chance(75).then(|| Box::new(ty(rng, d)));
            let err = rng.chance(75).then(|| Box::new(ty(rng, d)));
            Ty::Result(ok, err)
        }
        7 => {
            let n = [1, 3, 8, 9, 16, 17, 32][rng.below(7) as usize];
            Ty::Flags(names(rng, "g", n))
        }
        _ => SCALARS[rng.below(SCALARS.len() as u64) as usize].clone(),
    }
}

/// A value of a type, in a form both runtimes' `Val`s are made from.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Bool(bool),
    S8(i8),
    U8(u8),
    S16(i16),
    U16(u16),
    S32(i32),
    U32(u32),
    S64(i64),
    U64(u64),
    F32(f32),
    F64(f64),
    Char(char),
    String(String),
    List(Vec<V>),
    Tuple(Vec<V>),
    Record(Vec<(String, V)>),
    Variant(String, Option<Box<V>>),
    Enum(String),
    Option(Option<Box<V>>),
    Result(Result<Option<Box<V>>, Option<Box<V>>>),
    Flags(Vec<String>),
}

/// Characters from every UTF-8 length and the Latin-1 range, so that every
/// transcoding path runs.
const CHARS: [char; 12] = [
    'a',
    'Z',
    '0',
    ' ',
    'é',
    'ÿ',
    '\u{80}',
    'Ω',
    '漢',
    '\u{ffff}',
    '🚀',
    '\u{10ffff}',
];

fn string(rng: &mut Rng) -> String {
    let n = rng.below(10);
    // Most strings are all Latin-1 or all ASCII, which take their own paths.
    let pool: &[char] = match rng.below(3) {
        0 => &CHARS[..4],
        1 => &CHARS[..7],
        _ => &CHARS,
    };
    (0..n)
        .map(|_| pool[rng.below(pool.len() as u64) as usize])
        .collect()
}

fn float_bits32(rng: &mut Rng) -> f32 {
    match rng.below(6) {
        0 => f32::NAN,
        1 => f32::INFINITY,
        2 => -0.0,
        3 => f32::from_bits(rng.next() as u32),
        _ => (rng.next() % 10_000) as f32 / 7.0,
    }
}

fn float_bits64(rng: &mut Rng) -> f64 {
    match rng.below(6) {
        0 => f64::NAN,
        1 => f64::NEG_INFINITY,
        2 => -0.0,
        3 => f64::from_bits(rng.next()),
        _ => (rng.next() % 10_000) as f64 / 7.0,
    }
}

/// A random value of `ty`.
pub fn value(rng: &mut Rng, ty: &Ty) -> V {
    match ty {
        Ty::Bool => V::Bool(rng.chance(50)),
        Ty::S8 => V::S8(rng.next() as i8),
        Ty::U8 => V::U8(rng.next() as u8),
        Ty::S16 => V::S16(rng.next() as i16),
        Ty::U16 => V::U16(rng.next() as u16),
        Ty::S32 => V::S32(rng.next() as i32),
        Ty::U32 => V::U32(rng.next() as u32),
        Ty::S64 => V::S64(rng.next() as i64),
        Ty::U64 => V::U64(rng.next()),
        Ty::F32 => V::F32(float_bits32(rng)),
        Ty::F64 => V::F64(float_bits64(rng)),
        Ty::Char => V::Char(CHARS[rng.below(CHARS.len() as u64) as usize]),
        Ty::String => V::String(string(rng)),
        Ty::List(t) => V::List((0..rng.below(4)).map(|_| value(rng, t)).collect()),
        Ty::Tuple(ts) => V::Tuple(ts.iter().map(|t| value(rng, t)).collect()),
        Ty::Record(fs) => V::Record(fs.iter().map(|(n, t)| (n.clone(), value(rng, t))).collect()),
        Ty::Variant(cs) => {
            let (name, payload) = &cs[rng.below(cs.len() as u64) as usize];
            V::Variant(
                name.clone(),
                payload.as_ref().map(|t| Box::new(value(rng, t))),
            )
        }
        Ty::Enum(cs) => V::Enum(cs[rng.below(cs.len() as u64) as usize].clone()),
        Ty::Option(t) => V::Option(rng.chance(60).then(|| Box::new(value(rng, t)))),
        Ty::Result(ok, err) => {
            let side =
                |rng: &mut Rng, t: &Option<Box<Ty>>| t.as_ref().map(|t| Box::new(value(rng, t)));
            if rng.chance(50) {
                V::Result(Ok(side(rng, ok)))
            } else {
                V::Result(Err(side(rng, err)))
            }
        }
        Ty::Flags(ns) => V::Flags(ns.iter().filter(|_| rng.chance(40)).cloned().collect()),
    }
}

/// A core value type of the flattened form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Core {
    I32,
    I64,
    F32,
    F64,
}

impl Core {
    pub fn wat(self) -> &'static str {
        match self {
            Core::I32 => "i32",
            Core::I64 => "i64",
            Core::F32 => "f32",
            Core::F64 => "f64",
        }
    }
}

/// The canonical ABI's `flatten_type`.
pub fn flatten(ty: &Ty, out: &mut Vec<Core>) {
    match ty {
        Ty::Bool
        | Ty::S8
        | Ty::U8
        | Ty::S16
        | Ty::U16
        | Ty::S32
        | Ty::U32
        | Ty::Char
        | Ty::Enum(_) => out.push(Core::I32),
        Ty::S64 | Ty::U64 => out.push(Core::I64),
        Ty::F32 => out.push(Core::F32),
        Ty::F64 => out.push(Core::F64),
        Ty::String | Ty::List(_) => out.extend([Core::I32, Core::I32]),
        Ty::Tuple(ts) => ts.iter().for_each(|t| flatten(t, out)),
        Ty::Record(fs) => fs.iter().for_each(|(_, t)| flatten(t, out)),
        Ty::Flags(ns) => out.extend(std::iter::repeat_n(Core::I32, ns.len().div_ceil(32))),
        Ty::Variant(cs) => flatten_cases(cs.iter().map(|(_, t)| t.as_ref()), out),
        Ty::Option(t) => flatten_cases([None, Some(&**t)].into_iter(), out),
        Ty::Result(ok, err) => flatten_cases([ok.as_deref(), err.as_deref()].into_iter(), out),
    }
}

fn flatten_cases<'a>(cases: impl Iterator<Item = Option<&'a Ty>>, out: &mut Vec<Core>) {
    let mut joined: Vec<Core> = Vec::new();
    for case in cases.flatten() {
        let mut flat = Vec::new();
        flatten(case, &mut flat);
        for (i, c) in flat.into_iter().enumerate() {
            match joined.get_mut(i) {
                None => joined.push(c),
                Some(j) if *j == c => {}
                Some(j) if matches!((*j, c), (Core::I32, Core::F32) | (Core::F32, Core::I32)) => {
                    *j = Core::I32
                }
                Some(j) => *j = Core::I64,
            }
        }
    }
    out.push(Core::I32);
    out.extend(joined);
}

/// The WAT of a type, with the named kinds (record, variant, enum, flags)
/// defined as exports of an instance type in `defs` and referred to by name.
pub fn wat(ty: &Ty, defs: &mut Vec<String>) -> String {
    let named = |defs: &mut Vec<String>, body: String| {
        let i = defs.len();
        defs.push(format!(
            "(type $d{i} {body}) (export \"t{i}\" (type $t{i} (eq $d{i})))"
        ));
        format!("$t{i}")
    };
    match ty {
        Ty::Bool => "bool".into(),
        Ty::S8 => "s8".into(),
        Ty::U8 => "u8".into(),
        Ty::S16 => "s16".into(),
        Ty::U16 => "u16".into(),
        Ty::S32 => "s32".into(),
        Ty::U32 => "u32".into(),
        Ty::S64 => "s64".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::Char => "char".into(),
        Ty::String => "string".into(),
        Ty::List(t) => format!("(list {})", wat(t, defs)),
        Ty::Tuple(ts) => format!(
            "(tuple {})",
            ts.iter()
                .map(|t| wat(t, defs))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Ty::Option(t) => format!("(option {})", wat(t, defs)),
        Ty::Result(ok, err) => {
            let mut s = "(result".to_string();
            if let Some(t) = ok {
                s.push(' ');
                s.push_str(&wat(t, defs));
            }
            if let Some(t) = err {
                s.push_str(&format!(" (error {})", wat(t, defs)));
            }
            s.push(')');
            s
        }
        Ty::Record(fs) => {
            let fields: Vec<String> = fs
                .iter()
                .map(|(n, t)| format!("(field \"{n}\" {})", wat(t, defs)))
                .collect();
            named(defs, format!("(record {})", fields.join(" ")))
        }
        Ty::Variant(cs) => {
            let cases: Vec<String> = cs
                .iter()
                .map(|(n, t)| match t {
                    Some(t) => format!("(case \"{n}\" {})", wat(t, defs)),
                    None => format!("(case \"{n}\")"),
                })
                .collect();
            named(defs, format!("(variant {})", cases.join(" ")))
        }
        Ty::Enum(cs) => {
            let cases: Vec<String> = cs.iter().map(|c| format!("\"{c}\"")).collect();
            named(defs, format!("(enum {})", cases.join(" ")))
        }
        Ty::Flags(ns) => {
            let names: Vec<String> = ns.iter().map(|c| format!("\"{c}\"")).collect();
            named(defs, format!("(flags {})", names.join(" ")))
        }
    }
}
