//! The canonical ABI: how Rust values move between the host and guest memory.
//!
//! [`Lift`] reads a value the guest passed (from flat core values or from its
//! memory), validating everything it reads. [`Lower`] writes a value for the
//! guest, allocating in its memory through its `realloc`. Both are
//! monomorphised into each host function's glue.

pub(crate) mod async_lower;
mod flags;
pub(crate) mod handles;
pub(crate) mod items;
pub use crate::types::layout;
mod list;
pub(crate) mod memory;
mod scalar;
pub(crate) mod spread;
mod string;
pub(crate) mod transcode;
mod tuple;
mod variant;

pub use flags::{
    flag_bit, flags_and, flags_contains, flags_is_empty, flags_iter, flags_mask, flags_not,
    flags_or, fmt_flags, lift_flags_flat, load_flags, lower_flags_flat, store_flags,
};
pub use list::Plain;
pub use tuple::{ComponentTuple, FuncParams, FuncResults, load_field, next_field, store_field};
pub use variant::{
    lift_case, lift_disc, load_case, load_disc, lower_case, lower_disc, store_case, store_disc,
};
pub(crate) use variant::{read_uint, write_uint};

use core::cell::RefCell;

use crate::abi::handles::Handles;
use crate::error::{Result, Site};
use crate::raw::ValRaw;
use crate::types::Ty;

/// A Rust type with a component-model type.
///
/// # Safety
///
/// `PLAIN` may be `true` only when the type has no padding, every bit pattern
/// is a valid value, and its in-memory representation on a little-endian host
/// is exactly its canonical ABI representation: then lists of it are copied
/// in bulk.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no component-model type",
    label = "not a component value type",
    note = "supported: bool, integers, f32, f64, char, String/&str, Vec<T>/&[T], tuples, Option, Result, and types with `#[derive(ComponentType)]` or from `flags!`"
)]
pub unsafe trait ComponentType {
    /// The component type of `Self`.
    const TY: &'static Ty;
    /// Whether lists of `Self` may be copied as bytes; see the trait's safety section.
    #[doc(hidden)]
    const PLAIN: bool = false;
    /// Size in linear memory.
    const SIZE: u32 = layout::size(Self::TY);
    /// Alignment in linear memory.
    const ALIGN: u32 = layout::align(Self::TY);
}

/// The string encoding a function's canonical options chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringEncoding {
    /// `string-encoding=utf8`
    Utf8,
    /// `string-encoding=utf16`
    Utf16,
    /// `string-encoding=latin1+utf16`
    CompactUtf16,
}

impl StringEncoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            StringEncoding::Utf8 => "utf8",
            StringEncoding::Utf16 => "utf16",
            StringEncoding::CompactUtf16 => "latin1+utf16",
        }
    }
}

/// The handle tables of an instance, as lifting and lowering reach them.
#[doc(hidden)]
pub struct HandleTables(pub(crate) RefCell<Handles>);

/// Where a call's resource handles live: which table of which instance, and
/// the one resource type a static `ResourceAny` stands for.
#[derive(Clone, Copy, Debug, Default)]
#[doc(hidden)]
pub struct ResCx {
    pub(crate) table: usize,
    /// The resource a static `ResourceAny` stands for, and whether as `own`.
    pub(crate) any: crate::types::typecheck::AnyResource,
    pub(crate) instance: usize,
    pub(crate) store: u64,
}

/// The resource side of a lift: the tables (if the call can reach any) and
/// where in them.
#[derive(Clone, Copy, Default)]
#[doc(hidden)]
pub struct ResourceScope<'a> {
    pub(crate) tables: Option<&'a HandleTables>,
    pub(crate) res: ResCx,
}

/// What lifting needs: the guest's memory, read-only, and where the value is.
///
/// `Copy`, so that the out-of-line paths can take it by value: a pointer
/// to it would make LLVM keep the whole context in memory on the inlined
/// path that succeeds.
#[derive(Clone, Copy)]
pub struct LiftCx<'a> {
    pub(crate) memory: &'a [u8],
    pub(crate) site: Site<'a>,
    pub(crate) encoding: StringEncoding,
    pub(crate) scope: ResourceScope<'a>,
    /// How many more bytes of lists and strings a dynamic lift may read,
    /// when it is bounded (a stream copy between guests).
    pub(crate) budget: Option<&'a core::cell::Cell<u64>>,
}

impl<'a> LiftCx<'a> {
    /// A context over `memory` for values at `site`.
    #[inline]
    pub fn new(memory: &'a [u8], site: Site<'a>, encoding: StringEncoding) -> LiftCx<'a> {
        LiftCx::new_in(memory, site, encoding, ResourceScope::default())
    }

    /// [`LiftCx::new`] reaching resource handles through `scope`: built in
    /// one go, as the calls' paths do, since LLVM copies the whole context
    /// for each builder step it does not see through.
    #[inline(always)]
    pub(crate) fn new_in(
        memory: &'a [u8],
        site: Site<'a>,
        encoding: StringEncoding,
        scope: ResourceScope<'a>,
    ) -> LiftCx<'a> {
        LiftCx {
            memory,
            site,
            encoding,
            scope,
            budget: None,
        }
    }

    /// Charges `bytes` to the budget, if there is one; a trap once it is
    /// spent.
    pub(crate) fn charge(&self, bytes: u64) -> crate::error::Result<()> {
        let Some(left) = self.budget else {
            return Ok(());
        };
        match left.get().checked_sub(bytes) {
            Some(rest) => {
                left.set(rest);
                Ok(())
            }
            None => Err(self.site.trap(format_args!(
                "fuel allocated for hostcalls has been exhausted: a stream or future copy between components may move at most {} MiB of list and string contents",
                crate::concurrent::COPY_BUDGET >> 20
            ))),
        }
    }

    /// The same context, reaching resource handles through `scope`.
    #[doc(hidden)]
    #[inline]
    pub fn with_scope(mut self, scope: ResourceScope<'a>) -> LiftCx<'a> {
        self.scope = scope;
        self
    }
}

/// Reads flat core values in order.
pub struct FlatSrc<'v> {
    vals: &'v [ValRaw],
    pos: usize,
}

impl<'v> FlatSrc<'v> {
    /// Reads from `vals`, starting at the first.
    #[inline]
    pub fn new(vals: &'v [ValRaw]) -> FlatSrc<'v> {
        FlatSrc { vals, pos: 0 }
    }

    /// How many values have been read.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Skips to `pos`, past the unused joined slots of a variant's payload.
    #[inline]
    pub fn skip_to(&mut self, pos: usize) {
        self.pos = self.pos.max(pos);
    }

    /// The next value. Callers check the slice is long enough for the
    /// signature once per call; past the end this yields zero rather than panic.
    #[inline]
    pub fn next_val(&mut self) -> ValRaw {
        let v = match self.vals.get(self.pos) {
            // One load of its own per value: the engine has just stored
            // each one separately, and a wider load LLVM might merge
            // adjacent ones into (to compute with two `f64` params at
            // once, say) cannot take them from those stores; it waits
            // for them to reach the cache (a `record` of three `f64`s
            // took 25 ns a call instead of 17).
            // SAFETY: `v` is a live reference to an initialised `ValRaw`.
            Some(v) => unsafe { core::ptr::read_volatile(v) },
            None => ValRaw::ZERO,
        };
        self.pos += 1;
        v
    }
}

/// Writes flat core values in order.
pub struct FlatDst<'v> {
    vals: &'v mut [ValRaw],
    pos: usize,
}

impl<'v> FlatDst<'v> {
    /// Writes into `vals`, starting at the first.
    #[inline]
    pub fn new(vals: &'v mut [ValRaw]) -> FlatDst<'v> {
        FlatDst { vals, pos: 0 }
    }

    /// How many values have been written.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Writes zeros up to `pos`: the spec pads a variant's shorter payloads.
    #[inline]
    pub fn pad_to(&mut self, pos: usize) {
        while self.pos < pos {
            self.push(ValRaw::ZERO);
        }
    }

    /// Appends a value; past the end of the slice it is dropped (callers
    /// size the slice from the signature).
    #[inline]
    pub fn push(&mut self, v: ValRaw) {
        if let Some(slot) = self.vals.get_mut(self.pos) {
            *slot = v;
        }
        self.pos += 1;
    }
}

/// A value that can be read from the guest.
///
/// `'a` is the lifetime of the borrow of guest memory, so `&'a str` and
/// `&'a [u8]` can be lifted without a copy.
pub trait Lift<'a>: ComponentType + Sized {
    /// Lifts from flat core values.
    fn lift_flat(cx: &LiftCx<'a>, src: &mut FlatSrc<'_>) -> Result<Self>;
    /// Loads from memory at `offset`, which the caller has checked is aligned
    /// and in bounds for `SIZE` bytes.
    fn load(cx: &LiftCx<'a>, offset: usize) -> Result<Self>;
}

/// Access to the guest that lowering needs: its memory and its allocator.
pub trait Guest {
    /// The memory of the canonical options in use; empty when they name none.
    fn memory(&mut self) -> &mut [u8];
    /// Calls the guest's `realloc`.
    fn realloc(&mut self, old_ptr: u32, old_size: u32, align: u32, new_size: u32) -> Result<u32>;
    /// [`Guest::realloc`], then the memory as it is after it: lowering
    /// writes what it allocated right away, and one call costs less than two.
    #[doc(hidden)]
    fn realloc_memory(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<(u32, &mut [u8])> {
        let ptr = self.realloc(old_ptr, old_size, align, new_size)?;
        Ok((ptr, self.memory()))
    }
    /// The instance's handle tables, when the call can reach them.
    #[doc(hidden)]
    fn handles(&mut self) -> Option<&HandleTables> {
        None
    }
}

/// What lowering needs: the guest and where the value goes.
pub struct LowerCx<'a> {
    pub(crate) guest: &'a mut dyn Guest,
    pub(crate) site: Site<'a>,
    pub(crate) encoding: StringEncoding,
    pub(crate) res: ResCx,
    /// Whether lowering has called guest code (`realloc`).
    guest_ran: bool,
    /// The guest's memory as last looked up, so that a value written field
    /// by field asks the guest once. Cleared when guest code runs
    /// (`realloc`), the only time the memory can move or grow.
    mem: Option<(core::ptr::NonNull<u8>, usize)>,
}

impl<'a> LowerCx<'a> {
    /// A context writing into `guest` for values at `site`.
    #[inline]
    pub fn new(guest: &'a mut dyn Guest, site: Site<'a>, encoding: StringEncoding) -> LowerCx<'a> {
        LowerCx::new_in(guest, site, encoding, ResCx::default(), None)
    }

    /// [`LowerCx::new`] placing resource handles as `res` says, built in one
    /// go (see [`LiftCx::new_in`]); `memory`, if known, is the guest's
    /// memory as `guest` would return it now.
    #[inline(always)]
    pub(crate) fn new_in(
        guest: &'a mut dyn Guest,
        site: Site<'a>,
        encoding: StringEncoding,
        res: ResCx,
        memory: Option<(core::ptr::NonNull<u8>, usize)>,
    ) -> LowerCx<'a> {
        LowerCx {
            guest,
            site,
            encoding,
            res,
            guest_ran: false,
            mem: memory,
        }
    }

    /// The same context, placing resource handles as `res` says.
    #[doc(hidden)]
    #[inline]
    pub fn with_res(mut self, res: ResCx) -> LowerCx<'a> {
        self.res = res;
        self
    }

    /// Calls the guest's `realloc`, noting that guest code ran; returns the
    /// pointer with the length of the memory after the call.
    #[inline(always)]
    pub(crate) fn call_realloc(
        &mut self,
        old: u32,
        old_size: u32,
        align: u32,
        size: u32,
    ) -> Result<(u32, usize)> {
        self.guest_ran = true;
        self.mem = None;
        let (ptr, bytes) = self.guest.realloc_memory(old, old_size, align, size)?;
        let len = bytes.len();
        // Guest code ran in `realloc`: this is the memory as it is now.
        self.mem = core::ptr::NonNull::new(bytes.as_mut_ptr()).map(|p| (p, len));
        Ok((ptr, len))
    }

    /// The guest's memory (empty when the options name none).
    #[inline]
    pub(crate) fn memory(&mut self) -> &mut [u8] {
        self.site_and_memory().1
    }

    /// The site, for messages, beside the guest's memory.
    #[inline]
    fn site_and_memory(&mut self) -> (&Site<'a>, &mut [u8]) {
        if let Some((ptr, len)) = self.mem {
            // SAFETY: `ptr`/`len` are the bytes `self.guest.memory()`
            // returned, which `self.guest` borrows exclusively for `'a`; no
            // guest code has run since (`call_realloc` clears them), so they
            // have not moved; and the slice borrows `self` mutably, so it is
            // the only view of them.
            let bytes = unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) };
            return (&self.site, bytes);
        }
        let bytes = self.guest.memory();
        self.mem = core::ptr::NonNull::new(bytes.as_mut_ptr()).map(|p| (p, bytes.len()));
        (&self.site, bytes)
    }

    /// Whether lowering has run guest code, through `realloc`.
    pub(crate) fn guest_ran(&self) -> bool {
        self.guest_ran
    }

    /// Allocates `size` bytes aligned to `align` through the guest's realloc
    /// and checks the pointer it returns. Inlined into its few callers: a
    /// string's lowering is mostly this call.
    #[inline(always)]
    pub(crate) fn alloc(&mut self, what: &str, size: u32, align: u32) -> Result<u32> {
        let (ptr, mem_len) = self.call_realloc(0, 0, align, size)?;
        memory::check_array(&self.site, what, mem_len, ptr, size, 1, align).map_err(|e| {
            e.context(format!(
                "realloc returned a bad pointer for a {what} of {size} bytes"
            ))
        })?;
        Ok(ptr)
    }

    /// Writes bytes at `offset` in the guest's memory.
    #[inline]
    pub(crate) fn write(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let (site, mem) = self.site_and_memory();
        memory::write(site, mem, offset, bytes)
    }
}

/// A value that can be written for the guest.
pub trait Lower: ComponentType {
    /// Lowers into flat core values.
    fn lower_flat(&self, cx: &mut LowerCx<'_>, dst: &mut FlatDst<'_>) -> Result<()>;
    /// Stores into memory at `offset`, which the caller has checked is aligned
    /// and in bounds for `SIZE` bytes.
    fn store(&self, cx: &mut LowerCx<'_>, offset: usize) -> Result<()>;
}

/// Reads a `(pointer, length)` pair from memory, as strings and lists store it.
#[inline]
pub(crate) fn load_ptr_len(cx: &LiftCx<'_>, offset: usize) -> Result<(u32, u32)> {
    // One 8-byte load: split into bytes, LLVM reads them piecewise.
    let pair = u64::from_le_bytes(memory::read(&cx.site, cx.memory, offset)?);
    Ok((pair as u32, (pair >> 32) as u32))
}

/// Writes a `(pointer, length)` pair to memory.
#[inline]
pub(crate) fn store_ptr_len(cx: &mut LowerCx<'_>, offset: usize, ptr: u32, len: u32) -> Result<()> {
    let mut bytes = [0; 8];
    bytes[..4].copy_from_slice(&ptr.to_le_bytes());
    bytes[4..].copy_from_slice(&len.to_le_bytes());
    cx.write(offset, &bytes)
}
