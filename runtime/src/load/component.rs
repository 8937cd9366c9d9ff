//! `Component`: a component binary decomposed by wasmtime-environ into core
//! modules, initializers and types, with the modules compiled for an engine.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use wasmtime_environ::component::{
    self as env, ComponentTypes, ComponentTypesBuilder, GlobalInitializer, RuntimeImportIndex,
    StaticModuleIndex, Trampoline, TrampolineIndex, Translator,
};
use wasmtime_environ::wasmparser::{Validator, WasmFeatures};
use wasmtime_environ::{
    EntityIndex, ModuleInternedTypeIndex, PrimaryMap, ScopeVec, Tunables, WasmValType,
};

use crate::engine::wasmi::Wasmi;
use crate::engine::{Backend, Engine, EngineRepr};
use crate::error::Result;
use crate::raw::{CoreFuncType, CoreType};

/// A compiled component, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Component {
    pub(crate) inner: Arc<ComponentInner>,
}

pub(crate) struct ComponentInner {
    pub(crate) engine: Engine,
    pub(crate) info: env::Component,
    pub(crate) trampolines: PrimaryMap<TrampolineIndex, Trampoline>,
    pub(crate) types: Arc<ComponentTypes>,
    /// Export names by entity, per static module: environ refers to exports
    /// by index, engines by name.
    pub(crate) export_names: Vec<HashMap<EntityIndex, String>>,
    pub(crate) trampoline_tys: Vec<CoreFuncType>,
    /// The import each lowering calls, by `LoweredIndex`.
    pub(crate) lowerings: Vec<Option<RuntimeImportIndex>>,
    pub(crate) compiled: Compiled,
    /// The binary, kept on engines that can save compiled code
    /// ([`Component::serialize`]) to write next to it.
    pub(crate) bytes: Option<Arc<[u8]>>,
    /// A name for each resource type, for messages; shared by every
    /// instance's handle tables.
    pub(crate) resource_names: Arc<[String]>,
    /// Whether the component uses the async ABI: its calls then run as
    /// tasks of the store.
    pub(crate) concurrent: bool,
    /// Its stream and future table types, for typed host ends.
    pub(crate) transmit_tables: Vec<super::transmits::TransmitTable>,
}

/// Where a component's core modules come from.
pub(crate) enum Source<'a> {
    /// Compiled from the component's binary.
    Compile,
    /// Compiled earlier by this engine's configuration, one per static
    /// module (see [`Component::deserialize`]).
    #[cfg_attr(not(feature = "wasmtime"), allow(dead_code))]
    Precompiled(Vec<&'a [u8]>),
}

pub(crate) enum Compiled {
    Wasmi(Artifacts<Wasmi>),
    #[cfg(feature = "wasmtime")]
    Wasmtime(Artifacts<crate::engine::wasmtime::Wasmtime>),
}

/// What one engine made of a component, once, for every instantiation.
pub(crate) struct Artifacts<B: Backend> {
    pub(crate) modules: Vec<CompiledModule<B>>,
    /// Each trampoline's core function type in the engine's form.
    pub(crate) trampolines: Vec<B::FuncTy>,
    /// The types of `context.get` and `context.set`, in that order.
    pub(crate) context: [B::FuncTy; 2],
}

impl Compiled {
    /// The artifacts of engine `B`, if the component was compiled for it.
    pub(crate) fn artifacts<B: Backend>(&self) -> Option<&Artifacts<B>> {
        // Without the wasmtime engine the match has one arm.
        #[cfg_attr(
            not(feature = "wasmtime"),
            expect(clippy::infallible_destructuring_match)
        )]
        let any: &dyn core::any::Any = match self {
            Compiled::Wasmi(a) => a,
            #[cfg(feature = "wasmtime")]
            Compiled::Wasmtime(a) => a,
        };
        any.downcast_ref()
    }
}

impl<B: Backend> Artifacts<B> {
    fn new(engine: &B::Engine, modules: Vec<CompiledModule<B>>, tys: &[CoreFuncType]) -> Self {
        Artifacts {
            modules,
            trampolines: tys.iter().map(|t| B::func_ty(engine, t)).collect(),
            context: context_tys().map(|t| B::func_ty(engine, &t)),
        }
    }
}

/// The core types of `context.get` and `context.set`, which environ hands
/// over as intrinsics rather than trampolines.
pub(crate) fn context_tys() -> [CoreFuncType; 2] {
    [
        CoreFuncType {
            params: Vec::new(),
            results: vec![CoreType::I32],
        },
        CoreFuncType {
            params: vec![CoreType::I32],
            results: Vec::new(),
        },
    ]
}

/// A core module compiled for one engine.
pub(crate) struct CompiledModule<B: Backend> {
    pub(crate) module: B::Module,
    /// For each import in engine order, its position among environ's
    /// instantiation args. wasmi orders imports by kind, so position in the
    /// binary cannot be assumed.
    pub(crate) arg_order: Vec<usize>,
}

impl Component {
    /// Decomposes and compiles a component binary, or, with the `wat`
    /// feature (on by default), its text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Component> {
        let bytes = crate::load::text::to_binary(bytes.as_ref())?;
        Component::build(engine, &bytes, Source::Compile)
    }

    /// Decomposes a component binary and takes its core modules from
    /// `source`.
    pub(crate) fn build(engine: &Engine, bytes: &[u8], source: Source<'_>) -> Result<Component> {
        crate::load::precheck::check(bytes)?;
        // A component that uses the async ABI needs environ's concurrency
        // support, which changes the adapters of every call between its
        // components. Synchronous components are built without it, so
        // they pay nothing for async; only a component the synchronous
        // feature set refuses for an async feature is built again with it.
        let scope = ScopeVec::new();
        let mut concurrent = false;
        let (translation, modules, types) = loop {
            let mut tunables = Tunables::default_host();
            tunables.concurrency_support = concurrent;
            let mut validator = Validator::new_with_features(features(&engine.repr, concurrent));
            let mut types = ComponentTypesBuilder::new(&validator);
            // environ asserts some invariants instead of returning errors; with
            // the features above none should be reachable, and a panic that
            // still escapes becomes an error rather than unwinding into the user.
            let translated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Translator::new(&tunables, &mut validator, &mut types, &scope).translate(bytes)
            }))
            .map_err(|panic| {
                anyhow!(
                    "wasmtime-environ failed on this component ({}); hostbind cannot load it",
                    crate::error::panic_text(panic)
                )
            })?;
            match translated {
                Ok((translation, modules)) => break (translation, modules, types),
                Err(e) => {
                    let msg = e.to_string();
                    if !concurrent && needs_async(&msg) {
                        concurrent = true;
                        continue;
                    }
                    return Err(if refuses_a_proposal(&msg) {
                        anyhow!(
                            "the component uses a proposal hostbind does not implement yet: {msg}"
                        )
                    } else {
                        anyhow!("invalid component: {msg}")
                    });
                }
            }
        };
        let (types, _) = types.finish(&translation.component);
        let info = translation.component;
        let trampolines = translation.trampolines;

        check_supported(&info, &trampolines, &types)?;

        let trampoline_tys = info
            .trampolines
            .values()
            .map(|ty| core_func_type_after_refs(&types, *ty))
            .collect::<Result<Vec<_>>>()?;
        let mut lowerings = vec![None; info.num_lowerings as usize];
        for init in &info.initializers {
            if let GlobalInitializer::LowerImport { index, import } = init
                && let Some(slot) = lowerings.get_mut(index.as_u32() as usize)
            {
                *slot = Some(*import);
            }
        }
        let export_names = modules
            .values()
            .map(|m| {
                m.module
                    .exports
                    .iter()
                    .map(|(name, idx)| (*idx, m.module.strings[*name].to_string()))
                    .collect()
            })
            .collect();

        let compiled = match (&engine.repr, source) {
            (EngineRepr::Wasmi(e), Source::Compile) => {
                let m = compile_all::<Wasmi>(&modules, |_, wasm| Wasmi::compile(e, wasm))?;
                Compiled::Wasmi(Artifacts::new(e, m, &trampoline_tys))
            }
            (EngineRepr::Wasmi(_), Source::Precompiled(_)) => {
                bail!("wasmi interprets components; it has no precompiled form to load")
            }
            #[cfg(feature = "wasmtime")]
            (EngineRepr::Wasmtime(e), Source::Compile) => {
                use crate::engine::wasmtime::Wasmtime;
                let m = compile_all::<Wasmtime>(&modules, |_, wasm| Wasmtime::compile(e, wasm))?;
                Compiled::Wasmtime(Artifacts::new(e, m, &trampoline_tys))
            }
            #[cfg(feature = "wasmtime")]
            (EngineRepr::Wasmtime(e), Source::Precompiled(saved)) => {
                if saved.len() != modules.len() {
                    bail!(
                        "the precompiled component holds {} core modules, but its binary has {}",
                        saved.len(),
                        modules.len()
                    );
                }
                let m = compile_all(&modules, |i, _| {
                    // SAFETY: `Source::Precompiled` is only built by
                    // `Component::deserialize`, whose caller vouches that
                    // the bytes came from `Component::serialize`.
                    unsafe { crate::engine::wasmtime::deserialize_module(e, saved[i]) }
                })?;
                Compiled::Wasmtime(Artifacts::new(e, m, &trampoline_tys))
            }
        };
        let bytes = match &engine.repr {
            EngineRepr::Wasmi(_) => None,
            #[cfg(feature = "wasmtime")]
            EngineRepr::Wasmtime(_) => Some(Arc::from(bytes)),
        };
        let resource_names = resource_names(&info, &types);
        Ok(Component {
            inner: Arc::new(ComponentInner {
                transmit_tables: super::transmits::transmit_tables(&info, &trampolines, &types),
                engine: engine.clone(),
                resource_names,
                info,
                trampolines,
                types: Arc::new(types),
                export_names,
                trampoline_tys,
                lowerings,
                compiled,
                bytes,
                concurrent,
            }),
        })
    }

    /// Reads, decomposes and compiles a component from a file: a binary,
    /// or WAT text with the `wat` feature.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Component> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        Component::new(engine, bytes).with_context(|| format!("in `{}`", path.display()))
    }

    /// The names of the component's imports, as a linker must define them
    /// (`iface#func` for functions of imported instances).
    pub fn import_names(&self) -> Vec<String> {
        let info = &self.inner.info;
        info.imports
            .values()
            .map(|(idx, path)| import_name(&info.import_types[*idx].0, path))
            .collect()
    }

    /// The names of the component's exports at its root: its exported
    /// instances (`wasi:http/incoming-handler@0.2.12`) and functions,
    /// for a host that picks how to drive a component by what it exports.
    pub fn export_names(&self) -> Vec<String> {
        self.inner
            .info
            .exports
            .raw_iter()
            .map(|(name, _)| {
                let name: &str = name;
                name.to_string()
            })
            .collect()
    }
}

impl core::fmt::Debug for Component {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Component")
            .field("imports", &self.import_names())
            .finish()
    }
}

/// Whether a validation error is a proposal that [`features`] leaves off
/// (wasmparser's `require_feature` messages), not a broken binary.
fn refuses_a_proposal(msg: &str) -> bool {
    msg.contains("requires the component model")
        || msg.contains("require the component model")
        || msg.contains("proposal not enabled")
        || msg.contains("proposal must be enabled")
        || msg.contains("feature is not active")
}

/// Whether a validation error is an async feature of the component model,
/// which a build with concurrency support accepts.
fn needs_async(msg: &str) -> bool {
    msg.contains("component model async feature")
        || msg.contains("more async builtins feature")
        || msg.contains("error-context feature")
        || msg.contains("`async` canonical option")
        || msg.contains("async component functions")
}

/// The validator's proposals: what the engine runs and what environ can
/// build adapters for, with `concurrency_support` on (`concurrent`) or off.
/// Anything outside is refused by the validator, naming the proposal,
/// before environ runs.
fn features(engine: &EngineRepr, concurrent: bool) -> WasmFeatures {
    let mut features = WasmFeatures::default();
    // Async (with its streams, futures and error contexts) needs environ's
    // concurrency support; without it adapters would reach its assertions.
    // Threads and the GC data model are not implemented yet.
    features.remove(WasmFeatures::CM_THREADING | WasmFeatures::CM_GC);
    let async_abi = WasmFeatures::CM_ASYNC
        | WasmFeatures::CM_ASYNC_STACKFUL
        | WasmFeatures::CM_MORE_ASYNC_BUILTINS
        | WasmFeatures::CM_ERROR_CONTEXT;
    if concurrent {
        features.insert(async_abi);
    } else {
        features.remove(async_abi);
    }
    // wasmi runs no exceptions: with them on, environ would also wrap every
    // adapter in a `try_table` barrier. wasmtime runs them, and the barrier
    // is what turns an exception leaving a component into a trap. GC stays
    // on for both: components may declare GC core types, and wasmi refuses
    // a module using them when compiling it.
    match engine {
        EngineRepr::Wasmi(_) => {
            features.remove(WasmFeatures::EXCEPTIONS | WasmFeatures::LEGACY_EXCEPTIONS);
        }
        #[cfg(feature = "wasmtime")]
        EngineRepr::Wasmtime(_) => features.remove(WasmFeatures::LEGACY_EXCEPTIONS),
    }
    features
}

/// `iface#func` for an import path, as errors and linkers spell it.
pub(crate) fn import_name(root: &str, path: &[String]) -> String {
    let mut name = root.to_string();
    for (i, p) in path.iter().enumerate() {
        name.push(if i == 0 { '#' } else { '/' });
        name.push_str(p);
    }
    name
}

/// Each static module, made by `make` (from its index and its bytes), with
/// its imports put in engine order.
fn compile_all<B: Backend>(
    modules: &PrimaryMap<StaticModuleIndex, wasmtime_environ::ModuleTranslation<'_>>,
    make: impl Fn(usize, &[u8]) -> Result<B::Module>,
) -> Result<Vec<CompiledModule<B>>> {
    modules
        .iter()
        .map(|(idx, m)| {
            let module = make(idx.as_u32() as usize, m.wasm)
                .with_context(|| format!("cannot compile core module {}", idx.as_u32()))?;
            let positions: HashMap<(&str, &str), usize> = m
                .module
                .imports()
                .enumerate()
                .map(|(i, (module, name, _))| ((module, name), i))
                .collect();
            let arg_order = B::imports(&module)
                .iter()
                .map(|(module, name)| {
                    positions
                        .get(&(module.as_str(), name.as_str()))
                        .copied()
                        .ok_or_else(|| {
                            anyhow!(
                                "core module {} imports `{module}::{name}`, which the component does not provide",
                                idx.as_u32()
                            )
                        })
                })
                .collect::<Result<_>>()?;
            Ok(CompiledModule { module, arg_order })
        })
        .collect()
}

/// The core function type behind a module-interned type index.
pub(crate) fn core_func_type(
    types: &ComponentTypes,
    ty: ModuleInternedTypeIndex,
) -> Result<CoreFuncType> {
    core_func_type_of(types, ty, false)
}

/// The type of an async-call intrinsic without its leading `funcref`
/// params (the adapter's helper functions), which the engine passes apart.
pub(crate) fn core_func_type_after_refs(
    types: &ComponentTypes,
    ty: ModuleInternedTypeIndex,
) -> Result<CoreFuncType> {
    core_func_type_of(types, ty, true)
}

/// [`core_func_type`], leaving out reference params when `skip_refs`.
fn core_func_type_of(
    types: &ComponentTypes,
    ty: ModuleInternedTypeIndex,
    skip_refs: bool,
) -> Result<CoreFuncType> {
    let Some(f) = types.module_types()[ty].as_func() else {
        bail!("core type {} is not a function type", ty.as_u32());
    };
    let conv = |t: &WasmValType| match t {
        WasmValType::I32 => Ok(CoreType::I32),
        WasmValType::I64 => Ok(CoreType::I64),
        WasmValType::F32 => Ok(CoreType::F32),
        WasmValType::F64 => Ok(CoreType::F64),
        other => Err(anyhow!("core value type `{other}` is not supported")),
    };
    let kept = |t: &&WasmValType| !(skip_refs && matches!(t, WasmValType::Ref(_)));
    Ok(CoreFuncType {
        params: f
            .params()
            .iter()
            .filter(kept)
            .map(conv)
            .collect::<Result<_>>()?,
        results: f.results().iter().map(conv).collect::<Result<_>>()?,
    })
}

/// Rejects, with a message naming it, anything the runtime cannot run yet.
fn check_supported(
    info: &env::Component,
    trampolines: &PrimaryMap<TrampolineIndex, Trampoline>,
    types: &ComponentTypes,
) -> Result<()> {
    for t in trampolines.values() {
        if let Trampoline::Transcoder { from64, to64, .. } = t
            && (*from64 || *to64)
        {
            bail!(
                "the component passes strings between 64-bit memories, which hostbind does not support yet"
            );
        }
        if !matches!(
            t,
            Trampoline::LowerImport { .. }
                | Trampoline::TaskReturn { .. }
                | Trampoline::TaskCancel { .. }
                | Trampoline::WaitableSetNew { .. }
                | Trampoline::WaitableSetWait { .. }
                | Trampoline::WaitableSetPoll { .. }
                | Trampoline::WaitableSetDrop { .. }
                | Trampoline::WaitableJoin { .. }
                | Trampoline::BackpressureInc { .. }
                | Trampoline::BackpressureDec { .. }
                | Trampoline::ThreadYield { .. }
                | Trampoline::SubtaskDrop { .. }
                | Trampoline::SubtaskCancel { .. }
                | Trampoline::PrepareCall { .. }
                | Trampoline::SyncStartCall { .. }
                | Trampoline::AsyncStartCall { .. }
                | Trampoline::ResourceNew { .. }
                | Trampoline::ResourceRep { .. }
                | Trampoline::ResourceDrop { .. }
                | Trampoline::Trap
                | Trampoline::Transcoder { .. }
                | Trampoline::ResourceTransferOwn
                | Trampoline::ResourceTransferBorrow
                | Trampoline::EnterSyncCall
                | Trampoline::ExitSyncCall
                | Trampoline::StreamNew { .. }
                | Trampoline::StreamRead { .. }
                | Trampoline::StreamWrite { .. }
                | Trampoline::StreamCancelRead { .. }
                | Trampoline::StreamCancelWrite { .. }
                | Trampoline::StreamDropReadable { .. }
                | Trampoline::StreamDropWritable { .. }
                | Trampoline::FutureNew { .. }
                | Trampoline::FutureRead { .. }
                | Trampoline::FutureWrite { .. }
                | Trampoline::FutureCancelRead { .. }
                | Trampoline::FutureCancelWrite { .. }
                | Trampoline::FutureDropReadable { .. }
                | Trampoline::FutureDropWritable { .. }
                | Trampoline::StreamTransfer
                | Trampoline::FutureTransfer
                | Trampoline::ErrorContextNew { .. }
                | Trampoline::ErrorContextDebugMessage { .. }
                | Trampoline::ErrorContextDrop { .. }
                | Trampoline::ErrorContextTransfer
        ) {
            let debug = format!("{t:?}");
            let kind = debug
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("?");
            let what = match t {
                Trampoline::PrepareCall { .. }
                | Trampoline::SyncStartCall { .. }
                | Trampoline::AsyncStartCall { .. } => {
                    "an async call between its components (the adapter intrinsic `{kind}`)"
                }
                Trampoline::SubtaskDrop { .. } | Trampoline::SubtaskCancel { .. } => {
                    "subtasks (the built-in `{kind}`)"
                }
                Trampoline::StreamTransfer | Trampoline::FutureTransfer => {
                    "a stream or future passed between its components (the adapter intrinsic `{kind}`)"
                }
                _ => "the built-in `{kind}`",
            };
            bail!(
                "the component uses {}: not supported by hostbind yet",
                what.replace("{kind}", kind)
            );
        }
        if let Some(payload) = payload_of(types, t)
            && let Some(kind) = handle_value(types, &payload, false)
        {
            bail!(
                "the component uses a stream or future whose elements carry a {kind}: not supported by hostbind yet"
            );
        }
        if let Trampoline::LowerImport {
            options, lower_ty, ..
        } = t
            && info.options[*options].async_
        {
            crate::abi::async_lower::AsyncLower::new(types, *lower_ty)?;
        }
    }
    for opts in info.options.values() {
        if let env::CanonicalOptionsDataModel::Gc {} = opts.data_model {
            bail!("the component uses the GC data model, which hostbind does not support");
        }
    }
    Ok(())
}

/// The element type of the stream or future a built-in works on.
fn payload_of(types: &ComponentTypes, t: &Trampoline) -> Option<env::InterfaceType> {
    match t {
        Trampoline::StreamNew { ty, .. }
        | Trampoline::StreamRead { ty, .. }
        | Trampoline::StreamWrite { ty, .. } => types[types[*ty].ty].payload,
        Trampoline::FutureNew { ty, .. }
        | Trampoline::FutureRead { ty, .. }
        | Trampoline::FutureWrite { ty, .. } => types[types[*ty].ty].payload,
        _ => None,
    }
}

/// Whether function type `ty` passes a stream, future or error context.
pub(crate) fn passes_async_values(
    types: &ComponentTypes,
    ty: wasmtime_environ::component::TypeFuncIndex,
) -> bool {
    let f = &types[ty];
    types[f.params]
        .types
        .iter()
        .chain(types[f.results].types.iter())
        .any(|t| async_value(types, t).is_some())
}

fn async_value(types: &ComponentTypes, ty: &env::InterfaceType) -> Option<&'static str> {
    handle_value(types, ty, false)
}

/// The kind of handle a value of `ty` carries, if any: a stream, future or
/// error context, or (with `resources`) a resource handle.
fn handle_value(
    types: &ComponentTypes,
    ty: &env::InterfaceType,
    resources: bool,
) -> Option<&'static str> {
    let any = |tys: &mut dyn Iterator<Item = &env::InterfaceType>| {
        for t in tys {
            if let Some(k) = handle_value(types, t, resources) {
                return Some(k);
            }
        }
        None
    };
    match ty {
        env::InterfaceType::Own(_) | env::InterfaceType::Borrow(_) if resources => {
            Some("resource handle")
        }
        env::InterfaceType::Future(_) => Some("future"),
        env::InterfaceType::Stream(_) => Some("stream"),
        env::InterfaceType::ErrorContext(_) => Some("error-context"),
        env::InterfaceType::Record(i) => any(&mut types[*i].fields.iter().map(|f| &f.ty)),
        env::InterfaceType::Tuple(i) => any(&mut types[*i].types.iter()),
        env::InterfaceType::Variant(i) => any(&mut types[*i].cases.values().flatten()),
        env::InterfaceType::List(i) => handle_value(types, &types[*i].element, resources),
        env::InterfaceType::Option(i) => handle_value(types, &types[*i].ty, resources),
        env::InterfaceType::Result(i) => {
            let r = &types[*i];
            any(&mut r.ok.iter().chain(r.err.iter()))
        }
        _ => None,
    }
}

/// A name for each resource type, by `ResourceIndex`, for messages: the
/// import or export path that names it, or its index.
pub(crate) fn resource_names(info: &env::Component, types: &ComponentTypes) -> Arc<[String]> {
    let mut names: Vec<String> = (0..info.num_resources)
        .map(|i| format!("resource {i}"))
        .collect();
    for (ri, rti) in info.imported_resources.iter() {
        let (idx, path) = &info.imports[*rti];
        names[ri.as_u32() as usize] = import_name(&info.import_types[*idx].0, path);
    }
    fn walk(
        info: &env::Component,
        types: &ComponentTypes,
        exports: &env::NameMap<
            wasmtime_environ::prelude::TryString,
            (env::ExportIndex, env::ComponentExternData),
        >,
        prefix: &str,
        names: &mut [String],
    ) {
        for (name, (idx, _)) in exports.raw_iter() {
            let name: &str = name;
            let full = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}#{name}")
            };
            match &info.export_items[*idx] {
                env::Export::Type(env::TypeDef::Resource(t)) => {
                    let t: &env::TypeResourceTableIndex = t;
                    if let Some((ri, _)) = crate::types::typecheck::resource_of(types, *t)
                        && let Some(slot) = names.get_mut(ri.as_u32() as usize)
                        && slot.starts_with("resource ")
                    {
                        *slot = full;
                    }
                }
                env::Export::Instance { exports, .. } => walk(info, types, exports, &full, names),
                _ => {}
            }
        }
    }
    walk(info, types, &info.exports, "", &mut names);
    names.into()
}
