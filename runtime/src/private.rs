//! What generated code names, as `::hostbind::__private::…`: outside semver.

pub use crate::abi::{
    ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, flag_bit, flags_and,
    flags_contains, flags_is_empty, flags_iter, flags_mask, flags_not, flags_or, fmt_flags,
    lift_case, lift_disc, lift_flags_flat, load_case, load_disc, load_field, load_flags,
    lower_case, lower_disc, lower_flags_flat, next_field, store_case, store_disc, store_field,
    store_flags,
};
pub use crate::call::access::Access;
pub use crate::call::async_glue::{async_host_func, bound_async_func};
pub use crate::call::caller::Caller;
pub use crate::call::glue::{HostCx, Params, enter, host_error, lower_result, trapped};
pub use crate::call::host::{EntryReturn, Entrypoint, HostFunc, IntoHostFunc, bound_func};
pub use crate::error::Result;
pub use crate::linker::WitImport;
pub use crate::raw::ValRaw;
pub use crate::types::compare::ty_matches;
pub use crate::types::layout;
pub use crate::types::{
    Case, Enum, Field, Flags, Param, Record, ResourceTy, Signature, Ty, Variant,
};
pub use core::ffi::c_void;
pub use core::mem::MaybeUninit;
pub use core::result::Result::Ok;

/// The component type of `T`. Generated signatures and type descriptions
/// name each type once through these, rather than spelling out
/// `<T as ComponentType>::TY` at every use.
pub const fn ty<T: ComponentType + ?Sized>() -> &'static Ty {
    T::TY
}

/// A param named `name`, of `T`'s component type.
pub const fn param<T: ComponentType + ?Sized>(name: &'static str) -> Param {
    Param { name, ty: T::TY }
}

/// A record field named `name`, of `T`'s component type.
pub const fn field<T: ComponentType + ?Sized>(name: &'static str) -> Field {
    Field { name, ty: T::TY }
}

/// A variant case named `name` with a payload of `T`'s component type.
pub const fn case<T: ComponentType + ?Sized>(name: &'static str) -> Case {
    Case {
        name,
        ty: Some(T::TY),
    }
}

/// A variant case named `name` without a payload.
pub const fn unit_case(name: &'static str) -> Case {
    Case { name, ty: None }
}
