//! Strings: `&str` lifted in place after UTF-8 validation, `String` copied.

use super::{
    ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, StringEncoding, load_ptr_len,
    memory, store_ptr_len,
};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Ty;

// SAFETY: `PLAIN` stays false: a string is a pointer and a length.
unsafe impl ComponentType for str {
    const TY: &'static Ty = &Ty::String;
}
// SAFETY: as for `str`.
unsafe impl ComponentType for String {
    const TY: &'static Ty = &Ty::String;
}

fn lift_str<'a>(cx: &LiftCx<'a>, ptr: u32, len: u32) -> Result<&'a str> {
    if cx.encoding != StringEncoding::Utf8 {
        return Err(cx.site.trap(format_args!(
            "string encoding `{}` is not supported yet",
            cx.encoding.name()
        )));
    }
    let bytes = memory::guest_bytes(&cx.site, "string", cx.memory, ptr, len, 1, 1)?;
    core::str::from_utf8(bytes).map_err(|e| {
        cx.site
            .trap(format_args!("invalid utf-8 in string at {ptr:#x}: {e}"))
    })
}

impl<'a> Lift<'a> for &'a str {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let ptr = src.next_val().get_u32();
        let len = src.next_val().get_u32();
        lift_str(cx, ptr, len)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let (ptr, len) = load_ptr_len(cx, offset)?;
        lift_str(cx, ptr, len)
    }
}

impl<'a> Lift<'a> for String {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        <&str>::lift_flat(cx, src).map(str::to_owned)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        <&str>::load(cx, offset).map(str::to_owned)
    }
}

fn lower_str(cx: &mut LowerCx<'_>, s: &str) -> Result<(u32, u32)> {
    if cx.encoding != StringEncoding::Utf8 {
        return Err(cx.site.trap(format_args!(
            "string encoding `{}` is not supported yet",
            cx.encoding.name()
        )));
    }
    let Ok(len) = u32::try_from(s.len()) else {
        return Err(cx.site.trap(format_args!(
            "string of {} bytes does not fit in 32-bit memory",
            s.len()
        )));
    };
    let ptr = cx.alloc("string", len, 1)?;
    cx.write(ptr as usize, s.as_bytes())?;
    Ok((ptr, len))
}

impl Lower for str {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let (ptr, len) = lower_str(cx, self)?;
        dst.push(ValRaw::i32(ptr as i32));
        dst.push(ValRaw::i32(len as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let (ptr, len) = lower_str(cx, self)?;
        store_ptr_len(cx, offset, ptr, len)
    }
}

impl Lower for String {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        self.as_str().lower_flat(cx, dst)
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        self.as_str().store(cx, offset)
    }
}
