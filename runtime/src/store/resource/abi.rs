//! How resource handles cross the boundary: `own` moves a handle between the
//! guest's table and the host, `borrow` lends one for the length of a call.

use core::any::type_name;

use super::{Borrow, BorrowAny, Resource, ResourceAny, host_key};
use crate::abi::{ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, memory};
use crate::error::{Result, Site};
use crate::raw::ValRaw;
use crate::types::{ResourceTy, Ty};

/// Runs `f` on the handle tables a lift can reach.
pub(crate) fn with_tables<R>(
    cx: &LiftCx<'_>,
    f: impl FnOnce(&mut crate::abi::handles::Handles) -> Result<R>,
) -> Result<R> {
    match cx.scope.tables {
        Some(t) => f(&mut t.0.borrow_mut()),
        None => Err(cx.site.trap(format_args!(
            "resource handles cannot be lifted here: the call reaches no component instance"
        ))),
    }
}

/// Runs `f` on the handle tables a lower can reach.
pub(crate) fn with_tables_mut<R>(
    cx: &mut LowerCx<'_>,
    f: impl FnOnce(&mut crate::abi::handles::Handles, &crate::Site<'_>, crate::abi::ResCx) -> Result<R>,
) -> Result<R> {
    let site = cx.site;
    let res = cx.res;
    match cx.guest.handles() {
        Some(t) => f(&mut t.0.borrow_mut(), &site, res),
        None => Err(site.trap(format_args!(
            "resource handles cannot be lowered here: the call reaches no component instance"
        ))),
    }
}

fn read_handle(cx: &LiftCx<'_>, offset: usize) -> Result<u32> {
    Ok(u32::from_le_bytes(memory::read(
        &cx.site, cx.memory, offset,
    )?))
}

macro_rules! component_type {
    ($t:ident, $ty:ident) => {
        // SAFETY: `PLAIN` stays false: a handle index is checked against a table.
        unsafe impl<T: 'static> ComponentType for $t<T> {
            const TY: &'static Ty = &Ty::$ty(&ResourceTy {
                name: type_name::<T>,
                host: Some(host_key::<T>),
            });
        }
    };
}

component_type!(Resource, Own);
component_type!(Borrow, Borrow);

fn lift_own<T: 'static>(cx: &LiftCx<'_>, idx: u32) -> Result<Resource<T>> {
    with_tables(cx, |h| {
        let ty = h.host_index(&cx.site, host_key::<T>(), type_name::<T>())?;
        h.take_own(&cx.site, cx.scope.res.table, idx, ty)
            .map(Resource::new)
    })
}

fn lift_borrow<T: 'static>(cx: &LiftCx<'_>, idx: u32) -> Result<Borrow<T>> {
    with_tables(cx, |h| {
        let ty = h.host_index(&cx.site, host_key::<T>(), type_name::<T>())?;
        h.lend(&cx.site, cx.scope.res.table, idx, ty)
            .map(Borrow::new)
    })
}

macro_rules! lift_handle {
    ($t:ident, $lift:ident) => {
        impl<'a, T: 'static> Lift<'a> for $t<T> {
            #[inline]
            fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                $lift(cx, src.next_val().get_u32())
            }
            #[inline]
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                $lift(cx, read_handle(cx, offset)?)
            }
        }
    };
}

lift_handle!(Resource, lift_own);
lift_handle!(Borrow, lift_borrow);

fn lower_own<T: 'static>(cx: &mut LowerCx<'_>, rep: u32) -> Result<u32> {
    with_tables_mut(cx, |h, site, res| {
        let ty = h.host_index(site, host_key::<T>(), type_name::<T>())?;
        h.new_own(site, res.table, ty, rep)
    })
}

fn lower_borrow<T: 'static>(cx: &mut LowerCx<'_>, rep: u32) -> Result<u32> {
    with_tables_mut(cx, |h, site, res| {
        let ty = h.host_index(site, host_key::<T>(), type_name::<T>())?;
        h.new_borrow(site, res.table, ty, rep)
    })
}

macro_rules! lower_handle {
    ($t:ident, $lower:ident) => {
        impl<T: 'static> Lower for $t<T> {
            #[inline]
            fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                let idx = $lower::<T>(cx, self.rep())?;
                dst.push(ValRaw::i32(idx as i32));
                Ok(())
            }
            #[inline]
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                let idx = $lower::<T>(cx, self.rep())?;
                cx.write(offset, &idx.to_le_bytes())
            }
        }
    };
}

lower_handle!(Resource, lower_own);
lower_handle!(Borrow, lower_borrow);

fn any_name() -> &'static str {
    "ResourceAny"
}

// SAFETY: `PLAIN` stays false: a handle index is checked against a table.
unsafe impl ComponentType for ResourceAny {
    const TY: &'static Ty = &Ty::Own(&ResourceTy {
        name: any_name,
        host: None,
    });
}

/// Lifts handle `idx` of resource `ty`: moved out if `own`, lent if not.
pub(crate) fn lift_any_as(
    cx: &LiftCx<'_>,
    idx: u32,
    ty: wasmtime_environ::component::ResourceIndex,
    own: bool,
) -> Result<ResourceAny> {
    let res = cx.scope.res;
    with_tables(cx, |h| {
        let (rep, held) = if own {
            let rep = h.take_own(&cx.site, res.table, idx, ty)?;
            (rep, h.hold())
        } else {
            (h.lend(&cx.site, res.table, idx, ty)?, 0)
        };
        Ok(ResourceAny {
            rep,
            held,
            ty,
            own,
            instance: res.instance,
            store: res.store,
        })
    })
}

fn lift_any(cx: &LiftCx<'_>, idx: u32) -> Result<ResourceAny> {
    let Some(crate::types::typecheck::AnyRes {
        ty,
        lift: Some(own),
        ..
    }) = cx.scope.res.any
    else {
        return Err(cx.site.trap(format_args!(
            "`ResourceAny` was not typechecked against a resource type"
        )));
    };
    lift_any_as(cx, idx, ty, own)
}

impl<'a> Lift<'a> for ResourceAny {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        lift_any(cx, src.next_val().get_u32())
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        lift_any(cx, read_handle(cx, offset)?)
    }
}

/// Gives a `ResourceAny` to the guest where resource `ty` is expected, as
/// an own handle (`own`) or a borrow.
pub(crate) fn lower_any(
    cx: &mut LowerCx<'_>,
    r: &ResourceAny,
    ty: wasmtime_environ::component::ResourceIndex,
    own: bool,
) -> Result<u32> {
    with_tables_mut(cx, |h, site, res| {
        if r.store != res.store || r.instance != res.instance {
            return Err(site.trap(format_args!(
                "a handle of `{}` from another instance or store cannot be passed here",
                h.name(r.ty)
            )));
        }
        if !h.same_type(ty, r.ty) {
            return Err(site.trap(format_args!(
                "a handle of `{}` was given where `{}` is expected",
                h.name(r.ty),
                h.name(ty)
            )));
        }
        if own && !r.own {
            return Err(site.trap(format_args!(
                "a borrowed handle of `{}` was given where an own handle is expected",
                h.name(ty)
            )));
        }
        // An own handle passes (`own`) or lends (a borrow) only while the
        // host still owns it.
        let still_held = if own {
            h.release(r.held)
        } else {
            !r.own || h.holds(r.held)
        };
        if !still_held {
            return Err(site.trap(format_args!(
                "a handle of `{}` the host no longer owns was given: it was already moved to the guest or dropped",
                h.name(ty)
            )));
        }
        match (own, h.guest_defined(ty)) {
            (true, _) => h.new_own(site, res.table, ty, r.rep),
            // A borrow of a resource the callee implements is its rep.
            (false, true) => Ok(r.rep),
            (false, false) => h.new_borrow(site, res.table, ty, r.rep),
        }
    })
}

fn lower_static_any(cx: &mut LowerCx<'_>, r: &ResourceAny) -> Result<u32> {
    let Some(crate::types::typecheck::AnyRes {
        ty,
        lower: Some(own),
        ..
    }) = cx.res.any
    else {
        return Err(cx.site.trap(format_args!(
            "`ResourceAny` was not typechecked against a resource type"
        )));
    };
    lower_any(cx, r, ty, own)
}

impl Lower for ResourceAny {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let idx = lower_static_any(cx, self)?;
        dst.push(ValRaw::i32(idx as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let idx = lower_static_any(cx, self)?;
        cx.write(offset, &idx.to_le_bytes())
    }
}

fn borrow_any_name() -> &'static str {
    "BorrowAny"
}

// SAFETY: `PLAIN` stays false: a handle index is checked against a table.
unsafe impl ComponentType for BorrowAny {
    const TY: &'static Ty = &Ty::Borrow(&ResourceTy {
        name: borrow_any_name,
        host: None,
    });
}

/// The resource type the signature's guest-resource positions stand for.
fn any_type(
    site: &Site<'_>,
    any: crate::types::typecheck::AnyResource,
) -> Result<wasmtime_environ::component::ResourceIndex> {
    match any {
        Some(a) => Ok(a.ty),
        None => Err(site.trap(format_args!(
            "`BorrowAny` was not typechecked against a resource type"
        ))),
    }
}

impl<'a> Lift<'a> for BorrowAny {
    #[inline]
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
        let ty = any_type(&cx.site, cx.scope.res.any)?;
        lift_any_as(cx, src.next_val().get_u32(), ty, false).map(BorrowAny::from)
    }
    #[inline]
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
        let ty = any_type(&cx.site, cx.scope.res.any)?;
        lift_any_as(cx, read_handle(cx, offset)?, ty, false).map(BorrowAny::from)
    }
}

impl Lower for BorrowAny {
    #[inline]
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
        let ty = any_type(&cx.site, cx.res.any)?;
        let idx = lower_any(cx, &self.inner, ty, false)?;
        dst.push(ValRaw::i32(idx as i32));
        Ok(())
    }
    #[inline]
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
        let ty = any_type(&cx.site, cx.res.any)?;
        let idx = lower_any(cx, &self.inner, ty, false)?;
        cx.write(offset, &idx.to_le_bytes())
    }
}
