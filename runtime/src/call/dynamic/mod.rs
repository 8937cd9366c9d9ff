//! Dynamic values and types: host functions and export calls whose types are
//! known only at run time, through [`Val`], [`Type`] and [`FuncType`].

pub(crate) mod func;
pub(crate) mod lift;
pub(crate) mod lower;
mod stream;
mod ty;
mod val;

pub(crate) use func::entry;
pub use func::{DynamicFn, Func};
pub use stream::{ErrorContext, FutureReader, FutureWriter, StreamReader, StreamWriter};
pub use ty::{FuncType, Type, TypeKind};
pub use val::Val;
