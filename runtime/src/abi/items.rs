//! Typed buffers of stream and future elements that the host reads into or
//! writes from: a guest's elements are lifted straight into a `Vec<E>`, or
//! lowered straight out of one, with no `Val` between.

use core::any::Any;
use core::ops::Range;

use super::{Lift, LiftCx, Lower, LowerCx};
use crate::error::Result;

/// A `Vec<E>` of some element type `E`, erased.
pub(crate) trait Items: Send {
    fn len(&self) -> usize;
    /// Lifts `k` elements, `size` bytes apart from `at`, onto the end.
    fn load(&mut self, cx: &LiftCx<'_>, at: usize, size: usize, k: usize) -> Result<()>;
    /// Lowers elements `from`, `size` bytes apart from `at`.
    fn store(&self, cx: &mut LowerCx<'_>, at: usize, size: usize, from: Range<usize>)
    -> Result<()>;
    /// The elements from `at` on, which this buffer no longer holds.
    fn split_off(&mut self, at: usize) -> Box<dyn Items>;
    /// Moves the elements of `other` (a `Vec`, as [`into_any`](Self::into_any)
    /// gives it) onto the end, if they are of this buffer's type; gives
    /// `other` back if not.
    fn append(&mut self, other: Box<dyn Any>) -> core::result::Result<(), Box<dyn Any>>;
    /// The `Vec<E>`.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<E> Items for Vec<E>
where
    E: for<'a> Lift<'a> + Lower + Send + 'static,
{
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn load(&mut self, cx: &LiftCx<'_>, at: usize, size: usize, k: usize) -> Result<()> {
        in_bounds(cx.memory.len(), at, size, k).ok_or_else(|| {
            cx.site
                .trap(format_args!("a stream buffer is out of bounds"))
        })?;
        self.reserve(k);
        for j in 0..k {
            self.push(E::load(cx, at + j * size)?);
        }
        Ok(())
    }

    fn store(
        &self,
        cx: &mut LowerCx<'_>,
        at: usize,
        size: usize,
        from: Range<usize>,
    ) -> Result<()> {
        let len = cx.memory().len();
        in_bounds(len, at, size, from.len()).ok_or_else(|| {
            cx.site
                .trap(format_args!("a stream buffer is out of bounds"))
        })?;
        for (j, e) in self[from].iter().enumerate() {
            e.store(cx, at + j * size)?;
        }
        Ok(())
    }

    fn split_off(&mut self, at: usize) -> Box<dyn Items> {
        Box::new(Vec::split_off(self, at.min(Vec::len(self))))
    }

    fn append(&mut self, other: Box<dyn Any>) -> core::result::Result<(), Box<dyn Any>> {
        let mut v = other.downcast::<Vec<E>>()?;
        Vec::append(self, &mut v);
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// `Some` when `k` elements of `size` bytes from `at` lie within `len`
/// bytes.
fn in_bounds(len: usize, at: usize, size: usize, k: usize) -> Option<()> {
    let end = size.checked_mul(k)?.checked_add(at)?;
    (end <= len).then_some(())
}
