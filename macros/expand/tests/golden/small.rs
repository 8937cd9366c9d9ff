///Bindings of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the WIT package `demo:small`.
    pub mod small {
        ///Bindings of the WIT interface.
        pub mod log {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            /// The host's side of these imports.
            pub trait Host {
                ///The import `log`.
                fn log(&mut self, level: u32, msg: &str);
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the store's data as the [`Host`].
            pub fn add_to_linker<T: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
            ) -> ::hostbind::Result<()> {
                #[::hostbind::host_fn(crate = ::hostbind, __store_bound = Host)]
                fn __log(data: &mut __T, level: u32, msg: &str) {
                    <__T as Host>::log(data, level, msg)
                }
                let mut inst = linker.instance("demo:small/log")?;
                inst.func("log", __log)?;
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
}
impl Small {
    /// Defines every import of the world in `linker`.
    pub fn add_to_linker<T>(linker: &mut ::hostbind::Linker<T>) -> ::hostbind::Result<()>
    where
        T: 'static + demo::small::log::Host,
    {
        demo::small::log::add_to_linker(linker)?;
        Ok(())
    }
    /// Instantiates `component` with `linker`'s host functions.
    pub fn instantiate<T: 'static>(
        store: &mut ::hostbind::Store<T>,
        component: &::hostbind::Component,
        linker: &::hostbind::Linker<T>,
    ) -> ::hostbind::Result<Self> {
        Ok(Small {
            instance: linker.instantiate(store, component)?,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    /// Calls the component's export of this name.
    pub fn call_run<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        input: &str,
    ) -> ::hostbind::Result<u32> {
        let f = self.instance.get_typed_func::<(&str,), (u32,)>(store, "run")?;
        let r = f.call(store, (input,))?;
        Ok(r.0)
    }
}
