//! Tuples: component `tuple<..>` values, and the parameter and result lists of typed exports.

use super::{ComponentType, FlatDst, FlatSrc, Lift, LiftCx, Lower, LowerCx, layout};
use crate::error::Result;
use crate::types::Ty;

/// A Rust tuple, seen as a list of component values: the parameters or results
/// of a typed export.
pub trait ComponentTuple: ComponentType {
    /// The component types of the fields, in order.
    const FIELDS: &'static [&'static Ty];
}

/// The parameters of a typed export: a tuple of values the host lowers
/// (`(&str, u32)`, `()`). A helper generic over exports names this bound
/// instead of `ComponentTuple + Lower`.
///
/// ```
/// use hostbind::{FuncParams, FuncResults, Instance, Store};
///
/// /// Looks an export up and calls it, whatever its types.
/// fn call<P: FuncParams, R: FuncResults>(
///     store: &mut Store<()>,
///     instance: &Instance,
///     name: &str,
///     params: P,
/// ) -> hostbind::Result<R> {
///     instance.get_typed_func::<P, R>(&mut *store, name)?.call(store, params)
/// }
/// ```
pub trait FuncParams: ComponentTuple + Lower {}

impl<P: ComponentTuple + Lower> FuncParams for P {}

/// The results of a typed export: a tuple of values the host lifts, owned
/// or borrowing nothing (`(String,)`, `()`). A helper generic over exports
/// names this bound instead of `ComponentTuple + for<'a> Lift<'a>`; see
/// [`FuncParams`].
pub trait FuncResults: ComponentTuple + for<'a> Lift<'a> {}

impl<R: ComponentTuple + for<'a> Lift<'a>> FuncResults for R {}

/// The offset of the next field of type `T`, advancing `offset` past it.
#[inline]
pub fn next_field<T: ComponentType>(offset: &mut u32) -> usize {
    let at = layout::align_to(*offset, T::ALIGN);
    *offset = at + T::SIZE;
    at as usize
}

/// Loads the next field of a record stored at `base`, `T` inferred from the
/// field, advancing `offset` past it.
#[inline]
pub fn load_field<'a, T: Lift<'a>>(cx: &LiftCx<'a>, base: usize, offset: &mut u32) -> Result<T> {
    T::load(cx, base + next_field::<T>(offset))
}

/// Stores `value` as the next field of a record at `base`, advancing `offset`
/// past it.
#[inline]
pub fn store_field<T: Lower>(
    value: &T,
    cx: &mut LowerCx<'_>,
    base: usize,
    offset: &mut u32,
) -> Result<()> {
    value.store(cx, base + next_field::<T>(offset))
}

macro_rules! tuples {
    ($(($($t:ident)*))*) => {$(
        // SAFETY: `PLAIN` stays false: tuples may have padding.
        unsafe impl<$($t: ComponentType),*> ComponentType for ($($t,)*) {
            const TY: &'static Ty = &Ty::Tuple(<Self as ComponentTuple>::FIELDS);
        }
        impl<$($t: ComponentType),*> ComponentTuple for ($($t,)*) {
            const FIELDS: &'static [&'static Ty] = &[$($t::TY),*];
        }
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::unused_unit)]
        impl<'a, $($t: Lift<'a>),*> Lift<'a> for ($($t,)*) {
            #[inline(always)]
            fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self> {
                Ok(($($t::lift_flat(cx, src)?,)*))
            }
            #[inline(always)]
            fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self> {
                let mut at = 0;
                Ok(($($t::load(cx, offset + next_field::<$t>(&mut at))?,)*))
            }
        }
        #[allow(non_snake_case, unused_variables, unused_mut)]
        impl<$($t: Lower),*> Lower for ($($t,)*) {
            #[inline(always)]
            fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()> {
                let ($($t,)*) = self;
                $($t.lower_flat(cx, dst)?;)*
                Ok(())
            }
            #[inline(always)]
            fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()> {
                let ($($t,)*) = self;
                let mut at = 0;
                $($t.store(cx, offset + next_field::<$t>(&mut at))?;)*
                Ok(())
            }
        }
    )*};
}

tuples! {
    ()
    (A)
    (A B)
    (A B C)
    (A B C D)
    (A B C D E)
    (A B C D E F)
    (A B C D E F G)
    (A B C D E F G H)
    (A B C D E F G H I)
    (A B C D E F G H I J)
    (A B C D E F G H I J K)
    (A B C D E F G H I J K L)
    (A B C D E F G H I J K L M)
    (A B C D E F G H I J K L M N)
    (A B C D E F G H I J K L M N O)
    (A B C D E F G H I J K L M N O P)
    (A B C D E F G H I J K L M N O P Q)
}
