//! Error contexts: `error-context.new`, `.debug-message` and `.drop`, and
//! the adapters' `error-context-transfer`.
//!
//! An error context is immutable and shared: passing it to another
//! component adds a handle there and keeps the sender's, so it lives until
//! its last handle is dropped.

use wasmtime_environ::component::{OptionsIndex, TypeComponentLocalErrorContextTableIndex};

use super::{handles, rule, store_tasks};
use crate::abi::handles::AsyncKind;
use crate::abi::{FlatSrc, Lift, LiftCx, Lower, LowerCx};
use crate::engine::Backend;
use crate::error::{Result, Site};
use crate::raw::ValRaw;
use crate::store::Cx;
use crate::store::tasks::ErrorContext;

/// `error-context.new`: a new error context whose debug message is the
/// string of `len` code units at `ptr`.
pub(crate) fn new<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    options: OptionsIndex,
    ptr: u32,
    len: u32,
) -> Result<u32> {
    let Some(opts) = B::data(cx).instances[instance].options(options.as_u32()) else {
        return Err(site.trap(format_args!("the built-in's options are not resolved")));
    };
    let Some(mem) = opts.memory else {
        return Err(site.trap(format_args!("the built-in names no memory")));
    };
    let message = {
        let bytes = B::memory(cx, mem).0;
        let lift = LiftCx::new(bytes, *site, opts.encoding);
        let flat = [ValRaw::i32(ptr as i32), ValRaw::i32(len as i32)];
        <String as Lift>::lift_flat(&lift, &mut FlatSrc::new(&flat))?
    };
    let id = store_tasks::<B, T>(cx)
        .errors()
        .push(ErrorContext { message, refs: 1 });
    handles::<B, T>(cx, instance).new_async(site, table, AsyncKind::ErrorContext, id)
}

/// `error-context.debug-message`: stores the debug message of error
/// context `idx` as a string (pointer and length) at `ptr`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn debug_message<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    options: OptionsIndex,
    idx: u32,
    ptr: u32,
) -> Result<()> {
    let id = handles::<B, T>(cx, instance).get_async(site, table, idx, AsyncKind::ErrorContext)?;
    let Some(message) = store_tasks::<B, T>(cx)
        .errors()
        .get(id)
        .map(|e| e.message.clone())
    else {
        return Err(site.trap(format_args!("error context {idx} is gone")));
    };
    let Some(opts) = B::data(cx).instances[instance].options(options.as_u32()) else {
        return Err(site.trap(format_args!("the built-in's options are not resolved")));
    };
    let mut guest = crate::call::guest::GuestAccess::<B, T>::new(
        B::reborrow(cx),
        instance,
        opts.memory,
        opts.realloc,
        Some(table),
    );
    let mut lower = LowerCx::new(&mut guest, *site, opts.encoding);
    let at = crate::call::dynamic::lower::check_area(&mut lower, ptr, 8, 4)?;
    message.as_str().store(&mut lower, at)
}

/// `error-context.drop`.
pub(crate) fn drop<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    table: usize,
    idx: u32,
) -> Result<()> {
    let id =
        handles::<B, T>(cx, instance).remove_async(site, table, idx, AsyncKind::ErrorContext)?;
    let errors = store_tasks::<B, T>(cx).errors();
    if let Some(e) = errors.get(id) {
        e.refs -= 1;
        if e.refs == 0 {
            errors.remove(id);
        }
    }
    Ok(())
}

/// The adapters' `error-context-transfer`: a handle to error context `idx`
/// of table type `from` in the table of table type `to`; the sender keeps
/// its own.
pub(crate) fn transfer<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    instance: usize,
    idx: u32,
    from: u32,
    to: u32,
) -> Result<u32> {
    let types = &B::data(cx).instances[instance].component.types;
    let table = |t: u32| {
        types[TypeComponentLocalErrorContextTableIndex::from_u32(t)]
            .instance
            .as_u32() as usize
    };
    let (src, dst) = (table(from), table(to));
    let id = handles::<B, T>(cx, instance).get_async(site, src, idx, AsyncKind::ErrorContext)?;
    let Some(e) = store_tasks::<B, T>(cx).errors().get(id) else {
        return Err(site.trap(format_args!("error context {idx} is gone")));
    };
    e.refs = e
        .refs
        .checked_add(1)
        .ok_or_else(|| rule("reference count overflow", site.func, None))?;
    handles::<B, T>(cx, instance).new_async(site, dst, AsyncKind::ErrorContext, id)
}
