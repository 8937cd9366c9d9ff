//! Compile-time comparison of component types, for `#[host_fn(wit = ..)]`:
//! the Rust side's [`Ty`] against the one generated from the WIT declaration.

use crate::types::Ty;

/// Whether two strings are equal, in `const`.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn opt_matches(rust: Option<&Ty>, wit: Option<&Ty>) -> bool {
    match (rust, wit) {
        (None, None) => true,
        (Some(a), Some(b)) => ty_matches(a, b),
        _ => false,
    }
}

pub(crate) const fn all_match(rust: &[&Ty], wit: &[&Ty]) -> bool {
    if rust.len() != wit.len() {
        return false;
    }
    let mut i = 0;
    while i < rust.len() {
        if !ty_matches(rust[i], wit[i]) {
            return false;
        }
        i += 1;
    }
    true
}

const fn names_match(rust: &[&str], wit: &[&str]) -> bool {
    if rust.len() != wit.len() {
        return false;
    }
    let mut i = 0;
    while i < rust.len() {
        if !str_eq(rust[i], wit[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether the Rust type `rust` is the WIT type `wit`, by the link-time
/// typecheck's rules: structure, member names and handle kinds must agree;
/// type names need not (a record is structural), and any resource type of
/// the right kind matches (the linker ties resources to Rust types).
pub const fn ty_matches(rust: &Ty, wit: &Ty) -> bool {
    match (rust, wit) {
        (Ty::Bool, Ty::Bool)
        | (Ty::S8, Ty::S8)
        | (Ty::U8, Ty::U8)
        | (Ty::S16, Ty::S16)
        | (Ty::U16, Ty::U16)
        | (Ty::S32, Ty::S32)
        | (Ty::U32, Ty::U32)
        | (Ty::S64, Ty::S64)
        | (Ty::U64, Ty::U64)
        | (Ty::F32, Ty::F32)
        | (Ty::F64, Ty::F64)
        | (Ty::Char, Ty::Char)
        | (Ty::String, Ty::String)
        | (Ty::Own(_), Ty::Own(_))
        | (Ty::Borrow(_), Ty::Borrow(_))
        | (Ty::ErrorContext, Ty::ErrorContext) => true,
        (Ty::Stream(a), Ty::Stream(b)) | (Ty::Future(a), Ty::Future(b)) => opt_matches(*a, *b),
        // `ResourceAny` stands for a borrow too.
        (Ty::Own(r), Ty::Borrow(_)) => r.host.is_none(),
        (Ty::List(a), Ty::List(b)) | (Ty::Option(a), Ty::Option(b)) => ty_matches(a, b),
        (Ty::Tuple(a), Ty::Tuple(b)) => all_match(a, b),
        (Ty::Result(ao, ae), Ty::Result(bo, be)) => opt_matches(*ao, *bo) && opt_matches(*ae, *be),
        (Ty::Record(a), Ty::Record(b)) => {
            if a.fields.len() != b.fields.len() {
                return false;
            }
            let mut i = 0;
            while i < a.fields.len() {
                if !str_eq(a.fields[i].name, b.fields[i].name)
                    || !ty_matches(a.fields[i].ty, b.fields[i].ty)
                {
                    return false;
                }
                i += 1;
            }
            true
        }
        (Ty::Variant(a), Ty::Variant(b)) => {
            if a.cases.len() != b.cases.len() {
                return false;
            }
            let mut i = 0;
            while i < a.cases.len() {
                if !str_eq(a.cases[i].name, b.cases[i].name)
                    || !opt_matches(a.cases[i].ty, b.cases[i].ty)
                {
                    return false;
                }
                i += 1;
            }
            true
        }
        (Ty::Enum(a), Ty::Enum(b)) => names_match(a.cases, b.cases),
        (Ty::Flags(a), Ty::Flags(b)) => names_match(a.names, b.names),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Field, Record};

    #[test]
    fn records_compare_by_structure_and_field_names() {
        static A: Ty = Ty::Record(&Record {
            name: "a",
            fields: &[Field {
                name: "x",
                ty: &Ty::U32,
            }],
        });
        static B: Ty = Ty::Record(&Record {
            name: "b",
            fields: &[Field {
                name: "x",
                ty: &Ty::U32,
            }],
        });
        static C: Ty = Ty::Record(&Record {
            name: "a",
            fields: &[Field {
                name: "y",
                ty: &Ty::U32,
            }],
        });
        const { assert!(ty_matches(&A, &B)) };
        assert!(!ty_matches(&A, &C));
        assert!(!ty_matches(&Ty::List(&Ty::U8), &Ty::List(&Ty::S8)));
    }
}
