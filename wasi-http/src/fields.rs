//! `wasi:http/types.fields`: headers and trailers, checked as the spec
//! asks (names and values that HTTP allows, hop-by-hop headers refused,
//! the immutable ones immutable).

use hostbind::{Borrow, Resource, Result};
use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::WasiHttpCtx;
use crate::bindings::wasi::http::types::{self as t, FieldKey, FieldValue, HeaderError};

/// A `fields`: the headers or trailers of a request or response.
#[derive(Debug, Clone)]
pub struct Fields {
    pub(crate) map: HeaderMap,
    pub(crate) mutable: bool,
}

/// Headers a guest may not set: they belong to the connection, not the
/// message (RFC 9110 §7.6.1, and `host`, which the host derives from the
/// authority), so the host sets them itself.
const FORBIDDEN: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "host",
    "http2-settings",
    "proxy-authenticate",
    "proxy-authorization",
];

pub(crate) fn is_forbidden(name: &HeaderName) -> bool {
    FORBIDDEN.contains(&name.as_str())
}

/// A name a guest may set, or why not.
fn name(n: &str) -> Result<HeaderName, HeaderError> {
    let n = HeaderName::from_bytes(n.as_bytes()).map_err(|_| HeaderError::InvalidSyntax)?;
    if is_forbidden(&n) {
        return Err(HeaderError::Forbidden);
    }
    Ok(n)
}

fn value(v: &[u8]) -> Result<HeaderValue, HeaderError> {
    HeaderValue::from_bytes(v).map_err(|_| HeaderError::InvalidSyntax)
}

/// A guest's list of entries as a map.
pub(crate) fn map_of(entries: Vec<(FieldKey, FieldValue)>) -> Result<HeaderMap, HeaderError> {
    let mut map = HeaderMap::with_capacity(entries.len());
    for (n, v) in entries {
        map.append(name(&n)?, value(&v)?);
    }
    Ok(map)
}

impl WasiHttpCtx {
    /// A `fields` the guest may change.
    pub(crate) fn push_fields(&mut self, map: HeaderMap, mutable: bool) -> Resource<Fields> {
        self.table().push(Fields { map, mutable })
    }

    /// The map of a `fields` the guest gave away (to a request, a
    /// response, or as trailers).
    pub(crate) fn take_fields(&mut self, f: Resource<Fields>) -> Result<HeaderMap> {
        Ok(self.table().delete(f)?.map)
    }

    fn mutable_fields(&mut self, this: &Borrow<Fields>) -> Result<Option<&mut HeaderMap>> {
        let f = self.table().get_mut(this)?;
        Ok(f.mutable.then_some(&mut f.map))
    }
}

impl t::HostFields for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<Fields>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn new(&mut self) -> Result<Resource<Fields>> {
        Ok(self.push_fields(HeaderMap::new(), true))
    }

    fn from_list(
        &mut self,
        entries: Vec<(FieldKey, FieldValue)>,
    ) -> Result<Result<Resource<Fields>, HeaderError>> {
        let map = tri!(map_of(entries));
        Ok(Ok(self.push_fields(map, true)))
    }

    fn get(&mut self, this: Borrow<Fields>, name: FieldKey) -> Result<Vec<FieldValue>> {
        let f = self.table().get(&this)?;
        Ok(f.map
            .get_all(name.as_str())
            .iter()
            .map(|v| v.as_bytes().to_vec())
            .collect())
    }

    fn has(&mut self, this: Borrow<Fields>, name: FieldKey) -> Result<bool> {
        Ok(self.table().get(&this)?.map.contains_key(name.as_str()))
    }

    fn set(
        &mut self,
        this: Borrow<Fields>,
        name: FieldKey,
        values: Vec<FieldValue>,
    ) -> Result<Result<(), HeaderError>> {
        let n = tri!(self::name(&name));
        let values = tri!(
            values
                .iter()
                .map(|v| value(v))
                .collect::<Result<Vec<_>, _>>()
        );
        let Some(map) = self.mutable_fields(&this)? else {
            return Ok(Err(HeaderError::Immutable));
        };
        map.remove(&n);
        for v in values {
            map.append(n.clone(), v);
        }
        Ok(Ok(()))
    }

    fn delete(&mut self, this: Borrow<Fields>, name: FieldKey) -> Result<Result<(), HeaderError>> {
        let n = tri!(self::name(&name));
        let Some(map) = self.mutable_fields(&this)? else {
            return Ok(Err(HeaderError::Immutable));
        };
        map.remove(&n);
        Ok(Ok(()))
    }

    fn append(
        &mut self,
        this: Borrow<Fields>,
        name: FieldKey,
        v: FieldValue,
    ) -> Result<Result<(), HeaderError>> {
        let n = tri!(self::name(&name));
        let v = tri!(value(&v));
        let Some(map) = self.mutable_fields(&this)? else {
            return Ok(Err(HeaderError::Immutable));
        };
        map.append(n, v);
        Ok(Ok(()))
    }

    fn entries(&mut self, this: Borrow<Fields>) -> Result<Vec<(FieldKey, FieldValue)>> {
        let f = self.table().get(&this)?;
        Ok(f.map
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect())
    }

    fn clone(&mut self, this: Borrow<Fields>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.map.clone();
        Ok(self.push_fields(map, true))
    }
}
