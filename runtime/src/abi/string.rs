//! Strings in the three canonical encodings: `utf8`, `utf16` and `latin1+utf16`.
//!
//! Lifting UTF-8 borrows guest memory (`&str`, `Cow::Borrowed`); the other
//! encodings are decoded into an owned `String`. Lowering transcodes from
//! Rust's UTF-8 with the allocation sequence of the spec's `store_string`,
//! including the shrinking `realloc` after a transcode, because the guest's
//! allocator observes every call.

use std::borrow::Cow;

use super::{
    ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, StringEncoding, load_ptr_len,
    memory, store_ptr_len,
};
use crate::error::Result;
use crate::raw::ValRaw;
use crate::types::Ty;

/// The high bit of a `latin1+utf16` length: set when the string is UTF-16.
pub(crate) const UTF16_TAG: u32 = 1 << 31;
/// The longest string, in bytes, the spec lets a guest pass.
const MAX_STRING_BYTE_LENGTH: u32 = (1 << 28) - 1;

// SAFETY: `PLAIN` stays false: a string is a pointer and a length.
unsafe impl ComponentType for str {
    const TY: &'static Ty = &Ty::String;
}
// SAFETY: as for `str`.
unsafe impl ComponentType for String {
    const TY: &'static Ty = &Ty::String;
}
// SAFETY: as for `str`.
unsafe impl ComponentType for Cow<'_, str> {
    const TY: &'static Ty = &Ty::String;
}

/// Where a lifted string's bytes are and how they are encoded.
enum Source<'a> {
    Utf8(&'a [u8]),
    Utf16(&'a [u8]),
    Latin1(&'a [u8]),
}

fn source<'a>(cx: &LiftCx<'a>, ptr: u32, tagged_len: u32) -> Result<Source<'a>> {
    let (units, unit_size, align) = match cx.encoding {
        StringEncoding::Utf8 => (tagged_len, 1, 1),
        StringEncoding::Utf16 => (tagged_len, 2, 2),
        StringEncoding::CompactUtf16 if tagged_len & UTF16_TAG != 0 => {
            (tagged_len ^ UTF16_TAG, 2, 2)
        }
        // Latin-1 still needs 2-byte alignment under `latin1+utf16`.
        StringEncoding::CompactUtf16 => (tagged_len, 1, 2),
    };
    let bytes = u64::from(units) * u64::from(unit_size);
    if bytes > u64::from(MAX_STRING_BYTE_LENGTH) {
        return Err(cx.site.trap(format_args!(
            "string of {bytes} bytes ({units} code units in `{}`) is longer than the canonical ABI's limit of {MAX_STRING_BYTE_LENGTH} bytes",
            cx.encoding.name()
        )));
    }
    let bytes = memory::guest_bytes(&cx.site, "string", cx.memory, ptr, units, unit_size, align)?;
    Ok(match (cx.encoding, unit_size) {
        (StringEncoding::Utf8, _) => Source::Utf8(bytes),
        (_, 2) => Source::Utf16(bytes),
        _ => Source::Latin1(bytes),
    })
}

fn decode_utf8<'a>(cx: &LiftCx<'_>, ptr: u32, bytes: &'a [u8]) -> Result<&'a str> {
    core::str::from_utf8(bytes).map_err(|e| {
        cx.site
            .trap(format_args!("invalid utf-8 in string at {ptr:#x}: {e}"))
    })
}

fn decode_utf16(cx: &LiftCx<'_>, ptr: u32, bytes: &[u8]) -> Result<String> {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => out.push(c),
            Err(e) => {
                return Err(cx.site.trap(format_args!(
                    "invalid utf-16 in string at {ptr:#x}: unpaired surrogate {:#06x} near code unit {i}",
                    e.unpaired_surrogate()
                )));
            }
        }
    }
    Ok(out)
}

// The slow paths take the context by value (see `LiftCx`).
#[inline(never)]
fn lift_cow<'a>(cx: LiftCx<'a>, ptr: u32, tagged_len: u32) -> Result<Cow<'a, str>> {
    let cx = &cx;
    Ok(match source(cx, ptr, tagged_len)? {
        Source::Utf8(b) => Cow::Borrowed(decode_utf8(cx, ptr, b)?),
        Source::Utf16(b) => Cow::Owned(decode_utf16(cx, ptr, b)?),
        Source::Latin1(b) => Cow::Owned(b.iter().map(|&b| char::from(b)).collect()),
    })
}

#[inline(never)]
fn lift_str<'a>(cx: LiftCx<'a>, ptr: u32, tagged_len: u32) -> Result<&'a str> {
    let cx = &cx;
    match source(cx, ptr, tagged_len)? {
        Source::Utf8(b) => decode_utf8(cx, ptr, b),
        _ => Err(cx.site.trap(format_args!(
            "a borrowed `&str` inside another value needs the `utf8` string encoding, but the canonical options use `{}`; take `String` or `Cow<str>` instead",
            cx.encoding.name()
        ))),
    }
}

/// A valid UTF-8 string in bounds under `utf8` options: the common case,
/// inlined into the glue. `None` sends everything else to the out-of-line
/// path, which decodes the other encodings and says what is wrong.
#[inline(always)]
fn utf8_fast<'a>(cx: &LiftCx<'a>, ptr: u32, len: u32) -> Option<&'a str> {
    if cx.encoding != StringEncoding::Utf8 || len > MAX_STRING_BYTE_LENGTH {
        return None;
    }
    let start = ptr as usize;
    let bytes = cx.memory.get(start..start.checked_add(len as usize)?)?;
    core::str::from_utf8(bytes).ok()
}

macro_rules! lift_string {
    ($(#[$inline:meta])? $t:ty, $fast:expr, $lift:expr) => {
        impl<'a> Lift<'a> for $t {
            $(#[$inline])?
            fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                let ptr = src.next_val().get_u32();
                let len = src.next_val().get_u32();
                if let Some(s) = utf8_fast(cx, ptr, len) {
                    return Ok($fast(s));
                }
                $lift(*cx, ptr, len)
            }
            $(#[$inline])?
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                let (ptr, len) = load_ptr_len(cx, offset)?;
                if let Some(s) = utf8_fast(cx, ptr, len) {
                    return Ok($fast(s));
                }
                $lift(*cx, ptr, len)
            }
        }
    };
}

lift_string!(#[inline] &'a str, |s| s, lift_str);
lift_string!(#[inline] Cow<'a, str>, Cow::Borrowed, lift_cow);
// Inlined like the borrowed ones: out of line, the call's frame and the
// context it needs in memory cost as much as a short string's copy.
lift_string!(
    #[inline(always)]
    String,
    str::to_owned,
    |cx, ptr, len| lift_cow(cx, ptr, len).map(Cow::into_owned)
);

impl LowerCx<'_> {
    /// Resizes an allocation through the guest's realloc and checks the
    /// pointer it returns.
    fn realloc(&mut self, old: u32, old_size: u32, align: u32, size: u32) -> Result<u32> {
        let (ptr, mem_len) = self.call_realloc(old, old_size, align, size)?;
        memory::check_array(&self.site, "string", mem_len, ptr, size, 1, align).map_err(|e| {
            e.context(format!(
                "realloc returned a bad pointer for a string of {size} bytes"
            ))
        })?;
        Ok(ptr)
    }
}

fn too_long(cx: &LowerCx<'_>, s: &str) -> crate::Error {
    cx.site.trap(format_args!(
        "string of {} bytes is longer than the canonical ABI's limit of {MAX_STRING_BYTE_LENGTH} bytes once transcoded",
        s.len()
    ))
}

/// `2 * units`, if the result stays within the canonical ABI's limit.
fn worst_case(cx: &LowerCx<'_>, s: &str, units: u32) -> Result<u32> {
    units
        .checked_mul(2)
        .filter(|n| *n <= MAX_STRING_BYTE_LENGTH)
        .ok_or_else(|| too_long(cx, s))
}

fn utf16_bytes(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() * 2);
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
}

/// UTF-8 to UTF-8: one allocation, one copy.
#[inline(always)]
fn store_utf8(cx: &mut LowerCx<'_>, s: &str, len: u32) -> Result<(u32, u32)> {
    let ptr = cx.alloc("string", len, 1)?;
    cx.write(ptr as usize, s.as_bytes())?;
    Ok((ptr, len))
}

/// UTF-8 to UTF-16: allocate the worst case (two bytes per UTF-8 byte), then
/// shrink to what the transcode used.
fn store_utf16(cx: &mut LowerCx<'_>, s: &str, len: u32) -> Result<(u32, u32)> {
    let worst = worst_case(cx, s, len)?;
    let mut ptr = cx.alloc("string", worst, 2)?;
    let mut buf = Vec::new();
    utf16_bytes(s, &mut buf);
    cx.write(ptr as usize, &buf)?;
    let used = buf.len() as u32;
    if used < worst {
        ptr = cx.realloc(ptr, worst, 2, used)?;
    }
    Ok((ptr, used / 2))
}

/// UTF-8 to `latin1+utf16`, as the spec's `store_string_to_latin1_or_utf16`:
/// optimistically Latin-1 (one byte per UTF-8 byte); at the first code point
/// above 0xff, grow to the UTF-16 worst case and inflate the Latin-1 bytes
/// *found at the new pointer* (copying them is the guest's `realloc`'s job,
/// and the spec reads guest memory, not a host copy); shrink at the end.
fn store_compact(cx: &mut LowerCx<'_>, s: &str, len: u32) -> Result<(u32, u32)> {
    let mut ptr = cx.alloc("string", len, 2)?;
    let latin1_prefix = s.char_indices().find(|(_, c)| u32::from(*c) > 0xff);
    let Some((split, _)) = latin1_prefix else {
        let latin1: Vec<u8> = s.chars().map(|c| c as u8).collect();
        cx.write(ptr as usize, &latin1)?;
        let used = latin1.len() as u32;
        if used < len {
            ptr = cx.realloc(ptr, len, 2, used)?;
        }
        return Ok((ptr, used));
    };
    let head: Vec<u8> = s[..split].chars().map(|c| c as u8).collect();
    cx.write(ptr as usize, &head)?;
    let worst = worst_case(cx, s, len)?;
    ptr = cx.realloc(ptr, len, 2, worst)?;
    // `realloc` checked `ptr + worst` against the memory, and the head is
    // at most `len` bytes, half of `worst`, so this is in bounds.
    let start = ptr as usize;
    let found = match cx.memory().get(start..start + head.len()) {
        Some(bytes) => bytes.to_vec(),
        None => {
            return Err(cx
                .site
                .trap(format_args!("string pointer {ptr:#x} out of bounds")));
        }
    };
    let inflated: Vec<u8> = found.iter().flat_map(|b| [*b, 0]).collect();
    cx.write(start, &inflated)?;
    let mut buf = Vec::new();
    utf16_bytes(s, &mut buf);
    cx.write(start + inflated.len(), &buf[inflated.len()..])?;
    let used = buf.len() as u32;
    if used < worst {
        ptr = cx.realloc(ptr, worst, 2, used)?;
    }
    Ok((ptr, (used / 2) | UTF16_TAG))
}

/// Lowers `s` as the options' encoding says: UTF-8 within the limit, the
/// common case, inlined into the glue; everything else out of line.
#[inline(always)]
fn lower_str(cx: &mut LowerCx<'_>, s: &str) -> Result<(u32, u32)> {
    if cx.encoding == StringEncoding::Utf8 && s.len() <= MAX_STRING_BYTE_LENGTH as usize {
        return store_utf8(cx, s, s.len() as u32);
    }
    lower_str_slow(cx, s)
}

#[inline(never)]
fn lower_str_slow(cx: &mut LowerCx<'_>, s: &str) -> Result<(u32, u32)> {
    let len = u32::try_from(s.len())
        .ok()
        .filter(|n| *n <= MAX_STRING_BYTE_LENGTH)
        .ok_or_else(|| {
            cx.site.trap(format_args!(
                "string of {} bytes is longer than the canonical ABI's limit of {MAX_STRING_BYTE_LENGTH} bytes",
                s.len()
            ))
        })?;
    match cx.encoding {
        StringEncoding::Utf8 => store_utf8(cx, s, len),
        StringEncoding::Utf16 => store_utf16(cx, s, len),
        StringEncoding::CompactUtf16 => store_compact(cx, s, len),
    }
}

impl Lower for str {
    #[inline(always)]
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

macro_rules! lower_via_str {
    ($($t:ty),*) => {$(
        impl Lower for $t {
            #[inline]
            fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                (**self).lower_flat(cx, dst)
            }
            #[inline]
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                (**self).store(cx, offset)
            }
        }
    )*};
}

lower_via_str!(String, Cow<'_, str>);
