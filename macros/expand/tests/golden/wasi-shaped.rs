///The host's side of the world's root-level imports.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement the world's root-level imports",
    label = "this does not implement `Host` for the world's root-level imports",
    note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
)]
#[allow(clippy::too_many_arguments)]
pub trait Host {
    ///The import `print`.
    fn print(&mut self, line: &str);
}
/// Defines every function and resource of these imports in
/// `linker`, calling the [`Host`] that `get` finds in the
/// store's data (`|data| data` when the data is the host).
pub fn add_to_linker<T: 'static, U: Host + 'static>(
    linker: &mut ::hostbind::Linker<T>,
    get: fn(&mut T) -> &mut U,
) -> ::hostbind::Result<()> {
    let mut inst = linker;
    inst.func(
        "print",
        {
            static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                "print",
                &[
                    ::hostbind::__private::Param {
                        name: "line",
                        ty: <&str as ::hostbind::__private::ComponentType>::TY,
                    },
                ],
                &[],
            );
            unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                cx: *mut ::hostbind::__private::c_void,
                data: *mut ::hostbind::__private::c_void,
                _: u32,
                _: u32,
                storage: *mut ::hostbind::__private::MaybeUninit<
                    ::hostbind::__private::ValRaw,
                >,
                len: usize,
            ) -> bool {
                // SAFETY: argued at this block in `hostbind-expand`'s generator.
                unsafe {
                    ::hostbind::__private::enter_getter::<
                        __S,
                        __H,
                        _,
                    >(
                        cx,
                        data,
                        storage,
                        len,
                        &__SIG,
                        |__h, __p| {
                            let __a0: ::std::borrow::Cow<'_, str> = __p.next(0usize)?;
                            ::core::result::Result::Ok(<__H as Host>::print(__h, &__a0))
                        },
                    )
                }
            }
            // SAFETY: argued at this block in `hostbind-expand`'s generator.
            unsafe {
                ::hostbind::__private::HostFunc::from_raw_with_getter(
                    __entry::<T, U>,
                    &__SIG,
                    get,
                )
            }
        },
    )?;
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
            ///The host's side of the imports of `demo:wasi/clocks`.
            #[diagnostic::on_unimplemented(
                message = "`{Self}` does not implement the imports of `demo:wasi/clocks`",
                label = "this does not implement `Host` for the imports of `demo:wasi/clocks`",
                note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
            )]
            #[allow(clippy::too_many_arguments)]
            pub trait Host {
                ///The import `now`.
                fn now(&mut self) -> demo::wasi::types::Datetime;
                ///The import `resolution`.
                fn resolution(&mut self) -> u64;
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the [`Host`] that `get` finds in the
            /// store's data (`|data| data` when the data is the host).
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:wasi/clocks")?;
                inst.func(
                    "now",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:wasi/clocks#now",
                            &[],
                            &[
                                <demo::wasi::types::Datetime as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        ::core::result::Result::Ok(<__H as Host>::now(__h))
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                inst.func(
                    "resolution",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:wasi/clocks#resolution",
                            &[],
                            &[<u64 as ::hostbind::__private::ComponentType>::TY],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        ::core::result::Result::Ok(<__H as Host>::resolution(__h))
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
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
            ///The host's side of the imports of `demo:wasi/filesystem`.
            #[diagnostic::on_unimplemented(
                message = "`{Self}` does not implement the imports of `demo:wasi/filesystem`",
                label = "this does not implement `Host` for the imports of `demo:wasi/filesystem`",
                note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
            )]
            #[allow(clippy::too_many_arguments)]
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
            /// `linker`, calling the [`Host`] that `get` finds in the
            /// store's data (`|data| data` when the data is the host).
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:wasi/filesystem")?;
                inst.func(
                    "read-file",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:wasi/filesystem#read-file",
                            &[
                                ::hostbind::__private::Param {
                                    name: "path",
                                    ty: <&str as ::hostbind::__private::ComponentType>::TY,
                                },
                            ],
                            &[
                                <::core::result::Result<
                                    ::std::vec::Vec<u8>,
                                    demo::wasi::types::ErrorCode,
                                > as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        let __a0: ::std::borrow::Cow<'_, str> = __p.next(0usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::read_file(__h, &__a0),
                                        )
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                inst.func(
                    "modified",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:wasi/filesystem#modified",
                            &[
                                ::hostbind::__private::Param {
                                    name: "path",
                                    ty: <&str as ::hostbind::__private::ComponentType>::TY,
                                },
                            ],
                            &[
                                <::core::result::Result<
                                    demo::wasi::types::Datetime,
                                    demo::wasi::types::ErrorCode,
                                > as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        let __a0: ::std::borrow::Cow<'_, str> = __p.next(0usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::modified(__h, &__a0),
                                        )
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
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
    __call_run_run: ::hostbind::TypedFunc<
        (::std::vec::Vec<::std::string::String>,),
        (::core::result::Result<(), ()>,),
    >,
}
#[allow(clippy::too_many_arguments)]
impl Command {
    /// Defines every import of the world in `linker`, calling the
    /// host that `get` finds in the store's data (`|data| data`
    /// when the data is the host).
    pub fn add_to_linker<T: 'static, U>(
        linker: &mut ::hostbind::Linker<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::hostbind::Result<()>
    where
        U: 'static + demo::wasi::clocks::Host + demo::wasi::filesystem::Host + Host,
    {
        demo::wasi::clocks::add_to_linker(linker, get)?;
        demo::wasi::filesystem::add_to_linker(linker, get)?;
        add_to_linker(linker, get)?;
        Ok(())
    }
    /// Instantiates `component` with `linker`'s host functions, and
    /// checks that it has every export of the world, of its type.
    pub fn instantiate<T: 'static>(
        store: &mut ::hostbind::Store<T>,
        component: &::hostbind::Component,
        linker: &::hostbind::Linker<T>,
    ) -> ::hostbind::Result<Self> {
        let instance = linker.instantiate(store, component)?;
        Ok(Command {
            __call_run_run: instance
                .get_typed_func::<
                    (::std::vec::Vec<::std::string::String>,),
                    (::core::result::Result<(), ()>,),
                >(store, "demo:wasi/run#run")?,
            instance,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    ///Calls the export `demo:wasi/run#run`.
    pub fn call_run_run<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        args: &[::std::string::String],
    ) -> ::hostbind::Result<::core::result::Result<(), ()>> {
        let __r = self.__call_run_run.call_as(store, (args,))?;
        Ok(__r.0)
    }
    ///The exports of `demo:wasi/run`.
    pub fn run(&self) -> RunGuest<'_> {
        RunGuest { world: self }
    }
}
///The exports of `demo:wasi/run`.
#[derive(Clone, Copy)]
pub struct RunGuest<'a> {
    world: &'a Command,
}
#[allow(clippy::too_many_arguments)]
impl<'a> RunGuest<'a> {
    ///Calls the export `demo:wasi/run#run`.
    pub fn call_run<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        args: &[::std::string::String],
    ) -> ::hostbind::Result<::core::result::Result<(), ()>> {
        let __r = self.world.__call_run_run.call_as(store, (args,))?;
        Ok(__r.0)
    }
}
