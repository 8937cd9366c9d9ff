//! Stand-ins for the imports a linker does not define: functions that trap
//! when called, and resource types of a marker type, as wasmtime's
//! `define_unknown_imports_as_traps` makes them.

use wasmtime_environ::component::{ComponentTypes, TypeDef};

use std::collections::HashSet;

use super::{Item, Linker, LinkerInstance};
use crate::error::{Result, Trap};
use crate::load::component::{Component, import_name};

/// The Rust type of every resource type that
/// [`Linker::define_unknown_imports_as_traps`] defines: handles of it can
/// be made only by the stand-in functions, which trap.
#[derive(Debug)]
pub enum UnknownImport {}

impl<T: 'static> Linker<T> {
    /// Defines every import of `component` that this linker does not define
    /// yet (by name, or by a semver-compatible version): a function as one
    /// that traps when called, naming itself; a resource type as one of
    /// [`UnknownImport`]; an instance by its items, alongside those it
    /// already has. Core module imports are left as they are.
    ///
    /// For running a component that imports more than it calls, and for
    /// checking that a component instantiates before its host is written.
    pub fn define_unknown_imports_as_traps(&mut self, component: &Component) -> Result<()> {
        let info = &component.inner.info;
        let types = &component.inner.types;
        // The names that import a resource type of their own; the others
        // are aliases (`(eq ..)`) of those, and need no definition.
        let fresh: HashSet<String> = info
            .imported_resources
            .values()
            .map(|rti| {
                let (idx, path) = &info.imports[*rti];
                import_name(&info.import_types[*idx].0, path)
            })
            .collect();
        let mut root = self.root();
        for (_, (name, ext)) in info.import_types.iter() {
            root.stub(name, ext.ty, types, &fresh)?;
        }
        Ok(())
    }
}

impl<T: 'static> LinkerInstance<'_, T> {
    fn stub(
        &mut self,
        name: &str,
        ty: TypeDef,
        types: &ComponentTypes,
        fresh: &HashSet<String>,
    ) -> Result<()> {
        let existing = self.ns.names.find(name);
        match ty {
            TypeDef::ComponentFunc(_) if existing.is_none() => {
                let full = self.qualified(name);
                self.func_new(name, move |_, _, _, _| {
                    Err(Trap::new(format!(
                        "import `{full}` was called, but the linker defines it only as a stand-in that traps"
                    ))
                    .into())
                })?;
            }
            TypeDef::Resource(_) if existing.is_none() && fresh.contains(&self.qualified(name)) => {
                self.resource::<UnknownImport>(name, |_, _| Ok(()))?;
            }
            TypeDef::ComponentInstance(i) => {
                // Into the instance a semver-compatible name already
                // defines, so that its items are not shadowed.
                let path = self.qualified(name);
                let mut inner = match existing {
                    Some(index) => match self.ns.items.get_mut(index) {
                        Some(Item::Instance(ns)) => LinkerInstance { ns, path },
                        _ => return Ok(()),
                    },
                    None => self.instance(name)?,
                };
                for (export, ext) in &types[i].exports {
                    inner.stub(export, ext.ty, types, fresh)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
