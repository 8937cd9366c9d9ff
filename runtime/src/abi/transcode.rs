//! The string transcoders that fused adapters between components call, one
//! function per operation environ emits, on byte slices of guest memory.
//!
//! Each takes the source's bytes (already copied out, so that source and
//! destination may be the same memory) and the destination's, with lengths
//! in code units, and returns what the adapter expects; a string that is not
//! valid in its encoding is an error naming it. Callers check bounds and
//! alignment first.

use crate::error::{Result, Trap};

fn invalid(encoding: &str) -> crate::Error {
    Trap::new(format!(
        "invalid {encoding} encoding in a string passed between components"
    ))
    .into()
}

fn units(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
}

/// A destination that refuses writes past its end instead of panicking.
struct Dst<'a> {
    bytes: &'a mut [u8],
    at: usize,
}

impl Dst<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.at + bytes.len();
        let Some(slot) = self.bytes.get_mut(self.at..end) else {
            return Err(Trap::new("transcoded string overflows its destination").into());
        };
        slot.copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    fn put_u16(&mut self, unit: u16) -> Result<()> {
        self.put(&unit.to_le_bytes())
    }
}

/// UTF-8 to UTF-8: validates and copies `src`.
pub(crate) fn utf8_to_utf8(src: &[u8], dst: &mut [u8]) -> Result<()> {
    let s = core::str::from_utf8(src).map_err(|_| invalid("utf8"))?;
    Dst { bytes: dst, at: 0 }.put(s.as_bytes())
}

/// UTF-16 to UTF-16: validates and copies; returns whether every code point
/// is Latin-1.
pub(crate) fn utf16_to_utf16(src: &[u8], dst: &mut [u8]) -> Result<bool> {
    let mut out = Dst { bytes: dst, at: 0 };
    let mut latin1 = true;
    for c in char::decode_utf16(units(src)) {
        let c = c.map_err(|_| invalid("utf16"))?;
        latin1 &= u32::from(c) < 0x100;
        let mut buf = [0u16; 2];
        for u in c.encode_utf16(&mut buf) {
            out.put_u16(*u)?;
        }
    }
    Ok(latin1)
}

/// Latin-1 to Latin-1: a copy (every byte string is Latin-1).
pub(crate) fn latin1_to_latin1(src: &[u8], dst: &mut [u8]) -> Result<()> {
    Dst { bytes: dst, at: 0 }.put(src)
}

/// Latin-1 to UTF-16: each byte becomes a code unit.
pub(crate) fn latin1_to_utf16(src: &[u8], dst: &mut [u8]) -> Result<()> {
    let mut out = Dst { bytes: dst, at: 0 };
    src.iter().try_for_each(|b| out.put_u16(u16::from(*b)))
}

/// UTF-8 to UTF-16 into room for as many units as `src` has bytes; returns
/// the units written.
pub(crate) fn utf8_to_utf16(src: &[u8], dst: &mut [u8]) -> Result<u32> {
    let s = core::str::from_utf8(src).map_err(|_| invalid("utf8"))?;
    let mut out = Dst { bytes: dst, at: 0 };
    let mut n = 0u32;
    for u in s.encode_utf16() {
        out.put_u16(u)?;
        n += 1;
    }
    Ok(n)
}

/// UTF-16 to UTF-8, as far as `dst` has room for whole characters; in the
/// first pass it stops at the first non-ASCII character, as the spec says.
/// Returns the units read and the bytes written.
pub(crate) fn utf16_to_utf8(src: &[u8], dst: &mut [u8], first_pass: bool) -> Result<(u32, u32)> {
    let mut read = 0u32;
    let mut written = 0usize;
    for c in char::decode_utf16(units(src)) {
        let c = c.map_err(|_| invalid("utf16"))?;
        if first_pass && u32::from(c) >= 0x80 {
            break;
        }
        let room = dst.len() - written;
        if room < c.len_utf8() {
            break;
        }
        read += c.len_utf16() as u32;
        written += c.encode_utf8(&mut dst[written..]).len();
    }
    Ok((read, written as u32))
}

/// Latin-1 to UTF-8, as far as `dst` has room; the first pass stops at the
/// first byte that is not ASCII. Returns the bytes read and written.
pub(crate) fn latin1_to_utf8(src: &[u8], dst: &mut [u8], first_pass: bool) -> (u32, u32) {
    let mut read = 0usize;
    let mut written = 0usize;
    for &b in src {
        if first_pass && b >= 0x80 {
            break;
        }
        let c = char::from(b);
        if dst.len() - written < c.len_utf8() {
            break;
        }
        written += c.encode_utf8(&mut dst[written..]).len();
        read += 1;
    }
    (read as u32, written as u32)
}

/// UTF-16 to `latin1+utf16`, into a destination as long as the source:
/// copied as UTF-16, then deflated in place to Latin-1 if every code point
/// fits. Returns the Latin-1 length, or the UTF-16 length tagged.
pub(crate) fn utf16_to_compact_probably_utf16(src: &[u8], dst: &mut [u8], len: u32) -> Result<u32> {
    if !utf16_to_utf16(src, dst)? {
        return Ok(len | super::string::UTF16_TAG);
    }
    for i in 0..len as usize {
        dst[i] = dst[2 * i];
    }
    Ok(len)
}

/// UTF-8 to Latin-1 up to the first byte that starts a code point past
/// 0xff or an invalid sequence. Returns the bytes read and written.
pub(crate) fn utf8_to_latin1(src: &[u8], dst: &mut [u8]) -> Result<(u32, u32)> {
    let valid = match core::str::from_utf8(src) {
        Ok(s) => s,
        // Everything before the invalid sequence is still transcoded; the
        // rest is left to the adapter's next step, which validates it.
        Err(e) => core::str::from_utf8(&src[..e.valid_up_to()]).map_err(|_| invalid("utf8"))?,
    };
    let mut out = Dst { bytes: dst, at: 0 };
    let mut read = 0usize;
    for c in valid.chars() {
        let Ok(b) = u8::try_from(u32::from(c)) else {
            break;
        };
        out.put(&[b])?;
        read += c.len_utf8();
    }
    Ok((read as u32, out.at as u32))
}

/// UTF-16 to Latin-1 up to the first unit past 0xff. Returns the units
/// read and the bytes written (the same).
pub(crate) fn utf16_to_latin1(src: &[u8], dst: &mut [u8]) -> Result<(u32, u32)> {
    let mut out = Dst { bytes: dst, at: 0 };
    for u in units(src) {
        let Ok(b) = u8::try_from(u) else {
            break;
        };
        out.put(&[b])?;
    }
    Ok((out.at as u32, out.at as u32))
}

/// Inflates the first `so_far` Latin-1 bytes of `dst` to UTF-16 in place;
/// returns the rest of `dst`.
fn inflate(dst: &mut [u8], so_far: usize) -> Result<&mut [u8]> {
    if 2 * so_far > dst.len() {
        return Err(Trap::new("transcoded string overflows its destination").into());
    }
    for i in (0..so_far).rev() {
        dst[2 * i] = dst[i];
        dst[2 * i + 1] = 0;
    }
    Ok(&mut dst[2 * so_far..])
}

/// UTF-8 to `latin1+utf16` after a Latin-1 prefix of `so_far` bytes was
/// written: inflates the prefix, then transcodes `src` after it. Returns
/// the UTF-16 units of the whole string.
pub(crate) fn utf8_to_compact_utf16(src: &[u8], dst: &mut [u8], so_far: u32) -> Result<u32> {
    let rest = inflate(dst, so_far as usize)?;
    Ok(utf8_to_utf16(src, rest)? + so_far)
}

/// As [`utf8_to_compact_utf16`], for a UTF-16 source.
pub(crate) fn utf16_to_compact_utf16(src: &[u8], dst: &mut [u8], so_far: u32) -> Result<u32> {
    let rest = inflate(dst, so_far as usize)?;
    utf16_to_utf16(src, rest)?;
    Ok((src.len() / 2) as u32 + so_far)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn utf8_to_utf16_counts_units_and_refuses_bad_utf8() {
        let mut dst = [0u8; 14];
        assert_eq!(utf8_to_utf16("aé🚀".as_bytes(), &mut dst).unwrap(), 4);
        assert_eq!(&dst[..8], utf16("aé🚀").as_slice());
        assert!(utf8_to_utf16(b"\xff", &mut dst).is_err());
    }

    #[test]
    fn utf16_to_utf8_is_partial_where_room_ends() {
        let src = utf16("ab🚀c");
        let mut dst = [0u8; 3];
        // The rocket needs four bytes; two are left after `ab`.
        assert_eq!(utf16_to_utf8(&src, &mut dst, false).unwrap(), (2, 2));
        let mut dst = [0u8; 16];
        assert_eq!(utf16_to_utf8(&src, &mut dst, true).unwrap(), (2, 2));
        assert_eq!(utf16_to_utf8(&src, &mut dst, false).unwrap(), (5, 7));
        assert!(utf16_to_utf8(&[0x00, 0xd8], &mut dst, false).is_err());
    }

    #[test]
    fn latin1_paths() {
        let mut dst = [0u8; 8];
        assert_eq!(latin1_to_utf8(b"a\xe9b", &mut dst, true), (1, 1));
        assert_eq!(latin1_to_utf8(b"a\xe9b", &mut dst, false), (3, 4));
        assert_eq!(&dst[..4], "aéb".as_bytes());
        assert_eq!(utf8_to_latin1("aé漢".as_bytes(), &mut dst).unwrap(), (3, 2));
        assert_eq!(&dst[..2], b"a\xe9");
        assert_eq!(utf16_to_latin1(&utf16("ÿ漢"), &mut dst).unwrap(), (1, 1));
    }

    #[test]
    fn compact_forms_inflate_the_latin1_prefix() {
        let mut dst = [0u8; 12];
        dst[..2].copy_from_slice(b"a\xe9");
        assert_eq!(
            utf8_to_compact_utf16("漢".as_bytes(), &mut dst, 2).unwrap(),
            3
        );
        assert_eq!(&dst[..6], utf16("aé漢").as_slice());
        let src = utf16("ab");
        let mut dst = [0u8; 4];
        assert_eq!(
            utf16_to_compact_probably_utf16(&src, &mut dst, 2).unwrap(),
            2
        );
        assert_eq!(&dst[..2], b"ab");
        let src = utf16("a漢");
        assert_eq!(
            utf16_to_compact_probably_utf16(&src, &mut dst, 2).unwrap(),
            2 | super::super::string::UTF16_TAG
        );
    }

    #[test]
    fn a_destination_too_small_is_an_error_not_a_panic() {
        let mut dst = [0u8; 1];
        assert!(utf8_to_utf8(b"ab", &mut dst).is_err());
        assert!(latin1_to_utf16(b"a", &mut dst).is_err());
        assert!(utf8_to_compact_utf16(b"a", &mut dst, 1).is_err());
    }
}
