//! The runtime's description of component value types, built at compile time.
//!
//! Every Rust type that crosses the component boundary names its component type
//! as a `&'static Ty`. Layout, flattening and the link-time typecheck are all
//! computed from this one description, so they cannot disagree.

pub(crate) mod compare;
pub mod layout;
pub(crate) mod mismatch;
pub(crate) mod typecheck;

use core::fmt;

/// A component-model value type.
#[derive(Debug, PartialEq, Eq)]
pub enum Ty {
    /// `bool`
    Bool,
    /// `s8`
    S8,
    /// `u8`
    U8,
    /// `s16`
    S16,
    /// `u16`
    U16,
    /// `s32`
    S32,
    /// `u32`
    U32,
    /// `s64`
    S64,
    /// `u64`
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `char`
    Char,
    /// `string`
    String,
    /// `list<T>`
    List(&'static Ty),
    /// `tuple<..>`
    Tuple(&'static [&'static Ty]),
    /// `record { .. }`
    Record(&'static Record),
    /// `variant { .. }`
    Variant(&'static Variant),
    /// `enum { .. }`
    Enum(&'static Enum),
    /// `flags { .. }`
    Flags(&'static Flags),
    /// `option<T>`
    Option(&'static Ty),
    /// `result<T, E>`; `None` for an absent `T` or `E` (`result<_, E>`, `result<T>`, `result`).
    Result(Option<&'static Ty>, Option<&'static Ty>),
    /// `own<R>`
    Own(&'static ResourceTy),
    /// `borrow<R>`
    Borrow(&'static ResourceTy),
    /// `stream<T>`; `None` for a `stream` without elements.
    Stream(Option<&'static Ty>),
    /// `future<T>`; `None` for a `future` without a value.
    Future(Option<&'static Ty>),
    /// `error-context`
    ErrorContext,
}

/// A resource type as Rust names it: a host type, or any resource.
#[derive(Debug)]
pub struct ResourceTy {
    /// The Rust type's name, for messages.
    pub name: fn() -> &'static str,
    /// The key of a host resource type; `None` for `ResourceAny`, which
    /// stands for any resource.
    pub host: Option<fn() -> core::any::TypeId>,
}

/// A record type: named fields in order.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    /// The type's name (kebab-case), for messages.
    pub name: &'static str,
    /// The fields, in order.
    pub fields: &'static [Field],
}

/// A field of a [`Record`].
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// The field's component name (kebab-case).
    pub name: &'static str,
    /// The field's type.
    pub ty: &'static Ty,
}

/// A variant type: named cases, each with an optional payload.
#[derive(Debug, PartialEq, Eq)]
pub struct Variant {
    /// The type's name (kebab-case), for messages.
    pub name: &'static str,
    /// The cases, in discriminant order.
    pub cases: &'static [Case],
}

/// A case of a [`Variant`].
#[derive(Debug, PartialEq, Eq)]
pub struct Case {
    /// The case's component name (kebab-case).
    pub name: &'static str,
    /// The payload type, if the case has one.
    pub ty: Option<&'static Ty>,
}

/// An enum type: named cases without payloads.
#[derive(Debug, PartialEq, Eq)]
pub struct Enum {
    /// The type's name (kebab-case), for messages.
    pub name: &'static str,
    /// The case names, in discriminant order.
    pub cases: &'static [&'static str],
}

/// A flags type: named bits.
#[derive(Debug, PartialEq, Eq)]
pub struct Flags {
    /// The type's name (kebab-case), for messages.
    pub name: &'static str,
    /// The flag names, lowest bit first.
    pub names: &'static [&'static str],
}

// Compared by what the function pointers return: their addresses are not unique.
impl PartialEq for ResourceTy {
    fn eq(&self, other: &Self) -> bool {
        (self.name)() == (other.name)() && self.host.map(|f| f()) == other.host.map(|f| f())
    }
}
impl Eq for ResourceTy {}

impl Ty {
    /// `Some(ty)`, or `None` for the empty tuple `()`: how an absent `ok` or
    /// `err` type of a `result` is spelled in Rust.
    pub const fn unless_unit(ty: &'static Ty) -> Option<&'static Ty> {
        match ty {
            Ty::Tuple([]) => None,
            _ => Some(ty),
        }
    }
}

fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = T>,
) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Ty::Bool => "bool",
            Ty::S8 => "s8",
            Ty::U8 => "u8",
            Ty::S16 => "s16",
            Ty::U16 => "u16",
            Ty::S32 => "s32",
            Ty::U32 => "u32",
            Ty::S64 => "s64",
            Ty::U64 => "u64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::Char => "char",
            Ty::String => "string",
            Ty::List(elem) => return write!(f, "list<{elem}>"),
            Ty::Tuple(fields) => {
                f.write_str("tuple<")?;
                write_joined(f, fields.iter())?;
                return f.write_str(">");
            }
            Ty::Record(r) => {
                write!(f, "record {} {{ ", r.name)?;
                write_joined(f, r.fields.iter().map(|x| format!("{}: {}", x.name, x.ty)))?;
                return f.write_str(" }");
            }
            Ty::Variant(v) => {
                write!(f, "variant {} {{ ", v.name)?;
                let cases = v.cases.iter().map(|c| match c.ty {
                    Some(t) => format!("{}({t})", c.name),
                    None => c.name.to_string(),
                });
                write_joined(f, cases)?;
                return f.write_str(" }");
            }
            Ty::Enum(e) => {
                write!(f, "enum {} {{ ", e.name)?;
                write_joined(f, e.cases.iter())?;
                return f.write_str(" }");
            }
            Ty::Flags(x) => {
                write!(f, "flags {} {{ ", x.name)?;
                write_joined(f, x.names.iter())?;
                return f.write_str(" }");
            }
            Ty::Option(t) => return write!(f, "option<{t}>"),
            Ty::Own(r) | Ty::Borrow(r) if r.host.is_none() => return f.write_str((r.name)()),
            Ty::Own(r) => return write!(f, "own<{}>", (r.name)()),
            Ty::Borrow(r) => return write!(f, "borrow<{}>", (r.name)()),
            Ty::Stream(None) => "stream",
            Ty::Future(None) => "future",
            Ty::Stream(Some(t)) => return write!(f, "stream<{t}>"),
            Ty::Future(Some(t)) => return write!(f, "future<{t}>"),
            Ty::ErrorContext => "error-context",
            Ty::Result(ok, err) => {
                return match (ok, err) {
                    (None, None) => f.write_str("result"),
                    (Some(ok), None) => write!(f, "result<{ok}>"),
                    (None, Some(err)) => write!(f, "result<_, {err}>"),
                    (Some(ok), Some(err)) => write!(f, "result<{ok}, {err}>"),
                };
            }
        };
        f.write_str(name)
    }
}

/// A parameter of a host function: its Rust name and its component type.
#[derive(Debug)]
pub struct Param {
    /// The parameter's name in the Rust source.
    pub name: &'static str,
    /// The parameter's component type.
    pub ty: &'static Ty,
}

/// The component-level signature of a host function.
#[derive(Debug)]
pub struct Signature {
    /// The Rust function's name, used in error messages.
    pub name: &'static str,
    /// Parameters, in order.
    pub params: &'static [Param],
    /// Results: none or one.
    pub results: &'static [&'static Ty],
    /// How the signature is passed, derived from the types.
    pub abi: SignatureAbi,
}

/// How a signature's values travel in the canonical ABI.
///
/// Built only by [`Signature::new`]; it may gain fields.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignatureAbi {
    /// The params use more than 16 flat values and are passed through memory.
    pub params_spilled: bool,
    /// Size of the params laid out in memory.
    pub params_size: u32,
    /// Alignment of the params laid out in memory.
    pub params_align: u32,
    /// The results use more than 1 flat value and are returned through memory.
    pub results_spilled: bool,
    /// The results are one flat value, left in the storage's first slot.
    pub flat_result: bool,
    /// How many core values the entrypoint's storage must hold.
    pub storage: usize,
    /// Whether a call touches guest memory at all (strings, lists, or
    /// values passed through memory); if not, the glue never looks it up.
    pub needs_memory: bool,
    /// Whether reading the params touches guest memory. The glue looks the
    /// memory up before the call only then: a result that needs it may
    /// first run `realloc`, which can move it.
    pub params_need_memory: bool,
    /// Whether a param is a `borrow`, whose lend must end with the call.
    pub borrows: bool,
    /// Whether a value is or holds a resource handle, and so the call
    /// reaches the instance's handle tables.
    pub resources: bool,
}

/// What a type needs of a call: `NEEDS_MEMORY`, `BORROWS`, `HANDLES`.
const NEEDS_MEMORY: u8 = 1;
const BORROWS: u8 = 2;
const HANDLES: u8 = 4;

const fn needs(ty: &Ty) -> u8 {
    match ty {
        Ty::String => NEEDS_MEMORY,
        Ty::List(t) => NEEDS_MEMORY | needs(t),
        Ty::Borrow(_) => BORROWS | HANDLES,
        Ty::Own(_) | Ty::Stream(_) | Ty::Future(_) | Ty::ErrorContext => HANDLES,
        Ty::Tuple(fields) => needs_all(fields),
        Ty::Option(t) => needs(t),
        Ty::Result(ok, err) => {
            let a = match ok {
                Some(t) => needs(t),
                None => 0,
            };
            let b = match err {
                Some(t) => needs(t),
                None => 0,
            };
            a | b
        }
        Ty::Record(r) => {
            let mut n = 0;
            let mut i = 0;
            while i < r.fields.len() {
                n |= needs(r.fields[i].ty);
                i += 1;
            }
            n
        }
        Ty::Variant(v) => {
            let mut n = 0;
            let mut i = 0;
            while i < v.cases.len() {
                if let Some(t) = v.cases[i].ty {
                    n |= needs(t);
                }
                i += 1;
            }
            n
        }
        _ => 0,
    }
}

/// Whether values of `tys` can carry resource handles (or stream, future
/// or error-context ends): a call passing none needs no handle table.
pub(crate) const fn any_handles(tys: &[&Ty]) -> bool {
    needs_all(tys) & HANDLES != 0
}

const fn needs_all(tys: &[&Ty]) -> u8 {
    let mut n = 0;
    let mut i = 0;
    while i < tys.len() {
        n |= needs(tys[i]);
        i += 1;
    }
    n
}

impl Signature {
    /// A signature, with its ABI computed from the types (at compile time
    /// when used in a `static`).
    pub const fn new(
        name: &'static str,
        params: &'static [Param],
        results: &'static [&'static Ty],
    ) -> Signature {
        use crate::types::layout::{
            MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, align, align_to, flat_count, flat_count_all, size,
        };
        let mut flat_params = 0;
        let mut params_size = 0;
        let mut params_align = 1;
        let mut need = 0;
        let mut i = 0;
        while i < params.len() {
            let ty = params[i].ty;
            need |= needs(ty);
            flat_params += flat_count(ty);
            if align(ty) > params_align {
                params_align = align(ty);
            }
            params_size = align_to(params_size, align(ty)) + size(ty);
            i += 1;
        }
        let params_size = align_to(params_size, params_align);
        let params_spilled = flat_params > MAX_FLAT_PARAMS;
        let params_need_memory = params_spilled || need & NEEDS_MEMORY != 0;
        need |= needs_all(results);
        let flat_results = flat_count_all(results);
        let results_spilled = flat_results > MAX_FLAT_RESULTS;
        let inputs = if params_spilled { 1 } else { flat_params } + results_spilled as usize;
        let outputs = if results_spilled { 0 } else { flat_results };
        Signature {
            name,
            params,
            results,
            abi: SignatureAbi {
                params_spilled,
                params_size,
                params_align,
                results_spilled,
                flat_result: outputs == 1,
                storage: if inputs > outputs { inputs } else { outputs },
                needs_memory: params_need_memory || results_spilled || need & NEEDS_MEMORY != 0,
                params_need_memory,
                borrows: need & BORROWS != 0,
                resources: need & HANDLES != 0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RES: ResourceTy = ResourceTy {
        name: || "r",
        host: None,
    };
    static BORROW: Ty = Ty::Borrow(&RES);
    static OWN: Ty = Ty::Own(&RES);
    static LIST_OF_BORROWS: Ty = Ty::List(&BORROW);
    static OPTION_OF_OWN: Ty = Ty::Option(&OWN);

    #[test]
    fn handles_inside_lists_and_options_are_seen() {
        static POLL: Signature = Signature::new(
            "poll",
            &[Param {
                name: "in",
                ty: &LIST_OF_BORROWS,
            }],
            &[],
        );
        let abi = &POLL.abi;
        assert!(abi.needs_memory && abi.borrows && abi.resources);
        static TAKE: Signature = Signature::new(
            "take",
            &[Param {
                name: "r",
                ty: &OPTION_OF_OWN,
            }],
            &[],
        );
        let abi = &TAKE.abi;
        assert!(!abi.needs_memory && !abi.borrows && abi.resources);
    }

    #[test]
    fn scalars_need_nothing() {
        static NORM: Signature = Signature::new(
            "norm",
            &[Param {
                name: "a",
                ty: &Ty::U32,
            }],
            &[&Ty::F64],
        );
        let abi = &NORM.abi;
        assert!(!abi.needs_memory && !abi.borrows && !abi.resources);
        assert!(!abi.params_need_memory);
    }

    #[test]
    fn memory_for_results_only_is_not_needed_by_the_params() {
        static MAKE: Signature = Signature::new("make", &[], &[&Ty::String]);
        assert!(MAKE.abi.needs_memory && !MAKE.abi.params_need_memory);
        static TAKE: Signature = Signature::new(
            "take",
            &[Param {
                name: "s",
                ty: &Ty::String,
            }],
            &[&Ty::U32],
        );
        assert!(TAKE.abi.needs_memory && TAKE.abi.params_need_memory);
    }
}
