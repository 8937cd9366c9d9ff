//! Variant-shaped values: `option`, `result`, and the discriminant helpers
//! that derived `variant` and `enum` types share.
//!
//! The flat form of a variant is its discriminant followed by the joined
//! payload slots. [`ValRaw`] keeps `i32` and `f32` zero-extended in 64 bits,
//! so every join the spec defines (`f32`↔`i32` bit-casts, widening to `i64`)
//! is the identity on the raw bits: a payload is written into its slots as
//! is, and the slots it does not use are zero.

use super::layout::{self, VariantLayout};
use super::{ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, memory};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Ty;

/// How `ty` is named in a discriminant error.
fn label(ty: &Ty) -> String {
    match ty {
        Ty::Variant(v) => format!("variant `{}`", v.name),
        Ty::Enum(e) => format!("enum `{}`", e.name),
        other => format!("`{other}`"),
    }
}

#[cold]
fn bad_disc(cx: &LiftCx<'_>, ty: &Ty, disc: u32, cases: u32) -> crate::Error {
    cx.site.trap(format_args!(
        "invalid discriminant {disc} for {} ({cases} cases)",
        label(ty)
    ))
}

/// Lifts the flat discriminant of a value of the variant-like type `ty`,
/// checking it names a case.
#[inline]
pub fn lift_disc(cx: &LiftCx<'_>, src: &mut FlatSrc<'_>, ty: &Ty, l: VariantLayout) -> Result<u32> {
    let disc = src.next_val().get_u32();
    if disc >= l.cases {
        return Err(bad_disc(cx, ty, disc, l.cases));
    }
    Ok(disc)
}

/// Reads an unsigned integer of `size` bytes (1, 2 or 4) at `offset`: a
/// discriminant or a small flags value.
#[inline]
pub(crate) fn read_uint(cx: &LiftCx<'_>, offset: usize, size: u32) -> Result<u32> {
    Ok(match size {
        1 => u32::from(memory::read::<1>(&cx.site, cx.memory, offset)?[0]),
        2 => u32::from(u16::from_le_bytes(memory::read(
            &cx.site, cx.memory, offset,
        )?)),
        _ => u32::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?),
    })
}

/// Writes the low `size` bytes (1, 2 or 4) of `v` at `offset`.
#[inline]
pub(crate) fn write_uint(cx: &mut LowerCx<'_>, offset: usize, size: u32, v: u32) -> Result<()> {
    match size {
        1 => cx.write(offset, &[v as u8]),
        2 => cx.write(offset, &(v as u16).to_le_bytes()),
        _ => cx.write(offset, &v.to_le_bytes()),
    }
}

/// Loads the discriminant of a value of `ty` at `offset`, checking it names a case.
#[inline]
pub fn load_disc(cx: &LiftCx<'_>, offset: usize, ty: &Ty, l: VariantLayout) -> Result<u32> {
    let disc = read_uint(cx, offset, l.disc_size)?;
    if disc >= l.cases {
        return Err(bad_disc(cx, ty, disc, l.cases));
    }
    Ok(disc)
}

/// Pushes a flat discriminant.
#[inline]
pub fn lower_disc(dst: &mut FlatDst<'_>, disc: u32) {
    dst.push(ValRaw::i32(disc as i32));
}

/// Stores the discriminant of a value of `ty` at `offset`.
#[inline]
pub fn store_disc(cx: &mut LowerCx<'_>, offset: usize, l: VariantLayout, disc: u32) -> Result<()> {
    write_uint(cx, offset, l.disc_size, disc)
}

// The four steps a derived `variant` or `enum` takes around its cases,
// generic over the type so its layout is a constant here and the
// expansion is one call per step.

/// Lifts the flat discriminant of a `T`; returns it with the position
/// where `T`'s flat values end, for `FlatSrc::skip_to` after the payload.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn lift_case<T: ComponentType>(cx: &LiftCx<'_>, src: &mut FlatSrc<'_>) -> Result<(u32, usize)> {
    let l = const { layout::variant(T::TY) };
    let end = src.position() + l.flat;
    Ok((lift_disc(cx, src, T::TY, l)?, end))
}

/// Loads the discriminant of a `T` at `offset`; returns it with the
/// offset of the payload.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn load_case<T: ComponentType>(cx: &LiftCx<'_>, offset: usize) -> Result<(u32, usize)> {
    let l = const { layout::variant(T::TY) };
    let disc = load_disc(cx, offset, T::TY, l)?;
    Ok((disc, offset + l.payload_offset as usize))
}

/// Pushes the flat discriminant of a `T`; returns the position where
/// `T`'s flat values end, for `FlatDst::pad_to` after the payload.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn lower_case<T: ComponentType>(dst: &mut FlatDst<'_>, disc: u32) -> usize {
    let l = const { layout::variant(T::TY) };
    let end = dst.position() + l.flat;
    lower_disc(dst, disc);
    end
}

/// Stores the discriminant of a `T` at `offset`; returns the offset of
/// the payload.
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn store_case<T: ComponentType>(
    cx: &mut LowerCx<'_>,
    offset: usize,
    disc: u32,
) -> Result<usize> {
    let l = const { layout::variant(T::TY) };
    store_disc(cx, offset, l, disc)?;
    Ok(offset + l.payload_offset as usize)
}

// SAFETY: `PLAIN` stays false: a discriminant limits the valid bit patterns.
unsafe impl<T: ComponentType> ComponentType for Option<T> {
    const TY: &'static Ty = &Ty::Option(T::TY);
}

impl<T: ComponentType> OptionLayout for Option<T> {}
trait OptionLayout: ComponentType {
    const LAYOUT: VariantLayout = layout::variant(Self::TY);
}

impl<'a, T: Lift<'a>> Lift<'a> for Option<T> {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let end = src.position() + Self::LAYOUT.flat;
        let v = match lift_disc(cx, src, Self::TY, Self::LAYOUT)? {
            0 => None,
            _ => Some(T::lift_flat(cx, src)?),
        };
        src.skip_to(end);
        Ok(v)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        Ok(match load_disc(cx, offset, Self::TY, Self::LAYOUT)? {
            0 => None,
            _ => Some(T::load(cx, offset + Self::LAYOUT.payload_offset as usize)?),
        })
    }
}

impl<T: Lower> Lower for Option<T> {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let end = dst.position() + Self::LAYOUT.flat;
        match self {
            None => lower_disc(dst, 0),
            Some(v) => {
                lower_disc(dst, 1);
                v.lower_flat(cx, dst)?;
            }
        }
        dst.pad_to(end);
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        match self {
            None => store_disc(cx, offset, Self::LAYOUT, 0),
            Some(v) => {
                store_disc(cx, offset, Self::LAYOUT, 1)?;
                v.store(cx, offset + Self::LAYOUT.payload_offset as usize)
            }
        }
    }
}

// SAFETY: `PLAIN` stays false: a discriminant limits the valid bit patterns.
unsafe impl<T: ComponentType, E: ComponentType> ComponentType for Result<T, E> {
    const TY: &'static Ty = &Ty::Result(Ty::unless_unit(T::TY), Ty::unless_unit(E::TY));
}

impl<T: ComponentType, E: ComponentType> OptionLayout for Result<T, E> {}

impl<'a, T: Lift<'a>, E: Lift<'a>> Lift<'a> for Result<T, E> {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let end = src.position() + Self::LAYOUT.flat;
        let v = match lift_disc(cx, src, Self::TY, Self::LAYOUT)? {
            0 => Ok(T::lift_flat(cx, src)?),
            _ => Err(E::lift_flat(cx, src)?),
        };
        src.skip_to(end);
        Ok(v)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let payload = offset + Self::LAYOUT.payload_offset as usize;
        Ok(match load_disc(cx, offset, Self::TY, Self::LAYOUT)? {
            0 => Ok(T::load(cx, payload)?),
            _ => Err(E::load(cx, payload)?),
        })
    }
}

impl<T: Lower, E: Lower> Lower for Result<T, E> {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let end = dst.position() + Self::LAYOUT.flat;
        match self {
            Ok(v) => {
                lower_disc(dst, 0);
                v.lower_flat(cx, dst)?;
            }
            Err(e) => {
                lower_disc(dst, 1);
                e.lower_flat(cx, dst)?;
            }
        }
        dst.pad_to(end);
        Ok(())
    }
    // A `result` is the commonest return through memory; inlined, its
    // discriminant and payload stores share one bounds check's facts.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let payload = offset + Self::LAYOUT.payload_offset as usize;
        match self {
            Ok(v) => {
                store_disc(cx, offset, Self::LAYOUT, 0)?;
                v.store(cx, payload)
            }
            Err(e) => {
                store_disc(cx, offset, Self::LAYOUT, 1)?;
                e.store(cx, payload)
            }
        }
    }
}
