//! Calls in each direction: host functions and their glue, typed and dynamic
//! export calls.

pub(crate) mod access;
pub(crate) mod async_glue;
pub(crate) mod async_lower;
pub(crate) mod caller;
pub(crate) mod dynamic;
pub(crate) mod ends;
pub(crate) mod export_task;
pub(crate) mod frame;
pub(crate) mod glue;
pub(crate) mod guest;
pub(crate) mod host;
pub(crate) mod place;
pub(crate) mod reach;
pub(crate) mod start;
pub(crate) mod typed;
