//! Resources: handles to host state ([`Resource`], [`Borrow`]) and to guest
//! state ([`ResourceAny`]), the per-instance handle tables that enforce the
//! spec's ownership rules, and a [`ResourceTable`] for the host's state.

pub(crate) mod abi;

mod table;

use core::any::TypeId;
use core::marker::PhantomData;

use crate::store::Cx;
use wasmtime_environ::component::ResourceIndex;

pub(crate) use abi::{lift_any_as, lower_any};
pub use table::ResourceTable;

/// An owned handle to a host resource of type `T`: the component model's
/// `own<T>` for a resource the host defines with
/// [`LinkerInstance::resource`](crate::LinkerInstance::resource).
///
/// It carries the host's representation (`rep`), typically a key into a
/// [`ResourceTable`]. Passing it to the guest moves it there; receiving one
/// from the guest moves it back.
pub struct Resource<T: 'static> {
    rep: u32,
    _marker: PhantomData<fn() -> T>,
}

/// A borrowed handle to a host resource of type `T`: `borrow<T>`, valid for
/// the call it was passed to (a method's `self`, for example).
pub struct Borrow<T: 'static> {
    rep: u32,
    _marker: PhantomData<fn() -> T>,
}

macro_rules! handle_common {
    ($t:ident) => {
        impl<T: 'static> $t<T> {
            /// A handle to the host's representation `rep`.
            pub fn new(rep: u32) -> Self {
                $t {
                    rep,
                    _marker: PhantomData,
                }
            }

            /// The host's representation.
            pub fn rep(&self) -> u32 {
                self.rep
            }
        }

        impl<T: 'static> core::fmt::Debug for $t<T> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(
                    f,
                    "{}<{}>({})",
                    stringify!($t),
                    core::any::type_name::<T>(),
                    self.rep
                )
            }
        }

        impl<T: 'static> PartialEq for $t<T> {
            fn eq(&self, other: &Self) -> bool {
                self.rep == other.rep
            }
        }
    };
}

handle_common!(Resource);
handle_common!(Borrow);

impl<T: 'static> Resource<T> {
    /// A borrow of this resource, to pass where `borrow<T>` is expected.
    pub fn borrow(&self) -> Borrow<T> {
        Borrow::new(self.rep)
    }
}

/// A handle to a resource of a type known only at run time: any resource a
/// guest defines, or a host resource seen through [`Val`](crate::Val).
///
/// An owned `ResourceAny` must be given back to the guest or dropped with
/// [`ResourceAny::drop`], which runs the resource's destructor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceAny {
    pub(crate) rep: u32,
    /// For an own handle, its number among those the host holds (see
    /// `Handles::hold`); 0 for a borrow.
    pub(crate) held: u64,
    pub(crate) ty: ResourceIndex,
    pub(crate) own: bool,
    pub(crate) instance: usize,
    pub(crate) store: u64,
}

impl ResourceAny {
    /// Whether this is an owned handle (`own<T>`) rather than a borrow.
    pub fn owned(&self) -> bool {
        self.own
    }

    /// The resource's representation as its implementation chose it.
    pub fn rep(&self) -> u32 {
        self.rep
    }
}

/// A resource the guest implements, lent for one call: what `bindgen!`
/// passes where a signature says `borrow<r>` of a guest resource, so that
/// one signature can lend a resource in one place and move it in another
/// (`f: func(a: borrow<r>, b: r)`, or records holding each).
///
/// The guest gets a borrow: the host keeps its [`ResourceAny`], which
/// must still be its own (or be a borrow it was lent) when the call is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BorrowAny {
    pub(crate) inner: ResourceAny,
}

impl BorrowAny {
    /// The handle lent.
    pub fn resource(&self) -> ResourceAny {
        self.inner
    }
}

impl From<ResourceAny> for BorrowAny {
    fn from(inner: ResourceAny) -> BorrowAny {
        BorrowAny { inner }
    }
}

impl From<&ResourceAny> for BorrowAny {
    fn from(inner: &ResourceAny) -> BorrowAny {
        BorrowAny { inner: *inner }
    }
}

/// The core type of every resource destructor.
pub(crate) static DTOR_TY: std::sync::LazyLock<crate::CoreFuncType> =
    std::sync::LazyLock::new(|| crate::CoreFuncType {
        params: vec![crate::CoreType::I32],
        results: vec![],
    });

/// The three resource intrinsics.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ResourceOp {
    New,
    Rep,
    Drop,
}

/// The destructor of a host resource type, given the rep of a dropped handle.
pub(crate) type HostDtor<T> =
    std::sync::Arc<dyn Fn(&mut T, u32) -> crate::Result<()> + Send + Sync>;

/// The key by which the runtime finds a host resource type.
pub(crate) fn host_key<T: 'static>() -> TypeId {
    TypeId::of::<T>()
}

/// Runs a resource intrinsic (`resource.new`, `.rep`, `.drop`) that the
/// guest called on resource `ty` in handle table `table`.
pub(crate) fn intrinsic<B: crate::engine::Backend, T: 'static>(
    mut cx: Cx<'_, B, T>,
    instance: usize,
    op: ResourceOp,
    ty: ResourceIndex,
    table: usize,
    storage: &mut [crate::ValRaw],
) -> crate::Result<()> {
    use crate::{Place, Site, ValRaw};
    let func = match op {
        ResourceOp::New => "resource.new",
        ResourceOp::Rep => "resource.rep",
        ResourceOp::Drop => "resource.drop",
    };
    let site = Site {
        func,
        place: Place::Param(if matches!(op, ResourceOp::New) {
            "rep"
        } else {
            "handle"
        }),
    };
    let arg = storage.first().map_or(0, |v| v.get_u32());
    let data = B::data(&mut cx);
    let Some(state) = data.instances.get(instance) else {
        return Err(site.trap(format_args!("the instance is not in this store")));
    };
    let dropped = {
        let mut h = state.handles.0.borrow_mut();
        match op {
            ResourceOp::New => {
                storage[0] = ValRaw::i32(h.new_own(&site, table, ty, arg)? as i32);
                return Ok(());
            }
            ResourceOp::Rep => {
                storage[0] = ValRaw::i32(h.rep(&site, table, arg, ty)? as i32);
                return Ok(());
            }
            ResourceOp::Drop => h.drop_handle(&site, table, arg, ty)?,
        }
    };
    let crate::abi::handles::Dropped::Own { rep } = dropped else {
        return Ok(());
    };
    run_dtor::<B, T>(&mut cx, instance, ty, rep)
}

/// Runs the destructor of resource `ty` on `rep`: the host's, or the guest's
/// core function if it has one.
pub(crate) fn run_dtor<B: crate::engine::Backend, T: 'static>(
    cx: &mut Cx<'_, B, T>,
    instance: usize,
    ty: ResourceIndex,
    rep: u32,
) -> crate::Result<()> {
    use crate::store::instance::ResourceDef;
    let data = B::data(cx);
    let state = &data.instances[instance];
    match state.resources.get(ty.as_u32() as usize) {
        Some(ResourceDef::Host(dtor)) => {
            let Some(dtor) = dtor.downcast_ref::<HostDtor<T>>() else {
                return Err(crate::Trap::new("host destructor of the wrong store type").into());
            };
            let dtor = dtor.clone();
            dtor(&mut data.data, rep)
                .map_err(|e| e.context("host resource destructor returned an error"))
        }
        Some(ResourceDef::Guest { dtor: Some(f) }) => {
            let f = *f;
            B::call(cx, f, &DTOR_TY, &[crate::ValRaw::i32(rep as i32)], &mut [])
        }
        _ => Ok(()),
    }
}

impl ResourceAny {
    /// Drops an owned handle: runs the resource's destructor (the guest's or
    /// the host's). Dropping a borrow does nothing.
    pub fn drop<T: 'static>(self, store: &mut crate::Store<T>) -> crate::Result<()> {
        if store.id() != self.store {
            anyhow::bail!("the resource belongs to another store");
        }
        if !self.own {
            return Ok(());
        }
        crate::store::with_backend!(&mut store.repr, |s, B| {
            let mut cx = <B as crate::engine::Backend>::cx(s);
            let Some(state) = <B as crate::engine::Backend>::data(&mut cx)
                .instances
                .get(self.instance)
            else {
                anyhow::bail!("the resource's instance is not in this store");
            };
            let mut h = state.handles.0.borrow_mut();
            if !h.release(self.held) {
                anyhow::bail!(
                    "this handle of `{}` is no longer the host's to drop: it was already moved to the guest or dropped",
                    h.name(self.ty)
                );
            }
            drop(h);
            run_dtor::<B, T>(&mut cx, self.instance, self.ty, self.rep)
        })
    }
}
