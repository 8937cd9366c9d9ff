//! How an engine describes a compiled core module: the kind of each import
//! and export, in hostbind's own terms.

use crate::raw::{CoreFuncType, CoreType};

/// What kind of item a core import or export is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CoreKind {
    /// A function, with its type if it has only numeric values.
    Func(Option<CoreFuncType>),
    Memory,
    Table,
    Global,
    Other,
}

impl CoreKind {
    /// A function's kind from its value types, each `None` where hostbind's
    /// core types cannot name it (references, vectors).
    pub(crate) fn func(
        params: impl IntoIterator<Item = Option<CoreType>>,
        results: impl IntoIterator<Item = Option<CoreType>>,
    ) -> CoreKind {
        let params = params.into_iter().collect::<Option<Vec<_>>>();
        let results = results.into_iter().collect::<Option<Vec<_>>>();
        CoreKind::Func(
            params
                .zip(results)
                .map(|(params, results)| CoreFuncType { params, results }),
        )
    }
}

/// A module's imports (in the engine's order) and exports.
pub(crate) struct Shape {
    pub(crate) imports: Vec<(String, String, CoreKind)>,
    pub(crate) exports: Vec<(String, CoreKind)>,
}
