//! Moving the values of a stream or future copy from the writer's buffer
//! to the reader's: guest memory to guest memory, or between a guest and
//! the values the host reads or writes.

use core::ops::Range;

use wasmtime_environ::component::{ComponentTypes, InterfaceType};

use super::{COPY_BUDGET, store_tasks};
use crate::Val;
use crate::abi::{LiftCx, LowerCx, ResCx, ResourceScope};
use crate::call::dynamic::{lift, lower};
use crate::call::guest::GuestAccess;
use crate::engine::Backend;
use crate::error::{Result, Site};
use crate::store::Cx;
use crate::store::tasks::{Buffer, HostItems};

/// Moves `k` values from the unfilled part of `src`'s buffer (end id and
/// buffer) to that of `dst`, for the stream or future of shared state
/// `shared`: numbers as bytes, other values lifted from one side and
/// lowered into the other (calling a guest's `realloc`), own handles moved
/// from the writer's table to the reader's.
pub(crate) fn move_values<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    site: &Site<'_>,
    shared: u32,
    (src_w, src): (u32, Buffer),
    (dst_w, dst): (u32, Buffer),
    k: u32,
) -> Result<()> {
    let tasks = store_tasks::<B, T>(cx);
    let Some(s) = tasks.shared().get(shared) else {
        return Err(site.trap(format_args!("a copy's stream or future is gone")));
    };
    let (payload, instance, types) = (s.payload, s.instance, s.types.clone());
    if src.options.is_none() && dst.options.is_none() {
        return host_to_host::<B, T>(cx, (src_w, src), dst_w, k);
    }
    let Some(payload) = payload else {
        // Elements without a type: only their number moves.
        if dst.options.is_none() {
            match tasks.end(dst_w).map(|e| &mut e.items) {
                Some(HostItems::Vals(v)) => v.extend((0..k).map(|_| Val::Tuple(Vec::new()))),
                // `()`s, which read no memory.
                Some(HostItems::Typed(t)) => {
                    let cx = LiftCx::new(&[], *site, crate::abi::StringEncoding::Utf8);
                    t.load(&cx, 0, 0, k as usize)?;
                }
                _ => {}
            }
        }
        return Ok(());
    };
    let size = types.canonical_abi(&payload).size32 as usize;
    let from = src.progress as usize..(src.progress + k) as usize;
    // Only values between two host ends move with no instance.
    let p = Place {
        site,
        instance: instance.unwrap_or(usize::MAX),
        types: &types,
        payload: &payload,
        size,
    };
    match (src.options, dst.options) {
        (Some(_), Some(_)) => guest_to_guest::<B, T>(cx, &p, src, dst, k),
        (None, Some(_)) => {
            let items = take_items::<B, T>(cx, src_w);
            let r = host_to_guest::<B, T>(cx, &p, &items, from, dst);
            put_items::<B, T>(cx, src_w, items);
            r
        }
        (Some(_), None) => {
            let mut items = take_items::<B, T>(cx, dst_w);
            let r = guest_to_host::<B, T>(cx, &p, src, k, &mut items);
            put_items::<B, T>(cx, dst_w, items);
            r
        }
        (None, None) => host_to_host::<B, T>(cx, (src_w, src), dst_w, k),
    }
}

/// Moves `k` values between two ends the host holds.
fn host_to_host<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    (src_w, src): (u32, Buffer),
    dst_w: u32,
    k: u32,
) -> Result<()> {
    let from = src.progress as usize..(src.progress + k) as usize;
    let items = take_items::<B, T>(cx, src_w);
    let mut out = take_items::<B, T>(cx, dst_w);
    let mut items = items;
    let moved = match (&mut items, &mut out) {
        (HostItems::Bytes(a), HostItems::Bytes(b)) => {
            b.extend_from_slice(&a[from]);
            Ok(())
        }
        (HostItems::Vals(a), HostItems::Vals(b)) => {
            b.extend_from_slice(&a[from]);
            Ok(())
        }
        // Typed values are moved, not cloned: the writer keeps the
        // elements before the copy and no others, so the copy must take
        // the rest of its buffer (as a future's always does).
        (HostItems::Typed(a), HostItems::Typed(b)) if from.end == a.len() => {
            b.append(a.split_off(from.start).into_any()).map_err(|_| {
                anyhow::anyhow!(
                    "both ends of this stream or future are the host's, typed with different Rust types"
                )
            })
        }
        (HostItems::Typed(_), HostItems::Typed(_)) => Err(anyhow::anyhow!(
            "not supported by hostbind yet: a copy between two typed host ends of a stream that takes only part of the writer's buffer (read at least as many values as are written)"
        )),
        _ => Err(anyhow::anyhow!(
            "both ends of this stream or future are the host's, and only one of them is typed: a typed value moves to a typed end or a guest"
        )),
    };
    put_items::<B, T>(cx, src_w, items);
    put_items::<B, T>(cx, dst_w, out);
    moved
}

/// What every move needs: where, in which instance, and the element type.
struct Place<'a> {
    site: &'a Site<'a>,
    instance: usize,
    types: &'a ComponentTypes,
    payload: &'a InterfaceType,
    size: usize,
}

fn take_items<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, w: u32) -> HostItems {
    store_tasks::<B, T>(cx)
        .end(w)
        .map_or(HostItems::Vals(Vec::new()), |e| {
            core::mem::replace(&mut e.items, HostItems::Vals(Vec::new()))
        })
}

fn put_items<B: Backend, T: 'static>(cx: &mut Cx<'_, B, T>, w: u32, items: HostItems) {
    if let Some(e) = store_tasks::<B, T>(cx).end(w) {
        e.items = items;
    }
}

/// The memory, realloc, table and encoding of a guest buffer's options.
fn options<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    p: &Place<'_>,
    b: Buffer,
) -> Result<crate::store::instance::ResolvedOptions<B>> {
    let o = b.options.map_or(u32::MAX, |o| o.as_u32());
    let Some(opts) = B::data(cx)
        .instances
        .get(p.instance)
        .and_then(|i| i.options(o))
    else {
        return Err(p
            .site
            .trap(format_args!("a copy's options are not resolved")));
    };
    if opts.memory.is_none() {
        return Err(p.site.trap(format_args!("a copy's buffer has no memory")));
    }
    Ok(opts)
}

fn res(table: usize, instance: usize, store: u64) -> ResCx {
    ResCx {
        table,
        instance,
        store,
        ..Default::default()
    }
}

fn guest_to_guest<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    p: &Place<'_>,
    src: Buffer,
    dst: Buffer,
    k: u32,
) -> Result<()> {
    let (from, to) = (options::<B, T>(cx, p, src)?, options::<B, T>(cx, p, dst)?);
    let at = |b: Buffer| b.ptr as usize + b.progress as usize * p.size;
    let (src_at, dst_at, bytes) = (at(src), at(dst), k as usize * p.size);
    let (Some(from_mem), Some(to_mem)) = (from.memory, to.memory) else {
        return Err(p.site.trap(format_args!("a copy's buffer has no memory")));
    };
    if super::transmit::numeric(Some(p.payload)) {
        let data = B::memory(cx, from_mem)
            .0
            .get(src_at..src_at + bytes)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| p.site.trap(format_args!("buffer out of bounds")))?;
        let out = B::memory(cx, to_mem)
            .0
            .get_mut(dst_at..dst_at + bytes)
            .ok_or_else(|| p.site.trap(format_args!("buffer out of bounds")))?;
        out.copy_from_slice(&data);
        return Ok(());
    }
    let mut vals = HostItems::Vals(Vec::with_capacity(k as usize));
    guest_to_host::<B, T>(cx, p, src, k, &mut vals)?;
    host_to_guest::<B, T>(cx, p, &vals, 0..k as usize, dst)
}

/// Lifts `k` values from guest buffer `src` onto the end of `out`.
fn guest_to_host<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    p: &Place<'_>,
    src: Buffer,
    k: u32,
    out: &mut HostItems,
) -> Result<()> {
    let from = options::<B, T>(cx, p, src)?;
    let Some(mem) = from.memory else {
        return Err(p.site.trap(format_args!("a copy's buffer has no memory")));
    };
    let src_at = src.ptr as usize + src.progress as usize * p.size;
    let store = B::data(cx).id;
    let (mem, data) = B::memory(cx, mem);
    match out {
        HostItems::Bytes(b) => {
            let bytes = mem
                .get(src_at..src_at + k as usize * p.size)
                .ok_or_else(|| p.site.trap(format_args!("buffer out of bounds")))?;
            b.extend_from_slice(bytes);
        }
        HostItems::Vals(_) | HostItems::Typed(_) => {
            let scope = ResourceScope {
                tables: Some(&data.instances[p.instance].handles),
                res: res(from.table, p.instance, store),
            };
            let budget = core::cell::Cell::new(COPY_BUDGET);
            let mut lcx = LiftCx::new_in(mem, *p.site, from.encoding, scope);
            match out {
                HostItems::Typed(t) => t.load(&lcx, src_at, p.size, k as usize)?,
                HostItems::Vals(v) => {
                    lcx.budget = Some(&budget);
                    for j in 0..k as usize {
                        v.push(lift::load(&lcx, src_at + j * p.size, p.payload, p.types)?);
                    }
                }
                HostItems::Bytes(_) => {}
            }
        }
    }
    Ok(())
}

/// Lowers `items[from]` into guest buffer `dst`.
fn host_to_guest<B: Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    p: &Place<'_>,
    items: &HostItems,
    from: Range<usize>,
    dst: Buffer,
) -> Result<()> {
    let to = options::<B, T>(cx, p, dst)?;
    let Some(mem) = to.memory else {
        return Err(p.site.trap(format_args!("a copy's buffer has no memory")));
    };
    let dst_at = dst.ptr as usize + dst.progress as usize * p.size;
    let store = B::data(cx).id;
    match items {
        HostItems::Bytes(b) => {
            let out = B::memory(cx, mem)
                .0
                .get_mut(dst_at..dst_at + from.len() * p.size)
                .ok_or_else(|| p.site.trap(format_args!("buffer out of bounds")))?;
            out.copy_from_slice(&b[from]);
        }
        HostItems::Vals(_) | HostItems::Typed(_) => {
            let mut guest = GuestAccess::<B, T>::new(
                B::reborrow(cx),
                p.instance,
                Some(mem),
                to.realloc,
                Some(to.table),
            );
            let mut lcx = LowerCx::new_in(
                &mut guest,
                *p.site,
                to.encoding,
                res(to.table, p.instance, store),
                None,
            );
            match items {
                HostItems::Typed(t) => t.store(&mut lcx, dst_at, p.size, from)?,
                HostItems::Vals(v) => {
                    for (j, val) in v[from].iter().enumerate() {
                        lower::store(&mut lcx, dst_at + j * p.size, p.payload, p.types, val)?;
                    }
                }
                HostItems::Bytes(_) => {}
            }
        }
    }
    Ok(())
}
