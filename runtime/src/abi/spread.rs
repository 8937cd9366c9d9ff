//! The flat values of a value stored in memory: what an async-lowered call
//! with five to sixteen flat params passes through one pointer, spread
//! into the flat layout that a host function's synchronous glue lifts
//! (which then validates every value as for any call).
//!
//! `ValRaw` keeps an `i32` or `f32` zero-extended, so the spec's joining
//! of variant payloads (an `i32` widened to `i64`, an `f32` reinterpreted)
//! changes no bits: a case's values go into the first slots of the
//! variant's payload and the rest stay zero.

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use crate::raw::ValRaw;

/// Appends the flat values of the `ty` value at `at` in `mem` (the caller
/// checked that the whole value is in bounds) to `out`.
pub(crate) fn spread(
    types: &ComponentTypes,
    ty: &InterfaceType,
    mem: &[u8],
    at: usize,
    out: &mut Vec<ValRaw>,
) {
    let uint = |n: usize| uint_at(mem, at, n);
    let align = |n: usize, a: u32| n.next_multiple_of(a as usize);
    match ty {
        InterfaceType::Bool | InterfaceType::U8 => out.push(ValRaw::i32(uint(1) as i32)),
        InterfaceType::S8 => out.push(ValRaw::i32(i32::from(uint(1) as u8 as i8))),
        InterfaceType::U16 => out.push(ValRaw::i32(uint(2) as i32)),
        InterfaceType::S16 => out.push(ValRaw::i32(i32::from(uint(2) as u16 as i16))),
        InterfaceType::S32
        | InterfaceType::U32
        | InterfaceType::Char
        | InterfaceType::Own(_)
        | InterfaceType::Borrow(_)
        | InterfaceType::Future(_)
        | InterfaceType::Stream(_)
        | InterfaceType::ErrorContext(_) => out.push(ValRaw::i32(uint(4) as i32)),
        InterfaceType::S64 | InterfaceType::U64 => out.push(ValRaw::i64(uint(8) as i64)),
        InterfaceType::Float32 => out.push(ValRaw::f32(uint(4) as u32)),
        InterfaceType::Float64 => out.push(ValRaw::f64(uint(8))),
        InterfaceType::String | InterfaceType::List(_) | InterfaceType::Map(_) => {
            out.push(ValRaw::i32(uint(4) as i32));
            out.push(ValRaw::i32(uint_at(mem, at + 4, 4) as i32));
        }
        InterfaceType::Record(r) => {
            let mut off = 0;
            for f in &types[*r].fields {
                let abi = types.canonical_abi(&f.ty);
                off = align(off, abi.align32);
                spread(types, &f.ty, mem, at + off, out);
                off += abi.size32 as usize;
            }
        }
        InterfaceType::Tuple(t) => {
            let mut off = 0;
            for ty in &types[*t].types {
                let abi = types.canonical_abi(ty);
                off = align(off, abi.align32);
                spread(types, ty, mem, at + off, out);
                off += abi.size32 as usize;
            }
        }
        InterfaceType::FixedLengthList(l) => {
            let l = &types[*l];
            let abi = types.canonical_abi(&l.element);
            for i in 0..l.size as usize {
                spread(types, &l.element, mem, at + i * abi.size32 as usize, out);
            }
        }
        InterfaceType::Flags(f) => {
            for i in 0..types[*f].names.len().div_ceil(32) {
                out.push(ValRaw::i32(uint_at(mem, at + 4 * i, 4) as i32));
            }
        }
        InterfaceType::Enum(e) => {
            let size = types[*e].info.size.byte_size() as usize;
            out.push(ValRaw::i32(uint(size) as i32));
        }
        InterfaceType::Variant(v) => {
            let v = &types[*v];
            let cases: Vec<Option<InterfaceType>> = v.cases.values().copied().collect();
            case(types, ty, &cases, &v.info, mem, at, out);
        }
        InterfaceType::Option(o) => {
            let o = &types[*o];
            case(types, ty, &[None, Some(o.ty)], &o.info, mem, at, out);
        }
        InterfaceType::Result(r) => {
            let r = &types[*r];
            case(types, ty, &[r.ok, r.err], &r.info, mem, at, out);
        }
    }
}

/// The `n`-byte little-endian unsigned integer at `at` (zero past the end
/// of `mem`, which the caller has ruled out).
fn uint_at(mem: &[u8], at: usize, n: usize) -> u64 {
    (0..n).fold(0u64, |v, i| {
        v | u64::from(mem.get(at + i).copied().unwrap_or(0)) << (8 * i)
    })
}

/// A variant's discriminant, then its case's payload padded to the
/// variant's flat width. A discriminant out of range is passed on as it
/// is, with a zero payload, for the glue to refuse.
fn case(
    types: &ComponentTypes,
    ty: &InterfaceType,
    cases: &[Option<InterfaceType>],
    info: &wasmtime_environ::component::VariantInfo,
    mem: &[u8],
    at: usize,
    out: &mut Vec<ValRaw>,
) {
    let start = out.len();
    let width = types.canonical_abi(ty).flat_count.map_or(1, usize::from);
    let disc = uint_at(mem, at, info.size.byte_size() as usize) as u32;
    out.push(ValRaw::i32(disc as i32));
    if let Some(Some(payload)) = cases.get(disc as usize) {
        spread(
            types,
            payload,
            mem,
            at + info.payload_offset32 as usize,
            out,
        );
    }
    out.resize(start + width, ValRaw::ZERO);
}
