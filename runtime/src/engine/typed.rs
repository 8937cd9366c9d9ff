//! The core signatures every engine binds as typed host functions: one
//! list, so that the engines agree on which calls take their fast path.
//!
//! Most lowered imports have a few `i32`s (scalars, pointers, lengths) or
//! `f64`s as params and at most one result. An engine's typed host
//! functions (`Func::wrap`) pass those as Rust arguments, with no slice of
//! values built and read back per call; each shape is one more closure type
//! compiled per store type, so the list stays short.

/// Expands to a `match` on the params and results of `$ty` (a
/// `CoreFuncType`): one arm per listed shape calling `$one!([a: I32, …]
/// RustResult, |first: ValRaw| -> RustResult)`, and `$other` for the
/// rest. `$one` reads the params' names and core types, the result's Rust
/// type, and how to read that result from the storage's first value after
/// the call.
macro_rules! typed_shapes {
    ($ty:expr, $one:ident, $other:expr) => {
        $crate::engine::typed::typed_shapes!(@arms $ty, $one, $other;
            []
            [a: I32]
            [a: I32, b: I32]
            [a: I32, b: I32, c: I32]
            [a: I32, b: I32, c: I32, d: I32]
            [a: I32, b: I32, c: I32, d: I32, e: I32]
            [a: F64]
            [a: F64, b: F64]
            [a: F64, b: F64, c: F64]
            [a: F64, b: F64, c: F64, d: F64]
        )
    };
    (@arms $ty:expr, $one:ident, $other:expr; $( [$($p:ident: $pt:ident),*] )*) => {{
        #[allow(unused_imports)]
        use $crate::raw::CoreType::{F64, I32, I64};
        use $crate::raw::ValRaw;
        match ($ty.params.as_slice(), $ty.results.as_slice()) {
            $(
                ([$($pt),*], []) => $one!([$($p: $pt),*] (), |_: ValRaw| ()),
                ([$($pt),*], [I32]) => $one!([$($p: $pt),*] i32, |v: ValRaw| v.get_i32()),
                ([$($pt),*], [I64]) => $one!([$($p: $pt),*] i64, |v: ValRaw| v.get_i64()),
                ([$($pt),*], [F64]) => {
                    $one!([$($p: $pt),*] f64, |v: ValRaw| f64::from_bits(v.get_f64()))
                }
            )*
            _ => $other,
        }
    }};
}

/// Whether a host function of core type `ty` with `len` storage slots can
/// be typed: the storage is built from the params and one slot more for a
/// result, so it holds no more than that.
pub(crate) fn fits(ty: &crate::raw::CoreFuncType, len: usize) -> bool {
    len <= ty.params.len() + 1
}

/// The Rust type of a listed core type.
macro_rules! core_rust {
    (I32) => {
        i32
    };
    (F64) => {
        f64
    };
}

/// A listed core type's Rust value `$v` as a raw value.
macro_rules! core_raw {
    (I32, $v:expr) => {
        $crate::raw::ValRaw::i32($v)
    };
    (F64, $v:expr) => {
        $crate::raw::ValRaw::f64($v.to_bits())
    };
}

pub(crate) use {core_raw, core_rust, typed_shapes};
