//! Instantiation: executing the linker's plan by walking environ's global
//! initializers on a core engine, and wiring each trampoline to the code
//! behind it.

use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use wasmtime_environ::EntityIndex;
use wasmtime_environ::component::UnsafeIntrinsic;
use wasmtime_environ::component::{
    CoreDef, CoreExport, ExportItem, GlobalInitializer, InstantiateModule, Trampoline,
};

use crate::engine::Backend;
use crate::error::Result;
use crate::load::component::{Artifacts, ComponentInner};
use crate::store::Cx;
use crate::store::adapter::AdapterOp;
use core::cell::RefCell;

use wasmtime_environ::component::TypeResourceTableIndex;

use crate::abi::HandleTables;
use crate::abi::async_lower::AsyncLower;
use crate::abi::handles::Handles;
use crate::call::glue::CallSite;
use crate::call::guest::LoweringOpts;
use crate::call::host::{
    Binding, FuncKind, HostBinding, Lowered, MAX_STORAGE, REALLOC_TY, outcome,
};
use crate::call::place::MemoryPlace;
use crate::concurrent::AsyncOp;
use crate::linker::Resolved;
use crate::raw::CoreFuncType;
use crate::store::instance::{InstanceState, LeaveFlag, ResourceDef, encoding_of};
use crate::store::resource::ResourceOp;
use crate::store::tasks::Transmit;
use crate::types::typecheck::resource_of;

fn state<'a, B: Backend, T: 'static>(
    cx: &'a mut Cx<'_, B, T>,
    id: usize,
) -> &'a mut InstanceState<B> {
    &mut B::data(cx).instances[id]
}

/// Instantiates `component` in the store behind `cx` with host functions
/// `imports` (by `RuntimeImportIndex`), returning its index in the store.
pub(crate) fn instantiate<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    component: &Arc<ComponentInner>,
    compiled: &Artifacts<B>,
    imports: &Resolved<T>,
) -> Result<usize> {
    let info = &component.info;
    let resources = imports
        .resources
        .iter()
        .map(|r| match r {
            Some(r) => ResourceDef::Host(Box::new(r.dtor.clone())),
            None => ResourceDef::Unset,
        })
        .collect();
    let handles = HandleTables(RefCell::new(Handles::new(
        info.num_runtime_component_instances as usize,
        component.resource_names.clone(),
        imports.host_keys.clone(),
    )));
    let flags = (0..info.num_runtime_component_instances)
        .map(|_| B::new_global(cx, 1))
        .collect::<Result<Vec<_>>>()?;
    let data = B::data(cx);
    let id = data.instances.len();
    let hooked = data.hook.is_some();
    data.instances.push(InstanceState {
        component: component.clone(),
        core: Vec::new(),
        may_leave: LeaveFlag::all_set(flags.len(), hooked),
        flags,
        resolved: Vec::new(),
        memories: vec![None; info.num_runtime_memories as usize],
        reallocs: vec![None; info.num_runtime_reallocs as usize],
        post_returns: vec![None; info.num_runtime_post_returns as usize],
        callbacks: vec![None; info.num_runtime_callbacks as usize],
        task_may_block: None,
        trampolines: vec![None; component.trampolines.len()],
        exports: Vec::new(),
        entered: false,
        poisoned: None,
        poison_reason: None,
        handles,
        resources,
        host_keys: imports.host_keys.clone(),
    });
    for init in &info.initializers {
        match init {
            GlobalInitializer::InstantiateModule(InstantiateModule::Static(idx, args), _) => {
                let module = &compiled.modules[idx.as_u32() as usize];
                let mut externs = Vec::with_capacity(module.arg_order.len());
                for &pos in &module.arg_order {
                    externs.push(resolve_def::<B, T>(cx, id, component, &args[pos], imports)?);
                }
                let instance = B::instantiate(cx, &module.module, &externs)
                    .with_context(|| format!("cannot instantiate core module {}", idx.as_u32()))?;
                state::<B, T>(cx, id).core.push((instance, Some(*idx)));
            }
            GlobalInitializer::ExtractMemory(m) => {
                let item = match &m.export.item {
                    ExportItem::Index(i) => ExportItem::Index(EntityIndex::Memory(*i)),
                    ExportItem::Name(n) => ExportItem::Name(n.clone()),
                };
                let ext =
                    resolve_export::<B, T>(cx, id, component, m.export.instance.as_u32(), &item)?;
                let memory = B::as_memory(&ext)
                    .ok_or_else(|| anyhow!("extracted memory is not a memory"))?;
                state::<B, T>(cx, id).memories[m.index.as_u32() as usize] = Some(memory);
            }
            GlobalInitializer::ExtractRealloc(r) => {
                let f =
                    resolve_func::<B, T>(cx, id, component, &r.def, imports, Some(&REALLOC_TY))?;
                let realloc = B::realloc(cx, f)
                    .ok_or_else(|| anyhow!("realloc {} is not a realloc", r.index.as_u32()))?;
                state::<B, T>(cx, id).reallocs[r.index.as_u32() as usize] = Some(realloc);
            }
            GlobalInitializer::ExtractPostReturn(p) => {
                // Its type depends on the export; `lookup` checks it.
                let f = resolve_func::<B, T>(cx, id, component, &p.def, imports, None)?;
                state::<B, T>(cx, id).post_returns[p.index.as_u32() as usize] = Some(f);
            }
            // Lowerings are bound lazily, when a module first imports them;
            // tables are only used by threading intrinsics.
            GlobalInitializer::LowerImport { .. } | GlobalInitializer::ExtractTable(_) => {}
            GlobalInitializer::Resource(r) => {
                let dtor = match &r.dtor {
                    Some(def) => Some(resolve_func::<B, T>(
                        cx,
                        id,
                        component,
                        def,
                        imports,
                        Some(&crate::store::resource::DTOR_TY),
                    )?),
                    None => None,
                };
                let index = info.resource_index(r.index).as_u32() as usize;
                if let Some(slot) = state::<B, T>(cx, id).resources.get_mut(index) {
                    *slot = ResourceDef::Guest { dtor };
                }
            }
            GlobalInitializer::InstantiateModule(InstantiateModule::Import(rti, args), _) => {
                let Some(Some(host)) = imports.modules.get(rti.as_u32() as usize) else {
                    bail!("imported core module {} was not linked", rti.as_u32());
                };
                let module = crate::load::module::compiled_for::<B>(host)?;
                let mut externs = Vec::new();
                for (m, n, _) in &host.inner.shape.imports {
                    let def = args.get(m).and_then(|a| a.get(n)).ok_or_else(|| {
                        anyhow!("the component gives the imported core module no `{m}::{n}`")
                    })?;
                    externs.push(resolve_def::<B, T>(cx, id, component, def, imports)?);
                }
                let instance = B::instantiate(cx, module, &externs)
                    .context("cannot instantiate an imported core module")?;
                state::<B, T>(cx, id).core.push((instance, None));
            }
            GlobalInitializer::ExtractCallback(c) => {
                let ty = crate::concurrent::callback_ty();
                let f = resolve_func::<B, T>(cx, id, component, &c.def, imports, Some(&ty))?;
                let slot = state::<B, T>(cx, id)
                    .callbacks
                    .get_mut(c.index.as_u32() as usize)
                    .ok_or_else(|| anyhow!("callback {} does not exist", c.index.as_u32()))?;
                *slot = Some(f);
            }
        }
    }
    // Every memory and realloc is known now: resolve the options once, so
    // that host and export calls only index a table.
    let state = state::<B, T>(cx, id);
    state.resolved = (0..info.options.len() as u32)
        .map(|i| state.resolve_options(i))
        .collect();
    Ok(id)
}

fn resolve_func<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    component: &Arc<ComponentInner>,
    def: &CoreDef,
    imports: &Resolved<T>,
    expect: Option<&CoreFuncType>,
) -> Result<B::Func> {
    let ext = resolve_def::<B, T>(cx, id, component, def, imports)?;
    let f = B::as_func(&ext).ok_or_else(|| anyhow!("core definition {def:?} is not a function"))?;
    if let Some(ty) = expect
        && !B::func_matches(cx, f, ty)
    {
        bail!("core function {def:?} does not have the type {ty:?}");
    }
    Ok(f)
}

/// The engine item behind an environ `CoreDef`.
pub(crate) fn resolve_def<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    component: &Arc<ComponentInner>,
    def: &CoreDef,
    imports: &Resolved<T>,
) -> Result<B::Extern> {
    match def {
        CoreDef::Export(CoreExport { instance, item }) => {
            resolve_export::<B, T>(cx, id, component, instance.as_u32(), item)
        }
        CoreDef::InstanceFlags(i) => {
            let state = state::<B, T>(cx, id);
            for flag in state.may_leave.iter() {
                flag.set_adapters();
            }
            let global = state
                .flags
                .get(i.as_u32() as usize)
                .copied()
                .ok_or_else(|| anyhow!("instance flags {} do not exist", i.as_u32()))?;
            Ok(B::global_extern(global))
        }
        CoreDef::Trampoline(t) => {
            if let Some(f) = state::<B, T>(cx, id).trampolines[t.as_u32() as usize] {
                return Ok(B::func_extern(f));
            }
            let ty = &component.trampoline_tys[t.as_u32() as usize];
            if let Some(f) = call_func::<B, T>(cx, id, &component.trampolines[*t], ty)? {
                state::<B, T>(cx, id).trampolines[t.as_u32() as usize] = Some(f);
                return Ok(B::func_extern(f));
            }
            if let Some((table, op)) = async_op(
                &component.trampolines[*t],
                ty.params.len(),
                component.concurrent,
            ) {
                let fty = component
                    .compiled
                    .artifacts::<B>()
                    .and_then(|a| a.trampolines.get(t.as_u32() as usize))
                    .ok_or_else(|| {
                        anyhow!("the component was not compiled for this store's engine")
                    })?;
                let storage_len = ty.params.len().max(ty.results.len());
                let f = async_func::<B, T>(cx, id, table, op, ty, fty, storage_len);
                state::<B, T>(cx, id).trampolines[t.as_u32() as usize] = Some(f);
                return Ok(B::func_extern(f));
            }
            let storage_len = ty.params.len().max(ty.results.len());
            if storage_len > MAX_STORAGE {
                bail!(
                    "lowered import takes {storage_len} core values, more than the canonical ABI allows"
                );
            }
            let fty = component
                .compiled
                .artifacts::<B>()
                .and_then(|a| a.trampolines.get(t.as_u32() as usize))
                .ok_or_else(|| anyhow!("the component was not compiled for this store's engine"))?;
            let resource = |op, ty: &TypeResourceTableIndex| -> Result<Binding> {
                let (ty, table) = resource_of(&component.types, *ty)
                    .ok_or_else(|| anyhow!("resource intrinsic on an abstract resource type"))?;
                Ok(Binding::Resource { op, ty, table })
            };
            let kind = match &component.trampolines[*t] {
                Trampoline::LowerImport {
                    index,
                    lower_ty,
                    options,
                } => {
                    let import = component
                        .lowerings
                        .get(index.as_u32() as usize)
                        .copied()
                        .flatten()
                        .ok_or_else(|| anyhow!("lowering {} has no import", index.as_u32()))?;
                    let Some(Some((func, any))) = imports.funcs.get(import.as_u32() as usize)
                    else {
                        bail!("lowering {} is not of a host function", index.as_u32());
                    };
                    let opts = component
                        .info
                        .options
                        .get(*options)
                        .ok_or_else(|| anyhow!("lowering {} has no options", index.as_u32()))?;
                    let res = crate::abi::ResCx {
                        table: opts.instance.as_u32() as usize,
                        any: *any,
                        instance: id,
                        store: B::data(cx).id,
                    };
                    let leave = state::<B, T>(cx, id)
                        .may_leave
                        .get(res.table)
                        .cloned()
                        .unwrap_or_else(LeaveFlag::never);
                    let mut lowered = Lowered {
                        plain: false,
                        gate: leave.clone(),
                        opts: LoweringOpts::new(
                            CallSite {
                                encoding: encoding_of(opts.string_encoding),
                                res,
                                // Only a dynamic function reads the types.
                                types: match func.kind {
                                    FuncKind::Static(_) => None,
                                    _ => Some(component.types.clone()),
                                },
                                func_ty: lower_ty.as_u32(),
                                ops: crate::call::frame::ops_of::<B, T>(),
                                place: MemoryPlace::new(),
                            },
                            options.as_u32(),
                            leave,
                        ),
                        transmits: crate::load::component::passes_async_values(
                            &component.types,
                            *lower_ty,
                        ),
                        data: func.entry_data(),
                        func: func.clone(),
                        borrows: match &func.kind {
                            FuncKind::Static(sig) => sig.abi.borrows,
                            FuncKind::Dynamic(_) | FuncKind::Async(_) => true,
                        },
                    };
                    lowered.plain = !lowered.borrows && !lowered.transmits;
                    if !lowered.plain {
                        lowered.gate = LeaveFlag::never();
                    }
                    let is_async = matches!(func.kind, FuncKind::Async(_));
                    if opts.async_ || is_async {
                        // An async lowering of a host function has its own
                        // layout around the function's glue; an async host
                        // function's call waits for its future.
                        let layout = match opts.async_ {
                            true => Some(AsyncLower::new(&component.types, *lower_ty)?),
                            false => None,
                        };
                        let f = match layout {
                            Some(layout) if !is_async => {
                                B::new_host_func(cx, ty, fty, storage_len, move |cx, storage| {
                                    let ok = crate::call::async_lower::call::<B, T>(
                                        cx, &lowered, layout, storage,
                                    );
                                    outcome(ok, storage)
                                })
                            }
                            _ => B::new_host_func(cx, ty, fty, storage_len, move |cx, storage| {
                                let ok = crate::concurrent::host_call::call::<B, T>(
                                    cx, &lowered, layout, storage,
                                );
                                outcome(ok, storage)
                            }),
                        };
                        state::<B, T>(cx, id).trampolines[t.as_u32() as usize] = Some(f);
                        return Ok(B::func_extern(f));
                    }
                    // The lowering's closure holds it, so that its calls
                    // skip the dispatch on a binding's kind.
                    let f = B::new_host_func(cx, ty, fty, storage_len, move |cx, storage| {
                        crate::call::host::call_lowered::<B, T>(cx, &lowered, storage)
                    });
                    state::<B, T>(cx, id).trampolines[t.as_u32() as usize] = Some(f);
                    return Ok(B::func_extern(f));
                }
                Trampoline::Trap => Binding::Adapter(AdapterOp::Trap),
                Trampoline::Transcoder { op, from, to, .. } => {
                    Binding::Adapter(AdapterOp::Transcode {
                        op: *op,
                        from: from.as_u32(),
                        to: to.as_u32(),
                    })
                }
                Trampoline::ResourceTransferOwn => Binding::Adapter(AdapterOp::TransferOwn),
                Trampoline::ResourceTransferBorrow => Binding::Adapter(AdapterOp::TransferBorrow),
                Trampoline::EnterSyncCall => Binding::Adapter(AdapterOp::EnterCall),
                Trampoline::ExitSyncCall => Binding::Adapter(AdapterOp::ExitCall),
                Trampoline::ResourceNew { ty, .. } => resource(ResourceOp::New, ty)?,
                Trampoline::ResourceRep { ty, .. } => resource(ResourceOp::Rep, ty)?,
                Trampoline::ResourceDrop { ty, .. } => resource(ResourceOp::Drop, ty)?,
                other => bail!("trampoline {other:?} is not supported"),
            };
            let binding = HostBinding { kind, instance: id };
            let f = B::new_host_func(cx, ty, fty, storage_len, move |cx, storage| {
                let ok = crate::call::host::call::<B, T>(cx, &binding, storage);
                outcome(ok, storage)
            });
            state::<B, T>(cx, id).trampolines[t.as_u32() as usize] = Some(f);
            Ok(B::func_extern(f))
        }
        CoreDef::UnsafeIntrinsic(
            i @ (UnsafeIntrinsic::ContextGetI32_0
            | UnsafeIntrinsic::ContextGetI32_1
            | UnsafeIntrinsic::ContextSetI32_0
            | UnsafeIntrinsic::ContextSetI32_1),
        ) => {
            let (op, at) = match i {
                UnsafeIntrinsic::ContextGetI32_0 => (AsyncOp::ContextGet(0), 0),
                UnsafeIntrinsic::ContextGetI32_1 => (AsyncOp::ContextGet(1), 0),
                UnsafeIntrinsic::ContextSetI32_0 => (AsyncOp::ContextSet(0), 1),
                _ => (AsyncOp::ContextSet(1), 1),
            };
            let tys = crate::load::component::context_tys();
            let fty = component
                .compiled
                .artifacts::<B>()
                .map(|a| &a.context[at])
                .ok_or_else(|| anyhow!("the component was not compiled for this store's engine"))?;
            // The slots are the task's, not an instance's; the table is unused.
            Ok(B::func_extern(async_func::<B, T>(
                cx, id, 0, op, &tys[at], fty, 1,
            )))
        }
        CoreDef::TaskMayBlock => {
            if let Some(g) = state::<B, T>(cx, id).task_may_block {
                return Ok(B::global_extern(g));
            }
            let g = B::new_global(cx, 0)?;
            B::data(cx).instances[id].task_may_block = Some(g);
            Ok(B::global_extern(g))
        }
        CoreDef::UnsafeIntrinsic(_) => {
            bail!("the component uses `{def:?}`, which hostbind does not support")
        }
    }
}

/// The async built-in a trampoline is, with the runtime component instance
/// it is bound in; `params` is its core param count.
fn async_op(t: &Trampoline, params: usize, concurrent: bool) -> Option<(usize, AsyncOp)> {
    let at = |i: &wasmtime_environ::component::RuntimeComponentInstanceIndex| i.as_u32() as usize;
    Some(match t {
        Trampoline::TaskReturn {
            instance,
            results,
            options,
        } => (
            at(instance),
            AsyncOp::TaskReturn {
                results: *results,
                options: *options,
                params,
            },
        ),
        Trampoline::TaskCancel { instance } => (at(instance), AsyncOp::TaskCancel),
        Trampoline::WaitableSetNew { instance } => (at(instance), AsyncOp::WaitableSetNew),
        Trampoline::WaitableSetWait { instance, options } => {
            (at(instance), AsyncOp::WaitableSetWait { options: *options })
        }
        Trampoline::WaitableSetPoll { instance, options } => {
            (at(instance), AsyncOp::WaitableSetPoll { options: *options })
        }
        Trampoline::WaitableSetDrop { instance } => (at(instance), AsyncOp::WaitableSetDrop),
        Trampoline::WaitableJoin { instance } => (at(instance), AsyncOp::WaitableJoin),
        Trampoline::BackpressureInc { instance } => (at(instance), AsyncOp::BackpressureInc),
        Trampoline::BackpressureDec { instance } => (at(instance), AsyncOp::BackpressureDec),
        Trampoline::ThreadYield {
            instance,
            cancellable,
        } => (
            at(instance),
            AsyncOp::ThreadYield {
                cancellable: *cancellable,
            },
        ),
        Trampoline::SubtaskCancel { instance, async_ } => {
            (at(instance), AsyncOp::SubtaskCancel { async_: *async_ })
        }
        Trampoline::SubtaskDrop { instance } => (at(instance), AsyncOp::SubtaskDrop),
        Trampoline::EnterSyncCall if concurrent => (0, AsyncOp::EnterSyncCall),
        Trampoline::ExitSyncCall if concurrent => (0, AsyncOp::ExitSyncCall),
        Trampoline::StreamNew { instance, ty } => (
            at(instance),
            AsyncOp::TransmitNew {
                transmit: Transmit::Stream,
                ty: ty.as_u32(),
            },
        ),
        Trampoline::FutureNew { instance, ty } => (
            at(instance),
            AsyncOp::TransmitNew {
                transmit: Transmit::Future,
                ty: ty.as_u32(),
            },
        ),
        Trampoline::StreamRead {
            instance,
            ty,
            options,
        }
        | Trampoline::StreamWrite {
            instance,
            ty,
            options,
        } => (
            at(instance),
            AsyncOp::Copy {
                transmit: Transmit::Stream,
                readable: matches!(t, Trampoline::StreamRead { .. }),
                ty: ty.as_u32(),
                options: *options,
            },
        ),
        Trampoline::FutureRead {
            instance,
            ty,
            options,
        }
        | Trampoline::FutureWrite {
            instance,
            ty,
            options,
        } => (
            at(instance),
            AsyncOp::Copy {
                transmit: Transmit::Future,
                readable: matches!(t, Trampoline::FutureRead { .. }),
                ty: ty.as_u32(),
                options: *options,
            },
        ),
        Trampoline::StreamCancelRead {
            instance,
            ty,
            async_,
        }
        | Trampoline::StreamCancelWrite {
            instance,
            ty,
            async_,
        } => (
            at(instance),
            AsyncOp::CancelCopy {
                transmit: Transmit::Stream,
                readable: matches!(t, Trampoline::StreamCancelRead { .. }),
                ty: ty.as_u32(),
                async_: *async_,
            },
        ),
        Trampoline::FutureCancelRead {
            instance,
            ty,
            async_,
        }
        | Trampoline::FutureCancelWrite {
            instance,
            ty,
            async_,
        } => (
            at(instance),
            AsyncOp::CancelCopy {
                transmit: Transmit::Future,
                readable: matches!(t, Trampoline::FutureCancelRead { .. }),
                ty: ty.as_u32(),
                async_: *async_,
            },
        ),
        Trampoline::StreamDropReadable { instance, ty }
        | Trampoline::StreamDropWritable { instance, ty } => (
            at(instance),
            AsyncOp::DropEnd {
                transmit: Transmit::Stream,
                readable: matches!(t, Trampoline::StreamDropReadable { .. }),
                ty: ty.as_u32(),
            },
        ),
        Trampoline::FutureDropReadable { instance, ty }
        | Trampoline::FutureDropWritable { instance, ty } => (
            at(instance),
            AsyncOp::DropEnd {
                transmit: Transmit::Future,
                readable: matches!(t, Trampoline::FutureDropReadable { .. }),
                ty: ty.as_u32(),
            },
        ),
        Trampoline::StreamTransfer => (0, AsyncOp::Transfer(Transmit::Stream)),
        Trampoline::FutureTransfer => (0, AsyncOp::Transfer(Transmit::Future)),
        Trampoline::ErrorContextNew {
            instance, options, ..
        } => (at(instance), AsyncOp::ErrorContextNew { options: *options }),
        Trampoline::ErrorContextDebugMessage {
            instance, options, ..
        } => (
            at(instance),
            AsyncOp::ErrorContextDebugMessage { options: *options },
        ),
        Trampoline::ErrorContextDrop { instance, .. } => (at(instance), AsyncOp::ErrorContextDrop),
        Trampoline::ErrorContextTransfer => (0, AsyncOp::ErrorContextTransfer),
        _ => return None,
    })
}

/// The host function behind an adapter's async-call intrinsic
/// (`prepare-call`, `sync-start-call`, `async-start-call`), which take the
/// adapter's helper functions as `funcref`s.
fn call_func<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    t: &Trampoline,
    ty: &CoreFuncType,
) -> Result<Option<B::Func>> {
    // The callee's callback and post-return are looked up when the call
    // starts: they may be extracted after the adapter is instantiated.
    fn lookup<B: Backend, T: 'static>(
        cx: &mut Cx<'_, B, T>,
        id: usize,
        callback: Option<u32>,
        post_return: Option<u32>,
    ) -> (Option<B::Func>, Option<B::Func>) {
        let state = &B::data(cx).instances[id];
        let get = |v: &[Option<B::Func>], i: Option<u32>| v.get(i? as usize).copied().flatten();
        (
            get(&state.callbacks, callback),
            get(&state.post_returns, post_return),
        )
    }
    Ok(Some(match t {
        Trampoline::PrepareCall { memory } => {
            let memory = memory.map(|m| m.as_u32());
            // Six fixed params, then the caller's own, which the adapter's
            // type gives: the trampoline's params past the two `funcref`s.
            let ty = ty.clone();
            B::new_ref_host_func(cx, 2, &ty, move |mut cx, refs, storage| {
                let r = guarded(|| {
                    crate::concurrent::prepare_call::<B, T>(&mut cx, id, memory, refs, storage)
                });
                crate::call::host::finish::<B, T>(cx, r)
            })
        }
        Trampoline::SyncStartCall { callback } => {
            let callback = callback.map(|c| c.as_u32());
            let ty = ty.clone();
            B::new_ref_host_func(cx, 1, &ty, move |mut cx, refs, storage| {
                let (callback, _) = lookup::<B, T>(&mut cx, id, callback, None);
                let r = guarded(|| {
                    crate::concurrent::start_call::<B, T>(
                        &mut cx, id, true, callback, None, refs, storage,
                    )
                });
                crate::call::host::finish::<B, T>(cx, r)
            })
        }
        Trampoline::AsyncStartCall {
            callback,
            post_return,
        } => {
            let (callback, post_return) = (
                callback.map(|c| c.as_u32()),
                post_return.map(|p| p.as_u32()),
            );
            let ty = ty.clone();
            B::new_ref_host_func(cx, 1, &ty, move |mut cx, refs, storage| {
                let (callback, post_return) = lookup::<B, T>(&mut cx, id, callback, post_return);
                let r = guarded(|| {
                    crate::concurrent::start_call::<B, T>(
                        &mut cx,
                        id,
                        false,
                        callback,
                        post_return,
                        refs,
                        storage,
                    )
                });
                crate::call::host::finish::<B, T>(cx, r)
            })
        }
        _ => return Ok(None),
    }))
}

/// Runs `f`, turning a panic into an error: no panic may unwind into the
/// engine that called the built-in.
fn guarded(f: impl FnOnce() -> Result<()>) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(anyhow!(
            "hostbind failed inside an async built-in ({}); this is a bug",
            crate::error::panic_text(panic)
        ))
    })
}

/// A host function running async built-in `op`.
fn async_func<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    table: usize,
    op: AsyncOp,
    ty: &CoreFuncType,
    fty: &B::FuncTy,
    storage_len: usize,
) -> B::Func {
    B::new_host_func(cx, ty, fty, storage_len, move |mut cx, storage| {
        let result =
            guarded(|| crate::concurrent::intrinsic::<B, T>(&mut cx, id, table, op, storage));
        outcome(crate::call::host::finish::<B, T>(cx, result), storage)
    })
}

fn resolve_export<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    id: usize,
    component: &Arc<ComponentInner>,
    instance: u32,
    item: &ExportItem<EntityIndex>,
) -> Result<B::Extern> {
    crate::store::instance::core_export::<B, T>(cx, id, component, instance, item)
}
