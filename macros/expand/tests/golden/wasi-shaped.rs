/// The host's side of these imports.
pub trait Host {
    ///The import `print`.
    fn print(&mut self, line: &str);
}
/// Defines every function and resource of these imports in
/// `linker`, calling the store's data as the [`Host`].
pub fn add_to_linker<T: Host + 'static>(
    linker: &mut ::hostbind::Linker<T>,
) -> ::hostbind::Result<()> {
    #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
    fn __print(data: &mut __T, line: &str) {
        <__T as Host>::print(data, line)
    }
    let mut inst = linker;
    inst.func("print", __print)?;
    let _ = &mut inst;
    Ok(())
}
///Bindings of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the WIT package `demo:wasi`.
    pub mod wasi {
        ///Bindings of the WIT interface.
        pub mod types {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            #[derive(Copy)]
            ///The WIT type `error-code`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(enum, name = "error-code")]
            pub enum ErrorCode {
                ///The case `access`.
                #[component(name = "access")]
                Access,
                ///The case `not-found`.
                #[component(name = "not-found")]
                NotFound,
                ///The case `busy`.
                #[component(name = "busy")]
                Busy,
            }
            ///The WIT type `datetime`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(record, name = "datetime")]
            pub struct Datetime {
                ///The field `seconds`.
                #[component(name = "seconds")]
                pub seconds: u64,
                ///The field `nanoseconds`.
                #[component(name = "nanoseconds")]
                pub nanoseconds: u32,
            }
        }
        ///Bindings of the WIT interface.
        pub mod clocks {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            pub use demo::wasi::types::Datetime as Datetime;
            /// The host's side of these imports.
            pub trait Host {
                ///The import `now`.
                fn now(&mut self) -> demo::wasi::types::Datetime;
                ///The import `resolution`.
                fn resolution(&mut self) -> u64;
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the store's data as the [`Host`].
            pub fn add_to_linker<T: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
            ) -> ::hostbind::Result<()> {
                #[allow(non_camel_case_types)]
                type __Ret_now = demo::wasi::types::Datetime;
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn __now(data: &mut __T) -> __Ret_now {
                    <__T as Host>::now(data)
                }
                #[allow(non_camel_case_types)]
                type __Ret_resolution = u64;
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn __resolution(data: &mut __T) -> __Ret_resolution {
                    <__T as Host>::resolution(data)
                }
                let mut inst = linker.instance("demo:wasi/clocks")?;
                inst.func("now", __now)?;
                inst.func("resolution", __resolution)?;
                let _ = &mut inst;
                Ok(())
            }
        }
        ///Bindings of the WIT interface.
        pub mod filesystem {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            pub use demo::wasi::types::ErrorCode as ErrorCode;
            pub use demo::wasi::types::Datetime as Datetime;
            /// The host's side of these imports.
            pub trait Host {
                ///The import `read-file`.
                fn read_file(
                    &mut self,
                    path: &str,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<u8>,
                    demo::wasi::types::ErrorCode,
                >;
                ///The import `modified`.
                fn modified(
                    &mut self,
                    path: &str,
                ) -> ::core::result::Result<
                    demo::wasi::types::Datetime,
                    demo::wasi::types::ErrorCode,
                >;
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the store's data as the [`Host`].
            pub fn add_to_linker<T: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
            ) -> ::hostbind::Result<()> {
                #[allow(non_camel_case_types)]
                type __Ret_read_file = ::core::result::Result<
                    ::std::vec::Vec<u8>,
                    demo::wasi::types::ErrorCode,
                >;
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn __read_file(data: &mut __T, path: &str) -> __Ret_read_file {
                    <__T as Host>::read_file(data, path)
                }
                #[allow(non_camel_case_types)]
                type __Ret_modified = ::core::result::Result<
                    demo::wasi::types::Datetime,
                    demo::wasi::types::ErrorCode,
                >;
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn __modified(data: &mut __T, path: &str) -> __Ret_modified {
                    <__T as Host>::modified(data, path)
                }
                let mut inst = linker.instance("demo:wasi/filesystem")?;
                inst.func("read-file", __read_file)?;
                inst.func("modified", __modified)?;
                let _ = &mut inst;
                Ok(())
            }
        }
        ///Bindings of the WIT interface.
        pub mod run {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
        }
    }
}
const _: &[u8] = ::core::include_bytes!(
    "$CARGO_MANIFEST_DIR/tests/golden/wasi-shaped.wit"
);
/// An instance of the world's component.
pub struct Command {
    instance: ::hostbind::Instance,
}
impl Command {
    /// Defines every import of the world in `linker`.
    pub fn add_to_linker<T>(linker: &mut ::hostbind::Linker<T>) -> ::hostbind::Result<()>
    where
        T: 'static + demo::wasi::clocks::Host + demo::wasi::filesystem::Host + Host,
    {
        demo::wasi::clocks::add_to_linker(linker)?;
        demo::wasi::filesystem::add_to_linker(linker)?;
        add_to_linker(linker)?;
        Ok(())
    }
    /// Instantiates `component` with `linker`'s host functions.
    pub fn instantiate<T: 'static>(
        store: &mut ::hostbind::Store<T>,
        component: &::hostbind::Component,
        linker: &::hostbind::Linker<T>,
    ) -> ::hostbind::Result<Self> {
        Ok(Command {
            instance: linker.instantiate(store, component)?,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    /// Calls the component's export of this name.
    pub fn call_run_run<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        args: ::std::vec::Vec<::std::string::String>,
    ) -> ::hostbind::Result<::core::result::Result<(), ()>> {
        let f = self
            .instance
            .get_typed_func::<
                (::std::vec::Vec<::std::string::String>,),
                (::core::result::Result<(), ()>,),
            >(store, "demo:wasi/run#run")?;
        let r = f.call(store, (args,))?;
        Ok(r.0)
    }
}
