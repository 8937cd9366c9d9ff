//! Instantiation: walking environ's global initializers on a core engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use wasmtime_environ::component::{
    CanonicalOptionsDataModel, ExportIndex, OptionsIndex, StaticModuleIndex,
    StringEncoding as EnvEncoding,
};

use crate::abi::StringEncoding;
use crate::engine::Backend;
use crate::load::component::ComponentInner;
use crate::store::Cx;
use core::any::TypeId;

use crate::abi::HandleTables;
use crate::raw::CoreFuncType;

/// An instantiated component in a [`Store`](crate::Store).
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: usize,
}

/// A lifted export resolved for calls.
pub(crate) struct ExportFunc {
    /// Which export this is, so repeated lookups share one entry.
    pub(crate) export: ExportIndex,
    /// Shared with the export's `TypedFunc`s and `Func`s, which pass them to
    /// each call, so that a call does not clone them.
    pub(crate) tys: Arc<ExportTys>,
    pub(crate) options: OptionsIndex,
    /// Its function type.
    pub(crate) ty: wasmtime_environ::component::TypeFuncIndex,
}

/// What a call of a lifted export needs from the instance's state, fixed
/// when the export is looked up: kept beside its types, which a call reads
/// through its `TypedFunc`, instead of finding the options on each call.
pub(crate) struct ExportCall<B: Backend> {
    pub(crate) func: B::Export,
    /// Its options' `post-return`, prepared for calls the same way.
    pub(crate) post_return: Option<B::Export>,
    pub(crate) memory: Option<B::Memory>,
    pub(crate) realloc: Option<B::Realloc>,
    pub(crate) encoding: StringEncoding,
    /// The options' runtime component instance: its handle table and flags.
    pub(crate) table: usize,
    /// The component uses the async ABI, so every call runs as a task.
    pub(crate) concurrent: bool,
}

impl<B: Backend> Clone for ExportCall<B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: Backend> Copy for ExportCall<B> {}

impl<B: Backend> ExportCall<B> {
    /// The call of an export whose types are `tys`: a `TypedFunc` or `Func`
    /// is used only in its own store, so only with the engine that made it.
    #[inline(always)]
    pub(crate) fn of(tys: &ExportTys) -> crate::Result<&ExportCall<B>> {
        B::of_engine(&tys.call)
            .ok_or_else(|| anyhow::anyhow!("an export resolved by another engine"))
    }
}

/// The family of [`ExportCall`]s, one per engine.
pub(crate) struct ExportCalls;

impl crate::engine::Family for ExportCalls {
    type Of<B: Backend> = ExportCall<B>;
}

/// The core types of a lifted export and of its `post-return`, where its
/// options' memory was last found, and what a call reads.
#[derive(Debug)]
pub(crate) struct ExportTys {
    pub(crate) core: CoreFuncType,
    /// `post-return` takes the core results as its params.
    pub(crate) post_return: CoreFuncType,
    pub(crate) place: crate::call::place::MemoryPlace,
    pub(crate) call: crate::engine::PerEngine<ExportCalls>,
}

/// The runtime state of one component instance, indexed as environ numbers it.
pub(crate) struct InstanceState<B: Backend> {
    pub(crate) component: Arc<ComponentInner>,
    /// Each core instance, with the static module it is of (`None` for an
    /// imported module, whose exports are found by name).
    pub(crate) core: Vec<(B::Instance, Option<StaticModuleIndex>)>,
    /// One `i32` global per runtime component instance: the `may_leave`
    /// flag as fused adapters read and write it.
    pub(crate) flags: Vec<B::Global>,
    /// The `may_leave` flag of each runtime component instance, cleared while
    /// its `realloc` runs. Kept in Rust, and shared with the host functions
    /// lowered into the instance, so that a host call reads it directly.
    pub(crate) may_leave: Box<[Arc<LeaveFlag>]>,
    /// Every canonical options entry resolved, once instantiation is done.
    pub(crate) resolved: Vec<Option<ResolvedOptions<B>>>,
    pub(crate) memories: Vec<Option<B::Memory>>,
    pub(crate) reallocs: Vec<Option<B::Realloc>>,
    pub(crate) post_returns: Vec<Option<B::Func>>,
    /// The adapters' `task_may_block` global, once they import it.
    pub(crate) task_may_block: Option<B::Global>,
    /// Each async `callback`, by `RuntimeCallbackIndex`.
    pub(crate) callbacks: Vec<Option<B::Func>>,
    pub(crate) trampolines: Vec<Option<B::Func>>,
    pub(crate) exports: Vec<ExportFunc>,
    /// An export call is running; the component model forbids re-entering.
    pub(crate) entered: bool,
    /// The export whose trap poisoned the instance: no call may enter it again.
    pub(crate) poisoned: Option<Box<str>>,
    /// The first line of that trap's message.
    pub(crate) poison_reason: Option<Box<str>>,
    /// The handle tables of the instance's runtime component instances.
    pub(crate) handles: HandleTables,
    /// Every resource type, by `ResourceIndex`: who implements it.
    pub(crate) resources: Vec<ResourceDef<B>>,
    /// The host type key of each imported resource, by `ResourceIndex`.
    pub(crate) host_keys: Vec<Option<TypeId>>,
}

/// The `may_leave` flag of one runtime component instance.
///
/// One byte, so that a host call's check is one load and one compare:
/// zero when the instance may leave and adapters keep no copy of the flag,
/// the common case. Atomic only so that the host functions holding it stay
/// `Send` and `Sync`: a store is used by one thread at a time, and
/// `Relaxed` suffices.
#[derive(Debug)]
pub(crate) struct LeaveFlag(AtomicU8);

/// [`LeaveFlag`]'s bit for an instance that may not leave now.
const CLEARED: u8 = 1;
/// [`LeaveFlag`]'s bit for fused adapters keeping a copy of the flag in an
/// engine global (`InstanceState::flags`), which then must agree.
const ADAPTERS: u8 = 2;
/// [`LeaveFlag`]'s bit for a store with a call hook: its host calls go the
/// long way, which runs the hook, and the short way tests nothing more.
const HOOKED: u8 = 4;

impl LeaveFlag {
    /// The flags of `n` runtime component instances, all set: each one
    /// shared with the host functions lowered into its instance. `hooked`
    /// if the store has a call hook.
    pub(crate) fn all_set(n: usize, hooked: bool) -> Box<[Arc<LeaveFlag>]> {
        let bits = if hooked { HOOKED } else { 0 };
        (0..n)
            .map(|_| Arc::new(LeaveFlag(AtomicU8::new(bits))))
            .collect()
    }

    /// A flag that is never clear to leave, so that every call tested
    /// against it goes the long way: the `gate` of a lowering that lends
    /// or moves, and the flag of one whose runtime instance has none (the
    /// store then refuses its calls).
    pub(crate) fn never() -> Arc<LeaveFlag> {
        Arc::new(LeaveFlag(AtomicU8::new(ADAPTERS)))
    }

    /// Whether the instance may leave, adapters keep no copy of the flag
    /// and the store has no call hook: a call may go ahead with no more
    /// checks.
    #[inline(always)]
    pub(crate) fn clear_to_leave(&self) -> bool {
        self.0.load(Ordering::Relaxed) == 0
    }

    /// Whether the instance may leave, if adapters keep no copy of the
    /// flag; `None` if they do, and the engine global must be read too.
    #[inline(always)]
    pub(crate) fn may_leave_here(&self) -> Option<bool> {
        let bits = self.0.load(Ordering::Relaxed);
        match bits & ADAPTERS {
            0 => Some(bits & CLEARED == 0),
            _ => None,
        }
    }

    /// hostbind's own flag, whether or not adapters keep a copy.
    fn may_leave(&self) -> bool {
        self.0.load(Ordering::Relaxed) & CLEARED == 0
    }

    /// Sets hostbind's own flag; returns it and whether adapters keep a
    /// copy, as they were. A load and a store, not a locked read-modify-
    /// write (which costs a `realloc` call two pipeline drains): only the
    /// thread using the store writes the flag.
    #[inline]
    pub(crate) fn swap(&self, value: bool) -> (bool, bool) {
        let old = self.0.load(Ordering::Relaxed);
        let new = match value {
            true => old & !CLEARED,
            false => old | CLEARED,
        };
        self.0.store(new, Ordering::Relaxed);
        (old & CLEARED == 0, old & ADAPTERS != 0)
    }

    /// Notes that adapters keep a copy of the flag.
    pub(crate) fn set_adapters(&self) {
        self.0.fetch_or(ADAPTERS, Ordering::Relaxed);
    }

    /// Marks the flag's store as having a call hook (a store's hook, once
    /// set, is only ever replaced).
    pub(crate) fn set_hooked(&self) {
        self.0.fetch_or(HOOKED, Ordering::Relaxed);
    }
}

/// Who implements a resource type, and so runs its destructor.
pub(crate) enum ResourceDef<B: Backend> {
    /// The host: the `HostDtor<T>` of the linker's definition.
    Host(Box<dyn core::any::Any + Send + Sync>),
    /// The guest: its destructor, if it has one.
    Guest { dtor: Option<B::Func> },
    /// Not set up yet (a defined resource before its initializer).
    Unset,
}

impl<B: Backend> InstanceState<B> {
    /// The canonical options `index`, with memory and realloc resolved.
    #[inline]
    pub(crate) fn options(&self, index: u32) -> Option<ResolvedOptions<B>> {
        match self.resolved.get(index as usize) {
            Some(r) => *r,
            None => self.resolve_options(index),
        }
    }

    pub(crate) fn resolve_options(&self, index: u32) -> Option<ResolvedOptions<B>> {
        let opts = self
            .component
            .info
            .options
            .get(OptionsIndex::from_u32(index))?;
        let (memory, realloc) = match opts.data_model {
            CanonicalOptionsDataModel::LinearMemory(m) => (
                m.memory
                    .and_then(|i| *self.memories.get(i.as_u32() as usize)?),
                m.realloc
                    .and_then(|i| *self.reallocs.get(i.as_u32() as usize)?),
            ),
            CanonicalOptionsDataModel::Gc {} => (None, None),
        };
        Some(ResolvedOptions {
            memory,
            realloc,
            post_return: opts
                .post_return
                .and_then(|i| *self.post_returns.get(i.as_u32() as usize)?),
            table: opts.instance.as_u32() as usize,
            encoding: encoding_of(opts.string_encoding),
        })
    }
}

/// Resolved canonical options of a lowering or lifting.
pub(crate) struct ResolvedOptions<B: Backend> {
    pub(crate) memory: Option<B::Memory>,
    pub(crate) realloc: Option<B::Realloc>,
    pub(crate) post_return: Option<B::Func>,
    pub(crate) encoding: StringEncoding,
    /// The options' runtime component instance: its handle table and flags.
    pub(crate) table: usize,
}

impl<B: Backend> Clone for ResolvedOptions<B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: Backend> Copy for ResolvedOptions<B> {}

pub(crate) fn encoding_of(e: EnvEncoding) -> StringEncoding {
    match e {
        EnvEncoding::Utf8 => StringEncoding::Utf8,
        EnvEncoding::Utf16 => StringEncoding::Utf16,
        EnvEncoding::CompactUtf16 => StringEncoding::CompactUtf16,
    }
}

/// Whether runtime instance `table` of hostbind instance `instance` may
/// call out now: hostbind's flag, and the adapters' if they keep one.
#[inline]
pub(crate) fn may_leave<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
) -> Option<bool> {
    let state = B::data(cx).instances.get(instance)?;
    let flag = state.may_leave.get(table)?;
    if let Some(mine) = flag.may_leave_here() {
        return Some(mine);
    }
    let mine = flag.may_leave();
    let global = *state.flags.get(table)?;
    Some(mine && B::global_get(cx, global) != 0)
}

/// Sets the `may_leave` flag of runtime instance `table`, and the adapters'
/// copy of it if they keep one; returns hostbind's flag as it was, for the
/// caller to restore.
#[inline]
pub(crate) fn set_may_leave<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    table: usize,
    value: bool,
) -> Option<bool> {
    let state = B::data(cx).instances.get_mut(instance)?;
    let flag = state.may_leave.get(table)?;
    let (old, adapters) = flag.swap(value);
    if adapters {
        let global = *state.flags.get(table)?;
        B::global_set(cx, global, i32::from(value));
    }
    Some(old)
}

/// Export `item` of core instance `instance` of hostbind instance `id`.
pub(crate) fn core_export<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    component: &ComponentInner,
    instance: u32,
    item: &wasmtime_environ::component::ExportItem<wasmtime_environ::EntityIndex>,
) -> crate::error::Result<B::Extern> {
    use wasmtime_environ::component::ExportItem;
    let Some(&(core, module)) = B::data(cx).instances[id].core.get(instance as usize) else {
        anyhow::bail!("core instance {instance} is used before it is instantiated");
    };
    let name = match (item, module) {
        (ExportItem::Name(n), _) => n.as_str(),
        (ExportItem::Index(i), Some(module)) => component.export_names[module.as_u32() as usize]
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| {
                anyhow::anyhow!("core module {} does not export {i:?}", module.as_u32())
            })?,
        (ExportItem::Index(i), None) => {
            anyhow::bail!("an imported core module's export {i:?} is named by index")
        }
    };
    B::export(cx, core, name)
        .ok_or_else(|| anyhow::anyhow!("core instance {instance} has no export `{name}`"))
}

/// The core function a lifted export's `def` names, once the instance is
/// built: resolved when the export is first looked up, not at
/// instantiation, which most exports would not use.
pub(crate) fn lifted_func<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    component: &ComponentInner,
    def: &wasmtime_environ::component::CoreDef,
) -> Option<B::Func> {
    use wasmtime_environ::component::{CoreDef, CoreExport};
    match def {
        CoreDef::Export(CoreExport { instance, item }) => {
            let ext = core_export::<B, T>(cx, id, component, instance.as_u32(), item).ok()?;
            B::as_func(&ext)
        }
        CoreDef::Trampoline(t) => B::data(cx).instances[id]
            .trampolines
            .get(t.as_u32() as usize)
            .copied()
            .flatten(),
        _ => None,
    }
}
