//! Procedural macro entry points of hostbind; the logic lives in
//! `hostbind-expand`. Use them through the `hostbind` crate, which
//! re-exports each one and holds the runtime their code calls:
//!
//! ```
//! use hostbind::{ComponentType, Lift, Lower, host_fn};
//!
//! #[derive(ComponentType, Lift, Lower)]
//! struct Point { x: i32, y: i32 }
//!
//! /// Still an ordinary function as well as a host function.
//! #[host_fn]
//! fn norm(p: Point) -> u32 {
//!     p.x.unsigned_abs() + p.y.unsigned_abs()
//! }
//!
//! assert_eq!(norm(Point { x: 3, y: -4 }), 7);
//! assert_eq!(<Point as ComponentType>::TY.to_string(), "record point { x: s32, y: s32 }");
//! ```

use proc_macro::TokenStream;

/// Turns a plain Rust `fn` into a host function a `Linker` accepts.
///
/// See the `hostbind` crate for the full description.
#[proc_macro_attribute]
pub fn host_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    hostbind_expand::host_fn(attr.into(), item.into()).into()
}

/// Derives the component type of a struct (`record`) or an enum
/// (`#[component(variant)]` or `#[component(enum)]`).
///
/// Names are the kebab-case of the Rust names unless
/// `#[component(name = "..")]` says otherwise, on the type or on a member.
#[proc_macro_derive(ComponentType, attributes(component))]
pub fn derive_component_type(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_component_type(input.into()).into()
}

/// Derives reading a value of the type from the guest; see [`ComponentType`](derive@ComponentType).
#[proc_macro_derive(Lift, attributes(component))]
pub fn derive_lift(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_lift(input.into()).into()
}

/// Derives writing a value of the type for the guest; see [`ComponentType`](derive@ComponentType).
#[proc_macro_derive(Lower, attributes(component))]
pub fn derive_lower(input: TokenStream) -> TokenStream {
    hostbind_expand::derive_lower(input.into()).into()
}

/// Defines a component `flags` type: `flags! { pub struct Perms { const READ; const WRITE; } }`.
#[proc_macro]
pub fn flags(input: TokenStream) -> TokenStream {
    hostbind_expand::flags(input.into()).into()
}

/// Generates Rust bindings for a WIT world.
///
/// `bindgen!({ path: "wit", world: "name" })` reads a WIT file or directory
/// (relative to the crate's manifest directory; Cargo rebuilds when it
/// changes), or `{ inline: "..", .. }` WIT text. `world` names the world
/// plainly (`proxy`, looked up in the main package first) or in full
/// (`wasi:http/proxy`, `wasi:http/proxy@0.2.12`); it may be left out when
/// the main package has one world. It generates:
///
/// - the world's types, with the value-type derives, in modules named after
///   their package and interface: `ns::pkg::iface` for imports and
///   `exports::ns::pkg::iface` for exports. An interface both imported and
///   exported is two instances, each with its own types. When the WIT holds
///   several versions of a package, its module names the version
///   (`ns::pkg0_2_1::iface`). An unnamed interface (`import host:
///   interface { .. }`) is bound in a module of its name in the world
///   (`host`, `exports::host`);
/// - one `Host` trait per imported interface (and one at the root for root
///   imports), plus a `Host<Resource>` trait per imported resource with
///   `new` for its constructor, its methods and statics, and `drop`. Import
///   params borrow `&str` and byte lists (`&[u8]`);
/// - `add_to_linker(&mut linker, getter)` per interface and for the world,
///   where `getter: fn(&mut T) -> &mut U` finds the `Host` in the store's data;
/// - a struct named after the world (`world host` with root imports, whose
///   trait is `Host`, gets `HostWorld`) with `instantiate` and a `call_*` method
///   per export, root-level or of an exported interface
///   (`call_<iface>_<func>`, `call_<iface>_<resource>_new`). Export params
///   take `&str` and `&[T]`; guest resources are `ResourceAny`. Each
///   exported interface also has a view (`world.iface().call_func(..)`),
///   named with its package where two exports share a name
///   (`world.dep0_2_0_i()`).
///
/// Options:
///
/// - `trappable: true`: every import method returns `hostbind::Result<_>`;
///   an `Err` traps the call, naming the WIT import.
/// - `with: { "pkg:ns/iface/resource": path::Type }`: the host's own type
///   stands for an imported resource (instead of a generated empty enum), so
///   `Resource<Type>` goes straight into a `ResourceTable`.
/// - `with: { "wasi": other::bindings }` (a namespace; or `"ns:pkg"`, a
///   package; or `"ns:pkg/iface"`, an interface, version optional): those
///   imported interfaces are another crate's bindings, used as they are;
///   that crate's `add_to_linker` links them, and the world's leaves them
///   out (`hostbind_wasi::bindings::wasi` for WASI).
///
/// - `ownership: Owning`: every import param is owned, as wasmtime's
///   `bindgen!` generates them, so a wasmtime host ports without changing a
///   signature. `ownership: Borrowing` (the default) lends what the guest's
///   memory holds in place:
///
/// | WIT param | import, `Borrowing` | import, `Owning` | export call |
/// |---|---|---|---|
/// | `string` | `&str` | `String` | `&str` |
/// | `list<u8>`, `list<s8>` | `&[u8]`, `&[i8]` | `Vec<u8>`, `Vec<i8>` | `&[u8]`, `&[i8]` |
/// | `list<T>`, other `T` | `Vec<T>`, `T` as nested | `Vec<T>` | `&[T]` |
/// | `string` inside an `option`, `result`, tuple or list | `Cow<str>` | `String` | `String` |
/// | `list<u8>` inside an `option`, `result`, tuple or list | `&[u8]` | `Vec<u8>` | `Vec<u8>` |
/// | inside a record or variant (a named type) | owned | owned | owned |
/// | results, everywhere | owned | owned | owned |
///
/// So `option<string>` is `Option<Cow<'_, str>>` and `list<string>` is
/// `Vec<Cow<'_, str>>`: borrowed from a UTF-8 guest, decoded from the
/// others (a top-level `&str` is decoded for them by the glue). Wider
/// integer lists are copied even when borrowing: lending them would tie
/// the trait's signature to a little-endian host. Named types stay owned
/// because the functions of an interface share them.
///
/// With `HOSTBIND_DUMP=dir` set while compiling, each expansion is also
/// written, formatted, to `dir/<crate>-<namespace>-<package>-<world>-<hash>.rs`,
/// the hash being of the macro's input, so that two `bindgen!`s of worlds
/// with one name do not overwrite each other.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    hostbind_expand::bindgen(input.into()).into()
}
