//! `Linker<T>`: host functions by name, checked against a component's imports
//! when it is instantiated.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use anyhow::{anyhow, bail};
use wasmtime_environ::component::{ComponentTypes, TypeDef, TypeFuncIndex};

use crate::component::{Compiled, Component, import_name};
use crate::dynamic::{FuncType, Val};
use crate::engine::wasmi::Wasmi;
use crate::engine::{Backend, Engine};
use crate::error::Result;
use crate::glue::Caller;
use crate::host::{HostFunc, IntoHostFunc};
use crate::instance::{Instance, instantiate};
use crate::store::{Store, StoreRepr};
use crate::typecheck;

enum Item<T> {
    Func(HostFunc<T>),
    Instance(Namespace<T>),
}

struct Namespace<T> {
    items: HashMap<String, Item<T>>,
}

impl<T> Default for Namespace<T> {
    fn default() -> Self {
        Namespace {
            items: HashMap::new(),
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

    /// Checks every import of `component` against this linker, then
    /// instantiates it in `store`.
    ///
    /// All missing imports and type mismatches are reported in one error.
    pub fn instantiate(&self, store: &mut Store<T>, component: &Component) -> Result<Instance> {
        let inner = &component.inner;
        if inner.engine.kind() != self.engine.kind() {
            bail!("the component was compiled for another engine than the linker's");
        }
        let imports = self.resolve(component)?;
        let store_id = store.id();
        let index = match (&mut store.repr, &inner.compiled) {
            (StoreRepr::Wasmi(s), Compiled::Wasmi(modules)) => {
                let mut cx = Wasmi::cx(s);
                instantiate::<Wasmi, T>(&mut cx, inner, modules, &imports)?
            }
        };
        Ok(Instance { store_id, index })
    }

    /// The host function for each of the component's imports, in environ's
    /// `RuntimeImportIndex` order, typechecked.
    fn resolve(&self, component: &Component) -> Result<Vec<HostFunc<T>>> {
        let info = &component.inner.info;
        let types = &component.inner.types;
        let mut problems = Vec::new();
        let mut missing = Vec::new();
        let mut funcs = Vec::with_capacity(info.imports.len());
        for (idx, path) in info.imports.values() {
            let (root, extern_) = &info.import_types[*idx];
            let name = import_name(root, path);
            let Some(fty) = func_type(types, extern_.ty, path) else {
                problems.push(format!(
                    "import `{name}` is not a function; hostbind links only functions so far"
                ));
                continue;
            };
            match self.lookup(root, path) {
                Some(f) => {
                    // A dynamic function takes whatever type it is linked to.
                    if let Some(sig) = f.signature()
                        && let Err(e) = typecheck::host_func(&name, sig, fty, types)
                    {
                        problems.push(e);
                    }
                    funcs.push(f.clone());
                }
                None => missing.push(format!("`{name}`")),
            }
        }
        if !missing.is_empty() {
            problems.insert(
                0,
                format!(
                    "the linker defines no host function for import{} {}",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ),
            );
        }
        match problems.len() {
            0 => Ok(funcs),
            1 => Err(anyhow!("{}", problems[0])),
            _ => Err(anyhow!(
                "{} problems linking the component:\n  - {}",
                problems.len(),
                problems.join("\n  - ")
            )),
        }
    }

    fn lookup(&self, root: &str, path: &[String]) -> Option<&HostFunc<T>> {
        let mut item = self.root.items.get(root)?;
        for p in path {
            match item {
                Item::Instance(ns) => item = ns.items.get(p)?,
                Item::Func(_) => return None,
            }
        }
        match item {
            Item::Func(f) => Some(f),
            Item::Instance(_) => None,
        }
    }
}

/// The function type an import path leads to, if it is a function.
fn func_type(types: &ComponentTypes, mut ty: TypeDef, path: &[String]) -> Option<TypeFuncIndex> {
    for p in path {
        match ty {
            TypeDef::ComponentInstance(i) => ty = types[i].exports.get(p)?.ty,
            _ => return None,
        }
    }
    match ty {
        TypeDef::ComponentFunc(f) => Some(f),
        _ => None,
    }
}

impl<'a, T: 'static> LinkerInstance<'a, T> {
    /// Defines function `name` in this instance.
    ///
    /// Defining a name twice is an error, as silently replacing a host
    /// function hides mistakes.
    pub fn func(&mut self, name: &str, f: impl IntoHostFunc<T>) -> Result<&mut Self> {
        match self.ns.items.entry(name.to_string()) {
            Entry::Occupied(_) => bail!("`{}` is defined twice", self.qualified(name)),
            Entry::Vacant(v) => {
                v.insert(Item::Func(f.into_host_func()));
            }
        }
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

    /// The nested instance `name`, created on first use.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>> {
        LinkerInstance {
            ns: &mut *self.ns,
            path: self.path.clone(),
        }
        .into_instance(name)
    }

    fn into_instance(self, name: &str) -> Result<LinkerInstance<'a, T>> {
        let path = self.qualified(name);
        let item = self
            .ns
            .items
            .entry(name.to_string())
            .or_insert_with(|| Item::Instance(Namespace::default()));
        match item {
            Item::Instance(ns) => Ok(LinkerInstance { ns, path }),
            Item::Func(_) => bail!("`{path}` is a function, not an instance"),
        }
    }

    fn qualified(&self, name: &str) -> String {
        match (self.path.is_empty(), self.path.contains('#')) {
            (true, _) => name.to_string(),
            (false, false) => format!("{}#{name}", self.path),
            (false, true) => format!("{}/{name}", self.path),
        }
    }
}
