//! Resolution: every import a component declares, matched by name (and
//! semver-compatible version) against a linker's definitions and typechecked.
//!
//! Every declared import is checked, whether or not the component's code
//! uses it, as the spec and wasmtime require: a component that declares an
//! import the host does not provide does not link.

use core::any::TypeId;
use std::collections::{HashMap, HashSet};

use anyhow::anyhow;
use wasmtime_environ::component::{self as env, ComponentTypes, ResourceIndex, TypeDef};

use super::{HostResource, Item, Linker, Namespace, Resolved};
use crate::call::host::HostFunc;
use crate::error::Result;
use crate::load::component::{Component, import_name};
use crate::types::typecheck::{self, AnyResource, Tc, resource_of};

/// What resolving found so far.
struct Walk<'a, T> {
    types: &'a ComponentTypes,
    /// Each resource type's name, for messages.
    names: &'a [String],
    info: &'a env::Component,
    /// The host type of each imported resource, by `ResourceIndex`.
    host_keys: Vec<Option<TypeId>>,
    resources: Vec<Option<HostResource<T>>>,
    /// The names at which fresh resource types are imported (as opposed
    /// to `(eq ..)` aliases of them).
    fresh: HashSet<String>,
    /// Each function import that checked out, by its full name.
    funcs: HashMap<String, (HostFunc<T>, AnyResource)>,
    /// Each core module import that checked out, by its full name.
    modules: HashMap<String, crate::load::module::Module>,
    missing: Vec<String>,
    problems: Vec<String>,
}

impl<T: 'static> Linker<T> {
    /// The host item for each of the component's imports, typechecked.
    ///
    /// All missing imports and mismatches are reported in one error.
    pub(crate) fn resolve(&self, component: &Component) -> Result<Resolved<T>> {
        let info = &component.inner.info;
        let n = info.num_resources as usize;
        let mut walk = Walk {
            types: &component.inner.types,
            names: &component.inner.resource_names,
            info,
            host_keys: vec![None; n],
            resources: (0..n).map(|_| None).collect(),
            fresh: HashSet::new(),
            funcs: HashMap::new(),
            modules: HashMap::new(),
            missing: Vec::new(),
            problems: Vec::new(),
        };
        // Resources first: function types refer to them.
        for (ri, rti) in info.imported_resources.iter() {
            let (idx, path) = &info.imports[*rti];
            let root = &info.import_types[*idx].0;
            let name = import_name(root, path);
            walk.fresh.insert(name.clone());
            match self.lookup(root, path) {
                Some(Item::Resource(r)) => walk.define_resource(ri, r),
                Some(other) => walk.problems.push(format!(
                    "import `{name}` is a resource type, but the linker defines {} there",
                    other.desc()
                )),
                None => walk.missing.push(format!("`{name}`")),
            }
        }
        let mut unmatched_roots = Vec::new();
        for (_, (root, ext)) in info.import_types.iter() {
            let item = self.root.get(root);
            if item.is_none() {
                unmatched_roots.push(root.as_str());
            }
            walk.import(root, item, ext.ty);
        }
        let names: Vec<Option<String>> = info
            .imports
            .iter()
            .map(|(rti, (idx, path))| {
                let resource = info.imported_resources.values().any(|r| *r == rti);
                (!resource).then(|| import_name(&info.import_types[*idx].0, path))
            })
            .collect();
        let funcs = names
            .iter()
            .map(|n| n.as_ref().and_then(|n| walk.funcs.get(n).cloned()))
            .collect();
        let modules = names
            .iter()
            .map(|n| n.as_ref().and_then(|n| walk.modules.get(n).cloned()))
            .collect();

        let mut problems = walk.problems;
        if !walk.missing.is_empty() {
            let mut head = format!(
                "the linker defines no host function for import{} {}",
                if walk.missing.len() == 1 { "" } else { "s" },
                walk.missing.join(", ")
            );
            for root in unmatched_roots {
                if let Some(note) = self.root.names.near_match(root) {
                    head.push_str("; ");
                    head.push_str(&note);
                }
            }
            problems.insert(0, head);
        }
        match problems.len() {
            0 => Ok(Resolved {
                funcs,
                modules,
                resources: walk.resources,
                host_keys: walk.host_keys,
            }),
            1 => Err(anyhow!("{}", problems[0])),
            _ => Err(anyhow!(
                "{} problems linking the component:\n  - {}",
                problems.len(),
                problems.join("\n  - ")
            )),
        }
    }

    /// The definition at an import's root name (semver-compatible) and path.
    pub(crate) fn lookup(&self, root: &str, path: &[String]) -> Option<&Item<T>> {
        let mut item = self.root.get(root)?;
        for p in path {
            match item {
                Item::Instance(ns) => item = ns.get(p)?,
                _ => return None,
            }
        }
        Some(item)
    }
}

impl<T: 'static> Walk<'_, T> {
    /// Links imported resource `ri` to the host's `r`. One host type may
    /// serve several imports (semver-compatible versions of one interface):
    /// their handles are then one type at run time.
    fn define_resource(&mut self, ri: ResourceIndex, r: &HostResource<T>) {
        self.host_keys[ri.as_u32() as usize] = Some(r.key);
        self.resources[ri.as_u32() as usize] = Some(r.clone());
    }

    /// Checks the import `name` of type `ty` against the linker's `item`.
    fn import(&mut self, name: &str, item: Option<&Item<T>>, ty: TypeDef) {
        let types = self.types;
        match ty {
            TypeDef::ComponentFunc(f) => match item {
                Some(Item::Func(hf)) => {
                    let tc = Tc::new(types, &self.host_keys, self.names);
                    // A dynamic function takes whatever type it is linked to.
                    if let Some(sig) = hf.signature()
                        && let Err(e) = typecheck::host_func(name, sig, f, &tc)
                    {
                        self.problems.push(e);
                    }
                    self.funcs
                        .insert(name.to_string(), (hf.clone(), tc.any.get()));
                }
                Some(other) => self.mismatch(name, "a function", other),
                None => self.missing.push(format!("`{name}`")),
            },
            TypeDef::ComponentInstance(i) => {
                let exports = &types[i].exports;
                match item {
                    Some(Item::Instance(ns)) => {
                        for (export, ext) in exports {
                            self.import(&nested(name, export), ns.get(export), ext.ty);
                        }
                    }
                    Some(other) => self.mismatch(name, "an instance", other),
                    None if exports.is_empty() => {
                        self.missing.push(format!("`{name}` (an instance)"))
                    }
                    None => {
                        for (export, ext) in exports {
                            self.import(&nested(name, export), None, ext.ty);
                        }
                    }
                }
            }
            TypeDef::Resource(t) => {
                // Fresh resource types were matched before any function.
                if self.fresh.contains(name) {
                    return;
                }
                // An `(eq ..)` alias needs no definition; one that is given
                // must be the resource it aliases.
                let Some((ri, _)) = resource_of(types, t) else {
                    return;
                };
                match item {
                    None => {}
                    Some(Item::Resource(r)) => {
                        let expected = self.host_keys.get(ri.as_u32() as usize).copied().flatten();
                        if expected.is_some_and(|k| k != r.key) {
                            let rti = self.info.imported_resources[ri];
                            let (pi, pp) = &self.info.imports[rti];
                            self.problems.push(format!(
                                "mismatched resource types: import `{name}` is the resource type `{}`, but the linker defines it as `{}`, another type",
                                import_name(&self.info.import_types[*pi].0, pp),
                                r.rust_name
                            ));
                        }
                    }
                    Some(other) => self.mismatch(name, "a resource type", other),
                }
            }
            // Value types need no definition: they only describe.
            TypeDef::Interface(_) => {}
            TypeDef::Module(t) => match item {
                Some(Item::Module(m)) => match crate::load::module::check(name, m, types, t) {
                    Ok(()) => {
                        self.modules.insert(name.to_string(), m.clone());
                    }
                    Err(e) => self.problems.push(e),
                },
                Some(other) => self.mismatch(name, "a core module", other),
                None => self.missing.push(format!("`{name}` (a core module)")),
            },
            TypeDef::Component(_) => self.unlinkable(name, "a component", item),
            TypeDef::CoreFunc(_) => self.unlinkable(name, "a core function", item),
        }
    }

    /// An import of a kind the linker cannot define.
    fn unlinkable(&mut self, name: &str, kind: &str, item: Option<&Item<T>>) {
        match item {
            Some(other) => self.mismatch(name, kind, other),
            None => self.missing.push(format!(
                "`{name}` ({kind}, which hostbind's linker does not support defining yet)"
            )),
        }
    }

    fn mismatch(&mut self, name: &str, expected: &str, found: &Item<T>) {
        self.problems.push(format!(
            "import `{name}` is {expected}, but the linker defines {} there",
            found.desc()
        ));
    }
}

/// The name of export `export` of the imported instance `parent`.
fn nested(parent: &str, export: &str) -> String {
    let sep = if parent.contains('#') { '/' } else { '#' };
    format!("{parent}{sep}{export}")
}

impl<T> Item<T> {
    /// What it is, with an article, for messages.
    pub(crate) fn desc(&self) -> &'static str {
        match self {
            Item::Func(_) => "a function",
            Item::Resource(_) => "a resource type",
            Item::Instance(_) => "an instance",
            Item::Module(_) => "a core module",
        }
    }
}

impl<T> Namespace<T> {
    /// The item `name`: exactly, or else the newest semver-compatible
    /// version of it (`a:b/c@0.2.6` for `a:b/c@0.2.1`).
    pub(crate) fn get(&self, name: &str) -> Option<&Item<T>> {
        self.items.get(self.names.find(name)?)
    }
}
