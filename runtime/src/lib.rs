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

//!
//! # Value types
//!
//! Params and results can be any component value type without resources:
//! the scalars, `String`/`&str`, `Vec<T>`/`&[T]`, tuples, `Option<T>`,
//! `Result<T, E>` (with `()` for an absent side), and user types with
//! [`derive@ComponentType`], [`derive@Lift`] and [`derive@Lower`] (records,
//! variants, enums) or from [`flags!`]. Names are the kebab-case of the Rust
//! names unless `#[component(name = "..")]` says otherwise:
//!
//! ```
//! use hostbind::{ComponentType, Lift, Lower};
//!
//! #[derive(ComponentType, Lift, Lower)]
//! struct Point { x: i32, y: i32 }
//!
//! #[derive(ComponentType, Lift, Lower)]
//! #[component(variant)]
//! enum Shape { Dot(Point), #[component(name = "none")] Nothing }
//!
//! assert_eq!(
//!     <Shape as ComponentType>::TY.to_string(),
//!     "variant shape { dot(record point { x: s32, y: s32 }), none }"
//! );
//! ```
//!
//! A host function's outer `Result` is its error channel: an `Err` traps.
//! Return a WIT `result` by nesting it, as in `-> anyhow::Result<Result<u32, Code>>`.
//!
//! Resources the host implements are linked with
//! [`LinkerInstance::resource`] and appear in signatures as [`Resource<T>`]
//! (`own`) and [`Borrow<T>`] (`borrow`); a [`ResourceTable`] holds their
//! state. Resources a guest implements reach the host as [`ResourceAny`].
//!
//! # Bindings from WIT
//!
//! [`bindgen!`] reads a WIT world and generates its types, a `Host` trait per
//! imported interface, `add_to_linker`, and a struct whose `call_*` methods
//! call the exports. `add_to_linker` takes a getter from the store's data to
//! the `Host` implementation (`|data| data` when the data is it):
//!
//! ```
//! use hostbind::{Component, Engine, Linker, Store};
//!
//! hostbind::bindgen!({
//!     inline: "
//!         package example:host;
//!         interface io { say: func(msg: string) -> u32; }
//!         world hello { import io; export run: func() -> u32; }
//!     ",
//! });
//!
//! #[derive(Default)]
//! struct Io { said: Vec<String> }
//!
//! impl example::host::io::Host for Io {
//!     fn say(&mut self, msg: &str) -> u32 {
//!         self.said.push(msg.to_string());
//!         msg.len() as u32
//!     }
//! }
//!
//! struct App { io: Io }
//!
//! fn main() -> hostbind::Result<()> {
//!     let engine = Engine::default();
//!     let component = Component::new(&engine, wat::parse_str(r#"
//!       (component
//!         (import "example:host/io" (instance $io
//!           (export "say" (func (param "msg" string) (result u32)))))
//!         (core module $Mem (memory (export "memory") 1) (data (i32.const 8) "hi!"))
//!         (core instance $mem (instantiate $Mem))
//!         (alias core export $mem "memory" (core memory $memory))
//!         (core func $say (canon lower (func $io "say") (memory $memory)))
//!         (core module $Main
//!           (import "io" "say" (func $say (param i32 i32) (result i32)))
//!           (func (export "run") (result i32) (call $say (i32.const 8) (i32.const 3))))
//!         (core instance $main (instantiate $Main (with "io" (instance (export "say" (func $say))))))
//!         (func (export "run") (result u32) (canon lift (core func $main "run"))))
//!     "#)?)?;
//!
//!     let mut linker = Linker::<App>::new(&engine);
//!     Hello::add_to_linker(&mut linker, |app: &mut App| &mut app.io)?;
//!     let mut store = Store::new(&engine, App { io: Io::default() });
//!     let hello = Hello::instantiate(&mut store, &component, &linker)?;
//!     assert_eq!(hello.call_run(&mut store)?, 3);
//!     assert_eq!(store.data().io.said, ["hi!"]);
//!     Ok(())
//! }
//! ```
//!
//! # Limits
//!
//! A host running code it does not trust limits it: fuel
//! ([`Config::consume_fuel`], [`Store::set_fuel`]), interruption from
//! another thread ([`Config::interruptible`], [`Store::interrupt_handle`]),
//! and memory and table growth ([`Store::limiter`], [`StoreLimits`]). Each
//! trap says which limit stopped the guest:
//!
//! ```
//! use hostbind::{Component, Config, Engine, Linker, Store};
//!
//! let engine = Engine::with_config(Config::new().consume_fuel(true))?;
//! let component = Component::new(&engine, wat::parse_str(r#"
//!   (component
//!     (core module $M (func (export "spin") (loop $l (br $l))))
//!     (core instance $m (instantiate $M))
//!     (func (export "spin") (canon lift (core func $m "spin"))))
//! "#)?)?;
//! let mut store = Store::new(&engine, ());
//! store.set_fuel(100_000)?;
//! let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
//! let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;
//! let err = spin.call(&mut store, ()).unwrap_err();
//! assert!(err.to_string().starts_with("fuel ran out"));
//! # Ok::<(), hostbind::Error>(())
//! ```
//!
//! # Resources
//!
//! A host resource is a Rust type standing for it in signatures,
//! `Resource<R>` owned and `Borrow<R>` lent, whose `rep` keys the host's
//! state, typically in a [`ResourceTable`]. Its destructor runs when the
//! guest drops its last handle.
//!
//! ```
//! use hostbind::{Borrow, Component, Engine, Linker, Resource, ResourceTable, Store, host_fn};
//!
//! struct Counter(u32);
//!
//! #[derive(Default)]
//! struct Ctx {
//!     table: ResourceTable,
//!     dropped: u32,
//! }
//!
//! #[host_fn]
//! fn new_counter(cx: &mut Ctx, start: u32) -> Resource<Counter> {
//!     cx.table.push(Counter(start))
//! }
//!
//! #[host_fn]
//! fn incr(cx: &mut Ctx, this: Borrow<Counter>) -> hostbind::Result<u32> {
//!     let c = cx.table.get_mut(&this)?;
//!     c.0 += 1;
//!     Ok(c.0)
//! }
//!
//! let engine = Engine::default();
//! let component = Component::new(&engine, wat::parse_str(r#"(component
//!   (import "counter" (type $c (sub resource)))
//!   (import "[constructor]counter" (func $new (param "start" u32) (result (own $c))))
//!   (import "[method]counter.incr" (func $incr (param "self" (borrow $c)) (result u32)))
//!   (core func $new (canon lower (func $new)))
//!   (core func $incr (canon lower (func $incr)))
//!   (core func $drop (canon resource.drop $c))
//!   (core module $M
//!     (import "" "new" (func $new (param i32) (result i32)))
//!     (import "" "incr" (func $incr (param i32) (result i32)))
//!     (import "" "drop" (func $drop (param i32)))
//!     (func (export "run") (result i32) (local $h i32) (local $n i32)
//!       (local.set $h (call $new (i32.const 40)))
//!       (drop (call $incr (local.get $h)))
//!       (local.set $n (call $incr (local.get $h)))
//!       (call $drop (local.get $h))
//!       (local.get $n)))
//!   (core instance $m (instantiate $M (with "" (instance
//!     (export "new" (func $new)) (export "incr" (func $incr)) (export "drop" (func $drop))))))
//!   (func (export "run") (result u32) (canon lift (core func $m "run"))))"#)?)?;
//!
//! let mut linker = Linker::<Ctx>::new(&engine);
//! linker
//!     .root()
//!     .resource::<Counter>("counter", |cx, r| {
//!         cx.table.delete(r)?;
//!         cx.dropped += 1;
//!         Ok(())
//!     })?
//!     .func("[constructor]counter", new_counter)?
//!     .func("[method]counter.incr", incr)?;
//! let mut store = Store::new(&engine, Ctx::default());
//! let instance = linker.instantiate(&mut store, &component)?;
//! let run = instance.get_typed_func::<(), (u32,)>(&mut store, "run")?;
//! assert_eq!(run.call(&mut store, ())?, (42,));
//! assert_eq!(store.data().dropped, 1);
//! assert!(store.data().table.is_empty());
//! # Ok::<(), hostbind::Error>(())
//! ```
//!
//! # Dynamic calls
//!
//! Functions whose types are known only at run time use [`Val`]:
//! [`LinkerInstance::func_new`] defines one, [`Instance::get_func`] and
//! [`Func::call`] call an export.
//!
//! ```
//! use hostbind::{Component, Engine, Linker, Store, Val};
//!
//! let engine = Engine::default();
//! let component = Component::new(&engine, wat::parse_str(r#"(component
//!   (import "double" (func $double (param "x" u32) (result u32)))
//!   (core func $double (canon lower (func $double)))
//!   (core module $M
//!     (import "" "double" (func $double (param i32) (result i32)))
//!     (func (export "quad") (param i32) (result i32)
//!       (call $double (call $double (local.get 0)))))
//!   (core instance $m (instantiate $M (with "" (instance (export "double" (func $double))))))
//!   (func (export "quad") (param "x" u32) (result u32) (canon lift (core func $m "quad"))))"#)?)?;
//!
//! let mut linker = Linker::<()>::new(&engine);
//! linker.root().func_new("double", |_, ty, params, results| {
//!     assert_eq!(ty.to_string(), "func(x: u32) -> u32");
//!     let Val::U32(x) = params[0] else {
//!         anyhow::bail!("`double` expects a u32");
//!     };
//!     results[0] = Val::U32(x * 2);
//!     Ok(())
//! })?;
//! let mut store = Store::new(&engine, ());
//! let instance = linker.instantiate(&mut store, &component)?;
//! let quad = instance.get_func(&mut store, "quad")?;
//! let mut out = [Val::U32(0)];
//! quad.call(&mut store, &[Val::U32(5)], &mut out)?;
//! assert_eq!(out[0], Val::U32(20));
//! # Ok::<(), hostbind::Error>(())
//! ```
//!
//! # Engines
//!
//! Core modules run on wasmi, an interpreter, by default; with the
//! `wasmtime` feature, on wasmtime's core API and Cranelift. Everything
//! above works the same on both.
//!
//! ```
//! use hostbind::{Config, Engine, EngineKind};
//!
//! assert_eq!(Engine::default().kind(), EngineKind::Wasmi);
//! #[cfg(feature = "wasmtime")]
//! {
//!     let engine = Engine::with_config(Config::new().kind(EngineKind::Wasmtime))?;
//!     assert_eq!(engine.kind(), EngineKind::Wasmtime);
//! }
//! # Ok::<(), hostbind::Error>(())
//! ```
//!
//! # Async
//!
//! Components that use the async ABI (`async func`, `stream<T>`,
//! `future<T>`) run on both engines. The host calls an export with
//! [`TypedFunc::call_async`] or [`Func::call_async`] (or starts several
//! with [`Func::start`]), writes async host functions as
//! `#[host_fn] async fn` or with [`LinkerInstance::func_new_async`],
//! reaching the store's data through [`Access::with`], and reads and
//! writes streams and futures through [`StreamReader`], [`StreamWriter`],
//! [`FutureReader`] and [`FutureWriter`]. hostbind has no executor of its
//! own: tokio, or any `block_on`, drives the futures.
//!
//! # Features
//!
//! - `wat` (on by default): [`Component::new`], [`Component::from_file`]
//!   and [`Module::new`] also read the WebAssembly text format.
//! - `wasmtime`: the wasmtime engine (`EngineKind::Wasmtime`), and with
//!   it precompiled components ([`Component::serialize`],
//!   [`ComponentCache`]).
//!
//! The guide in the `docs/` folder of hostbind's source has a page for
//! each task: getting started, host functions, `bindgen!`, resources,
//! WASI, limits for untrusted guests, precompiled components, choosing an
//! engine, async, HTTP, and porting a host from wasmtime.

// Every public item is documented; the crate is the product.
#![deny(missing_docs)]

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
// The layers, lowest first; each uses only those before it:
//   engine  one file per core engine, and limits; no component model
//   types   component types, their layout and comparisons, typechecks
//   abi     the canonical ABI: lift, lower, validation, transcoding, handles
//   load    decomposing a component with environ, compiling its modules
//   store   per-store state: instances, flags, resources, adapter intrinsics,
//           tasks
//   concurrent  the async ABI's built-ins and the task loop
//   call    host functions and their glue, typed and dynamic export calls
//   linker  names and typechecks of imports, and instantiation (the plan run)
pub mod abi;
mod call;
mod concurrent;
mod config;
mod engine;
mod error;
mod linker;
mod load;
mod raw;
mod store;
mod types;

pub use abi::{ComponentType, FuncParams, FuncResults, Lift, Lower};
pub use call::access::{Access, AsyncDynamicFn, HostFuture};
pub use call::caller::Caller;
pub use call::dynamic::{
    DynamicFn, ErrorContext, Func, FuncType, FutureReader, FutureWriter, StreamReader,
    StreamWriter, Type, TypeKind, Val,
};
pub use call::ends::{future, stream};
pub use call::glue::HostCx;
pub use call::host::{EntryReturn, Entrypoint, HostFunc, IntoHostFunc};
pub use call::reach::AsStore;
pub use call::start::Call;
pub use call::typed::TypedFunc;
pub use config::{Config, WasmiCompilation};
pub use engine::limits::{InterruptHandle, ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use engine::{Engine, EngineKind};
pub use error::{Error, Place, Result, Site, Trap};
pub use hostbind_macros::{ComponentType, Lift, Lower, bindgen, flags, host_fn};
pub use linker::{InstancePre, Linker, LinkerInstance, UnknownImport, WitImport};
pub use load::component::Component;
pub use load::module::Module;
pub use load::precompiled::ComponentCache;
pub use raw::{CoreFuncType, CoreType, ValRaw};
pub use store::instance::Instance;
pub use store::resource::{Borrow, BorrowAny, Resource, ResourceAny, ResourceTable};
pub use store::{CallHook, Store};
pub use types::{
    Case, Enum, Field, Flags, Param, Record, ResourceTy, Signature, SignatureAbi, Ty, Variant,
};
