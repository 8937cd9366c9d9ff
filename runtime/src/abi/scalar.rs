//! Scalars: `bool`, the integers, `f32`, `f64` and `char`.

use super::{ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, memory};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Ty;

macro_rules! integers {
    ($($t:ty => $ty:ident, $flat:ident, $get:ident as $via:ty;)*) => {$(
        // SAFETY: integers have no padding, every bit pattern is valid and
        // their little-endian layout is the canonical one.
        unsafe impl ComponentType for $t {
            const TY: &'static Ty = &Ty::$ty;
            const PLAIN: bool = true;
        }
        impl<'a> Lift<'a> for $t {
            #[inline]
            fn lift_flat(_: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                // Narrow integers arrive in an i32; the spec keeps the low bits.
                Ok(src.next_val().$get() as $via as $t)
            }
            #[inline]
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                Ok(<$t>::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?))
            }
        }
        impl Lower for $t {
            #[inline]
            fn lower_flat(&self, _: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                dst.push(ValRaw::$flat(*self as _));
                Ok(())
            }
            #[inline]
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                cx.write(offset, &self.to_le_bytes())
            }
        }
    )*};
}

integers! {
    u8 => U8, i32, get_i32 as u32;
    i8 => S8, i32, get_i32 as i32;
    u16 => U16, i32, get_i32 as u32;
    i16 => S16, i32, get_i32 as i32;
    u32 => U32, i32, get_i32 as u32;
    i32 => S32, i32, get_i32 as i32;
    u64 => U64, i64, get_i64 as u64;
    i64 => S64, i64, get_i64 as i64;
}

/// The NaN the spec's lifting turns every NaN into (`f32`).
pub(crate) const CANONICAL_NAN32: u32 = 0x7fc0_0000;
/// The NaN the spec's lifting turns every NaN into (`f64`).
pub(crate) const CANONICAL_NAN64: u64 = 0x7ff8_0000_0000_0000;

/// Lifting forgets a NaN's sign and payload, as the canonical ABI specifies:
/// the host sees one NaN whatever bits the guest used.
#[inline]
pub(crate) fn canonical_f32(f: f32) -> f32 {
    if f.is_nan() {
        f32::from_bits(CANONICAL_NAN32)
    } else {
        f
    }
}

/// As [`canonical_f32`], for `f64`.
#[inline]
pub(crate) fn canonical_f64(f: f64) -> f64 {
    if f.is_nan() {
        f64::from_bits(CANONICAL_NAN64)
    } else {
        f
    }
}

// Lowering keeps a NaN's bits: the spec lets hosts pick any NaN there.
macro_rules! floats {
    ($($t:ty => $ty:ident, $flat:ident, $get:ident, $canon:ident;)*) => {$(
        // SAFETY: every bit pattern is a valid float and the little-endian
        // layout is the canonical one.
        unsafe impl ComponentType for $t {
            const TY: &'static Ty = &Ty::$ty;
            const PLAIN: bool = true;
        }
        impl<'a> Lift<'a> for $t {
            #[inline]
            fn lift_flat(_: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                Ok($canon(<$t>::from_bits(src.next_val().$get())))
            }
            #[inline]
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                Ok($canon(<$t>::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?)))
            }
        }
        impl Lower for $t {
            #[inline]
            fn lower_flat(&self, _: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                dst.push(ValRaw::$flat(self.to_bits()));
                Ok(())
            }
            #[inline]
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                cx.write(offset, &self.to_le_bytes())
            }
        }
    )*};
}

floats! {
    f32 => F32, f32, get_f32, canonical_f32;
    f64 => F64, f64, get_f64, canonical_f64;
}

// SAFETY: `PLAIN` stays false: only 0 and 1 are valid `bool`s.
unsafe impl ComponentType for bool {
    const TY: &'static Ty = &Ty::Bool;
}

impl<'a> Lift<'a> for bool {
    #[inline]
    fn lift_flat(_: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        Ok(src.next_val().get_i32() != 0)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let [b] = memory::read::<1>(&cx.site, cx.memory, offset)?;
        Ok(b != 0)
    }
}

impl Lower for bool {
    #[inline]
    fn lower_flat(&self, _: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        dst.push(ValRaw::i32(*self as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        cx.write(offset, &[*self as u8])
    }
}

// SAFETY: `PLAIN` stays false: surrogates and values past 0x10FFFF are not `char`s.
unsafe impl ComponentType for char {
    const TY: &'static Ty = &Ty::Char;
}

#[inline]
fn to_char(cx: &LiftCx<'_>, v: u32) -> Result<char> {
    char::from_u32(v).ok_or_else(|| {
        cx.site.trap(format_args!(
            "char value {v:#x} is not a unicode scalar value (a surrogate or above 0x10ffff)"
        ))
    })
}

impl<'a> Lift<'a> for char {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        to_char(cx, src.next_val().get_u32())
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        to_char(
            cx,
            u32::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?),
        )
    }
}

impl Lower for char {
    #[inline]
    fn lower_flat(&self, _: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        dst.push(ValRaw::i32(*self as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        cx.write(offset, &(*self as u32).to_le_bytes())
    }
}
