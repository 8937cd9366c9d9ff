//! The layout of an `async` lowering: params flat only up to four values,
//! every result through a pointer. hostbind converts between it and the
//! synchronous layout that a host function's glue expects.

use wasmtime_environ::component::{ComponentTypes, InterfaceType, TypeFuncIndex};

use crate::error::Result;

/// The spec's limit on flat params of an async-lowered call.
const MAX_FLAT_ASYNC_PARAMS: usize = 4;
/// How the two layouts of one function differ.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AsyncLower {
    /// Flat params (`None` past sixteen, when both layouts pass a pointer).
    pub(crate) params_flat: Option<usize>,
    /// Whether the params are five to sixteen flat values: the async
    /// layout passes them through a pointer, the synchronous one flat, so
    /// the call spreads them (`spread.rs`).
    pub(crate) params_spread: bool,
    /// Flat results in the synchronous layout (`None` past one, when it
    /// passes a return pointer too), and the results' size and alignment
    /// in memory.
    pub(crate) results_flat: Option<usize>,
    pub(crate) has_results: bool,
    pub(crate) size: u32,
    pub(crate) align: u32,
}

impl AsyncLower {
    /// The layouts of function type `ty`, or what hostbind cannot convert
    /// between them yet.
    pub(crate) fn new(types: &ComponentTypes, ty: TypeFuncIndex) -> Result<AsyncLower> {
        let f = &types[ty];
        let params = types.canonical_abi(&InterfaceType::Tuple(f.params));
        let results = types.canonical_abi(&InterfaceType::Tuple(f.results));
        let params_flat = params.flat_count.map(usize::from);
        let params_spread = params_flat.is_some_and(|n| n > MAX_FLAT_ASYNC_PARAMS);
        let results_flat = results.flat_count.map(usize::from).filter(|n| *n <= 1);
        Ok(AsyncLower {
            params_flat,
            params_spread,
            results_flat,
            has_results: !types[f.results].types.is_empty(),
            size: results.size32,
            align: results.align32,
        })
    }
}
