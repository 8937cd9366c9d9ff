///Bindings of the imported interfaces of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the imported interfaces of the WIT package `demo:small`.
    pub mod small {
        ///Bindings of the imported WIT interface `demo:small/log`.
        pub mod log {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
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
            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:small/log")?;
                static __SIG0: __hb::Signature = __hb::Signature::new(
                    "demo:small/log#log",
                    &[__hb::param::<u32>("level"), __hb::param::<&str>("msg")],
                    &[],
                );
                inst.func(
                    "log",
                    __hb::bound_func(
                        get,
                        || &__SIG0,
                        |__h, __p| __hb::Ok(
                            Host::log(
                                __h,
                                __p.next(0usize)?,
                                &*__p.next::<::std::borrow::Cow<'_, str>>(1usize)?,
                            ),
                        ),
                    ),
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
