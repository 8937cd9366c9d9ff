//! The runtime's description of component value types, built at compile time.
//!
//! Every Rust type that crosses the component boundary names its component type
//! as a `&'static Ty`. Layout, flattening and the link-time typecheck are all
//! computed from this one description, so they cannot disagree.

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
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{field}")?;
                }
                return f.write_str(">");
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
#[derive(Debug)]
pub struct SignatureAbi {
    /// The params use more than 16 flat values and are passed through memory.
    pub params_spilled: bool,
    /// Size of the params laid out in memory.
    pub params_size: u32,
    /// Alignment of the params laid out in memory.
    pub params_align: u32,
    /// The results use more than 1 flat value and are returned through memory.
    pub results_spilled: bool,
    /// How many core values the entrypoint's storage must hold.
    pub storage: usize,
}

impl Signature {
    /// A signature, with its ABI computed from the types (at compile time
    /// when used in a `static`).
    pub const fn new(
        name: &'static str,
        params: &'static [Param],
        results: &'static [&'static Ty],
    ) -> Signature {
        use crate::abi::layout::{
            MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, align, align_to, flat_count, flat_count_all, size,
        };
        let mut flat_params = 0;
        let mut params_size = 0;
        let mut params_align = 1;
        let mut i = 0;
        while i < params.len() {
            let ty = params[i].ty;
            flat_params += flat_count(ty);
            if align(ty) > params_align {
                params_align = align(ty);
            }
            params_size = align_to(params_size, align(ty)) + size(ty);
            i += 1;
        }
        let params_size = align_to(params_size, params_align);
        let params_spilled = flat_params > MAX_FLAT_PARAMS;
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
                storage: if inputs > outputs { inputs } else { outputs },
            },
        }
    }
}
