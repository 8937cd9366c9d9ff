//! Dynamic values and types: host functions and export calls whose types are
//! known only at run time, through [`Val`], [`Type`] and [`FuncType`].

pub(crate) mod func;
pub(crate) mod lift;
pub(crate) mod lower;

mod ty;
mod val;

pub use crate::call::ends::{ErrorContext, FutureReader, FutureWriter, StreamReader, StreamWriter};
pub(crate) use func::entry;
pub use func::{DynamicFn, Func};
pub use ty::{FuncType, Type, TypeKind};
pub use val::Val;
