//! hostbind: typed WebAssembly component host functions, generated at compile time.

pub mod abi;
mod component;
mod engine;
mod error;
mod glue;
mod host;
mod instance;
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
mod linker;
mod raw;
mod store;
mod typecheck;
mod typed;
mod types;

pub use component::Component;
pub use engine::{Engine, EngineKind};
pub use error::{Error, Place, Result, Site, Trap};
pub use glue::{Caller, HostCx};
pub use host::{Entrypoint, HostFunc, IntoHostFunc};
pub use raw::{CoreFuncType, CoreType, ValRaw};
pub use store::{CallHook, Store};
pub use types::{Param, Signature, SignatureAbi, Ty};
pub use instance::Instance;
pub use linker::{Linker, LinkerInstance};
pub use typed::TypedFunc;
pub use hostbind_macros::host_fn;
