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
/// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
pub fn add_to_linker<T: 'static, U: Host + 'static>(
    linker: &mut ::hostbind::Linker<T>,
    get: fn(&mut T) -> &mut U,
) -> ::hostbind::Result<()> {
    let mut inst = linker.root();
    static __SIG0: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
        "print",
        &[::hostbind::__private::param::<&str>("line")],
        &[],
    );
    inst.func(
        "print",
        ::hostbind::__private::bound_func(
            get,
            || &__SIG0,
            |__h, __p| ::hostbind::__private::Ok(
                Host::print(__h, &*__p.next::<::std::borrow::Cow<'_, str>>(0usize)?),
            ),
        ),
    )?;
    let _ = &mut inst;
    Ok(())
}
///Bindings of the imported interfaces of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the imported interfaces of the WIT package `demo:wasi`.
    pub mod wasi {
        ///Bindings of the imported WIT interface `demo:wasi/clocks`.
        pub mod clocks {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
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
            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:wasi/clocks")?;
                static __SIG0: __hb::Signature = __hb::Signature::new(
                    "demo:wasi/clocks#now",
                    &[],
                    &[__hb::ty::<demo::wasi::types::Datetime>()],
                );
                inst.func(
                    "now",
                    __hb::bound_func(
                        get,
                        || &__SIG0,
                        |__h, __p| __hb::Ok(Host::now(__h)),
                    ),
                )?;
                static __SIG1: __hb::Signature = __hb::Signature::new(
                    "demo:wasi/clocks#resolution",
                    &[],
                    &[__hb::ty::<u64>()],
                );
                inst.func(
                    "resolution",
                    __hb::bound_func(
                        get,
                        || &__SIG1,
                        |__h, __p| __hb::Ok(Host::resolution(__h)),
                    ),
                )?;
                let _ = &mut inst;
                Ok(())
            }
        }
        ///Bindings of the imported WIT interface `demo:wasi/filesystem`.
        pub mod filesystem {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
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
            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:wasi/filesystem")?;
                static __SIG0: __hb::Signature = __hb::Signature::new(
                    "demo:wasi/filesystem#read-file",
                    &[__hb::param::<&str>("path")],
                    &[
                        __hb::ty::<
                            ::core::result::Result<
                                ::std::vec::Vec<u8>,
                                demo::wasi::types::ErrorCode,
                            >,
                        >(),
                    ],
                );
                inst.func(
                    "read-file",
                    __hb::bound_func(
                        get,
                        || &__SIG0,
                        |__h, __p| __hb::Ok(
                            Host::read_file(
                                __h,
                                &*__p.next::<::std::borrow::Cow<'_, str>>(0usize)?,
                            ),
                        ),
                    ),
                )?;
                static __SIG1: __hb::Signature = __hb::Signature::new(
                    "demo:wasi/filesystem#modified",
                    &[__hb::param::<&str>("path")],
                    &[
                        __hb::ty::<
                            ::core::result::Result<
                                demo::wasi::types::Datetime,
                                demo::wasi::types::ErrorCode,
                            >,
                        >(),
                    ],
                );
                inst.func(
                    "modified",
                    __hb::bound_func(
                        get,
                        || &__SIG1,
                        |__h, __p| __hb::Ok(
                            Host::modified(
                                __h,
                                &*__p.next::<::std::borrow::Cow<'_, str>>(0usize)?,
                            ),
                        ),
                    ),
                )?;
                let _ = &mut inst;
                Ok(())
            }
        }
        ///Bindings of the imported WIT interface `demo:wasi/types`.
        pub mod types {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
            #[derive(Copy)]
            ///The WIT type `error-code`.
            #[derive(Clone, Debug, PartialEq)]
            pub enum ErrorCode {
                ///The case `access`.
                Access,
                ///The case `not-found`.
                NotFound,
                ///The case `busy`.
                Busy,
            }
            unsafe impl __hb::ComponentType for ErrorCode {
                const TY: &'static __hb::Ty = &__hb::Ty::Enum(
                    &__hb::Enum {
                        name: "error-code",
                        cases: &["access", "not-found", "busy"],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for ErrorCode {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    let (__d, __end) = __hb::lift_case::<Self>(cx, src)?;
                    let __v = match __d {
                        0u32 => Self::Access,
                        1u32 => Self::NotFound,
                        _ => Self::Busy,
                    };
                    src.skip_to(__end);
                    __hb::Ok(__v)
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let (__d, __payload) = __hb::load_case::<Self>(cx, offset)?;
                    __hb::Ok(
                        match __d {
                            0u32 => Self::Access,
                            1u32 => Self::NotFound,
                            _ => Self::Busy,
                        },
                    )
                }
            }
            impl __hb::Lower for ErrorCode {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    let __end = __hb::lower_case::<
                        Self,
                    >(
                        dst,
                        match self {
                            Self::Access => 0u32,
                            Self::NotFound => 1u32,
                            Self::Busy => 2u32,
                        },
                    );
                    dst.pad_to(__end);
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let __payload = __hb::store_case::<
                        Self,
                    >(
                        cx,
                        offset,
                        match self {
                            Self::Access => 0u32,
                            Self::NotFound => 1u32,
                            Self::Busy => 2u32,
                        },
                    )?;
                    __hb::Ok(())
                }
            }
            ///The WIT type `datetime`.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Datetime {
                ///The field `seconds`.
                pub seconds: u64,
                ///The field `nanoseconds`.
                pub nanoseconds: u32,
            }
            unsafe impl __hb::ComponentType for Datetime {
                const TY: &'static __hb::Ty = &__hb::Ty::Record(
                    &__hb::Record {
                        name: "datetime",
                        fields: &[
                            __hb::field::<u64>("seconds"),
                            __hb::field::<u32>("nanoseconds"),
                        ],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for Datetime {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    __hb::Ok(Self {
                        seconds: __hb::Lift::lift_flat(cx, src)?,
                        nanoseconds: __hb::Lift::lift_flat(cx, src)?,
                    })
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let mut __at = 0u32;
                    __hb::Ok(Self {
                        seconds: __hb::load_field(cx, offset, &mut __at)?,
                        nanoseconds: __hb::load_field(cx, offset, &mut __at)?,
                    })
                }
            }
            impl __hb::Lower for Datetime {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    __hb::Lower::lower_flat(&self.seconds, cx, dst)?;
                    __hb::Lower::lower_flat(&self.nanoseconds, cx, dst)?;
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let mut __at = 0u32;
                    __hb::store_field(&self.seconds, cx, offset, &mut __at)?;
                    __hb::store_field(&self.nanoseconds, cx, offset, &mut __at)?;
                    __hb::Ok(())
                }
            }
        }
    }
}
///The world's exported interfaces.
pub mod exports {
    ///Bindings of the exported interfaces of the WIT namespace `demo`.
    pub mod demo {
        ///Bindings of the exported interfaces of the WIT package `demo:wasi`.
        pub mod wasi {
            ///Bindings of the exported WIT interface `demo:wasi/run`.
            pub mod run {
                #![allow(clippy::all, unused_imports)]
                use super::super::super::super::*;
                use ::hostbind::__private as __hb;
            }
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
