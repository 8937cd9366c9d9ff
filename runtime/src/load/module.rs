//! `Module`: a core wasm module the host provides to components that import
//! one (`(import "m" (core module ..))`), and its check against the
//! component's module type.

use std::sync::Arc;

use anyhow::Context;
use wasmtime_environ::component::{ComponentTypes, TypeModuleIndex};
use wasmtime_environ::{EngineOrModuleTypeIndex, EntityType};

use crate::engine::{Backend, Engine, EngineRepr};
use crate::error::Result;
use crate::load::component::core_func_type;

/// A core wasm module compiled for an engine, for
/// [`LinkerInstance::module`](crate::LinkerInstance::module). Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub(crate) compiled: CompiledCore,
    pub(crate) shape: Shape,
}

/// A module compiled for one engine.
pub(crate) enum CompiledCore {
    Wasmi(::wasmi::Module),
    #[cfg(feature = "wasmtime")]
    Wasmtime(::wasmtime::Module),
}

pub(crate) use crate::engine::shape::{CoreKind, Shape};

impl Module {
    /// Compiles (and validates) a core module for `engine`: a binary, or
    /// WAT text with the `wat` feature (on by default).
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = crate::load::text::to_binary(bytes.as_ref())?;
        let bytes = &*bytes;
        let (compiled, shape) = match &engine.repr {
            EngineRepr::Wasmi(e) => {
                let m = crate::engine::wasmi::Wasmi::compile(e, bytes)?;
                let shape = crate::engine::wasmi::Wasmi::describe(&m);
                (CompiledCore::Wasmi(m), shape)
            }
            #[cfg(feature = "wasmtime")]
            EngineRepr::Wasmtime(e) => {
                use crate::engine::wasmtime::Wasmtime;
                let m = Wasmtime::compile(e, bytes)?;
                let shape = Wasmtime::describe(&m);
                (CompiledCore::Wasmtime(m), shape)
            }
        };
        Ok(Module {
            inner: Arc::new(ModuleInner { compiled, shape }),
        })
    }
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("imports", &self.inner.shape.imports.len())
            .field("exports", &self.inner.shape.exports.len())
            .finish()
    }
}

/// The kind (and function type) a component's module type gives an item.
fn expected(types: &ComponentTypes, ty: &EntityType) -> Result<CoreKind> {
    Ok(match ty {
        EntityType::Function(EngineOrModuleTypeIndex::Module(i)) => {
            CoreKind::Func(Some(core_func_type(types, *i)?))
        }
        EntityType::Function(_) => CoreKind::Func(None),
        EntityType::Memory(_) => CoreKind::Memory,
        EntityType::Table(_) => CoreKind::Table,
        EntityType::Global(_) => CoreKind::Global,
        EntityType::Tag(_) => CoreKind::Other,
    })
}

fn describe(kind: &CoreKind) -> String {
    match kind {
        CoreKind::Func(Some(f)) => format!("func {f:?}"),
        CoreKind::Func(None) => "func".into(),
        CoreKind::Memory => "memory".into(),
        CoreKind::Table => "table".into(),
        CoreKind::Global => "global".into(),
        CoreKind::Other => "tag".into(),
    }
}

/// Whether `module` can stand for the component's imported module of type
/// `ty` (named `name`): it exports everything the type does, and imports
/// nothing the type does not give it. Memories, tables and globals are
/// matched by kind; functions by their type too.
pub(crate) fn check(
    name: &str,
    module: &Module,
    types: &ComponentTypes,
    ty: TypeModuleIndex,
) -> Result<(), String> {
    let mty = &types[ty];
    let shape = &module.inner.shape;
    let mut problems = Vec::new();
    for (export, ety) in &mty.exports {
        let want = expected(types, ety).map_err(|e| format!("{e:#}"))?;
        match shape.exports.iter().find(|(n, _)| n == export) {
            None => problems.push(format!("module export `{export}` not defined")),
            Some((_, have)) if !same(have, &want) => problems.push(format!(
                "module export `{export}` has the wrong type: the component expects {}, the module has {}",
                describe(&want),
                describe(have)
            )),
            Some(_) => {}
        }
    }
    for (m, n, have) in &shape.imports {
        match mty.imports.get(&(m.clone(), n.clone())) {
            None => problems.push(format!(
                "module import `{m}::{n}` not defined: the component gives the module no such import"
            )),
            Some(ety) => {
                let want = expected(types, ety).map_err(|e| format!("{e:#}"))?;
                if !same(have, &want) {
                    problems.push(format!(
                        "module import `{m}::{n}` has the wrong type: the component gives {}, the module needs {}",
                        describe(&want),
                        describe(have)
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("core module `{name}`: {}", problems.join("; ")))
    }
}

fn same(a: &CoreKind, b: &CoreKind) -> bool {
    match (a, b) {
        // A function type that is not all numbers is compared by kind only.
        (CoreKind::Func(Some(x)), CoreKind::Func(Some(y))) => x == y,
        (CoreKind::Func(_), CoreKind::Func(_)) => true,
        _ => a == b,
    }
}

/// The engine's compiled module behind `module`, or why it has none.
pub(crate) fn compiled_for<B: Backend>(module: &Module) -> Result<&B::Module> {
    // Without the wasmtime engine the match has one arm.
    #[cfg_attr(
        not(feature = "wasmtime"),
        expect(clippy::infallible_destructuring_match)
    )]
    let any: &dyn core::any::Any = match &module.inner.compiled {
        CompiledCore::Wasmi(m) => m,
        #[cfg(feature = "wasmtime")]
        CompiledCore::Wasmtime(m) => m,
    };
    any.downcast_ref()
        .context("the core module was compiled for another engine than the component's")
}
