//! `wasi:http/types.fields` of 0.3: the same [`Fields`] as 0.2's, with
//! the same checks; only the names of two functions and the error type
//! differ.

use hostbind::{Borrow, Resource, Result};

use super::bindings::wasi::http::types::{self as t, FieldName, FieldValue, HeaderError};
use crate::WasiHttpCtx;
use crate::bindings::wasi::http::types::HostFields as V2;
use crate::fields::Fields;

/// A 0.2 answer in 0.3's error type.
fn v3<T>(
    r: Result<Result<T, crate::bindings::wasi::http::types::HeaderError>>,
) -> Result<Result<T, HeaderError>> {
    r.map(|r| r.map_err(HeaderError::from))
}

impl t::HostFields for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<Fields>) -> Result<()> {
        V2::drop(self, rep)
    }

    fn new(&mut self) -> Result<Resource<Fields>> {
        V2::new(self)
    }

    fn from_list(
        &mut self,
        entries: Vec<(FieldName, FieldValue)>,
    ) -> Result<Result<Resource<Fields>, HeaderError>> {
        v3(V2::from_list(self, entries))
    }

    fn get(&mut self, this: Borrow<Fields>, name: FieldName) -> Result<Vec<FieldValue>> {
        V2::get(self, this, name)
    }

    fn has(&mut self, this: Borrow<Fields>, name: FieldName) -> Result<bool> {
        V2::has(self, this, name)
    }

    fn set(
        &mut self,
        this: Borrow<Fields>,
        name: FieldName,
        value: Vec<FieldValue>,
    ) -> Result<Result<(), HeaderError>> {
        v3(V2::set(self, this, name, value))
    }

    fn delete(&mut self, this: Borrow<Fields>, name: FieldName) -> Result<Result<(), HeaderError>> {
        v3(V2::delete(self, this, name))
    }

    fn get_and_delete(
        &mut self,
        this: Borrow<Fields>,
        name: FieldName,
    ) -> Result<Result<Vec<FieldValue>, HeaderError>> {
        let values = V2::get(self, Borrow::new(this.rep()), name.clone())?;
        Ok(v3(V2::delete(self, this, name))?.map(|()| values))
    }

    fn append(
        &mut self,
        this: Borrow<Fields>,
        name: FieldName,
        value: FieldValue,
    ) -> Result<Result<(), HeaderError>> {
        v3(V2::append(self, this, name, value))
    }

    fn copy_all(&mut self, this: Borrow<Fields>) -> Result<Vec<(FieldName, FieldValue)>> {
        V2::entries(self, this)
    }

    fn clone(&mut self, this: Borrow<Fields>) -> Result<Resource<Fields>> {
        V2::clone(self, this)
    }
}
