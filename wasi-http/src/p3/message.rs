//! `wasi:http/types`' `request`, `response` and `request-options` of
//! 0.3: one request type and one response type for both directions,
//! whose body is the guest's stream and future, or bytes from the
//! network.

use std::time::Duration;

use hostbind::{Access, Borrow, FutureReader, Resource, Result, StreamReader};
use http::HeaderMap;

use super::bindings::wasi::http::types::{
    self as t, ErrorCode, Method, RequestOptionsError, Scheme,
};
use super::body::{Body, Sent, Trailers, into_guest};
use crate::WasiHttpCtx;
use crate::fields::Fields;
use crate::message::{
    Target, checked_authority, checked_path, http_method, is_scheme, method_of, scheme_of,
};

/// A request: the one the server hands the handler, or one the guest
/// makes (to send, or to hand on).
#[derive(Debug)]
pub struct Request {
    pub(crate) method: http::Method,
    pub(crate) scheme: Option<Scheme>,
    pub(crate) authority: Option<String>,
    pub(crate) path_with_query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) options: Option<crate::message::RequestOptions>,
    pub(crate) body: Body,
}

/// A response: the one the handler answers with, or one the client got.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: http::StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
}

/// The transport timeouts of a request; those a request hands out are
/// immutable.
#[derive(Debug, Clone)]
pub struct RequestOptions {
    pub(crate) times: crate::message::RequestOptions,
    pub(crate) mutable: bool,
}

impl Request {
    /// The request the server hands the handler.
    pub(crate) fn incoming(parts: http::request::Parts, body: Body) -> Request {
        let target = Target::of(&parts);
        Request {
            method: parts.method,
            scheme: Some(scheme_of(&target.scheme).into()),
            authority: target.authority,
            path_with_query: target.path_with_query,
            headers: parts.headers,
            options: None,
            body,
        }
    }
}

fn nanos(d: Option<Duration>) -> Option<u64> {
    d.map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl WasiHttpCtx {
    fn request(&mut self, this: &Borrow<Request>) -> Result<&mut Request> {
        self.table().get_mut(this)
    }

    /// The options' timeouts, if the guest may change them.
    fn times(
        &mut self,
        this: &Borrow<RequestOptions>,
    ) -> Result<Result<&mut crate::message::RequestOptions, RequestOptionsError>> {
        let o = self.table().get_mut(this)?;
        Ok(match o.mutable {
            true => Ok(&mut o.times),
            false => Err(RequestOptionsError::Immutable),
        })
    }
}

/// Takes the body out of a request or response the guest gave up, and
/// hands it to the guest as a stream and a future of trailers.
async fn consume<M: Send + 'static>(
    access: Access<WasiHttpCtx>,
    this: Resource<M>,
    body_of: fn(&mut M) -> &mut Body,
    res: FutureReader<Result<(), ErrorCode>>,
) -> Result<(StreamReader<u8>, FutureReader<Trailers>)> {
    let body = access.with(|cx| -> Result<Body> {
        let mut m = cx.table().delete(this)?;
        Ok(std::mem::take(body_of(&mut m)))
    })??;
    into_guest(&access, body, res)
}

impl t::HostRequest for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<Request>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    async fn new(
        access: Access<Self>,
        headers: Resource<Fields>,
        contents: Option<StreamReader<u8>>,
        trailers: FutureReader<Trailers>,
        options: Option<Resource<RequestOptions>>,
    ) -> Result<(Resource<Request>, FutureReader<Sent>)> {
        let (sent, sent_rx) = hostbind::future::<Sent>(&access)?;
        access.with(|cx| -> Result<_> {
            let headers = cx.take_fields(headers)?;
            let options = match options {
                Some(o) => Some(cx.table().delete(o)?.times),
                None => None,
            };
            let r = cx.table().push(Request {
                method: http::Method::GET,
                scheme: None,
                authority: None,
                path_with_query: None,
                headers,
                options,
                body: Body::Guest {
                    contents,
                    trailers,
                    sent,
                },
            });
            Ok((r, sent_rx))
        })?
    }

    fn get_method(&mut self, this: Borrow<Request>) -> Result<Method> {
        Ok(method_of(&self.request(&this)?.method).into())
    }

    fn set_method(&mut self, this: Borrow<Request>, method: Method) -> Result<Result<(), ()>> {
        let Some(m) = http_method(&method.into()) else {
            return Ok(Err(()));
        };
        self.request(&this)?.method = m;
        Ok(Ok(()))
    }

    fn get_path_with_query(&mut self, this: Borrow<Request>) -> Result<Option<String>> {
        Ok(self.request(&this)?.path_with_query.clone())
    }

    fn set_path_with_query(
        &mut self,
        this: Borrow<Request>,
        path: Option<std::borrow::Cow<'_, str>>,
    ) -> Result<Result<(), ()>> {
        let path = tri!(checked_path(path));
        self.request(&this)?.path_with_query = path;
        Ok(Ok(()))
    }

    fn get_scheme(&mut self, this: Borrow<Request>) -> Result<Option<Scheme>> {
        Ok(self.request(&this)?.scheme.clone())
    }

    fn set_scheme(
        &mut self,
        this: Borrow<Request>,
        scheme: Option<Scheme>,
    ) -> Result<Result<(), ()>> {
        if let Some(Scheme::Other(s)) = &scheme
            && !is_scheme(s)
        {
            return Ok(Err(()));
        }
        self.request(&this)?.scheme = scheme;
        Ok(Ok(()))
    }

    fn get_authority(&mut self, this: Borrow<Request>) -> Result<Option<String>> {
        Ok(self.request(&this)?.authority.clone())
    }

    fn set_authority(
        &mut self,
        this: Borrow<Request>,
        authority: Option<std::borrow::Cow<'_, str>>,
    ) -> Result<Result<(), ()>> {
        let authority = tri!(checked_authority(authority));
        self.request(&this)?.authority = authority;
        Ok(Ok(()))
    }

    fn get_options(&mut self, this: Borrow<Request>) -> Result<Option<Resource<RequestOptions>>> {
        let Some(times) = self.request(&this)?.options else {
            return Ok(None);
        };
        Ok(Some(self.table().push(RequestOptions {
            times,
            mutable: false,
        })))
    }

    fn get_headers(&mut self, this: Borrow<Request>) -> Result<Resource<Fields>> {
        let map = self.request(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }

    async fn consume_body(
        access: Access<Self>,
        this: Resource<Request>,
        res: FutureReader<Sent>,
    ) -> Result<(StreamReader<u8>, FutureReader<Trailers>)> {
        consume(access, this, |r: &mut Request| &mut r.body, res).await
    }
}

impl t::HostResponse for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<Response>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    async fn new(
        access: Access<Self>,
        headers: Resource<Fields>,
        contents: Option<StreamReader<u8>>,
        trailers: FutureReader<Trailers>,
    ) -> Result<(Resource<Response>, FutureReader<Sent>)> {
        let (sent, sent_rx) = hostbind::future::<Sent>(&access)?;
        access.with(|cx| -> Result<_> {
            let headers = cx.take_fields(headers)?;
            let r = cx.table().push(Response {
                status: http::StatusCode::OK,
                headers,
                body: Body::Guest {
                    contents,
                    trailers,
                    sent,
                },
            });
            Ok((r, sent_rx))
        })?
    }

    fn get_status_code(&mut self, this: Borrow<Response>) -> Result<u16> {
        Ok(self.table().get(&this)?.status.as_u16())
    }

    fn set_status_code(&mut self, this: Borrow<Response>, status: u16) -> Result<Result<(), ()>> {
        let Ok(s) = http::StatusCode::from_u16(status) else {
            return Ok(Err(()));
        };
        self.table().get_mut(&this)?.status = s;
        Ok(Ok(()))
    }

    fn get_headers(&mut self, this: Borrow<Response>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }

    async fn consume_body(
        access: Access<Self>,
        this: Resource<Response>,
        res: FutureReader<Sent>,
    ) -> Result<(StreamReader<u8>, FutureReader<Trailers>)> {
        consume(access, this, |r: &mut Response| &mut r.body, res).await
    }
}

impl t::HostRequestOptions for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<RequestOptions>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn new(&mut self) -> Result<Resource<RequestOptions>> {
        Ok(self.table().push(RequestOptions {
            times: Default::default(),
            mutable: true,
        }))
    }

    fn get_connect_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(nanos(self.table().get(&this)?.times.connect))
    }

    fn set_connect_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), RequestOptionsError>> {
        let times = tri!(self.times(&this)?);
        times.connect = d.map(Duration::from_nanos);
        Ok(Ok(()))
    }

    fn get_first_byte_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(nanos(self.table().get(&this)?.times.first_byte))
    }

    fn set_first_byte_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), RequestOptionsError>> {
        let times = tri!(self.times(&this)?);
        times.first_byte = d.map(Duration::from_nanos);
        Ok(Ok(()))
    }

    fn get_between_bytes_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(nanos(self.table().get(&this)?.times.between_bytes))
    }

    fn set_between_bytes_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), RequestOptionsError>> {
        let times = tri!(self.times(&this)?);
        times.between_bytes = d.map(Duration::from_nanos);
        Ok(Ok(()))
    }

    fn clone(&mut self, this: Borrow<RequestOptions>) -> Result<Resource<RequestOptions>> {
        let times = self.table().get(&this)?.times;
        Ok(self.table().push(RequestOptions {
            times,
            mutable: true,
        }))
    }
}

impl t::Host for WasiHttpCtx {}
