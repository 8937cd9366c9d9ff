///The WIT type `point`.
pub type Point = demo::types::shapes::Point;
///Bindings of the imported interfaces of the WIT namespace `demo`.
pub mod demo {
    ///Bindings of the imported interfaces of the WIT package `demo:types`.
    pub mod types {
        ///Bindings of the imported WIT interface `demo:types/shapes`.
        pub mod shapes {
            #![allow(clippy::all, unused_imports)]
            use super::super::super::*;
            use ::hostbind::__private as __hb;
            ///The WIT type `point`.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Point {
                ///The field `x`.
                pub x: i32,
                ///The field `y`.
                pub y: i32,
            }
            unsafe impl __hb::ComponentType for Point {
                const TY: &'static __hb::Ty = &__hb::Ty::Record(
                    &__hb::Record {
                        name: "point",
                        fields: &[__hb::field::<i32>("x"), __hb::field::<i32>("y")],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for Point {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    __hb::Ok(Self {
                        x: __hb::Lift::lift_flat(cx, src)?,
                        y: __hb::Lift::lift_flat(cx, src)?,
                    })
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let mut __at = 0u32;
                    __hb::Ok(Self {
                        x: __hb::load_field(cx, offset, &mut __at)?,
                        y: __hb::load_field(cx, offset, &mut __at)?,
                    })
                }
            }
            impl __hb::Lower for Point {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    __hb::Lower::lower_flat(&self.x, cx, dst)?;
                    __hb::Lower::lower_flat(&self.y, cx, dst)?;
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let mut __at = 0u32;
                    __hb::store_field(&self.x, cx, offset, &mut __at)?;
                    __hb::store_field(&self.y, cx, offset, &mut __at)?;
                    __hb::Ok(())
                }
            }
            ///The WIT type `person`.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Person {
                ///The field `full-name`.
                pub full_name: ::std::string::String,
                ///The field `age`.
                pub age: u8,
                ///The field `email`.
                pub email: ::core::option::Option<::std::string::String>,
                ///The field `tags`.
                pub tags: ::std::vec::Vec<::std::string::String>,
                ///The field `score`.
                pub score: f64,
            }
            unsafe impl __hb::ComponentType for Person {
                const TY: &'static __hb::Ty = &__hb::Ty::Record(
                    &__hb::Record {
                        name: "person",
                        fields: &[
                            __hb::field::<::std::string::String>("full-name"),
                            __hb::field::<u8>("age"),
                            __hb::field::<
                                ::core::option::Option<::std::string::String>,
                            >("email"),
                            __hb::field::<
                                ::std::vec::Vec<::std::string::String>,
                            >("tags"),
                            __hb::field::<f64>("score"),
                        ],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for Person {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    __hb::Ok(Self {
                        full_name: __hb::Lift::lift_flat(cx, src)?,
                        age: __hb::Lift::lift_flat(cx, src)?,
                        email: __hb::Lift::lift_flat(cx, src)?,
                        tags: __hb::Lift::lift_flat(cx, src)?,
                        score: __hb::Lift::lift_flat(cx, src)?,
                    })
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let mut __at = 0u32;
                    __hb::Ok(Self {
                        full_name: __hb::load_field(cx, offset, &mut __at)?,
                        age: __hb::load_field(cx, offset, &mut __at)?,
                        email: __hb::load_field(cx, offset, &mut __at)?,
                        tags: __hb::load_field(cx, offset, &mut __at)?,
                        score: __hb::load_field(cx, offset, &mut __at)?,
                    })
                }
            }
            impl __hb::Lower for Person {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    __hb::Lower::lower_flat(&self.full_name, cx, dst)?;
                    __hb::Lower::lower_flat(&self.age, cx, dst)?;
                    __hb::Lower::lower_flat(&self.email, cx, dst)?;
                    __hb::Lower::lower_flat(&self.tags, cx, dst)?;
                    __hb::Lower::lower_flat(&self.score, cx, dst)?;
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let mut __at = 0u32;
                    __hb::store_field(&self.full_name, cx, offset, &mut __at)?;
                    __hb::store_field(&self.age, cx, offset, &mut __at)?;
                    __hb::store_field(&self.email, cx, offset, &mut __at)?;
                    __hb::store_field(&self.tags, cx, offset, &mut __at)?;
                    __hb::store_field(&self.score, cx, offset, &mut __at)?;
                    __hb::Ok(())
                }
            }
            ///The WIT type `shape`.
            #[derive(Clone, Debug, PartialEq)]
            pub enum Shape {
                ///The case `circle`.
                Circle(f32),
                ///The case `rect`.
                Rect(demo::types::shapes::Point),
                ///The case `label`.
                Label(::std::string::String),
                ///The case `empty`.
                Empty,
            }
            unsafe impl __hb::ComponentType for Shape {
                const TY: &'static __hb::Ty = &__hb::Ty::Variant(
                    &__hb::Variant {
                        name: "shape",
                        cases: &[
                            __hb::case::<f32>("circle"),
                            __hb::case::<demo::types::shapes::Point>("rect"),
                            __hb::case::<::std::string::String>("label"),
                            __hb::unit_case("empty"),
                        ],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for Shape {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    let (__d, __end) = __hb::lift_case::<Self>(cx, src)?;
                    let __v = match __d {
                        0u32 => Self::Circle(__hb::Lift::lift_flat(cx, src)?),
                        1u32 => Self::Rect(__hb::Lift::lift_flat(cx, src)?),
                        2u32 => Self::Label(__hb::Lift::lift_flat(cx, src)?),
                        _ => Self::Empty,
                    };
                    src.skip_to(__end);
                    __hb::Ok(__v)
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let (__d, __payload) = __hb::load_case::<Self>(cx, offset)?;
                    __hb::Ok(
                        match __d {
                            0u32 => Self::Circle(__hb::Lift::load(cx, __payload)?),
                            1u32 => Self::Rect(__hb::Lift::load(cx, __payload)?),
                            2u32 => Self::Label(__hb::Lift::load(cx, __payload)?),
                            _ => Self::Empty,
                        },
                    )
                }
            }
            impl __hb::Lower for Shape {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    let __end = __hb::lower_case::<
                        Self,
                    >(
                        dst,
                        match self {
                            Self::Circle(_) => 0u32,
                            Self::Rect(_) => 1u32,
                            Self::Label(_) => 2u32,
                            Self::Empty => 3u32,
                        },
                    );
                    match self {
                        Self::Circle(__v) => __hb::Lower::lower_flat(__v, cx, dst)?,
                        Self::Rect(__v) => __hb::Lower::lower_flat(__v, cx, dst)?,
                        Self::Label(__v) => __hb::Lower::lower_flat(__v, cx, dst)?,
                        _ => {}
                    }
                    dst.pad_to(__end);
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let __payload = __hb::store_case::<
                        Self,
                    >(
                        cx,
                        offset,
                        match self {
                            Self::Circle(_) => 0u32,
                            Self::Rect(_) => 1u32,
                            Self::Label(_) => 2u32,
                            Self::Empty => 3u32,
                        },
                    )?;
                    match self {
                        Self::Circle(__v) => __hb::Lower::store(__v, cx, __payload)?,
                        Self::Rect(__v) => __hb::Lower::store(__v, cx, __payload)?,
                        Self::Label(__v) => __hb::Lower::store(__v, cx, __payload)?,
                        _ => {}
                    }
                    __hb::Ok(())
                }
            }
            #[derive(Copy)]
            ///The WIT type `color`.
            #[derive(Clone, Debug, PartialEq)]
            pub enum Color {
                ///The case `red`.
                Red,
                ///The case `green`.
                Green,
                ///The case `sky-blue`.
                SkyBlue,
            }
            unsafe impl __hb::ComponentType for Color {
                const TY: &'static __hb::Ty = &__hb::Ty::Enum(
                    &__hb::Enum {
                        name: "color",
                        cases: &["red", "green", "sky-blue"],
                    },
                );
            }
            impl<'__hostbind> __hb::Lift<'__hostbind> for Color {
                #[inline]
                fn lift_flat(
                    cx: &__hb::LiftCx<'__hostbind>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    let (__d, __end) = __hb::lift_case::<Self>(cx, src)?;
                    let __v = match __d {
                        0u32 => Self::Red,
                        1u32 => Self::Green,
                        _ => Self::SkyBlue,
                    };
                    src.skip_to(__end);
                    __hb::Ok(__v)
                }
                #[inline]
                fn load(
                    cx: &__hb::LiftCx<'__hostbind>,
                    offset: usize,
                ) -> __hb::Result<Self> {
                    let (__d, __payload) = __hb::load_case::<Self>(cx, offset)?;
                    __hb::Ok(
                        match __d {
                            0u32 => Self::Red,
                            1u32 => Self::Green,
                            _ => Self::SkyBlue,
                        },
                    )
                }
            }
            impl __hb::Lower for Color {
                #[inline]
                fn lower_flat(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    let __end = __hb::lower_case::<
                        Self,
                    >(
                        dst,
                        match self {
                            Self::Red => 0u32,
                            Self::Green => 1u32,
                            Self::SkyBlue => 2u32,
                        },
                    );
                    dst.pad_to(__end);
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    let __payload = __hb::store_case::<
                        Self,
                    >(
                        cx,
                        offset,
                        match self {
                            Self::Red => 0u32,
                            Self::Green => 1u32,
                            Self::SkyBlue => 2u32,
                        },
                    )?;
                    __hb::Ok(())
                }
            }
            ///The WIT type `perms`.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct Perms {
                bits: [u32; 1usize],
            }
            #[allow(dead_code)]
            impl Perms {
                ///The flag `read`.
                pub const READ: Self = Self {
                    bits: __hb::flag_bit::<1usize>(0usize),
                };
                ///The flag `write`.
                pub const WRITE: Self = Self {
                    bits: __hb::flag_bit::<1usize>(1usize),
                };
                ///The flag `exec`.
                pub const EXEC: Self = Self {
                    bits: __hb::flag_bit::<1usize>(2usize),
                };
                /// No flags set.
                pub const fn empty() -> Self {
                    Self { bits: [0; 1usize] }
                }
                /// Every flag set.
                pub const fn all() -> Self {
                    Self {
                        bits: __hb::flags_mask::<1usize>(3usize),
                    }
                }
                /// Whether every flag of `other` is set in `self`.
                pub const fn contains(&self, other: Self) -> bool {
                    __hb::flags_contains(&self.bits, &other.bits)
                }
                /// Whether no flag is set.
                pub const fn is_empty(&self) -> bool {
                    __hb::flags_is_empty(&self.bits)
                }
                /// Sets the flags of `other`.
                pub fn insert(&mut self, other: Self) {
                    self.bits = __hb::flags_or(self.bits, &other.bits);
                }
                /// Clears the flags of `other`.
                pub fn remove(&mut self, other: Self) {
                    self.bits = __hb::flags_and(
                        self.bits,
                        &__hb::flags_not(other.bits, 3usize),
                    );
                }
                /// The raw bits, lowest flag first, 32 per word.
                pub const fn bits(&self) -> [u32; 1usize] {
                    self.bits
                }
                /// Every flag with its WIT name, in the type's order.
                pub const FLAGS: [(&'static str, Self); 3usize] = [
                    ("read", Self::READ),
                    ("write", Self::WRITE),
                    ("exec", Self::EXEC),
                ];
                /// The flags set in `self`, each with its WIT name, in the type's order.
                pub fn iter_names(
                    &self,
                ) -> impl Iterator<Item = (&'static str, Self)> + use<> {
                    __hb::flags_iter(self.bits, Self::FLAGS, Self::bits)
                }
                /// The flags set in `self`, one by one, in the type's order.
                pub fn iter(&self) -> impl Iterator<Item = Self> + use<> {
                    self.iter_names().map(|(_, f)| f)
                }
            }
            impl ::core::ops::BitOr for Perms {
                type Output = Self;
                fn bitor(self, rhs: Self) -> Self {
                    Self {
                        bits: __hb::flags_or(self.bits, &rhs.bits),
                    }
                }
            }
            impl ::core::ops::BitOrAssign for Perms {
                fn bitor_assign(&mut self, rhs: Self) {
                    self.insert(rhs);
                }
            }
            impl ::core::ops::BitAnd for Perms {
                type Output = Self;
                fn bitand(self, rhs: Self) -> Self {
                    Self {
                        bits: __hb::flags_and(self.bits, &rhs.bits),
                    }
                }
            }
            impl ::core::ops::Not for Perms {
                type Output = Self;
                fn not(self) -> Self {
                    Self {
                        bits: __hb::flags_not(self.bits, 3usize),
                    }
                }
            }
            impl ::core::fmt::Debug for Perms {
                fn fmt(
                    &self,
                    f: &mut ::core::fmt::Formatter<'_>,
                ) -> ::core::fmt::Result {
                    __hb::fmt_flags(&self.bits, &["READ", "WRITE", "EXEC"], f)
                }
            }
            unsafe impl __hb::ComponentType for Perms {
                const TY: &'static __hb::Ty = &__hb::Ty::Flags(
                    &__hb::Flags {
                        name: "perms",
                        names: &["read", "write", "exec"],
                    },
                );
            }
            impl<'a> __hb::Lift<'a> for Perms {
                #[inline]
                fn lift_flat(
                    _: &__hb::LiftCx<'a>,
                    src: &mut __hb::FlatSrc<'_>,
                ) -> __hb::Result<Self> {
                    __hb::Ok(Self {
                        bits: __hb::lift_flags_flat::<1usize>(src, 3usize),
                    })
                }
                #[inline]
                fn load(cx: &__hb::LiftCx<'a>, offset: usize) -> __hb::Result<Self> {
                    __hb::Ok(Self {
                        bits: __hb::load_flags::<1usize>(cx, offset, 3usize)?,
                    })
                }
            }
            impl __hb::Lower for Perms {
                #[inline]
                fn lower_flat(
                    &self,
                    _: &mut __hb::LowerCx<'_>,
                    dst: &mut __hb::FlatDst<'_>,
                ) -> __hb::Result<()> {
                    __hb::lower_flags_flat(dst, &self.bits);
                    __hb::Ok(())
                }
                #[inline]
                fn store(
                    &self,
                    cx: &mut __hb::LowerCx<'_>,
                    offset: usize,
                ) -> __hb::Result<()> {
                    __hb::store_flags(cx, offset, &self.bits, 3usize)
                }
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
            /// Defines these imports in `linker`, on the [`Host`] that `get` finds in the store's data.
            pub fn add_to_linker<T: 'static, U: Host + 'static>(
                linker: &mut ::hostbind::Linker<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::hostbind::Result<()> {
                let mut inst = linker.instance("demo:types/shapes")?;
                static __SIG0: __hb::Signature = __hb::Signature::new(
                    "demo:types/shapes#describe",
                    &[
                        __hb::param::<demo::types::shapes::Person>("p"),
                        __hb::param::<demo::types::shapes::Shape>("s"),
                    ],
                    &[__hb::ty::<::std::string::String>()],
                );
                inst.func(
                    "describe",
                    __hb::bound_func(
                        get,
                        || &__SIG0,
                        |__h, __p| __hb::Ok(
                            Host::describe(__h, __p.next(0usize)?, __p.next(1usize)?),
                        ),
                    ),
                )?;
                static __SIG1: __hb::Signature = __hb::Signature::new(
                    "demo:types/shapes#paint",
                    &[
                        __hb::param::<demo::types::shapes::Color>("c"),
                        __hb::param::<demo::types::shapes::Perms>("p"),
                    ],
                    &[
                        __hb::ty::<
                            ::core::result::Result<
                                demo::types::shapes::Pair,
                                ::std::string::String,
                            >,
                        >(),
                    ],
                );
                inst.func(
                    "paint",
                    __hb::bound_func(
                        get,
                        || &__SIG1,
                        |__h, __p| __hb::Ok(
                            Host::paint(__h, __p.next(0usize)?, __p.next(1usize)?),
                        ),
                    ),
                )?;
                static __SIG2: __hb::Signature = __hb::Signature::new(
                    "demo:types/shapes#sum",
                    &[
                        __hb::param::<::std::vec::Vec<u32>>("xs"),
                        __hb::param::<bool>("b"),
                        __hb::param::<i64>("i"),
                    ],
                    &[__hb::ty::<u64>()],
                );
                inst.func(
                    "sum",
                    __hb::bound_func(
                        get,
                        || &__SIG2,
                        |__h, __p| __hb::Ok(
                            Host::sum(
                                __h,
                                __p.next(0usize)?,
                                __p.next(1usize)?,
                                __p.next(2usize)?,
                            ),
                        ),
                    ),
                )?;
                static __SIG3: __hb::Signature = __hb::Signature::new(
                    "demo:types/shapes#nothing",
                    &[],
                    &[__hb::ty::<::core::result::Result<(), ()>>()],
                );
                inst.func(
                    "nothing",
                    __hb::bound_func(
                        get,
                        || &__SIG3,
                        |__h, __p| __hb::Ok(Host::nothing(__h)),
                    ),
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
