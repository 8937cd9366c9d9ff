//! Lowering a [`Val`] to a run-time type, checking that it has that type.
//!
//! A mismatch is an error naming the expected type in WIT syntax and what was
//! given instead; nothing is written to the guest past the first mismatch
//! that matters.

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use super::Val;
use super::lift::payload_offset;
use crate::abi::{FlatDst, Lower, LowerCx, lower_disc, memory, store_ptr_len, write_uint};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::layout::{self, align_to};
use crate::types::typecheck::wit;

/// Where the value goes: flat values or memory at an offset.
enum To<'d, 'v> {
    Flat(&'d mut FlatDst<'v>),
    Memory(usize),
}

fn leaf<T: Lower + ?Sized>(cx: &mut LowerCx<'_>, to: &mut To<'_, '_>, v: &T) -> Result<()> {
    match to {
        To::Flat(dst) => v.lower_flat(cx, dst),
        To::Memory(at) => v.store(cx, *at),
    }
}

/// Lowers `val`, which must have type `ty`, into flat values.
pub(crate) fn lower_flat(
    cx: &mut LowerCx<'_>,
    dst: &mut FlatDst<'_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    val: &Val,
) -> Result<()> {
    lower(cx, &mut To::Flat(dst), ty, types, val)
}

/// Stores `val`, which must have type `ty`, at `offset` (checked by the caller).
pub(crate) fn store(
    cx: &mut LowerCx<'_>,
    offset: usize,
    ty: &InterfaceType,
    types: &ComponentTypes,
    val: &Val,
) -> Result<()> {
    lower(cx, &mut To::Memory(offset), ty, types, val)
}

#[cold]
fn mismatch(
    cx: &LowerCx<'_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    found: &str,
) -> crate::Error {
    cx.site.trap(format_args!(
        "type mismatch: expected `{}`, found {found}",
        wit(ty, types)
    ))
}

fn lower(
    cx: &mut LowerCx<'_>,
    to: &mut To<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    val: &Val,
) -> Result<()> {
    match (ty, val) {
        (InterfaceType::Bool, Val::Bool(v)) => leaf(cx, to, v),
        (InterfaceType::S8, Val::S8(v)) => leaf(cx, to, v),
        (InterfaceType::U8, Val::U8(v)) => leaf(cx, to, v),
        (InterfaceType::S16, Val::S16(v)) => leaf(cx, to, v),
        (InterfaceType::U16, Val::U16(v)) => leaf(cx, to, v),
        (InterfaceType::S32, Val::S32(v)) => leaf(cx, to, v),
        (InterfaceType::U32, Val::U32(v)) => leaf(cx, to, v),
        (InterfaceType::S64, Val::S64(v)) => leaf(cx, to, v),
        (InterfaceType::U64, Val::U64(v)) => leaf(cx, to, v),
        (InterfaceType::Float32, Val::Float32(v)) => leaf(cx, to, v),
        (InterfaceType::Float64, Val::Float64(v)) => leaf(cx, to, v),
        (InterfaceType::Char, Val::Char(v)) => leaf(cx, to, v),
        (InterfaceType::String, Val::String(v)) => leaf(cx, to, v.as_str()),
        (InterfaceType::List(i), Val::List(items)) => {
            let elem = &types[*i].element;
            let abi = types.canonical_abi(elem);
            let Some(size) = u32::try_from(items.len())
                .ok()
                .and_then(|n| n.checked_mul(abi.size32))
            else {
                return Err(cx.site.trap(format_args!(
                    "list of {} elements does not fit in 32-bit memory",
                    items.len()
                )));
            };
            let ptr = cx.alloc("list", size, abi.align32)?;
            for (k, item) in items.iter().enumerate() {
                store(
                    cx,
                    ptr as usize + k * abi.size32 as usize,
                    elem,
                    types,
                    item,
                )?;
            }
            match to {
                To::Flat(dst) => {
                    dst.push(ValRaw::i32(ptr as i32));
                    dst.push(ValRaw::i32(items.len() as i32));
                    Ok(())
                }
                To::Memory(at) => store_ptr_len(cx, *at, ptr, items.len() as u32),
            }
        }
        (InterfaceType::Record(i), Val::Record(fields)) => {
            let r = &types[*i];
            let names_match = fields.len() == r.fields.len()
                && fields.iter().zip(&r.fields).all(|((n, _), f)| *n == f.name);
            if !names_match {
                let given: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                return Err(mismatch(
                    cx,
                    ty,
                    types,
                    &format!("a record with fields `{}`", given.join("`, `")),
                ));
            }
            let mut at = 0;
            for ((_, v), f) in fields.iter().zip(&r.fields) {
                member(cx, to, &f.ty, types, v, &mut at)?;
            }
            Ok(())
        }
        (InterfaceType::Tuple(i), Val::Tuple(vals)) => {
            let tys = &types[*i].types;
            if tys.len() != vals.len() {
                return Err(mismatch(
                    cx,
                    ty,
                    types,
                    &format!("a tuple of {} values", vals.len()),
                ));
            }
            let mut at = 0;
            for (t, v) in tys.iter().zip(vals) {
                member(cx, to, t, types, v, &mut at)?;
            }
            Ok(())
        }
        (InterfaceType::Flags(i), Val::Flags(set)) => {
            let names = &types[*i].names;
            let words = names.len().div_ceil(32);
            let mut bits = vec![0u32; words.max(1)];
            for n in set {
                let Some(k) = names.iter().position(|x| x == n) else {
                    return Err(mismatch(cx, ty, types, &format!("flag `{n}`")));
                };
                bits[k / 32] |= 1 << (k % 32);
            }
            match to {
                To::Flat(dst) => {
                    for b in bits.iter().take(words) {
                        dst.push(ValRaw::i32(*b as i32));
                    }
                    Ok(())
                }
                To::Memory(at) => match layout::flags_layout(names.len()).0 {
                    0 => Ok(()),
                    size @ (1 | 2) => write_uint(cx, *at, size, bits[0]),
                    _ => {
                        for (k, b) in bits.iter().enumerate() {
                            cx.write(*at + 4 * k, &b.to_le_bytes())?;
                        }
                        Ok(())
                    }
                },
            }
        }
        (InterfaceType::Variant(i), Val::Variant(name, payload)) => {
            let v = &types[*i];
            let Some(disc) = v.cases.keys().position(|x| x == name) else {
                return Err(mismatch(cx, ty, types, &format!("case `{name}`")));
            };
            let payloads: Vec<Option<&InterfaceType>> =
                v.cases.values().map(Option::as_ref).collect();
            variant(cx, to, ty, types, &payloads, disc, payload.as_deref())
        }
        (InterfaceType::Enum(i), Val::Enum(name)) => {
            let e = &types[*i];
            let Some(disc) = e.names.iter().position(|x| x == name) else {
                return Err(mismatch(cx, ty, types, &format!("case `{name}`")));
            };
            variant(cx, to, ty, types, &vec![None; e.names.len()], disc, None)
        }
        (InterfaceType::Option(i), Val::Option(payload)) => {
            let payloads = [None, Some(&types[*i].ty)];
            let disc = usize::from(payload.is_some());
            variant(cx, to, ty, types, &payloads, disc, payload.as_deref())
        }
        (InterfaceType::Result(i), Val::Result(r)) => {
            let rt = &types[*i];
            let payloads = [rt.ok.as_ref(), rt.err.as_ref()];
            let (disc, payload) = match r {
                Ok(p) => (0, p.as_deref()),
                Err(p) => (1, p.as_deref()),
            };
            variant(cx, to, ty, types, &payloads, disc, payload)
        }
        (InterfaceType::Own(i) | InterfaceType::Borrow(i), Val::Resource(r)) => {
            let Some((ty_idx, _)) = crate::types::typecheck::resource_of(types, *i) else {
                return Err(mismatch(cx, ty, types, "a handle"));
            };
            let own = matches!(ty, InterfaceType::Own(_));
            let idx = crate::store::resource::lower_any(cx, r, ty_idx, own)?;
            match to {
                To::Flat(dst) => {
                    dst.push(ValRaw::i32(idx as i32));
                    Ok(())
                }
                To::Memory(at) => cx.write(*at, &idx.to_le_bytes()),
            }
        }
        (InterfaceType::Stream(_), Val::Stream(super::StreamReader(end, ..)))
        | (InterfaceType::Future(_), Val::Future(super::FutureReader(end, ..))) => {
            use crate::store::tasks::Transmit;
            let (transmit, table_ty) = match ty {
                InterfaceType::Stream(i) => (Transmit::Stream, i.as_u32()),
                InterfaceType::Future(i) => (Transmit::Future, i.as_u32()),
                _ => unreachable!(),
            };
            let table_ty = crate::abi::handles::EndTy::Table(table_ty);
            let idx = crate::concurrent::host_end::lower_end(cx, end, transmit, table_ty)?;
            handle(cx, to, idx)
        }
        (InterfaceType::ErrorContext(_), Val::ErrorContext(e)) => {
            let message: std::sync::Arc<str> = e.debug_message().into();
            let idx = crate::concurrent::host_end::lower_error(cx, &message)?;
            handle(cx, to, idx)
        }
        (_, v) => Err(mismatch(cx, ty, types, &format!("a `{}` value", v.kind()))),
    }
}

/// Puts handle `idx` where the value goes.
fn handle(cx: &mut LowerCx<'_>, to: &mut To<'_, '_>, idx: u32) -> Result<()> {
    match to {
        To::Flat(dst) => {
            dst.push(ValRaw::i32(idx as i32));
            Ok(())
        }
        To::Memory(at) => cx.write(*at, &idx.to_le_bytes()),
    }
}

/// Lowers the next field of a record or tuple.
fn member(
    cx: &mut LowerCx<'_>,
    to: &mut To<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    val: &Val,
    at: &mut u32,
) -> Result<()> {
    match to {
        To::Flat(dst) => lower_flat(cx, dst, ty, types, val),
        To::Memory(base) => {
            let abi = types.canonical_abi(ty);
            let offset = align_to(*at, abi.align32);
            *at = offset + abi.size32;
            store(cx, *base + offset as usize, ty, types, val)
        }
    }
}

/// Writes a discriminant and the payload of that case, padding flat values
/// up to the variant's width.
fn variant(
    cx: &mut LowerCx<'_>,
    to: &mut To<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    payloads: &[Option<&InterfaceType>],
    disc: usize,
    payload: Option<&Val>,
) -> Result<()> {
    let want = payloads[disc];
    match (want, payload) {
        (Some(_), None) => {
            return Err(mismatch(cx, ty, types, "a case without its payload"));
        }
        (None, Some(_)) => {
            return Err(mismatch(
                cx,
                ty,
                types,
                "a payload for a case that has none",
            ));
        }
        _ => {}
    }
    match to {
        To::Flat(dst) => {
            let end = dst.position() + types.canonical_abi(ty).flat_count.unwrap_or(0) as usize;
            lower_disc(dst, disc as u32);
            if let (Some(t), Some(v)) = (want, payload) {
                lower_flat(cx, dst, t, types, v)?;
            }
            dst.pad_to(end);
            Ok(())
        }
        To::Memory(at) => {
            let disc_size = layout::discriminant_size(payloads.len());
            write_uint(cx, *at, disc_size, disc as u32)?;
            if let (Some(t), Some(v)) = (want, payload) {
                let offset = *at + payload_offset(types, payloads, disc_size) as usize;
                store(cx, offset, t, types, v)?;
            }
            Ok(())
        }
    }
}

/// Checks that a spilled area of `size` bytes at `ptr` is usable.
pub(crate) fn check_area(cx: &mut LowerCx<'_>, ptr: u32, size: u32, align: u32) -> Result<usize> {
    let len = cx.memory().len();
    Ok(memory::check_array(&cx.site, "return", len, ptr, 1, size, align)?.start)
}
