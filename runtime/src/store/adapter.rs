//! The intrinsics that fused adapters between nested components call:
//! traps with a code, string transcoders between two memories, resource
//! transfers between two handle tables, and the bounds of a
//! guest-to-guest call.
//!
//! wasmtime-environ generates the adapters as ordinary core modules; the
//! runtime instantiates them like any other and binds these as their
//! imports.

use wasmtime_environ::component::{FixedEncoding, Transcode, TypeResourceTableIndex};

use crate::abi::transcode as tc;
use crate::engine::Backend;
use crate::error::{Place, Result, Site, Trap};
use crate::raw::ValRaw;
use crate::store::Cx;
use crate::types::typecheck::resource_of;

/// What an adapter intrinsic does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AdapterOp {
    /// Traps with a code of environ's `Trap`.
    Trap,
    /// Transcodes a string from runtime memory `from` to memory `to`.
    Transcode { op: Transcode, from: u32, to: u32 },
    /// Moves an own handle between two components' tables.
    TransferOwn,
    /// Lends a handle from one component to another for a call.
    TransferBorrow,
    /// A guest-to-guest call begins: a new borrow scope.
    EnterCall,
    /// A guest-to-guest call ends: its borrows must be gone.
    ExitCall,
}

impl AdapterOp {
    fn name(self) -> &'static str {
        match self {
            AdapterOp::Trap => "trap",
            AdapterOp::Transcode { op, .. } => op.desc(),
            AdapterOp::TransferOwn => "resource.transfer-own",
            AdapterOp::TransferBorrow => "resource.transfer-borrow",
            AdapterOp::EnterCall => "enter-sync-call",
            AdapterOp::ExitCall => "exit-sync-call",
        }
    }
}

fn arg(storage: &[ValRaw], i: usize) -> u32 {
    storage.get(i).map_or(0, |v| v.get_u32())
}

/// Runs adapter intrinsic `op` for hostbind instance `instance`.
pub(crate) fn intrinsic<B: Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    instance: usize,
    op: AdapterOp,
    storage: &mut [ValRaw],
) -> Result<()> {
    let site = Site {
        func: op.name(),
        place: Place::Params,
    };
    match op {
        AdapterOp::Trap => {
            let code = arg(storage, 0);
            let what = u8::try_from(code)
                .ok()
                .and_then(wasmtime_environ::Trap::from_u8)
                .map_or_else(|| format!("wasm trap: code {code}"), |t| t.to_string());
            Err(Trap::new(format!("{what} (in an adapter between components)")).into())
        }
        AdapterOp::Transcode { op, from, to } => {
            transcode::<B, T>(&mut cx, instance, &site, op, from, to, storage)
        }
        AdapterOp::TransferOwn | AdapterOp::TransferBorrow => {
            let state = state::<B, T>(&mut cx, instance, &site)?;
            let types = &state.component.types;
            // The table types are constants environ wrote into its own
            // adapter module from types it allocated; no canonical built-in
            // lets a guest's module import this intrinsic, so they are
            // always valid indices.
            let table = |i: u32| {
                resource_of(types, TypeResourceTableIndex::from_u32(i)).ok_or_else(|| {
                    site.trap(format_args!(
                        "resource table type {i} is not a concrete resource"
                    ))
                })
            };
            let (ty, from) = table(arg(storage, 1))?;
            let (_, to) = table(arg(storage, 2))?;
            let idx = arg(storage, 0);
            let info = &state.component.info;
            let mut handles = state.handles.0.borrow_mut();
            let moved = if matches!(op, AdapterOp::TransferOwn) {
                handles.transfer_own(&site, from, idx, ty, to)?
            } else {
                let defines = info
                    .defined_resource_index(ty)
                    .and_then(|d| info.defined_resource_instances.get(d))
                    .is_some_and(|owner| owner.as_u32() as usize == to);
                handles.transfer_borrow(&site, from, idx, ty, to, defines)?
            };
            storage[0] = ValRaw::i32(moved as i32);
            Ok(())
        }
        AdapterOp::EnterCall | AdapterOp::ExitCall => {
            let state = state::<B, T>(&mut cx, instance, &site)?;
            let mut handles = state.handles.0.borrow_mut();
            if matches!(op, AdapterOp::EnterCall) {
                handles.enter_call();
                Ok(())
            } else {
                handles.exit_call()
            }
        }
    }
}

/// The state of hostbind instance `instance`.
fn state<'a, B: Backend, T: 'static>(
    cx: &'a mut Cx<'_, B, T>,
    instance: usize,
    site: &Site<'_>,
) -> Result<&'a crate::store::instance::InstanceState<B>> {
    B::data(cx)
        .instances
        .get(instance)
        .ok_or_else(|| site.trap(format_args!("the instance is not in this store")))
}

/// Code-unit sizes of an operation's source and destination.
fn unit_sizes(op: Transcode) -> (u32, u32) {
    match op {
        Transcode::Copy(FixedEncoding::Utf16) | Transcode::Utf16ToCompactProbablyUtf16 => (2, 2),
        Transcode::Copy(_) | Transcode::Latin1ToUtf8 | Transcode::Utf8ToLatin1 => (1, 1),
        Transcode::Latin1ToUtf16 | Transcode::Utf8ToUtf16 | Transcode::Utf8ToCompactUtf16 => (1, 2),
        Transcode::Utf16ToUtf8 | Transcode::Utf16ToLatin1 => (2, 1),
        Transcode::Utf16ToCompactUtf16 => (2, 2),
    }
}

fn transcode<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    site: &Site<'_>,
    op: Transcode,
    from: u32,
    to: u32,
    storage: &mut [ValRaw],
) -> Result<()> {
    // Params: (src, src_len, dst) or (src, src_len, dst, dst_len, extra).
    let (src, src_len, dst) = (arg(storage, 0), arg(storage, 1), arg(storage, 2));
    let two_lengths = matches!(
        op,
        Transcode::Utf16ToUtf8
            | Transcode::Latin1ToUtf8
            | Transcode::Utf8ToCompactUtf16
            | Transcode::Utf16ToCompactUtf16
    );
    let dst_len = if two_lengths {
        arg(storage, 3)
    } else {
        src_len
    };
    let extra = arg(storage, 4);
    let (su, du) = unit_sizes(op);
    let state = state::<B, T>(cx, instance, site)?;
    let memory = |i: u32| {
        state
            .memories
            .get(i as usize)
            .copied()
            .flatten()
            .ok_or_else(|| site.trap(format_args!("memory {i} of a transcode is not set up")))
    };
    let (from_mem, to_mem) = (memory(from)?, memory(to)?);
    let check = |len: usize, ptr: u32, units: u32, size: u32, what: &str| {
        crate::abi::memory::check_array(site, what, len, ptr, units, size, size)
    };
    // Neither side is copied: within one memory the two ranges are split
    // apart (they must not overlap); two memories are two allocations.
    let (base, from_len) = {
        let bytes = B::memory(cx, from_mem).0;
        (bytes.as_ptr(), bytes.len())
    };
    let sr = check(from_len, src, src_len, su, "source string")?;
    let bytes = B::memory(cx, to_mem).0;
    let dr = check(bytes.len(), dst, dst_len, du, "destination string")?;
    let (source, out): (&[u8], &mut [u8]) = if core::ptr::eq(base, bytes.as_ptr()) {
        if sr.start < dr.end && dr.start < sr.end {
            return Err(site.trap(format_args!(
                "source and destination strings overlap in one memory"
            )));
        }
        if sr.start < dr.start {
            let (head, tail) = bytes.split_at_mut(dr.start);
            (&head[sr.clone()], &mut tail[..dr.len()])
        } else {
            let (head, tail) = bytes.split_at_mut(sr.start);
            (&tail[..sr.len()], &mut head[dr.clone()])
        }
    } else {
        // SAFETY: `base` is the start of the source memory's `from_len`
        // bytes, and `sr` lies within them (checked above). That memory is
        // another allocation than the destination's (the base pointers
        // differ), so this view does not alias `bytes`; and no guest code
        // runs, so neither memory moves, until both views are dropped at the
        // end of this function.
        let source = unsafe { core::slice::from_raw_parts(base.add(sr.start), sr.len()) };
        (source, &mut bytes[dr])
    };
    let (a, b) = match op {
        Transcode::Copy(FixedEncoding::Utf8) => {
            tc::utf8_to_utf8(source, out)?;
            (0, 0)
        }
        Transcode::Copy(FixedEncoding::Utf16) => {
            tc::utf16_to_utf16(source, out)?;
            (0, 0)
        }
        Transcode::Copy(FixedEncoding::Latin1) => {
            tc::latin1_to_latin1(source, out)?;
            (0, 0)
        }
        Transcode::Latin1ToUtf16 => {
            tc::latin1_to_utf16(source, out)?;
            (0, 0)
        }
        Transcode::Utf8ToUtf16 => (tc::utf8_to_utf16(source, out)?, 0),
        Transcode::Utf16ToUtf8 => tc::utf16_to_utf8(source, out, extra != 0)?,
        Transcode::Latin1ToUtf8 => tc::latin1_to_utf8(source, out, extra != 0),
        Transcode::Utf16ToCompactProbablyUtf16 => (
            tc::utf16_to_compact_probably_utf16(source, out, src_len)?,
            0,
        ),
        Transcode::Utf8ToLatin1 => tc::utf8_to_latin1(source, out)?,
        Transcode::Utf16ToLatin1 => tc::utf16_to_latin1(source, out)?,
        Transcode::Utf8ToCompactUtf16 => (tc::utf8_to_compact_utf16(source, out, extra)?, 0),
        Transcode::Utf16ToCompactUtf16 => (tc::utf16_to_compact_utf16(source, out, extra)?, 0),
    };
    storage[0] = ValRaw::i32(a as i32);
    if let Some(second) = storage.get_mut(1) {
        *second = ValRaw::i32(b as i32);
    }
    Ok(())
}
