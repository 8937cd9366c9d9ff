///Bindings of the imported interfaces of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the imported interfaces of the WIT package `demo:store`.
    pub mod store {
        ///Bindings of the imported WIT interface `demo:store/blobs`.
        pub mod blobs {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
            ///Bytes the host keeps.
            pub enum Blob {}
            ///The host's side of the imports of `demo:store/blobs`.
            #[diagnostic::on_unimplemented(
                message = "`{Self}` does not implement the imports of `demo:store/blobs`",
                label = "this does not implement `Host` for the imports of `demo:store/blobs`",
                note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
            )]
            #[allow(clippy::too_many_arguments)]
            pub trait Host: HostBlob {
                ///Takes a borrow, gives back an own handle.
                fn copy(
                    &mut self,
                    b: ::hostbind::Borrow<demo::store::blobs::Blob>,
                ) -> ::hostbind::Resource<demo::store::blobs::Blob>;
            }
            /// The host's side of a resource of these imports.
            #[allow(clippy::too_many_arguments)]
            pub trait HostBlob {
                ///Drops a `blob` the guest no longer holds.
                fn drop(
                    &mut self,
                    rep: ::hostbind::Resource<demo::store::blobs::Blob>,
                ) -> ::hostbind::Result<()>;
                ///The import `[constructor]blob`.
                fn new(
                    &mut self,
                    init: &[u8],
                ) -> ::hostbind::Resource<demo::store::blobs::Blob>;
                ///Appends to the blob.
                fn write(
                    &mut self,
                    this: ::hostbind::Borrow<demo::store::blobs::Blob>,
                    bytes: &[u8],
                );
                ///The import `[method]blob.read`.
                fn read(
                    &mut self,
                    this: ::hostbind::Borrow<demo::store::blobs::Blob>,
                    n: u32,
                ) -> ::std::vec::Vec<u8>;
                ///The import `[static]blob.merge`.
                fn merge(
                    &mut self,
                    lhs: ::hostbind::Resource<demo::store::blobs::Blob>,
                    rhs: ::hostbind::Resource<demo::store::blobs::Blob>,
                ) -> ::hostbind::Resource<demo::store::blobs::Blob>;
            }
            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:store/blobs")?;
                inst.resource::<
                        demo::store::blobs::Blob,
                    >(
                    "blob",
                    move |data: &mut T, r| <U as HostBlob>::drop(get(data), r),
                )?;
                static __SIG1: __hb::Signature = __hb::Signature::new(
                    "demo:store/blobs#[constructor]blob",
                    &[__hb::param::<&[u8]>("init")],
                    &[__hb::ty::<::hostbind::Resource<demo::store::blobs::Blob>>()],
                );
                inst.func(
                    "[constructor]blob",
                    __hb::bound_func(
                        get,
                        || &__SIG1,
                        |__h, __p| __hb::Ok(HostBlob::new(__h, __p.next(0usize)?)),
                    ),
                )?;
                static __SIG2: __hb::Signature = __hb::Signature::new(
                    "demo:store/blobs#[method]blob.write",
                    &[
                        __hb::param::<
                            ::hostbind::Borrow<demo::store::blobs::Blob>,
                        >("self"),
                        __hb::param::<&[u8]>("bytes"),
                    ],
                    &[],
                );
                inst.func(
                    "[method]blob.write",
                    __hb::bound_func(
                        get,
                        || &__SIG2,
                        |__h, __p| __hb::Ok(
                            HostBlob::write(__h, __p.next(0usize)?, __p.next(1usize)?),
                        ),
                    ),
                )?;
                static __SIG3: __hb::Signature = __hb::Signature::new(
                    "demo:store/blobs#[method]blob.read",
                    &[
                        __hb::param::<
                            ::hostbind::Borrow<demo::store::blobs::Blob>,
                        >("self"),
                        __hb::param::<u32>("n"),
                    ],
                    &[__hb::ty::<::std::vec::Vec<u8>>()],
                );
                inst.func(
                    "[method]blob.read",
                    __hb::bound_func(
                        get,
                        || &__SIG3,
                        |__h, __p| __hb::Ok(
                            HostBlob::read(__h, __p.next(0usize)?, __p.next(1usize)?),
                        ),
                    ),
                )?;
                static __SIG4: __hb::Signature = __hb::Signature::new(
                    "demo:store/blobs#[static]blob.merge",
                    &[
                        __hb::param::<
                            ::hostbind::Resource<demo::store::blobs::Blob>,
                        >("lhs"),
                        __hb::param::<
                            ::hostbind::Resource<demo::store::blobs::Blob>,
                        >("rhs"),
                    ],
                    &[__hb::ty::<::hostbind::Resource<demo::store::blobs::Blob>>()],
                );
                inst.func(
                    "[static]blob.merge",
                    __hb::bound_func(
                        get,
                        || &__SIG4,
                        |__h, __p| __hb::Ok(
                            HostBlob::merge(__h, __p.next(0usize)?, __p.next(1usize)?),
                        ),
                    ),
                )?;
                static __SIG5: __hb::Signature = __hb::Signature::new(
                    "demo:store/blobs#copy",
                    &[__hb::param::<::hostbind::Borrow<demo::store::blobs::Blob>>("b")],
                    &[__hb::ty::<::hostbind::Resource<demo::store::blobs::Blob>>()],
                );
                inst.func(
                    "copy",
                    __hb::bound_func(
                        get,
                        || &__SIG5,
                        |__h, __p| __hb::Ok(Host::copy(__h, __p.next(0usize)?)),
                    ),
                )?;
                let _ = &mut inst;
                Ok(())
            }
        }
    }
}
///The world's exported interfaces.
pub mod exports {
    ///Bindings of the exported interfaces of the WIT namespace `demo`.
    pub mod demo {
        ///Bindings of the exported interfaces of the WIT package `demo:store`.
        pub mod store {
            ///Bindings of the exported WIT interface `demo:store/cache`.
            pub mod cache {
                #![allow(clippy::all, unused_imports)]
                use super::super::super::super::*;
                use ::hostbind::__private as __hb;
                pub use demo::store::blobs::Blob as Blob;
                ///The WIT type `entry`.
                pub enum Entry {}
            }
        }
    }
}
const _: &[u8] = ::core::include_bytes!(
    "$CARGO_MANIFEST_DIR/tests/golden/resources.wit"
);
/// An instance of the world's component.
pub struct Store {
    instance: ::hostbind::Instance,
    __call_cache_entry_new: ::hostbind::TypedFunc<
        (::std::string::String,),
        (::hostbind::ResourceAny,),
    >,
    __call_cache_entry_key: ::hostbind::TypedFunc<
        (::hostbind::BorrowAny,),
        (::std::string::String,),
    >,
    __call_cache_entry_fill: ::hostbind::TypedFunc<
        (::hostbind::BorrowAny, ::hostbind::Borrow<demo::store::blobs::Blob>),
        (),
    >,
    __call_cache_lookup: ::hostbind::TypedFunc<
        (::std::string::String,),
        (::core::option::Option<::hostbind::ResourceAny>,),
    >,
}
#[allow(clippy::too_many_arguments)]
impl Store {
    /// Defines every import of the world in `linker`, calling the
    /// host that `get` finds in the store's data (`|data| data`
    /// when the data is the host).
    pub fn add_to_linker<T: 'static, U>(
        linker: &mut ::hostbind::Linker<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::hostbind::Result<()>
    where
        U: 'static + demo::store::blobs::Host,
    {
        demo::store::blobs::add_to_linker(linker, get)?;
        Ok(())
    }
    /// Instantiates `component` with `linker`'s host functions, and
    /// checks that it has every export of the world, of its type.
    pub fn instantiate<T: 'static>(
        store: &mut ::hostbind::Store<T>,
        component: &::hostbind::Component,
        linker: &::hostbind::Linker<T>,
    ) -> ::hostbind::Result<Self> {
        let instance = linker.instantiate(store, component)?;
        Ok(Store {
            __call_cache_entry_new: instance
                .get_typed_func::<
                    (::std::string::String,),
                    (::hostbind::ResourceAny,),
                >(store, "demo:store/cache#[constructor]entry")?,
            __call_cache_entry_key: instance
                .get_typed_func::<
                    (::hostbind::BorrowAny,),
                    (::std::string::String,),
                >(store, "demo:store/cache#[method]entry.key")?,
            __call_cache_entry_fill: instance
                .get_typed_func::<
                    (
                        ::hostbind::BorrowAny,
                        ::hostbind::Borrow<demo::store::blobs::Blob>,
                    ),
                    (),
                >(store, "demo:store/cache#[method]entry.fill")?,
            __call_cache_lookup: instance
                .get_typed_func::<
                    (::std::string::String,),
                    (::core::option::Option<::hostbind::ResourceAny>,),
                >(store, "demo:store/cache#lookup")?,
            instance,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    ///Calls the export `demo:store/cache#[constructor]entry`.
    pub fn call_cache_entry_new<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        key: &str,
    ) -> ::hostbind::Result<::hostbind::ResourceAny> {
        let __r = self.__call_cache_entry_new.call_as(store, (key,))?;
        Ok(__r.0)
    }
    ///Calls the export `demo:store/cache#[method]entry.key`.
    pub fn call_cache_entry_key<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        this: ::hostbind::ResourceAny,
    ) -> ::hostbind::Result<::std::string::String> {
        let __r = self
            .__call_cache_entry_key
            .call_as(store, (::hostbind::BorrowAny::from(this),))?;
        Ok(__r.0)
    }
    ///Calls the export `demo:store/cache#[method]entry.fill`.
    pub fn call_cache_entry_fill<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        this: ::hostbind::ResourceAny,
        source: ::hostbind::Borrow<demo::store::blobs::Blob>,
    ) -> ::hostbind::Result<()> {
        let __r = self
            .__call_cache_entry_fill
            .call_as(store, (::hostbind::BorrowAny::from(this), source))?;
        Ok(__r)
    }
    ///Calls the export `demo:store/cache#lookup`.
    pub fn call_cache_lookup<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        key: &str,
    ) -> ::hostbind::Result<::core::option::Option<::hostbind::ResourceAny>> {
        let __r = self.__call_cache_lookup.call_as(store, (key,))?;
        Ok(__r.0)
    }
    ///The exports of `demo:store/cache`.
    pub fn cache(&self) -> CacheGuest<'_> {
        CacheGuest { world: self }
    }
}
///The exports of `demo:store/cache`.
#[derive(Clone, Copy)]
pub struct CacheGuest<'a> {
    world: &'a Store,
}
#[allow(clippy::too_many_arguments)]
impl<'a> CacheGuest<'a> {
    ///The functions of resource `entry` of `demo:store/cache`.
    pub fn entry(&self) -> CacheEntryGuest<'a> {
        CacheEntryGuest {
            world: self.world,
        }
    }
    ///Calls the export `demo:store/cache#lookup`.
    pub fn call_lookup<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        key: &str,
    ) -> ::hostbind::Result<::core::option::Option<::hostbind::ResourceAny>> {
        let __r = self.world.__call_cache_lookup.call_as(store, (key,))?;
        Ok(__r.0)
    }
}
///The functions of resource `entry` of `demo:store/cache`.
#[derive(Clone, Copy)]
pub struct CacheEntryGuest<'a> {
    world: &'a Store,
}
#[allow(clippy::too_many_arguments)]
impl<'a> CacheEntryGuest<'a> {
    ///Calls the export `demo:store/cache#[constructor]entry`.
    pub fn call_constructor<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        key: &str,
    ) -> ::hostbind::Result<::hostbind::ResourceAny> {
        let __r = self.world.__call_cache_entry_new.call_as(store, (key,))?;
        Ok(__r.0)
    }
    ///Calls the export `demo:store/cache#[method]entry.key`.
    pub fn call_key<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        this: ::hostbind::ResourceAny,
    ) -> ::hostbind::Result<::std::string::String> {
        let __r = self
            .world
            .__call_cache_entry_key
            .call_as(store, (::hostbind::BorrowAny::from(this),))?;
        Ok(__r.0)
    }
    ///Calls the export `demo:store/cache#[method]entry.fill`.
    pub fn call_fill<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        this: ::hostbind::ResourceAny,
        source: ::hostbind::Borrow<demo::store::blobs::Blob>,
    ) -> ::hostbind::Result<()> {
        let __r = self
            .world
            .__call_cache_entry_fill
            .call_as(store, (::hostbind::BorrowAny::from(this), source))?;
        Ok(__r)
    }
}
///An owned `entry` that the guest implements, with its constructor and methods; `CacheEntryGuest` has the same calls on a bare `ResourceAny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestEntry(pub ::hostbind::ResourceAny);
#[allow(clippy::too_many_arguments)]
impl GuestEntry {
    ///Calls the export `demo:store/cache#[constructor]entry`.
    pub fn new<D: 'static>(
        world: &Store,
        store: &mut ::hostbind::Store<D>,
        key: &str,
    ) -> ::hostbind::Result<Self> {
        let __r = world.__call_cache_entry_new.call_as(store, (key,))?;
        Ok(Self(__r.0))
    }
    ///Calls the export `demo:store/cache#[method]entry.key`.
    pub fn key<D: 'static>(
        &self,
        world: &Store,
        store: &mut ::hostbind::Store<D>,
    ) -> ::hostbind::Result<::std::string::String> {
        let __r = world
            .__call_cache_entry_key
            .call_as(store, (::hostbind::BorrowAny::from(self.0),))?;
        Ok(__r.0)
    }
    ///Calls the export `demo:store/cache#[method]entry.fill`.
    pub fn fill<D: 'static>(
        &self,
        world: &Store,
        store: &mut ::hostbind::Store<D>,
        source: ::hostbind::Borrow<demo::store::blobs::Blob>,
    ) -> ::hostbind::Result<()> {
        let __r = world
            .__call_cache_entry_fill
            .call_as(store, (::hostbind::BorrowAny::from(self.0), source))?;
        Ok(__r)
    }
    /// Drops the handle; the guest's destructor runs.
    pub fn drop<D: 'static>(
        self,
        store: &mut ::hostbind::Store<D>,
    ) -> ::hostbind::Result<()> {
        self.0.drop(store)
    }
    /// The handle, to pass where the WIT takes this resource.
    pub fn handle(&self) -> ::hostbind::ResourceAny {
        self.0
    }
}
impl ::core::convert::From<::hostbind::ResourceAny> for GuestEntry {
    fn from(handle: ::hostbind::ResourceAny) -> Self {
        GuestEntry(handle)
    }
}
