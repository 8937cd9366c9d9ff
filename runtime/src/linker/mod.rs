//! `Linker<T>`: host functions by name, checked against a component's imports
//! when it is instantiated.

pub(crate) mod instantiate;
mod names;
mod pre;
mod resolve;
mod stubs;

pub use pre::InstancePre;
pub use stubs::UnknownImport;

use core::any::TypeId;
use std::sync::Arc;

use anyhow::bail;

use crate::call::access::{Access, HostFuture};
use crate::call::caller::Caller;
use crate::call::dynamic::{FuncType, Val};
use crate::call::host::{HostFunc, IntoHostFunc};
use crate::engine::Engine;
use crate::error::Result;
use crate::load::component::Component;
use crate::store::Store;
use crate::store::instance::Instance;
use crate::store::resource::HostDtor;
use crate::store::resource::{Resource, host_key};

pub(crate) enum Item<T> {
    Func(HostFunc<T>),
    Module(crate::load::module::Module),
    Resource(HostResource<T>),
    Instance(Namespace<T>),
}

/// A host function checked against a WIT import at compile time
/// (`#[host_fn(wit = .., import = ..)]`): it knows its import's name.
pub trait WitImport {
    /// The import, as `pkg:ns/iface#func` or a root function's name.
    const WIT_IMPORT: &'static str;
}

/// A resource type the host defines.
pub(crate) struct HostResource<T> {
    pub(crate) key: TypeId,
    pub(crate) rust_name: &'static str,
    pub(crate) dtor: HostDtor<T>,
}

impl<T> Clone for HostResource<T> {
    fn clone(&self) -> Self {
        HostResource {
            key: self.key,
            rust_name: self.rust_name,
            dtor: self.dtor.clone(),
        }
    }
}

/// What a linker provides for one component's imports.
pub(crate) struct Resolved<T> {
    /// By `RuntimeImportIndex`: the host function of a function import (with
    /// the resource its `ResourceAny` positions stand for), `None` for a
    /// resource import.
    pub(crate) funcs: Vec<Option<(HostFunc<T>, crate::types::typecheck::AnyResource)>>,
    /// By `RuntimeImportIndex`: the host's core module for a module import.
    pub(crate) modules: Vec<Option<crate::load::module::Module>>,
    /// By `ResourceIndex`: the host resource behind an imported resource.
    pub(crate) resources: Vec<Option<HostResource<T>>>,
    /// By `ResourceIndex`: the host type key of an imported resource.
    pub(crate) host_keys: Vec<Option<TypeId>>,
}

pub(crate) struct Namespace<T> {
    items: Vec<Item<T>>,
    /// Where each name's item is in `items`.
    names: names::Names,
}

impl<T> Default for Namespace<T> {
    fn default() -> Self {
        Namespace {
            items: Vec::new(),
            names: names::Names::default(),
        }
    }
}

/// Host functions by name, for instantiating components in stores of `T`.
pub struct Linker<T> {
    engine: Engine,
    root: Namespace<T>,
}

/// One named instance of a [`Linker`]: an imported interface such as
/// `example:host/logging`.
pub struct LinkerInstance<'a, T> {
    ns: &'a mut Namespace<T>,
    path: String,
}

impl<T: 'static> Linker<T> {
    /// An empty linker for components of `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            root: Namespace::default(),
        }
    }

    /// The root namespace, for functions the world imports directly.
    pub fn root(&mut self) -> LinkerInstance<'_, T> {
        LinkerInstance {
            ns: &mut self.root,
            path: String::new(),
        }
    }

    /// The instance `name` (an interface such as `pkg:ns/iface`), created
    /// on first use.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        self.root().into_instance(name)
    }

    /// Defines a root function `name`.
    pub fn func(&mut self, name: &str, f: impl IntoHostFunc<T>) -> Result<&mut Self> {
        self.root().func(name, f)?;
        Ok(self)
    }

    /// Defines a host function under the WIT import it was checked against
    /// at compile time (`#[host_fn(wit = .., import = "pkg:ns/iface#func")]`).
    pub fn func_wit<F: IntoHostFunc<T> + WitImport>(&mut self, f: F) -> Result<&mut Self> {
        match F::WIT_IMPORT.rsplit_once('#') {
            Some((iface, name)) => {
                self.instance(iface)?.func(name, f)?;
            }
            None => {
                self.func(F::WIT_IMPORT, f)?;
            }
        }
        Ok(self)
    }

    /// Checks every import of `component` against this linker, then
    /// instantiates it in `store`.
    ///
    /// All missing imports and type mismatches are reported in one error.
    /// To instantiate one component many times, [`Linker::instantiate_pre`]
    /// does the checking once.
    pub fn instantiate(&self, store: &mut Store<T>, component: &Component) -> Result<Instance> {
        self.instantiate_pre(component)?.instantiate(store)
    }

    /// Checks every import of `component` against this linker once, for
    /// any number of instantiations in any number of stores.
    ///
    /// All missing imports and type mismatches are reported in one error.
    pub fn instantiate_pre(&self, component: &Component) -> Result<InstancePre<T>> {
        if component.inner.engine.kind() != self.engine.kind() {
            bail!("the component was compiled for another engine than the linker's");
        }
        Ok(InstancePre::new(
            component.clone(),
            self.resolve(component)?,
        ))
    }
}

impl<'a, T: 'static> LinkerInstance<'a, T> {
    /// Defines function `name` in this instance.
    ///
    /// Defining a name twice is an error, as silently replacing a host
    /// function hides mistakes.
    pub fn func(&mut self, name: &str, f: impl IntoHostFunc<T>) -> Result<&mut Self> {
        self.define(name, Item::Func(f.into_host_func()))?;
        Ok(self)
    }

    /// Defines `name` as a core module, for components that import one
    /// (`(import "name" (core module ..))`) and instantiate it themselves.
    ///
    /// At instantiation the module must export everything the component's
    /// module type declares, and import nothing it does not give it.
    pub fn module(
        &mut self,
        name: &str,
        module: &crate::load::module::Module,
    ) -> Result<&mut Self> {
        self.define(name, Item::Module(module.clone()))?;
        Ok(self)
    }

    /// Defines `name` as a resource type implemented by the host, with Rust
    /// type `R` standing for it in signatures (`Resource<R>`, `Borrow<R>`).
    ///
    /// `dtor` runs when the guest drops its last own handle to a resource of
    /// this type; it receives the store's data and the handle.
    pub fn resource<R: 'static>(
        &mut self,
        name: &str,
        dtor: impl Fn(&mut T, Resource<R>) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let item = Item::Resource(HostResource {
            key: host_key::<R>(),
            rust_name: core::any::type_name::<R>(),
            dtor: Arc::new(move |data: &mut T, rep| dtor(data, Resource::new(rep))),
        });
        self.define(name, item)?;
        Ok(self)
    }

    /// Defines `name` as a dynamic host function: `f` receives the store's
    /// data and the caller's memory, the function's type as the component
    /// declares it, the params as [`Val`]s, and fills in the results (which
    /// arrive as placeholders, one per result type).
    ///
    /// It links to an import of any type; its results are checked against
    /// that type when they are lowered, and a mismatch traps naming the
    /// expected type.
    pub fn func_new(
        &mut self,
        name: &str,
        f: impl Fn(Caller<'_, T>, &FuncType, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let qualified = self.qualified(name);
        self.func(name, HostFunc::dynamic(&qualified, Box::new(f)))
    }

    /// Defines `name` as an async host function: `f` receives the store's
    /// data as an [`Access`], the function's type as the component
    /// declares it and the params, and returns a future of the results.
    ///
    /// The guest's call waits for the future without holding up the store:
    /// - through an `async` lowering, the guest gets a subtask at once and
    ///   runs on; the store's event loop polls the future, writes its
    ///   results and tells the guest when it is done;
    /// - through a synchronous lowering, the calling task blocks (it is
    ///   suspended on wasmi when it can be) while the store's other tasks
    ///   run; with nothing else to run, the host's call of the export (or
    ///   [`Call::finish`](crate::Call::finish)) waits for the future, and a
    ///   synchronous call blocks its thread until the future wakes it.
    ///
    /// It links to an import of any type, as [`func_new`](Self::func_new)
    /// does. Its future must be `Send` and own what it uses; it reaches
    /// the store's data only through [`Access::with`].
    ///
    /// ```
    /// use hostbind::{Access, Engine, Linker, Val};
    ///
    /// let engine = Engine::default();
    /// let mut linker = Linker::<u32>::new(&engine);
    /// linker.root().func_new_async("next", |access: Access<u32>, _ty, params| {
    ///     Box::pin(async move {
    ///         let Some(Val::U32(step)) = params.first().cloned() else {
    ///             anyhow::bail!("`next` takes a u32");
    ///         };
    ///         // Any future may be awaited here: a timer, a socket, a channel.
    ///         let n = access.with(|n| {
    ///             *n += step;
    ///             *n
    ///         })?;
    ///         Ok(vec![Val::U32(n)])
    ///     })
    /// })?;
    /// # Ok::<(), hostbind::Error>(())
    /// ```
    pub fn func_new_async(
        &mut self,
        name: &str,
        f: impl Fn(Access<T>, FuncType, Vec<Val>) -> HostFuture + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let qualified = self.qualified(name);
        self.func(name, HostFunc::dynamic_async(&qualified, Box::new(f)))
    }

    /// The nested instance `name`, created on first use.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        LinkerInstance {
            ns: &mut *self.ns,
            path: self.path.clone(),
        }
        .into_instance(name)
    }

    fn into_instance(self, name: &str) -> Result<LinkerInstance<'a, T>> {
        let path = qualified(&self.path, name);
        let ns = self.ns;
        let index = match ns.names.index(name) {
            Some(i) => i,
            None => {
                ns.names.insert(name, ns.items.len());
                ns.items.push(Item::Instance(Namespace::default()));
                ns.items.len() - 1
            }
        };
        match ns.items.get_mut(index) {
            Some(Item::Instance(ns)) => Ok(LinkerInstance { ns, path }),
            Some(Item::Func(_)) => Err(not_an_instance(&path, "a function")),
            Some(Item::Module(_)) => Err(not_an_instance(&path, "a core module")),
            Some(Item::Resource(_)) => Err(not_an_instance(&path, "a resource type")),
            // Not reached: `index` is that of an item.
            None => Err(not_an_instance(&path, "nothing")),
        }
    }

    /// Defines `name`, which must not be defined yet.
    fn define(&mut self, name: &str, item: Item<T>) -> Result<()> {
        if !self.ns.names.insert(name, self.ns.items.len()) {
            return Err(defined_twice(&self.path, name));
        }
        self.ns.items.push(item);
        Ok(())
    }

    fn qualified(&self, name: &str) -> String {
        qualified(&self.path, name)
    }
}

// The names and errors are built out of line, in code that does not depend
// on the store type: the linker's methods are compiled in the crate that
// defines host functions, once for each store type.

/// `name` in the instance at `path`, as errors name it.
fn qualified(path: &str, name: &str) -> String {
    match (path.is_empty(), path.contains('#')) {
        (true, _) => name.to_string(),
        (false, false) => format!("{path}#{name}"),
        (false, true) => format!("{path}/{name}"),
    }
}

#[cold]
fn defined_twice(path: &str, name: &str) -> crate::Error {
    anyhow::anyhow!("`{}` is defined twice", qualified(path, name))
}

#[cold]
fn not_an_instance(path: &str, what: &str) -> crate::Error {
    anyhow::anyhow!("`{path}` is {what}, not an instance")
}
