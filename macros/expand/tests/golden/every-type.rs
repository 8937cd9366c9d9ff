///The WIT type `point`.
pub type Point = demo::types::shapes::Point;
///Bindings of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the WIT package `demo:types`.
    pub mod types {
        ///Bindings of the WIT interface.
        pub mod shapes {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            ///The WIT type `point`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(record, name = "point")]
            pub struct Point {
                ///The field `x`.
                #[component(name = "x")]
                pub x: i32,
                ///The field `y`.
                #[component(name = "y")]
                pub y: i32,
            }
            ///The WIT type `person`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(record, name = "person")]
            pub struct Person {
                ///The field `full-name`.
                #[component(name = "full-name")]
                pub full_name: ::std::string::String,
                ///The field `age`.
                #[component(name = "age")]
                pub age: u8,
                ///The field `email`.
                #[component(name = "email")]
                pub email: ::core::option::Option<::std::string::String>,
                ///The field `tags`.
                #[component(name = "tags")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                ///The field `score`.
                #[component(name = "score")]
                pub score: f64,
            }
            ///The WIT type `shape`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(variant, name = "shape")]
            pub enum Shape {
                ///The case `circle`.
                #[component(name = "circle")]
                Circle(f32),
                ///The case `rect`.
                #[component(name = "rect")]
                Rect(demo::types::shapes::Point),
                ///The case `label`.
                #[component(name = "label")]
                Label(::std::string::String),
                ///The case `empty`.
                #[component(name = "empty")]
                Empty,
            }
            #[derive(Copy)]
            ///The WIT type `color`.
            #[derive(
                ::hostbind::ComponentType,
                ::hostbind::Lift,
                ::hostbind::Lower,
                Clone,
                Debug,
                PartialEq
            )]
            #[component(enum, name = "color")]
            pub enum Color {
                ///The case `red`.
                #[component(name = "red")]
                Red,
                ///The case `green`.
                #[component(name = "green")]
                Green,
                ///The case `sky-blue`.
                #[component(name = "sky-blue")]
                SkyBlue,
            }
            ::hostbind::flags! {
                #[doc = "The WIT type `perms`."] #[component(name = "perms")] pub struct
                Perms { #[doc = "The flag `read`."] #[component(name = "read")] const
                READ; #[doc = "The flag `write`."] #[component(name = "write")] const
                WRITE; #[doc = "The flag `exec`."] #[component(name = "exec")] const
                EXEC; }
            }
            ///The WIT type `pair`.
            pub type Pair = (u8, char);
            ///The host's side of the imports of `demo:types/shapes`.
            #[diagnostic::on_unimplemented(
                message = "`{Self}` does not implement the imports of `demo:types/shapes`",
                label = "this does not implement `Host` for the imports of `demo:types/shapes`",
                note = "implement this `Host` for it, or give `add_to_linker` a getter that returns the part of the store's data that implements it"
            )]
            #[allow(clippy::too_many_arguments)]
            pub trait Host {
                ///The import `describe`.
                fn describe(
                    &mut self,
                    p: demo::types::shapes::Person,
                    s: demo::types::shapes::Shape,
                ) -> ::std::string::String;
                ///The import `paint`.
                fn paint(
                    &mut self,
                    c: demo::types::shapes::Color,
                    p: demo::types::shapes::Perms,
                ) -> ::core::result::Result<
                    demo::types::shapes::Pair,
                    ::std::string::String,
                >;
                ///The import `sum`.
                fn sum(&mut self, xs: ::std::vec::Vec<u32>, b: bool, i: i64) -> u64;
                ///The import `nothing`.
                fn nothing(&mut self) -> ::core::result::Result<(), ()>;
            }
            /// Defines every function and resource of these imports in
            /// `linker`, calling the [`Host`] that `get` finds in the
            /// store's data (`|data| data` when the data is the host).
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:types/shapes")?;
                inst.func(
                    "describe",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:types/shapes#describe",
                            &[
                                ::hostbind::__private::Param {
                                    name: "p",
                                    ty: <demo::types::shapes::Person as ::hostbind::__private::ComponentType>::TY,
                                },
                                ::hostbind::__private::Param {
                                    name: "s",
                                    ty: <demo::types::shapes::Shape as ::hostbind::__private::ComponentType>::TY,
                                },
                            ],
                            &[
                                <::std::string::String as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        let __a0 = __p.next(0usize)?;
                                        let __a1 = __p.next(1usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::describe(__h, __a0, __a1),
                                        )
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                inst.func(
                    "paint",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:types/shapes#paint",
                            &[
                                ::hostbind::__private::Param {
                                    name: "c",
                                    ty: <demo::types::shapes::Color as ::hostbind::__private::ComponentType>::TY,
                                },
                                ::hostbind::__private::Param {
                                    name: "p",
                                    ty: <demo::types::shapes::Perms as ::hostbind::__private::ComponentType>::TY,
                                },
                            ],
                            &[
                                <::core::result::Result<
                                    demo::types::shapes::Pair,
                                    ::std::string::String,
                                > as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        let __a0 = __p.next(0usize)?;
                                        let __a1 = __p.next(1usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::paint(__h, __a0, __a1),
                                        )
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                inst.func(
                    "sum",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:types/shapes#sum",
                            &[
                                ::hostbind::__private::Param {
                                    name: "xs",
                                    ty: <::std::vec::Vec<
                                        u32,
                                    > as ::hostbind::__private::ComponentType>::TY,
                                },
                                ::hostbind::__private::Param {
                                    name: "b",
                                    ty: <bool as ::hostbind::__private::ComponentType>::TY,
                                },
                                ::hostbind::__private::Param {
                                    name: "i",
                                    ty: <i64 as ::hostbind::__private::ComponentType>::TY,
                                },
                            ],
                            &[<u64 as ::hostbind::__private::ComponentType>::TY],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        let __a0 = __p.next(0usize)?;
                                        let __a1 = __p.next(1usize)?;
                                        let __a2 = __p.next(2usize)?;
                                        ::core::result::Result::Ok(
                                            <__H as Host>::sum(__h, __a0, __a1, __a2),
                                        )
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                inst.func(
                    "nothing",
                    {
                        static __SIG: ::hostbind::__private::Signature = ::hostbind::__private::Signature::new(
                            "demo:types/shapes#nothing",
                            &[],
                            &[
                                <::core::result::Result<
                                    (),
                                    (),
                                > as ::hostbind::__private::ComponentType>::TY,
                            ],
                        );
                        unsafe extern "C" fn __entry<__S: 'static, __H: Host + 'static>(
                            cx: *mut ::hostbind::__private::c_void,
                            data: *mut ::hostbind::__private::c_void,
                            _: u32,
                            _: u32,
                            storage: *mut ::hostbind::__private::MaybeUninit<
                                ::hostbind::__private::ValRaw,
                            >,
                            len: usize,
                        ) -> bool {
                            // SAFETY: argued at this block in `hostbind-expand`'s generator.
                            unsafe {
                                ::hostbind::__private::enter_getter::<
                                    __S,
                                    __H,
                                    _,
                                >(
                                    cx,
                                    data,
                                    storage,
                                    len,
                                    &__SIG,
                                    |__h, __p| {
                                        ::core::result::Result::Ok(<__H as Host>::nothing(__h))
                                    },
                                )
                            }
                        }
                        // SAFETY: argued at this block in `hostbind-expand`'s generator.
                        unsafe {
                            ::hostbind::__private::HostFunc::from_raw_with_getter(
                                __entry::<T, U>,
                                &__SIG,
                                get,
                            )
                        }
                    },
                )?;
                let _ = &mut inst;
                Ok(())
            }
        }
    }
}
const _: &[u8] = ::core::include_bytes!(
    "$CARGO_MANIFEST_DIR/tests/golden/every-type.wit"
);
/// An instance of the world's component.
pub struct EveryType {
    instance: ::hostbind::Instance,
    __call_center: ::hostbind::TypedFunc<
        (demo::types::shapes::Point,),
        (demo::types::shapes::Point,),
    >,
}
#[allow(clippy::too_many_arguments)]
impl EveryType {
    /// Defines every import of the world in `linker`, calling the
    /// host that `get` finds in the store's data (`|data| data`
    /// when the data is the host).
    pub fn add_to_linker<T: 'static, U>(
        linker: &mut ::hostbind::Linker<T>,
        get: fn(&mut T) -> &mut U,
    ) -> ::hostbind::Result<()>
    where
        U: 'static + demo::types::shapes::Host,
    {
        demo::types::shapes::add_to_linker(linker, get)?;
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
        Ok(EveryType {
            __call_center: instance
                .get_typed_func::<
                    (demo::types::shapes::Point,),
                    (demo::types::shapes::Point,),
                >(store, "center")?,
            instance,
        })
    }
    /// The underlying instance.
    pub fn instance(&self) -> ::hostbind::Instance {
        self.instance
    }
    ///Calls the export `center`.
    pub fn call_center<D: 'static>(
        &self,
        store: &mut ::hostbind::Store<D>,
        p: demo::types::shapes::Point,
    ) -> ::hostbind::Result<demo::types::shapes::Point> {
        let __r = self.__call_center.call_as(store, (p,))?;
        Ok(__r.0)
    }
}
