//! `wasi:http/types`' requests and responses, incoming and outgoing, the
//! options of an outgoing request, and the out-parameter a handler answers
//! through.

use std::sync::Arc;
use std::time::Duration;

use hostbind::{Borrow, Resource, Result, Trap};
use http::HeaderMap;
use tokio::sync::oneshot;

use crate::WasiHttpCtx;
use crate::bindings::wasi::http::types::{self as t, ErrorCode, Method, Scheme};
use crate::body::{IncomingBody, OutgoingBody, PipeBody};
use crate::fields::Fields;
use crate::pipe::Pipe;

/// How many body bytes may wait between the guest and the network.
pub(crate) const BODY_BUFFER: usize = 256 * 1024;

/// A request the host hands the guest's handler.
#[derive(Debug)]
pub struct IncomingRequest {
    pub(crate) method: http::Method,
    pub(crate) scheme: Option<http::uri::Scheme>,
    pub(crate) authority: Option<String>,
    pub(crate) path_with_query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Arc<Pipe>>,
}

impl IncomingRequest {
    /// The request the server hands the handler, its body in `body`.
    pub(crate) fn new(parts: http::request::Parts, body: Arc<Pipe>) -> IncomingRequest {
        let target = Target::of(&parts);
        IncomingRequest {
            method: parts.method,
            scheme: Some(target.scheme),
            authority: target.authority,
            path_with_query: target.path_with_query,
            headers: parts.headers,
            body: Some(body),
        }
    }
}

/// Where a request the server received is addressed, as a handler is
/// told it in either version.
pub(crate) struct Target {
    pub(crate) scheme: http::uri::Scheme,
    pub(crate) authority: Option<String>,
    pub(crate) path_with_query: Option<String>,
}

impl Target {
    /// From the URI, with the authority from `host` when the URI has
    /// none (as HTTP/1.1's origin form has not) and `http` by default.
    pub(crate) fn of(parts: &http::request::Parts) -> Target {
        let authority = parts.uri.authority().map(|a| a.to_string()).or_else(|| {
            let h = parts.headers.get(http::header::HOST)?;
            h.to_str().ok().map(str::to_string)
        });
        Target {
            scheme: parts
                .uri
                .scheme()
                .cloned()
                .unwrap_or(http::uri::Scheme::HTTP),
            authority,
            path_with_query: parts.uri.path_and_query().map(|p| p.as_str().to_string()),
        }
    }
}

/// A guest's new path with query, if HTTP allows it (`none` does).
pub(crate) fn checked_path(p: Option<std::borrow::Cow<'_, str>>) -> Result<Option<String>, ()> {
    match p {
        Some(p) if http::uri::PathAndQuery::try_from(p.as_ref()).is_err() => Err(()),
        p => Ok(p.map(|p| p.into_owned())),
    }
}

/// A guest's new authority, if HTTP allows it (`none` does).
pub(crate) fn checked_authority(
    a: Option<std::borrow::Cow<'_, str>>,
) -> Result<Option<String>, ()> {
    match a {
        Some(a) if http::uri::Authority::try_from(a.as_ref()).is_err() => Err(()),
        a => Ok(a.map(|a| a.into_owned())),
    }
}

/// Whether a scheme the guest names (`scheme.other`) is one HTTP allows.
pub(crate) fn is_scheme(s: &str) -> bool {
    http::uri::Scheme::try_from(s).is_ok()
}

impl Drop for IncomingRequest {
    fn drop(&mut self) {
        // A body the guest never took: stop reading it from the client.
        if let Some(p) = &self.body {
            p.close_reader();
        }
    }
}

/// A request the guest builds and sends through `outgoing-handler`.
#[derive(Debug)]
pub struct OutgoingRequest {
    pub(crate) method: http::Method,
    pub(crate) scheme: Option<Scheme>,
    pub(crate) authority: Option<String>,
    pub(crate) path_with_query: Option<String>,
    pub(crate) headers: HeaderMap,
    /// Made when the guest asks for the body.
    pub(crate) body: Option<Arc<Pipe>>,
}

/// The transport timeouts of an outgoing request.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestOptions {
    pub(crate) connect: Option<Duration>,
    pub(crate) first_byte: Option<Duration>,
    pub(crate) between_bytes: Option<Duration>,
}

/// A response the guest builds for the request it handles.
#[derive(Debug)]
pub struct OutgoingResponse {
    pub(crate) status: http::StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Arc<Pipe>>,
}

/// A response to a request the guest sent.
#[derive(Debug)]
pub struct IncomingResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Arc<Pipe>>,
}

/// What the guest's handler answers with: a response head (the body
/// follows through the pipe) or an error.
pub(crate) type Answer = std::result::Result<http::Response<PipeBody>, ErrorCode>;

/// Where a handler's answer goes.
#[derive(Debug)]
pub struct ResponseOutparam {
    pub(crate) tx: Option<oneshot::Sender<Answer>>,
}

pub(crate) fn method_of(m: &http::Method) -> Method {
    match *m {
        http::Method::GET => Method::Get,
        http::Method::HEAD => Method::Head,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::DELETE => Method::Delete,
        http::Method::CONNECT => Method::Connect,
        http::Method::OPTIONS => Method::Options,
        http::Method::TRACE => Method::Trace,
        http::Method::PATCH => Method::Patch,
        ref other => Method::Other(other.as_str().to_string()),
    }
}

pub(crate) fn http_method(m: &Method) -> Option<http::Method> {
    Some(match m {
        Method::Get => http::Method::GET,
        Method::Head => http::Method::HEAD,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Connect => http::Method::CONNECT,
        Method::Options => http::Method::OPTIONS,
        Method::Trace => http::Method::TRACE,
        Method::Patch => http::Method::PATCH,
        Method::Other(s) => http::Method::from_bytes(s.as_bytes()).ok()?,
    })
}

pub(crate) fn scheme_of(s: &http::uri::Scheme) -> Scheme {
    if *s == http::uri::Scheme::HTTP {
        Scheme::HTTP
    } else if *s == http::uri::Scheme::HTTPS {
        Scheme::HTTPS
    } else {
        Scheme::Other(s.as_str().to_string())
    }
}

/// The `content-length` a message declares, if it declares one.
pub(crate) fn content_length(h: &HeaderMap) -> Option<u64> {
    h.get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

impl WasiHttpCtx {
    fn duration(d: Option<u64>) -> Option<Duration> {
        d.map(Duration::from_nanos)
    }

    fn options(&mut self, this: &Borrow<RequestOptions>) -> Result<&mut RequestOptions> {
        self.table().get_mut(this)
    }
}

impl t::HostIncomingRequest for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<IncomingRequest>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn method(&mut self, this: Borrow<IncomingRequest>) -> Result<Method> {
        Ok(method_of(&self.table().get(&this)?.method))
    }

    fn path_with_query(&mut self, this: Borrow<IncomingRequest>) -> Result<Option<String>> {
        Ok(self.table().get(&this)?.path_with_query.clone())
    }

    fn scheme(&mut self, this: Borrow<IncomingRequest>) -> Result<Option<Scheme>> {
        Ok(self.table().get(&this)?.scheme.as_ref().map(scheme_of))
    }

    fn authority(&mut self, this: Borrow<IncomingRequest>) -> Result<Option<String>> {
        Ok(self.table().get(&this)?.authority.clone())
    }

    fn headers(&mut self, this: Borrow<IncomingRequest>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }

    fn consume(
        &mut self,
        this: Borrow<IncomingRequest>,
    ) -> Result<Result<Resource<IncomingBody>, ()>> {
        let Some(pipe) = self.table().get_mut(&this)?.body.take() else {
            return Ok(Err(()));
        };
        Ok(Ok(self.table().push(IncomingBody::new(pipe))))
    }
}

impl t::HostOutgoingRequest for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<OutgoingRequest>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn new(&mut self, headers: Resource<Fields>) -> Result<Resource<OutgoingRequest>> {
        let headers = self.take_fields(headers)?;
        Ok(self.table().push(OutgoingRequest {
            method: http::Method::GET,
            scheme: None,
            authority: None,
            path_with_query: None,
            headers,
            body: None,
        }))
    }

    fn body(
        &mut self,
        this: Borrow<OutgoingRequest>,
    ) -> Result<Result<Resource<OutgoingBody>, ()>> {
        let req = self.table().get_mut(&this)?;
        if req.body.is_some() {
            return Ok(Err(()));
        }
        let pipe = Pipe::new(BODY_BUFFER);
        req.body = Some(pipe.clone());
        let expected = content_length(&req.headers);
        Ok(Ok(self
            .table()
            .push(OutgoingBody::new(pipe, expected, true))))
    }

    fn method(&mut self, this: Borrow<OutgoingRequest>) -> Result<Method> {
        Ok(method_of(&self.table().get(&this)?.method))
    }

    fn set_method(
        &mut self,
        this: Borrow<OutgoingRequest>,
        method: Method,
    ) -> Result<Result<(), ()>> {
        let Some(m) = http_method(&method) else {
            return Ok(Err(()));
        };
        self.table().get_mut(&this)?.method = m;
        Ok(Ok(()))
    }

    fn path_with_query(&mut self, this: Borrow<OutgoingRequest>) -> Result<Option<String>> {
        Ok(self.table().get(&this)?.path_with_query.clone())
    }

    fn set_path_with_query(
        &mut self,
        this: Borrow<OutgoingRequest>,
        path: Option<std::borrow::Cow<'_, str>>,
    ) -> Result<Result<(), ()>> {
        let path = tri!(checked_path(path));
        self.table().get_mut(&this)?.path_with_query = path;
        Ok(Ok(()))
    }

    fn scheme(&mut self, this: Borrow<OutgoingRequest>) -> Result<Option<Scheme>> {
        Ok(self.table().get(&this)?.scheme.clone())
    }

    fn set_scheme(
        &mut self,
        this: Borrow<OutgoingRequest>,
        scheme: Option<Scheme>,
    ) -> Result<Result<(), ()>> {
        if let Some(Scheme::Other(s)) = &scheme
            && !is_scheme(s)
        {
            return Ok(Err(()));
        }
        self.table().get_mut(&this)?.scheme = scheme;
        Ok(Ok(()))
    }

    fn authority(&mut self, this: Borrow<OutgoingRequest>) -> Result<Option<String>> {
        Ok(self.table().get(&this)?.authority.clone())
    }

    fn set_authority(
        &mut self,
        this: Borrow<OutgoingRequest>,
        authority: Option<std::borrow::Cow<'_, str>>,
    ) -> Result<Result<(), ()>> {
        let authority = tri!(checked_authority(authority));
        self.table().get_mut(&this)?.authority = authority;
        Ok(Ok(()))
    }

    fn headers(&mut self, this: Borrow<OutgoingRequest>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }
}

impl t::HostRequestOptions for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<RequestOptions>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn new(&mut self) -> Result<Resource<RequestOptions>> {
        Ok(self.table().push(RequestOptions::default()))
    }

    fn connect_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(self.options(&this)?.connect.map(|d| d.as_nanos() as u64))
    }

    fn set_connect_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), ()>> {
        self.options(&this)?.connect = Self::duration(d);
        Ok(Ok(()))
    }

    fn first_byte_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(self.options(&this)?.first_byte.map(|d| d.as_nanos() as u64))
    }

    fn set_first_byte_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), ()>> {
        self.options(&this)?.first_byte = Self::duration(d);
        Ok(Ok(()))
    }

    fn between_bytes_timeout(&mut self, this: Borrow<RequestOptions>) -> Result<Option<u64>> {
        Ok(self
            .options(&this)?
            .between_bytes
            .map(|d| d.as_nanos() as u64))
    }

    fn set_between_bytes_timeout(
        &mut self,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> Result<Result<(), ()>> {
        self.options(&this)?.between_bytes = Self::duration(d);
        Ok(Ok(()))
    }
}

impl t::HostOutgoingResponse for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<OutgoingResponse>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn new(&mut self, headers: Resource<Fields>) -> Result<Resource<OutgoingResponse>> {
        let headers = self.take_fields(headers)?;
        Ok(self.table().push(OutgoingResponse {
            status: http::StatusCode::OK,
            headers,
            body: None,
        }))
    }

    fn status_code(&mut self, this: Borrow<OutgoingResponse>) -> Result<u16> {
        Ok(self.table().get(&this)?.status.as_u16())
    }

    fn set_status_code(
        &mut self,
        this: Borrow<OutgoingResponse>,
        code: u16,
    ) -> Result<Result<(), ()>> {
        let Ok(status) = http::StatusCode::from_u16(code) else {
            return Ok(Err(()));
        };
        self.table().get_mut(&this)?.status = status;
        Ok(Ok(()))
    }

    fn headers(&mut self, this: Borrow<OutgoingResponse>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }

    fn body(
        &mut self,
        this: Borrow<OutgoingResponse>,
    ) -> Result<Result<Resource<OutgoingBody>, ()>> {
        let resp = self.table().get_mut(&this)?;
        if resp.body.is_some() {
            return Ok(Err(()));
        }
        let pipe = Pipe::new(BODY_BUFFER);
        resp.body = Some(pipe.clone());
        let expected = content_length(&resp.headers);
        Ok(Ok(self
            .table()
            .push(OutgoingBody::new(pipe, expected, false))))
    }
}

impl t::HostIncomingResponse for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<IncomingResponse>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn status(&mut self, this: Borrow<IncomingResponse>) -> Result<u16> {
        Ok(self.table().get(&this)?.status)
    }

    fn headers(&mut self, this: Borrow<IncomingResponse>) -> Result<Resource<Fields>> {
        let map = self.table().get(&this)?.headers.clone();
        Ok(self.push_fields(map, false))
    }

    fn consume(
        &mut self,
        this: Borrow<IncomingResponse>,
    ) -> Result<Result<Resource<IncomingBody>, ()>> {
        let Some(pipe) = self.table().get_mut(&this)?.body.take() else {
            return Ok(Err(()));
        };
        Ok(Ok(self.table().push(IncomingBody::new(pipe))))
    }
}

impl t::HostResponseOutparam for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<ResponseOutparam>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn set(
        &mut self,
        param: Resource<ResponseOutparam>,
        response: std::result::Result<Resource<OutgoingResponse>, ErrorCode>,
    ) -> Result<()> {
        let mut param = self.table().delete(param)?;
        let answer = match response {
            Ok(r) => {
                let r = self.table().delete(r)?;
                // A response whose body the guest never asked for is empty.
                let body = r.body.unwrap_or_else(|| Pipe::full(bytes::Bytes::new()));
                let mut out = http::Response::new(PipeBody::new(body));
                *out.status_mut() = r.status;
                *out.headers_mut() = r.headers;
                Ok(out)
            }
            Err(code) => Err(code),
        };
        let Some(tx) = param.tx.take() else {
            return Err(Trap::new(
                "`response-outparam.set` was called on an out-parameter that was already set",
            )
            .into());
        };
        // The request's client may be gone; the guest goes on regardless.
        let _ = tx.send(answer);
        Ok(())
    }
}
