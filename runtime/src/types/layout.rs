//! Canonical ABI layout: sizes, alignments and flat counts, computed in `const`.

use crate::types::{Case, Ty};

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
        Ty::Own(_) | Ty::Borrow(_) | Ty::Stream(_) | Ty::Future(_) | Ty::ErrorContext => 4,
        Ty::S64 | Ty::U64 | Ty::F64 => 8,
        Ty::Tuple(fields) => record_layout(fields).1,
        Ty::Record(r) => fields_layout(r.fields).1,
        Ty::Flags(f) => flags_layout(f.names.len()).1,
        Ty::Variant(_) | Ty::Enum(_) | Ty::Option(_) | Ty::Result(..) => variant(ty).align,
    }
}

/// The size of `ty` in linear memory.
pub const fn size(ty: &Ty) -> u32 {
    match ty {
        Ty::Bool | Ty::S8 | Ty::U8 => 1,
        Ty::S16 | Ty::U16 => 2,
        Ty::S32 | Ty::U32 | Ty::F32 | Ty::Char | Ty::Own(_) | Ty::Borrow(_) => 4,
        Ty::Stream(_) | Ty::Future(_) | Ty::ErrorContext => 4,
        Ty::S64 | Ty::U64 | Ty::F64 | Ty::String | Ty::List(_) => 8,
        Ty::Tuple(fields) => record_layout(fields).0,
        Ty::Record(r) => fields_layout(r.fields).0,
        Ty::Flags(f) => flags_layout(f.names.len()).0,
        Ty::Variant(_) | Ty::Enum(_) | Ty::Option(_) | Ty::Result(..) => variant(ty).size,
    }
}

/// How many core values `ty` flattens to.
pub const fn flat_count(ty: &Ty) -> usize {
    match ty {
        Ty::String | Ty::List(_) => 2,
        Ty::Tuple(fields) => flat_count_all(fields),
        Ty::Record(r) => {
            let mut n = 0;
            let mut i = 0;
            while i < r.fields.len() {
                n += flat_count(r.fields[i].ty);
                i += 1;
            }
            n
        }
        Ty::Flags(f) => flags_layout(f.names.len()).2,
        Ty::Variant(_) | Ty::Enum(_) | Ty::Option(_) | Ty::Result(..) => variant(ty).flat,
        _ => 1,
    }
}

/// Size, alignment and flat count of flags with `n` members: one byte up to
/// 8, two up to 16, then one `i32` per 32 flags.
pub const fn flags_layout(n: usize) -> (u32, u32, usize) {
    match n {
        0 => (0, 1, 0),
        1..=8 => (1, 1, 1),
        9..=16 => (2, 2, 1),
        _ => {
            let words = n.div_ceil(32);
            (4 * words as u32, 4, words)
        }
    }
}

/// Size and alignment of a record's fields laid out in order.
pub const fn fields_layout(fields: &[crate::types::Field]) -> (u32, u32) {
    let mut offset = 0;
    let mut max = 1;
    let mut i = 0;
    while i < fields.len() {
        let a = align(fields[i].ty);
        if a > max {
            max = a;
        }
        offset = align_to(offset, a) + size(fields[i].ty);
        i += 1;
    }
    (align_to(offset, max), max)
}

/// The layout of a variant-like type (`variant`, `enum`, `option`, `result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariantLayout {
    /// How many cases there are.
    pub cases: u32,
    /// Size of the discriminant in memory: 1, 2 or 4 bytes.
    pub disc_size: u32,
    /// Offset of the payload from the start of the value.
    pub payload_offset: u32,
    /// Size of the whole value.
    pub size: u32,
    /// Alignment of the whole value.
    pub align: u32,
    /// Flat count: the discriminant plus the widest payload.
    pub flat: usize,
}

/// The smallest discriminant covering `cases` cases, in bytes.
pub const fn discriminant_size(cases: usize) -> u32 {
    if cases <= 1 << 8 {
        1
    } else if cases <= 1 << 16 {
        2
    } else {
        4
    }
}

const fn widest(acc: (u32, u32, usize), ty: Option<&Ty>) -> (u32, u32, usize) {
    let Some(ty) = ty else { return acc };
    let (mut s, mut a, mut f) = acc;
    if size(ty) > s {
        s = size(ty);
    }
    if align(ty) > a {
        a = align(ty);
    }
    if flat_count(ty) > f {
        f = flat_count(ty);
    }
    (s, a, f)
}

const fn cases_widest(cases: &[Case]) -> (u32, u32, usize) {
    let mut acc = (0, 1, 0);
    let mut i = 0;
    while i < cases.len() {
        acc = widest(acc, cases[i].ty);
        i += 1;
    }
    acc
}

/// The layout of `ty`, which must be a variant, enum, option or result
/// (other types give the layout of a one-case enum).
pub const fn variant(ty: &Ty) -> VariantLayout {
    let (cases, (psize, palign, pflat)) = match ty {
        Ty::Variant(v) => (v.cases.len(), cases_widest(v.cases)),
        Ty::Enum(e) => (e.cases.len(), (0, 1, 0)),
        Ty::Option(t) => (2, widest((0, 1, 0), Some(t))),
        Ty::Result(ok, err) => (2, widest(widest((0, 1, 0), *ok), *err)),
        _ => (1, (0, 1, 0)),
    };
    let disc_size = discriminant_size(cases);
    let align = if disc_size > palign {
        disc_size
    } else {
        palign
    };
    let payload_offset = align_to(disc_size, palign);
    VariantLayout {
        cases: cases as u32,
        disc_size,
        payload_offset,
        size: align_to(payload_offset + psize, align),
        align,
        flat: 1 + pflat,
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
    fn variant_discriminant_and_payload_padding() {
        static V: Ty = Ty::Variant(&crate::types::Variant {
            name: "v",
            cases: &[
                Case {
                    name: "a",
                    ty: None,
                },
                Case {
                    name: "b",
                    ty: Some(&Ty::U64),
                },
                Case {
                    name: "c",
                    ty: Some(&Ty::String),
                },
            ],
        });
        let l = variant(&V);
        assert_eq!(
            (l.disc_size, l.payload_offset, l.size, l.align, l.flat),
            (1, 8, 16, 8, 3)
        );
        static O: Ty = Ty::Option(&Ty::U8);
        assert_eq!((size(&O), align(&O), flat_count(&O)), (2, 1, 2));
        static R: Ty = Ty::Result(None, None);
        assert_eq!((size(&R), align(&R), flat_count(&R)), (1, 1, 1));
    }

    #[test]
    fn discriminant_grows_with_case_count() {
        assert_eq!(discriminant_size(2), 1);
        assert_eq!(discriminant_size(256), 1);
        assert_eq!(discriminant_size(257), 2);
        assert_eq!(discriminant_size(65536), 2);
        assert_eq!(discriminant_size(65537), 4);
    }

    #[test]
    fn flags_use_bytes_then_words() {
        assert_eq!(flags_layout(8), (1, 1, 1));
        assert_eq!(flags_layout(9), (2, 2, 1));
        assert_eq!(flags_layout(32), (4, 4, 1));
        assert_eq!(flags_layout(33), (8, 4, 2));
        assert_eq!(flags_layout(65), (12, 4, 3));
    }

    #[test]
    fn record_layout_matches_tuple() {
        assert_eq!(record_layout(&[&Ty::U8, &Ty::String]), (12, 4));
    }
}
