//! Canonical ABI layout: sizes, alignments and flat counts, computed in `const`.

use crate::types::Ty;

/// The most flat values that a function's parameters may use before they are
/// passed through memory instead.
pub const MAX_FLAT_PARAMS: usize = 16;
/// The most flat values that a function's results may use before they are
/// returned through memory instead.
pub const MAX_FLAT_RESULTS: usize = 1;

/// Rounds `offset` up to a multiple of `align` (a power of two).
#[inline]
pub const fn align_to(offset: u32, align: u32) -> u32 {
    (offset + align - 1) & !(align - 1)
}

/// The alignment of `ty` in linear memory.
pub const fn align(ty: &Ty) -> u32 {
    match ty {
        Ty::Bool | Ty::S8 | Ty::U8 => 1,
        Ty::S16 | Ty::U16 => 2,
        Ty::S32 | Ty::U32 | Ty::F32 | Ty::Char | Ty::String | Ty::List(_) => 4,
        Ty::S64 | Ty::U64 | Ty::F64 => 8,
        Ty::Tuple(fields) => {
            let mut max = 1;
            let mut i = 0;
            while i < fields.len() {
                let a = align(fields[i]);
                if a > max {
                    max = a;
                }
                i += 1;
            }
            max
        }
    }
}

/// The size of `ty` in linear memory.
pub const fn size(ty: &Ty) -> u32 {
    match ty {
        Ty::Bool | Ty::S8 | Ty::U8 => 1,
        Ty::S16 | Ty::U16 => 2,
        Ty::S32 | Ty::U32 | Ty::F32 | Ty::Char => 4,
        Ty::S64 | Ty::U64 | Ty::F64 | Ty::String | Ty::List(_) => 8,
        Ty::Tuple(fields) => {
            let mut offset = 0;
            let mut i = 0;
            while i < fields.len() {
                offset = align_to(offset, align(fields[i])) + size(fields[i]);
                i += 1;
            }
            align_to(offset, align(ty))
        }
    }
}

/// How many core values `ty` flattens to.
pub const fn flat_count(ty: &Ty) -> usize {
    match ty {
        Ty::String | Ty::List(_) => 2,
        Ty::Tuple(fields) => flat_count_all(fields),
        _ => 1,
    }
}

/// How many core values a sequence of types flattens to.
pub const fn flat_count_all(tys: &[&Ty]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < tys.len() {
        n += flat_count(tys[i]);
        i += 1;
    }
    n
}

/// Size and alignment of a sequence of values laid out as a tuple in memory,
/// the way spilled parameters and returned results are.
pub const fn record_layout(tys: &[&Ty]) -> (u32, u32) {
    let mut offset = 0;
    let mut max = 1;
    let mut i = 0;
    while i < tys.len() {
        let a = align(tys[i]);
        if a > max {
            max = a;
        }
        offset = align_to(offset, a) + size(tys[i]);
        i += 1;
    }
    (align_to(offset, max), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuple_layout_pads_fields_and_tail() {
        static T: Ty = Ty::Tuple(&[&Ty::U8, &Ty::U64, &Ty::U16]);
        assert_eq!(align(&T), 8);
        assert_eq!(size(&T), 24);
        assert_eq!(flat_count(&T), 3);
    }

    #[test]
    fn empty_tuple_is_zero_sized() {
        static T: Ty = Ty::Tuple(&[]);
        assert_eq!((size(&T), align(&T), flat_count(&T)), (0, 1, 0));
    }

    #[test]
    fn record_layout_matches_tuple() {
        assert_eq!(record_layout(&[&Ty::U8, &Ty::String]), (12, 4));
    }
}
