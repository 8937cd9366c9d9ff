//! Lifting a [`Val`] of a run-time type, validating as the static path does.
//!
//! Leaves reuse the static `Lift` impls (`u32`, `String`, …), so both paths
//! share one set of checks and messages.

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use super::Val;
use crate::abi::{FlatSrc, Lift, LiftCx, load_ptr_len, memory, read_uint};
use crate::error::Result;
use crate::types::layout::{self, align_to};

/// Where the value comes from: flat values or memory at an offset.
enum From<'s, 'v> {
    Flat(&'s mut FlatSrc<'v>),
    Memory(usize),
}

fn leaf<'a, T: Lift<'a>>(cx: &LiftCx<'a>, from: &mut From<'_, '_>) -> Result<T> {
    match from {
        From::Flat(src) => T::lift_flat(cx, src),
        From::Memory(at) => T::load(cx, *at),
    }
}

/// Lifts a value of type `ty` from flat values.
pub(crate) fn lift_flat(
    cx: &LiftCx<'_>,
    src: &mut FlatSrc<'_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
) -> Result<Val> {
    lift(cx, &mut From::Flat(src), ty, types)
}

/// Loads a value of type `ty` at `offset`, which the caller has checked.
pub(crate) fn load(
    cx: &LiftCx<'_>,
    offset: usize,
    ty: &InterfaceType,
    types: &ComponentTypes,
) -> Result<Val> {
    lift(cx, &mut From::Memory(offset), ty, types)
}

fn lift(
    cx: &LiftCx<'_>,
    from: &mut From<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
) -> Result<Val> {
    Ok(match ty {
        InterfaceType::Bool => Val::Bool(leaf(cx, from)?),
        InterfaceType::S8 => Val::S8(leaf(cx, from)?),
        InterfaceType::U8 => Val::U8(leaf(cx, from)?),
        InterfaceType::S16 => Val::S16(leaf(cx, from)?),
        InterfaceType::U16 => Val::U16(leaf(cx, from)?),
        InterfaceType::S32 => Val::S32(leaf(cx, from)?),
        InterfaceType::U32 => Val::U32(leaf(cx, from)?),
        InterfaceType::S64 => Val::S64(leaf(cx, from)?),
        InterfaceType::U64 => Val::U64(leaf(cx, from)?),
        InterfaceType::Float32 => Val::Float32(leaf(cx, from)?),
        InterfaceType::Float64 => Val::Float64(leaf(cx, from)?),
        InterfaceType::Char => Val::Char(leaf(cx, from)?),
        InterfaceType::String => {
            let s: String = leaf(cx, from)?;
            cx.charge(s.len() as u64)?;
            Val::String(s)
        }
        InterfaceType::List(i) => {
            let (ptr, len) = match from {
                From::Flat(src) => (src.next_val().get_u32(), src.next_val().get_u32()),
                From::Memory(at) => load_ptr_len(cx, *at)?,
            };
            let elem = &types[*i].element;
            let abi = types.canonical_abi(elem);
            let range = memory::check_array(
                &cx.site,
                "list",
                cx.memory.len(),
                ptr,
                len,
                abi.size32,
                abi.align32,
            )?;
            cx.charge(range.len() as u64)?;
            let mut out = Vec::with_capacity(len as usize);
            for k in 0..len as usize {
                out.push(load(
                    cx,
                    range.start + k * abi.size32 as usize,
                    elem,
                    types,
                )?);
            }
            Val::List(out)
        }
        InterfaceType::Record(i) => {
            let r = &types[*i];
            let mut at = 0;
            let mut fields = Vec::with_capacity(r.fields.len());
            for f in &r.fields {
                let v = member(cx, from, &f.ty, types, &mut at)?;
                fields.push((f.name.clone(), v));
            }
            Val::Record(fields)
        }
        InterfaceType::Tuple(i) => {
            let mut at = 0;
            let mut out = Vec::new();
            for t in &types[*i].types {
                out.push(member(cx, from, t, types, &mut at)?);
            }
            Val::Tuple(out)
        }
        InterfaceType::Flags(i) => {
            let names = &types[*i].names;
            let words = names.len().div_ceil(32);
            let mut bits = vec![0u32; words.max(1)];
            match from {
                From::Flat(src) => {
                    for b in bits.iter_mut().take(words) {
                        *b = src.next_val().get_u32();
                    }
                }
                From::Memory(at) => match layout::flags_layout(names.len()).0 {
                    0 => {}
                    size @ (1 | 2) => bits[0] = read_uint(cx, *at, size)?,
                    _ => {
                        for (k, b) in bits.iter_mut().enumerate() {
                            *b =
                                u32::from_le_bytes(memory::read(&cx.site, cx.memory, *at + 4 * k)?);
                        }
                    }
                },
            }
            Val::Flags(
                names
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| bits[k / 32] & (1 << (k % 32)) != 0)
                    .map(|(_, n)| n.clone())
                    .collect(),
            )
        }
        InterfaceType::Variant(i) => {
            let v = &types[*i];
            let payloads: Vec<Option<&InterfaceType>> =
                v.cases.values().map(Option::as_ref).collect();
            let (disc, payload) = variant(cx, from, ty, types, &payloads)?;
            let name = v.cases.keys().nth(disc).map_or("?", String::as_str);
            Val::Variant(name.to_string(), payload.map(Box::new))
        }
        InterfaceType::Enum(i) => {
            let e = &types[*i];
            let payloads = vec![None; e.names.len()];
            let (disc, _) = variant(cx, from, ty, types, &payloads)?;
            Val::Enum(e.names.iter().nth(disc).cloned().unwrap_or_default())
        }
        InterfaceType::Option(i) => {
            let payloads = [None, Some(&types[*i].ty)];
            let (_, payload) = variant(cx, from, ty, types, &payloads)?;
            Val::Option(payload.map(Box::new))
        }
        InterfaceType::Result(i) => {
            let r = &types[*i];
            let payloads = [r.ok.as_ref(), r.err.as_ref()];
            let (disc, payload) = variant(cx, from, ty, types, &payloads)?;
            let payload = payload.map(Box::new);
            Val::Result(if disc == 0 { Ok(payload) } else { Err(payload) })
        }
        InterfaceType::Own(i) | InterfaceType::Borrow(i) => {
            let idx = match from {
                From::Flat(src) => src.next_val().get_u32(),
                From::Memory(at) => read_uint(cx, *at, 4)?,
            };
            let Some((ty_idx, _)) = crate::types::typecheck::resource_of(types, *i) else {
                return Err(cx
                    .site
                    .trap(format_args!("handle of an abstract resource type")));
            };
            let own = matches!(ty, InterfaceType::Own(_));
            Val::Resource(crate::store::resource::lift_any_as(cx, idx, ty_idx, own)?)
        }
        InterfaceType::Stream(_) | InterfaceType::Future(_) | InterfaceType::ErrorContext(_) => {
            let idx = match from {
                From::Flat(src) => src.next_val().get_u32(),
                From::Memory(at) => read_uint(cx, *at, 4)?,
            };
            use crate::concurrent::host_end;
            use crate::store::tasks::Transmit;
            match ty {
                InterfaceType::Stream(_) => Val::Stream(super::StreamReader::from_end(
                    host_end::lift_end(cx, idx, Transmit::Stream)?,
                )),
                InterfaceType::Future(_) => Val::Future(super::FutureReader::from_end(
                    host_end::lift_end(cx, idx, Transmit::Future)?,
                )),
                _ => Val::ErrorContext(super::ErrorContext(host_end::lift_error(cx, idx)?)),
            }
        }
        other => {
            return Err(cx.site.trap(format_args!(
                "values of type `{}` cannot be lifted dynamically yet",
                crate::types::typecheck::wit(other, types)
            )));
        }
    })
}

/// Lifts the next field of a record or tuple.
fn member(
    cx: &LiftCx<'_>,
    from: &mut From<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    at: &mut u32,
) -> Result<Val> {
    match from {
        From::Flat(src) => lift_flat(cx, src, ty, types),
        From::Memory(base) => {
            let abi = types.canonical_abi(ty);
            let offset = align_to(*at, abi.align32);
            *at = offset + abi.size32;
            load(cx, *base + offset as usize, ty, types)
        }
    }
}

/// Reads a discriminant (checked against the case count) and the payload of
/// the case it names; returns both.
fn variant(
    cx: &LiftCx<'_>,
    from: &mut From<'_, '_>,
    ty: &InterfaceType,
    types: &ComponentTypes,
    payloads: &[Option<&InterfaceType>],
) -> Result<(usize, Option<Val>)> {
    let cases = payloads.len() as u32;
    let bad = |disc: u32| {
        cx.site.trap(format_args!(
            "invalid discriminant {disc} for `{}` ({cases} cases)",
            crate::types::typecheck::wit(ty, types)
        ))
    };
    match from {
        From::Flat(src) => {
            let flat = types.canonical_abi(ty).flat_count.unwrap_or(0) as usize;
            let end = src.position() + flat;
            let disc = src.next_val().get_u32();
            if disc >= cases {
                return Err(bad(disc));
            }
            let payload = match payloads[disc as usize] {
                Some(t) => Some(lift_flat(cx, src, t, types)?),
                None => None,
            };
            src.skip_to(end);
            Ok((disc as usize, payload))
        }
        From::Memory(at) => {
            let disc_size = layout::discriminant_size(payloads.len());
            let disc = read_uint(cx, *at, disc_size)?;
            if disc >= cases {
                return Err(bad(disc));
            }
            let payload_offset = payload_offset(types, payloads, disc_size);
            let payload = match payloads[disc as usize] {
                Some(t) => Some(load(cx, *at + payload_offset as usize, t, types)?),
                None => None,
            };
            Ok((disc as usize, payload))
        }
    }
}

/// Where a variant's payload starts: after the discriminant, aligned to the
/// most-aligned payload.
pub(crate) fn payload_offset(
    types: &ComponentTypes,
    payloads: &[Option<&InterfaceType>],
    disc_size: u32,
) -> u32 {
    let align = payloads
        .iter()
        .flatten()
        .map(|t| types.canonical_abi(t).align32)
        .max()
        .unwrap_or(1);
    align_to(disc_size, align)
}
