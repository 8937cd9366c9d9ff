///Bindings of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the WIT package `demo:small`.
    pub mod small {
        ///Bindings of the WIT interface.
        pub mod log {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            ///The host's side of the imports of `demo:small/log`.
            #[diagnostic::on_unimplemented(
                message = "`{Self}` does not implement the imports of `demo:small/log`",
                label = "this does not implement `Host` for the imports of `demo:small/log`",
                note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
            )]
            #[allow(clippy::too_many_arguments)]
            pub trait Host {
                ///The import `log`.
                fn log(&mut self, level: u32, msg: &str);
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the [`Host`] that `get` finds in the
            /// store's data (`|data| data` when the data is the host).
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:small/log")?;
                inst.func(
                    "log",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:small/log#log",
                            &[
                                ::hostbind::__private::Param {
                                    name: "level",
                                    ty: <u32 as ::hostbind::__private::ComponentType>::TY,
                                },
                                ::hostbind::__private::Param {
                                    name: "msg",
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
                                        let __a0 = __p.next(0usize)?;
                                        let __a1: ::std::borrow::Cow<'_, str> = __p.next(1usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::log(__h, __a0, &__a1),
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
    }
}
const _: &[u8] = ::core::include_bytes!("$CARGO_MANIFEST_DIR/tests/golden/small.wit");
/// An instance of the world's component.
pub struct Small {
    instance: ::hostbind::Instance,
    __call_run: ::hostbind::TypedFunc<(::std::string::String,), (u32,)>,
}
#[allow(clippy::too_many_arguments)]
impl Small {
    /// Defines every import of the world in `linker`, calling the
    /// host that `get` finds in the store's data (`|data| data`
    /// when the data is the host).
    pub fn add_to_linker<T: 'static, U>(
        linker: &mut ::hostbind::Linker<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::hostbind::Result<()>
    where
        U: 'static + demo::small::log::Host,
    {
        demo::small::log::add_to_linker(linker, get)?;
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
        Ok(Small {
            __call_run: instance
                .get_typed_func::<(::std::string::String,), (u32,)>(store, "run")?,
            instance,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    ///Calls the export `run`.
    pub fn call_run<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        input: &str,
    ) -> ::hostbind::Result<u32> {
        let __r = self.__call_run.call_as(store, (input,))?;
        Ok(__r.0)
    }
}
