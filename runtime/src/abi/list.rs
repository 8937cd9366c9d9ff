//! Lists: `&[T]` lifted in place for plain numbers, `Vec<T>` copied, bulk where possible.

use super::{
    ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, load_ptr_len, memory,
    store_ptr_len,
};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Ty;

/// Numbers whose lists can be borrowed from guest memory as `&[T]`.
///
/// # Safety
///
/// Implementors have `ComponentType::PLAIN == true` and their Rust size equals
/// their canonical ABI size. Only the integer and float primitives implement it.
#[diagnostic::on_unimplemented(
    message = "`&[{Self}]` cannot borrow guest memory",
    note = "only lists of integers and floats can be borrowed; use `Vec<{Self}>` to copy"
)]
pub unsafe trait Plain: ComponentType + Copy + 'static {}

macro_rules! plain {
    ($($t:ty)*) => {$(
        // SAFETY: a primitive number; see `Plain`.
        unsafe impl Plain for $t {}
    )*};
}
// Floats too: lifting keeps a NaN's bits (see `scalar`).
#[cfg(target_endian = "little")]
plain!(u8 i8 u16 i16 u32 i32 u64 i64 f32 f64);
#[cfg(not(target_endian = "little"))]
plain!(u8 i8);

// SAFETY: `PLAIN` stays false: a list is a pointer and a length.
unsafe impl<T: ComponentType> ComponentType for [T] {
    const TY: &'static Ty = &Ty::List(T::TY);
}
// SAFETY: as for `[T]`.
unsafe impl<T: ComponentType> ComponentType for Vec<T> {
    const TY: &'static Ty = &Ty::List(T::TY);
}
// SAFETY: `PLAIN` stays false: a reference is lowered as what it points to.
unsafe impl<T: ComponentType + ?Sized> ComponentType for &T {
    const TY: &'static Ty = T::TY;
}

fn list_bytes<'a, T: ComponentType>(cx: &LiftCx<'a>, ptr: u32, len: u32) -> Result<&'a [u8]> {
    memory::guest_bytes(&cx.site, "list", cx.memory, ptr, len, T::SIZE, T::ALIGN)
}

fn lift_slice<'a, T: Plain>(cx: &LiftCx<'a>, ptr: u32, len: u32) -> Result<&'a [T]> {
    let bytes = list_bytes::<T>(cx, ptr, len)?;
    debug_assert_eq!(T::SIZE as usize, core::mem::size_of::<T>());
    if bytes.as_ptr().align_offset(core::mem::align_of::<T>()) != 0 {
        // Engines allocate memories page- or malloc-aligned, so this does not
        // happen in practice; it is still checked rather than assumed.
        return Err(cx.site.trap(format_args!(
            "host copy of guest memory is not aligned for a borrowed list at {ptr:#x}"
        )));
    }
    // SAFETY: `bytes` is `len * size_of::<T>()` bytes of initialised guest
    // memory, aligned for `T` (checked above), borrowed for `'a`; `T: Plain`
    // means every bit pattern is a valid `T` in this host's byte order.
    Ok(unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), len as usize) })
}

impl<'a, T: Plain> Lift<'a> for &'a [T] {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let ptr = src.next_val().get_u32();
        let len = src.next_val().get_u32();
        lift_slice(cx, ptr, len)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let (ptr, len) = load_ptr_len(cx, offset)?;
        lift_slice(cx, ptr, len)
    }
}

fn lift_vec<'a, T: Lift<'a>>(cx: &LiftCx<'a>, ptr: u32, len: u32) -> Result<Vec<T>> {
    let bytes = list_bytes::<T>(cx, ptr, len)?;
    if T::PLAIN && cfg!(target_endian = "little") {
        debug_assert_eq!(T::SIZE as usize, core::mem::size_of::<T>());
        let mut out = Vec::<T>::with_capacity(len as usize);
        // SAFETY: `out` has room for `len` values of `T`, which is exactly
        // `bytes.len()` bytes; `T::PLAIN` means any bytes form a valid `T` in
        // this (little-endian) byte order, so the `len` values are initialised.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                out.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            );
            out.set_len(len as usize);
        }
        return Ok(out);
    }
    // A plain loop rather than `collect` into a `Result`: the iterator
    // adapters that would take cost every list element type some thirty
    // functions to compile in the user's crate.
    let start = ptr as usize;
    // Reserve no more than the guest's own bytes of the list: a Rust value
    // can be several times its canonical size (a `String` is 24 bytes, 8 in
    // memory), and a list that fails halfway must not have cost more.
    let cap = (len as usize).min(bytes.len() / core::mem::size_of::<T>().max(1));
    let mut out = Vec::with_capacity(cap);
    for i in 0..len as usize {
        out.push(T::load(cx, start + i * T::SIZE as usize)?);
    }
    Ok(out)
}

impl<'a, T: Lift<'a>> Lift<'a> for Vec<T> {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let ptr = src.next_val().get_u32();
        let len = src.next_val().get_u32();
        lift_vec(cx, ptr, len)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let (ptr, len) = load_ptr_len(cx, offset)?;
        lift_vec(cx, ptr, len)
    }
}

fn lower_list<T: Lower>(cx: &mut LowerCx<'_>, items: &[T]) -> Result<(u32, u32)> {
    let size = u32::try_from(items.len())
        .ok()
        .and_then(|len| len.checked_mul(T::SIZE));
    let Some(size) = size else {
        return Err(cx.site.trap(format_args!(
            "list of {} elements does not fit in 32-bit memory",
            items.len()
        )));
    };
    let ptr = cx.alloc("list", size, T::ALIGN)?;
    if T::PLAIN && cfg!(target_endian = "little") {
        // SAFETY: `T::PLAIN` means `T` has no padding, so the slice's memory is
        // `size` initialised bytes, laid out as the canonical ABI wants.
        let bytes =
            unsafe { core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), size as usize) };
        cx.write(ptr as usize, bytes)?;
    } else {
        for (i, item) in items.iter().enumerate() {
            item.store(cx, ptr as usize + i * T::SIZE as usize)?;
        }
    }
    Ok((ptr, items.len() as u32))
}

impl<T: Lower> Lower for [T] {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let (ptr, len) = lower_list(cx, self)?;
        dst.push(ValRaw::i32(ptr as i32));
        dst.push(ValRaw::i32(len as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let (ptr, len) = lower_list(cx, self)?;
        store_ptr_len(cx, offset, ptr, len)
    }
}

impl<T: Lower> Lower for Vec<T> {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        self.as_slice().lower_flat(cx, dst)
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        self.as_slice().store(cx, offset)
    }
}

impl<T: Lower + ?Sized> Lower for &T {
    #[inline(always)]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        (**self).lower_flat(cx, dst)
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        (**self).store(cx, offset)
    }
}
