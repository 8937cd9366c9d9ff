//! Untyped core wasm values, the currency between engines and generated glue.

/// The most core values a lowered host function passes or returns: 16 flat
/// params and a return pointer.
pub(crate) const MAX_STORAGE: usize = 17;
/// How many values an engine's host-call storage holds before it needs the
/// full `MAX_STORAGE`: most signatures need a few, and zeroing all 17 costs
/// a small call more than the rest of its copying. Only the wasmtime
/// engine's untyped calls need it: wasmi's pass values in their own slices.
#[cfg(feature = "wasmtime")]
pub(crate) const SMALL_STORAGE: usize = 4;

/// `len` zeroed values (`len <= MAX_STORAGE`) for a host call or an export
/// call: in `small` when they fit, else in `large`, which is only then
/// filled. The caller keeps both on its stack.
#[cfg(feature = "wasmtime")]
#[inline(always)]
pub(crate) fn zeroed<'a, V: Copy>(
    zero: V,
    len: usize,
    small: &'a mut [V; SMALL_STORAGE],
    large: &'a mut Option<[V; MAX_STORAGE]>,
) -> &'a mut [V] {
    if len <= SMALL_STORAGE {
        &mut small[..len]
    } else {
        &mut large.insert([zero; MAX_STORAGE])[..len]
    }
}

/// One core wasm value (`i32`, `i64`, `f32` or `f64`) stored as raw bits.
///
/// Engines copy their own value representation into a slice of these before a
/// host call and out of it afterwards; generated glue reads and writes them
/// without knowing which engine runs. `i32` and `f32` live in the low 32 bits.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct ValRaw(u64);

impl ValRaw {
    /// The all-zero value, valid as any of the four core types.
    pub const ZERO: ValRaw = ValRaw(0);

    /// An `i32` value.
    #[inline]
    pub const fn i32(v: i32) -> ValRaw {
        ValRaw(v as u32 as u64)
    }
    /// An `i64` value.
    #[inline]
    pub const fn i64(v: i64) -> ValRaw {
        ValRaw(v as u64)
    }
    /// An `f32` value given by its bits.
    #[inline]
    pub const fn f32(bits: u32) -> ValRaw {
        ValRaw(bits as u64)
    }
    /// An `f64` value given by its bits.
    #[inline]
    pub const fn f64(bits: u64) -> ValRaw {
        ValRaw(bits)
    }
    /// Reads the value as an `i32`.
    #[inline]
    pub const fn get_i32(self) -> i32 {
        self.0 as u32 as i32
    }
    /// Reads the value as a `u32`, the way the canonical ABI reads pointers and lengths.
    #[inline]
    pub const fn get_u32(self) -> u32 {
        self.0 as u32
    }
    /// Reads the value as an `i64`.
    #[inline]
    pub const fn get_i64(self) -> i64 {
        self.0 as i64
    }
    /// Reads the bits of an `f32`.
    #[inline]
    pub const fn get_f32(self) -> u32 {
        self.0 as u32
    }
    /// Reads the bits of an `f64`.
    #[inline]
    pub const fn get_f64(self) -> u64 {
        self.0
    }
}

impl core::fmt::Debug for ValRaw {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ValRaw({:#x})", self.0)
    }
}

/// A core wasm value type, as engines and the canonical ABI's flattening see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

/// A core wasm function type with only numeric values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreFuncType {
    /// Parameter types, in order.
    pub params: Vec<CoreType>,
    /// Result types, in order.
    pub results: Vec<CoreType>,
}

impl CoreFuncType {
    /// The param and result counts of a type of at most four `i32` params
    /// and at most one `i32` result, the shape C guests' exports have,
    /// which engines call through fixed-shape paths.
    pub(crate) fn small_i32_shape(&self) -> Option<(u8, u8)> {
        let all_i32 = self
            .params
            .iter()
            .chain(&self.results)
            .all(|t| *t == CoreType::I32);
        (all_i32 && self.params.len() <= 4 && self.results.len() <= 1)
            .then_some((self.params.len() as u8, self.results.len() as u8))
    }
}
