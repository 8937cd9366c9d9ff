//! What generated code names, as `::hostbind::__private::…`: outside semver.

pub use crate::abi::{ComponentType, Lift, Lower};
pub use crate::glue::{Caller, HostCx, Params, enter, host_error, lower_result};
pub use crate::host::{Entrypoint, HostFunc, IntoHostFunc};
pub use crate::raw::ValRaw;
pub use crate::types::{Param, Signature};
pub use core::ffi::c_void;
pub use core::mem::MaybeUninit;
