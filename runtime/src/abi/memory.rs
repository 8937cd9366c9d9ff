//! Bounds, alignment and overflow checks on guest pointers, done before any access.
//!
//! Each check is inlined into the glue; what it reports is built out of
//! line from values passed by value. A message formatted in place would
//! take the address of the glue's locals, and LLVM would then keep them,
//! and the whole context around them, in memory on the path that succeeds.

use crate::error::{Error, Result, Site};

/// Checks that `count` values of `elem_size` bytes at `ptr` are aligned to
/// `align` and lie inside a memory of `mem_len` bytes, and returns the byte
/// range as host offsets. `what` names the value ("string", "list") in errors.
#[inline]
pub(crate) fn check_array(
    site: &Site<'_>,
    what: &str,
    mem_len: usize,
    ptr: u32,
    count: u32,
    elem_size: u32,
    align: u32,
) -> Result<core::ops::Range<usize>> {
    let end = match count.checked_mul(elem_size) {
        Some(bytes) => ptr.checked_add(bytes),
        None => None,
    };
    match end {
        Some(end) if ptr & (align - 1) == 0 && end as usize <= mem_len => {
            Ok(ptr as usize..end as usize)
        }
        _ => Err(array_error(
            *site,
            what,
            mem_len,
            [ptr, count, elem_size, align],
        )),
    }
}

/// What is wrong with the array [`check_array`] refused.
#[cold]
#[inline(never)]
fn array_error(
    site: Site<'_>,
    what: &str,
    mem_len: usize,
    [ptr, count, elem_size, align]: [u32; 4],
) -> Error {
    if ptr & (align - 1) != 0 {
        return site.trap(format_args!(
            "{what} pointer {ptr:#x} not aligned to {align}"
        ));
    }
    let Some(bytes) = count.checked_mul(elem_size) else {
        return site.trap(format_args!(
            "{what} length {count} times element size {elem_size} overflows 32 bits"
        ));
    };
    if ptr.checked_add(bytes).is_none() {
        return site.trap(format_args!(
            "{what} at {ptr:#x} with {bytes} bytes overflows 32 bits"
        ));
    }
    site.trap(format_args!(
        "{what} pointer {ptr:#x} with {bytes} bytes out of bounds (memory is {mem_len} bytes)"
    ))
}

/// Reads `N` bytes at `offset`; the caller has checked the range, so a failure
/// here is reported rather than trusted.
#[inline]
pub(crate) fn read<const N: usize>(site: &Site<'_>, mem: &[u8], offset: usize) -> Result<[u8; N]> {
    match mem.get(offset..offset + N) {
        Some(bytes) => {
            let mut out = [0; N];
            out.copy_from_slice(bytes);
            Ok(out)
        }
        None => Err(access_error(*site, "read", N, offset, mem.len())),
    }
}

/// Writes `bytes` at `offset`, reporting a range outside `mem`.
#[inline]
pub(crate) fn write(site: &Site<'_>, mem: &mut [u8], offset: usize, bytes: &[u8]) -> Result<()> {
    let len = mem.len();
    match mem.get_mut(offset..offset + bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            Ok(())
        }
        None => Err(access_error(*site, "write", bytes.len(), offset, len)),
    }
}

/// A read or write of `n` bytes at `offset` outside a memory of `len` bytes.
#[cold]
#[inline(never)]
fn access_error(site: Site<'_>, what: &str, n: usize, offset: usize, len: usize) -> Error {
    site.trap(format_args!(
        "{what} of {n} bytes at {offset:#x} out of bounds (memory is {len} bytes)"
    ))
}

/// Checks an array like [`check_array`] and returns its bytes.
#[inline]
pub(crate) fn guest_bytes<'m>(
    site: &Site<'_>,
    what: &str,
    mem: &'m [u8],
    ptr: u32,
    count: u32,
    elem_size: u32,
    align: u32,
) -> Result<&'m [u8]> {
    let range = check_array(site, what, mem.len(), ptr, count, elem_size, align)?;
    match mem.get(range) {
        Some(bytes) => Ok(bytes),
        None => Err(bytes_error(*site, what, mem.len())),
    }
}

/// An array [`check_array`] passed that still lies outside the memory.
#[cold]
#[inline(never)]
fn bytes_error(site: Site<'_>, what: &str, len: usize) -> Error {
    site.trap(format_args!("{what} out of bounds (memory is {len} bytes)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;

    const SITE: Site<'static> = Site {
        func: "f",
        place: Place::Param("p"),
    };

    fn err(r: Result<core::ops::Range<usize>>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn accepts_range_ending_at_memory_end() {
        assert_eq!(check_array(&SITE, "list", 16, 8, 2, 4, 4).unwrap(), 8..16);
    }

    #[test]
    fn rejects_misaligned_pointer() {
        assert_eq!(
            err(check_array(&SITE, "list", 64, 2, 1, 4, 4)),
            "list pointer 0x2 not aligned to 4 in param `p` of `f`"
        );
    }

    #[test]
    fn rejects_length_overflow() {
        assert_eq!(
            err(check_array(&SITE, "list", 64, 0, 0x8000_0000, 4, 4)),
            "list length 2147483648 times element size 4 overflows 32 bits in param `p` of `f`"
        );
    }

    #[test]
    fn rejects_end_overflow() {
        assert_eq!(
            err(check_array(&SITE, "string", 64, 0xffff_fff0, 0x20, 1, 1)),
            "string at 0xfffffff0 with 32 bytes overflows 32 bits in param `p` of `f`"
        );
    }

    #[test]
    fn rejects_out_of_bounds() {
        assert_eq!(
            err(check_array(&SITE, "string", 16, 10, 7, 1, 1)),
            "string pointer 0xa with 7 bytes out of bounds (memory is 16 bytes) in param `p` of `f`"
        );
    }
}
