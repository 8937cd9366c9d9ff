//! Flags: the runtime half of `flags!` types, a bit-vector of `N` words.
//!
//! Up to 8 flags take one byte, up to 16 two, then one `i32` per 32 flags.
//! Bits past the last flag are ignored when lifting, as the spec's
//! `unpack_flags_from_int` ignores them, so the host never sees them.

use super::{FlatDst, FlatSrc, LiftCx, LowerCx, layout, memory};
use crate::error::Result;
use crate::raw::ValRaw;

/// The words of a flags value with the first `count` bits set.
pub const fn flags_mask<const N: usize>(count: usize) -> [u32; N] {
    let mut out = [0u32; N];
    let mut i = 0;
    while i < N {
        let left = count.saturating_sub(i * 32);
        out[i] = if left >= 32 {
            u32::MAX
        } else {
            (1u32 << left) - 1
        };
        i += 1;
    }
    out
}

// The operations of a `flags!` type, written once here so that each
// generated type's methods are one call (and each width compiles once).

/// The words of a flags value with only flag number `index` set.
pub const fn flag_bit<const N: usize>(index: usize) -> [u32; N] {
    let mut out = [0u32; N];
    out[index / 32] = 1 << (index % 32);
    out
}

/// Whether every bit of `other` is set in `bits`.
pub const fn flags_contains<const N: usize>(bits: &[u32; N], other: &[u32; N]) -> bool {
    let mut i = 0;
    while i < N {
        if bits[i] & other[i] != other[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether no bit is set.
pub const fn flags_is_empty<const N: usize>(bits: &[u32; N]) -> bool {
    let mut i = 0;
    while i < N {
        if bits[i] != 0 {
            return false;
        }
        i += 1;
    }
    true
}

/// `a | b`, word by word.
pub const fn flags_or<const N: usize>(mut a: [u32; N], b: &[u32; N]) -> [u32; N] {
    let mut i = 0;
    while i < N {
        a[i] |= b[i];
        i += 1;
    }
    a
}

/// `a & b`, word by word.
pub const fn flags_and<const N: usize>(mut a: [u32; N], b: &[u32; N]) -> [u32; N] {
    let mut i = 0;
    while i < N {
        a[i] &= b[i];
        i += 1;
    }
    a
}

/// The complement of `bits` among the first `count` flags.
pub const fn flags_not<const N: usize>(bits: [u32; N], count: usize) -> [u32; N] {
    let mask = flags_mask::<N>(count);
    let mut out = [0u32; N];
    let mut i = 0;
    while i < N {
        out[i] = !bits[i] & mask[i];
        i += 1;
    }
    out
}

/// The entries of `table` whose bits are all set in `bits`, in order.
pub fn flags_iter<F: Copy, const N: usize, const C: usize>(
    bits: [u32; N],
    table: [(&'static str, F); C],
    bits_of: fn(&F) -> [u32; N],
) -> impl Iterator<Item = (&'static str, F)> + use<F, N, C> {
    table
        .into_iter()
        .filter(move |(_, f)| flags_contains(&bits, &bits_of(f)))
}

/// Formats the set flags as a set of the names in `names`, one per bit.
pub fn fmt_flags<const N: usize>(
    bits: &[u32; N],
    names: &[&str],
    f: &mut core::fmt::Formatter<'_>,
) -> core::fmt::Result {
    let mut set = f.debug_set();
    for (i, name) in names.iter().enumerate() {
        if bits.get(i / 32).is_some_and(|w| w & (1 << (i % 32)) != 0) {
            set.entry(&format_args!("{name}"));
        }
    }
    set.finish()
}

fn masked<const N: usize>(mut bits: [u32; N], count: usize) -> [u32; N] {
    for (b, m) in bits.iter_mut().zip(flags_mask::<N>(count)) {
        *b &= m;
    }
    bits
}

/// Lifts `count` flags from `N` flat `i32`s.
#[inline]
pub fn lift_flags_flat<const N: usize>(src: &mut FlatSrc<'_>, count: usize) -> [u32; N] {
    let mut bits = [0u32; N];
    for b in &mut bits {
        *b = src.next_val().get_u32();
    }
    masked(bits, count)
}

/// Loads `count` flags stored at `offset`.
#[inline]
pub fn load_flags<const N: usize>(
    cx: &LiftCx<'_>,
    offset: usize,
    count: usize,
) -> Result<[u32; N]> {
    let mut bits = [0u32; N];
    match layout::flags_layout(count).0 {
        1 => bits[0] = u32::from(memory::read::<1>(&cx.site, cx.memory, offset)?[0]),
        2 => {
            bits[0] = u32::from(u16::from_le_bytes(memory::read(
                &cx.site, cx.memory, offset,
            )?))
        }
        _ => {
            for (i, b) in bits.iter_mut().enumerate() {
                *b = u32::from_le_bytes(memory::read(&cx.site, cx.memory, offset + 4 * i)?);
            }
        }
    }
    Ok(masked(bits, count))
}

/// Lowers flags as flat `i32`s.
#[inline]
pub fn lower_flags_flat(dst: &mut FlatDst<'_>, bits: &[u32]) {
    for b in bits {
        dst.push(ValRaw::i32(*b as i32));
    }
}

/// Stores `count` flags at `offset`.
#[inline]
pub fn store_flags(cx: &mut LowerCx<'_>, offset: usize, bits: &[u32], count: usize) -> Result<()> {
    let first = bits.first().copied().unwrap_or(0);
    match layout::flags_layout(count).0 {
        0 => Ok(()),
        size @ (1 | 2) => super::write_uint(cx, offset, size, first),
        _ => {
            for (i, b) in bits.iter().enumerate() {
                cx.write(offset + 4 * i, &b.to_le_bytes())?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::flags_mask;

    #[test]
    fn mask_covers_exactly_the_flags() {
        assert_eq!(flags_mask::<1>(3), [0b111]);
        assert_eq!(flags_mask::<1>(32), [u32::MAX]);
        assert_eq!(flags_mask::<2>(33), [u32::MAX, 1]);
        assert_eq!(flags_mask::<3>(70), [u32::MAX, u32::MAX, 0b11_1111]);
    }
}
