//! The stream and future table types a component's functions and
//! built-ins use: a typed host end (`StreamReader<E>`) knows its element
//! type but not the guest's table type, which is looked up here when the
//! end is given to the guest.

use wasmtime_environ::PrimaryMap;
use wasmtime_environ::component::{
    self as env, ComponentTypes, Export, InterfaceType, Trampoline, TrampolineIndex,
};

/// A stream (`true`) or future table type of the component.
pub(crate) type TransmitTable = (bool, u32);

/// Every stream and future table type reachable from the component's
/// imported and exported functions' types and its stream and future
/// built-ins, each once.
pub(crate) fn transmit_tables(
    info: &env::Component,
    trampolines: &PrimaryMap<TrampolineIndex, Trampoline>,
    types: &ComponentTypes,
) -> Vec<TransmitTable> {
    let mut out = Vec::new();
    for t in trampolines.values() {
        match t {
            Trampoline::LowerImport { lower_ty, .. } => func(types, *lower_ty, &mut out),
            Trampoline::StreamNew { ty, .. } => walk(types, &InterfaceType::Stream(*ty), &mut out),
            Trampoline::FutureNew { ty, .. } => walk(types, &InterfaceType::Future(*ty), &mut out),
            _ => {}
        }
    }
    // Nested instances' exports are items of their own.
    for e in info.export_items.values() {
        if let Export::LiftedFunction { ty, .. } = e {
            func(types, *ty, &mut out);
        }
    }
    out
}

fn func(types: &ComponentTypes, ty: env::TypeFuncIndex, out: &mut Vec<TransmitTable>) {
    let f = &types[ty];
    for t in types[f.params]
        .types
        .iter()
        .chain(types[f.results].types.iter())
    {
        walk(types, t, out);
    }
}

fn walk(types: &ComponentTypes, ty: &InterfaceType, out: &mut Vec<TransmitTable>) {
    let each = |tys: &mut dyn Iterator<Item = &InterfaceType>, out: &mut Vec<TransmitTable>| {
        for t in tys {
            walk(types, t, out);
        }
    };
    match ty {
        InterfaceType::Stream(i) if !out.contains(&(true, i.as_u32())) => {
            out.push((true, i.as_u32()));
            if let Some(p) = &types[types[*i].ty].payload {
                walk(types, p, out);
            }
        }
        InterfaceType::Future(i) if !out.contains(&(false, i.as_u32())) => {
            out.push((false, i.as_u32()));
            if let Some(p) = &types[types[*i].ty].payload {
                walk(types, p, out);
            }
        }
        InterfaceType::Record(i) => each(&mut types[*i].fields.iter().map(|f| &f.ty), out),
        InterfaceType::Tuple(i) => each(&mut types[*i].types.iter(), out),
        InterfaceType::Variant(i) => each(&mut types[*i].cases.values().flatten(), out),
        InterfaceType::List(i) => each(&mut core::iter::once(&types[*i].element), out),
        InterfaceType::Option(i) => each(&mut core::iter::once(&types[*i].ty), out),
        InterfaceType::Result(i) => {
            let r = &types[*i];
            each(&mut r.ok.iter().chain(r.err.iter()), out)
        }
        _ => {}
    }
}
