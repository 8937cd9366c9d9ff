//! hostbind: typed WebAssembly component host functions, generated at compile time.
//!
//! Annotate a plain Rust `fn` with [`host_fn`]; define it in a [`Linker`]
//! under the name the component imports; instantiate the component in a
//! [`Store`]; call its exports through a [`TypedFunc`]. Imports are
//! typechecked when the component is instantiated, exports when they are
//! looked up, and every value read from the guest is validated.
//!
//! ```
//! use hostbind::{Component, Engine, Linker, Store, host_fn};
//!
//! #[derive(Default)]
//! struct Ctx { said: Vec<String> }
//!
//! /// Borrows the guest's string without copying it.
//! #[host_fn]
//! fn say(cx: &mut Ctx, msg: &str) -> u32 {
//!     cx.said.push(msg.to_string());
//!     msg.len() as u32
//! }
//!
//! let engine = Engine::default();
//! let component = Component::new(&engine, wat::parse_str(r#"
//!   (component
//!     (import "example:host/io" (instance $io
//!       (export "say" (func (param "msg" string) (result u32)))))
//!     (core module $Mem (memory (export "memory") 1) (data (i32.const 8) "hello"))
//!     (core instance $mem (instantiate $Mem))
//!     (alias core export $mem "memory" (core memory $memory))
//!     (core func $say (canon lower (func $io "say") (memory $memory)))
//!     (core module $Main
//!       (import "io" "say" (func $say (param i32 i32) (result i32)))
//!       (func (export "run") (result i32) (call $say (i32.const 8) (i32.const 5))))
//!     (core instance $main (instantiate $Main (with "io" (instance (export "say" (func $say))))))
//!     (func (export "run") (result u32) (canon lift (core func $main "run"))))
//! "#)?)?;
//!
//! let mut linker = Linker::<Ctx>::new(&engine);
//! linker.instance("example:host/io")?.func("say", say)?;
//! let mut store = Store::new(&engine, Ctx::default());
//! let instance = linker.instantiate(&mut store, &component)?;
//! let run = instance.get_typed_func::<(), (u32,)>(&mut store, "run")?;
//! assert_eq!(run.call(&mut store, ())?, (5,));
//! assert_eq!(store.data().said, ["hello"]);
//! # Ok::<(), hostbind::Error>(())
//! ```

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod abi;
mod component;
mod dynamic;
mod engine;
mod error;
mod glue;
mod host;
mod instance;
mod linker;
mod raw;
mod store;
mod typecheck;
mod typed;
mod types;

pub use abi::{ComponentType, Lift, Lower};
pub use component::Component;
pub use dynamic::{DynamicFn, Func, FuncType, Type, TypeKind, Val};
pub use engine::{Engine, EngineKind};
pub use error::{Error, Place, Result, Site, Trap};
pub use glue::{Caller, HostCx};
pub use host::{Entrypoint, HostFunc, IntoHostFunc};
pub use hostbind_macros::{ComponentType, Lift, Lower, flags, host_fn};
pub use instance::Instance;
pub use linker::{Linker, LinkerInstance};
pub use raw::{CoreFuncType, CoreType, ValRaw};
pub use store::{CallHook, Store};
pub use typed::TypedFunc;
pub use types::{Case, Enum, Field, Flags, Param, Record, Signature, SignatureAbi, Ty, Variant};
