//! `Caller`: what a host function that asks for it sees of the call: the
//! store's data, the caller's memory, and, for dynamic host functions, the
//! handles of host resources as [`ResourceAny`]s.

use core::any::type_name;

use crate::abi::ResourceScope;
use crate::error::{Place, Result, Site};
use crate::store::resource::{Borrow, Resource, ResourceAny, host_key};

/// The store's data plus read access to the calling instance's memory: the
/// optional first parameter of a `#[host_fn]` that needs both, and what a
/// [`func_new`](crate::LinkerInstance::func_new) function receives.
pub struct Caller<'a, T> {
    data: &'a mut T,
    memory: &'a [u8],
    scope: ResourceScope<'a>,
}

impl<'a, T> Caller<'a, T> {
    #[doc(hidden)]
    pub fn new(data: &'a mut T, memory: &'a [u8]) -> Self {
        Caller {
            data,
            memory,
            scope: ResourceScope::default(),
        }
    }

    /// The same, able to convert host resources for a dynamic function.
    pub(crate) fn with_scope(mut self, scope: ResourceScope<'a>) -> Self {
        self.scope = scope;
        self
    }

    /// The store's data.
    pub fn data(&self) -> &T {
        self.data
    }

    /// The store's data, mutable.
    pub fn data_mut(&mut self) -> &mut T {
        self.data
    }

    /// The calling instance's linear memory (empty if its canonical options
    /// name none).
    pub fn memory(&self) -> &'a [u8] {
        self.memory
    }

    /// An owned handle of host resource `R`, as the [`ResourceAny`] a
    /// dynamic host function returns in a [`Val`](crate::Val) (from a
    /// constructor, say). `R` must be a resource the linker defined with
    /// [`resource`](crate::LinkerInstance::resource).
    pub fn resource_any<R: 'static>(&mut self, r: Resource<R>) -> Result<ResourceAny> {
        let site = site("Caller::resource_any");
        let tables = self.tables(&site)?;
        let mut h = tables.0.borrow_mut();
        let ty = h.host_index(&site, host_key::<R>(), type_name::<R>())?;
        Ok(ResourceAny {
            rep: r.rep(),
            held: h.hold(),
            ty,
            own: true,
            instance: self.scope.res.instance,
            store: self.scope.res.store,
        })
    }

    /// The host resource `R` an owned [`ResourceAny`] stands for, moved out
    /// of it: what a dynamic host function does with an `own<R>` param.
    /// Fails if `any` is of another resource type, is borrowed, or was
    /// already given away.
    pub fn resource<R: 'static>(&mut self, any: ResourceAny) -> Result<Resource<R>> {
        let site = site("Caller::resource");
        self.check::<R>(&site, &any)?;
        let tables = self.tables(&site)?;
        let mut h = tables.0.borrow_mut();
        if !any.own {
            return Err(site.trap(format_args!(
                "a borrowed handle of `{}` cannot become an owned `Resource`; use `Caller::borrow`",
                h.name(any.ty)
            )));
        }
        if !h.release(any.held) {
            return Err(site.trap(format_args!(
                "this handle of `{}` is no longer the host's: it was already moved to the guest or dropped",
                h.name(any.ty)
            )));
        }
        Ok(Resource::new(any.rep))
    }

    /// A borrow of the host resource `R` that `any` stands for, owned or
    /// lent: what a dynamic host function does with a `borrow<R>` param.
    pub fn borrow<R: 'static>(&mut self, any: &ResourceAny) -> Result<Borrow<R>> {
        let site = site("Caller::borrow");
        self.check::<R>(&site, any)?;
        Ok(Borrow::new(any.rep))
    }

    fn tables(&self, site: &Site<'_>) -> Result<&'a crate::abi::HandleTables> {
        self.scope.tables.ok_or_else(|| {
            site.trap(format_args!(
                "resource handles cannot be converted here: only a dynamic host function's `Caller` can"
            ))
        })
    }

    /// That `any` belongs to this call's instance and is a handle of `R`.
    fn check<R: 'static>(&self, site: &Site<'_>, any: &ResourceAny) -> Result<()> {
        let tables = self.tables(site)?;
        let h = tables.0.borrow();
        if any.store != self.scope.res.store || any.instance != self.scope.res.instance {
            return Err(site.trap(format_args!(
                "a handle of `{}` from another instance or store was given",
                h.name(any.ty)
            )));
        }
        let ty = h.host_index(site, host_key::<R>(), type_name::<R>())?;
        if ty != any.ty {
            return Err(site.trap(format_args!(
                "a handle of `{}` is not a `{}`",
                h.name(any.ty),
                type_name::<R>()
            )));
        }
        Ok(())
    }
}

fn site(func: &'static str) -> Site<'static> {
    Site {
        func,
        place: Place::Params,
    }
}
