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

// Lifting and lowering keep a NaN's bits: the canonical ABI lets either
// side change a NaN's sign and payload but no longer requires it (it did
// until 2023), and wasmtime keeps them too.
macro_rules! floats {
    ($($t:ty => $ty:ident, $flat:ident, $get:ident;)*) => {$(
        // SAFETY: every bit pattern is a valid float and the little-endian
        // layout is the canonical one.
        unsafe impl ComponentType for $t {
            const TY: &'static Ty = &Ty::$ty;
            const PLAIN: bool = true;
        }
        impl<'a> Lift<'a> for $t {
            #[inline]
            fn lift_flat(_: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                Ok(<$t>::from_bits(src.next_val().$get()))
            }
            #[inline]
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                Ok(<$t>::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?))
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
    f32 => F32, f32, get_f32;
    f64 => F64, f64, get_f64;
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
