//! A component linked once: its imports resolved and typechecked, ready to
//! instantiate in any store, from any thread.

use super::Resolved;
use crate::engine::Backend;
use crate::engine::wasmi::Wasmi;
use crate::error::Result;
use crate::linker::instantiate::instantiate;
use crate::load::component::{Compiled, Component};
use crate::store::instance::Instance;
use crate::store::{Store, StoreRepr};

/// A component whose imports a [`Linker`](crate::Linker) has resolved and
/// typechecked, from [`Linker::instantiate_pre`](crate::Linker::instantiate_pre).
///
/// Instantiating it does no name lookups and no type checks. It is cheap to
/// clone, `Send` and `Sync`: a server keeps one and instantiates it in a
/// fresh store per request, on whatever thread serves it.
///
/// ```
/// use hostbind::{Component, Engine, Linker, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, wat::parse_str(r#"
///     (component
///       (core module $m (func (export "f") (result i32) i32.const 7))
///       (core instance $i (instantiate $m))
///       (func (export "seven") (result u32) (canon lift (core func $i "f"))))
/// "#)?)?;
/// let pre = Linker::<()>::new(&engine).instantiate_pre(&component)?;
/// for _ in 0..3 {
///     let mut store = Store::new(&engine, ());
///     let seven = pre
///         .instantiate(&mut store)?
///         .get_typed_func::<(), (u32,)>(&mut store, "seven")?;
///     assert_eq!(seven.call(&mut store, ())?, (7,));
/// }
/// # Ok::<(), hostbind::Error>(())
/// ```
pub struct InstancePre<T> {
    component: Component,
    imports: std::sync::Arc<Resolved<T>>,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            component: self.component.clone(),
            imports: self.imports.clone(),
        }
    }
}

impl<T: 'static> InstancePre<T> {
    pub(super) fn new(component: Component, imports: Resolved<T>) -> Self {
        InstancePre {
            component,
            imports: std::sync::Arc::new(imports),
        }
    }

    /// The component this instantiates.
    pub fn component(&self) -> &Component {
        &self.component
    }

    /// Instantiates the component in `store`, which must be of the engine
    /// the component was compiled for.
    pub fn instantiate(&self, store: &mut Store<T>) -> Result<Instance> {
        let inner = &self.component.inner;
        let store_id = store.id();
        let index = match (&mut store.repr, &inner.compiled) {
            (StoreRepr::Wasmi(s), Compiled::Wasmi(modules)) => {
                let mut cx = Wasmi::cx(s);
                instantiate::<Wasmi, T>(&mut cx, inner, modules, &self.imports)?
            }
            #[cfg(feature = "wasmtime")]
            (StoreRepr::Wasmtime(s), Compiled::Wasmtime(modules)) => {
                use crate::engine::wasmtime::Wasmtime;
                let mut cx = Wasmtime::cx(s);
                instantiate::<Wasmtime, T>(&mut cx, inner, modules, &self.imports)?
            }
            #[cfg(feature = "wasmtime")]
            _ => anyhow::bail!("the store runs on another engine than the component"),
        };
        Ok(Instance { store_id, index })
    }
}

impl<T> core::fmt::Debug for InstancePre<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InstancePre").finish_non_exhaustive()
    }
}
