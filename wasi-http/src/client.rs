//! `wasi:http/outgoing-handler`: the requests a guest sends, to the hosts
//! the embedder allows, over hyper's HTTP/1 client (and rustls for https),
//! with the request options' timeouts.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hostbind::{Borrow, Resource, Result};
use hostbind_wasi::Pollable;
use hyper_util::rt::TokioIo;

use crate::WasiHttpCtx;
use crate::bindings::wasi::http::outgoing_handler;
use crate::bindings::wasi::http::types::{self as t, ErrorCode, Scheme};
use crate::body::{PipeBody, feed};
use crate::error::{from_connect, from_hyper};
use crate::message::{BODY_BUFFER, IncomingResponse, OutgoingRequest, RequestOptions};
use crate::pipe::Pipe;
use crate::signal::{self, Signal};

/// What a request the guest sent came to.
type Outcome = std::result::Result<IncomingResponse, ErrorCode>;

/// A response on its way.
#[derive(Debug)]
pub struct FutureIncomingResponse {
    slot: Arc<Mutex<Slot>>,
}

#[derive(Debug, Default)]
struct Slot {
    outcome: Option<Outcome>,
    taken: bool,
    ready: Option<Signal>,
}

fn set(slot: &Mutex<Slot>, outcome: Outcome) {
    let mut g = slot.lock().unwrap_or_else(|p| p.into_inner());
    g.outcome = Some(outcome);
    if let Some(s) = &mut g.ready {
        s.set(true);
    }
}

/// Whether `authority` (`host[:port]`) of a `scheme` request is one that
/// `allowed` lets through: an entry `host` allows every port of it, an
/// entry `host:port` that port only, `*` every host.
pub(crate) fn is_allowed(allowed: &[String], authority: &str, https: bool) -> bool {
    let Ok(a) = http::uri::Authority::try_from(authority) else {
        return false;
    };
    let port = a.port_u16().unwrap_or(if https { 443 } else { 80 });
    let host = a.host().to_ascii_lowercase();
    allowed.iter().any(|entry| {
        if entry == "*" {
            return true;
        }
        match http::uri::Authority::try_from(entry.as_str()) {
            Ok(e) => e.host().eq_ignore_ascii_case(&host) && e.port_u16().is_none_or(|p| p == port),
            Err(_) => false,
        }
    })
}

impl outgoing_handler::Host for WasiHttpCtx {
    fn handle(
        &mut self,
        request: Resource<OutgoingRequest>,
        options: Option<Resource<RequestOptions>>,
    ) -> Result<std::result::Result<Resource<FutureIncomingResponse>, ErrorCode>> {
        let req = self.table().delete(request)?;
        let options = match options {
            Some(o) => self.table().delete(o)?,
            None => RequestOptions::default(),
        };
        let route = match Route::of(&self.config, req.scheme.as_ref(), req.authority.clone()) {
            Ok(r) => r,
            Err(code) => return Ok(Err(code)),
        };
        let Route { authority, rt, tls } = route;
        let body = PipeBody::new(req.body.clone().unwrap_or_else(|| Pipe::full(Bytes::new())));
        let http_req = match build(req, body, &authority) {
            Ok(r) => r,
            Err(code) => return Ok(Err(code)),
        };
        let slot = Arc::new(Mutex::new(Slot::default()));
        let done = slot.clone();
        rt.spawn(async move {
            let outcome = send(http_req, authority, tls, options).await;
            set(&done, outcome);
        });
        Ok(Ok(self.table().push(FutureIncomingResponse { slot })))
    }
}

/// Where and how a request goes, once the embedder's rules let it.
pub(crate) struct Route {
    pub(crate) authority: String,
    /// The runtime the exchange runs on.
    pub(crate) rt: tokio::runtime::Handle,
    /// The TLS settings, for https.
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
}

impl Route {
    /// The route of a request to `authority` by `scheme`, or the error
    /// code the guest gets: a scheme other than http or https, no
    /// authority, a host the embedder does not allow (denied before any
    /// connection), no runtime, or TLS settings that cannot be made.
    pub(crate) fn of(
        config: &crate::HttpConfig,
        scheme: Option<&Scheme>,
        authority: Option<String>,
    ) -> std::result::Result<Route, ErrorCode> {
        let https = match scheme {
            None | Some(Scheme::HTTP) => false,
            Some(Scheme::HTTPS) => true,
            Some(Scheme::Other(_)) => return Err(ErrorCode::HTTPProtocolError),
        };
        let authority = authority.ok_or(ErrorCode::HTTPRequestURIInvalid)?;
        if !is_allowed(&config.allowed_hosts, &authority, https) {
            return Err(ErrorCode::HTTPRequestDenied);
        }
        let rt = config
            .runtime
            .clone()
            .or_else(|| tokio::runtime::Handle::try_current().ok())
            .ok_or_else(|| {
                ErrorCode::InternalError(Some(
                    "outgoing requests need a tokio runtime, and the host gave none".into(),
                ))
            })?;
        let tls = https
            .then(|| config.tls())
            .transpose()
            .map_err(|m| ErrorCode::InternalError(Some(m)))?;
        Ok(Route { authority, rt, tls })
    }
}

/// The request as hyper sends it: origin-form path, `host` from the
/// authority, the guest's body streaming behind.
pub(crate) fn build(
    req: OutgoingRequest,
    body: PipeBody,
    authority: &str,
) -> std::result::Result<http::Request<PipeBody>, ErrorCode> {
    let path = req.path_with_query.unwrap_or_else(|| "/".into());
    let mut out = http::Request::builder()
        .method(req.method)
        .uri(path)
        .body(body)
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    *out.headers_mut() = req.headers;
    let host =
        http::HeaderValue::try_from(authority).map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    out.headers_mut().insert(http::header::HOST, host);
    Ok(out)
}

async fn within<T>(
    limit: Option<Duration>,
    code: ErrorCode,
    f: impl Future<Output = std::result::Result<T, ErrorCode>>,
) -> std::result::Result<T, ErrorCode> {
    match limit {
        Some(d) => tokio::time::timeout(d, f).await.unwrap_or(Err(code)),
        None => f.await,
    }
}

pub(crate) async fn send(
    req: http::Request<PipeBody>,
    authority: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    options: RequestOptions,
) -> Outcome {
    let https = tls.is_some();
    let a = http::uri::Authority::try_from(authority.as_str())
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    let host = a
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = a.port_u16().unwrap_or(if https { 443 } else { 80 });
    let tcp = within(options.connect, ErrorCode::ConnectionTimeout, async {
        tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput => {
                    ErrorCode::DNSError(t::DNSErrorPayload {
                        rcode: Some(e.to_string()),
                        info_code: None,
                    })
                }
                _ => from_connect(&e),
            })
    })
    .await?;
    let _ = tcp.set_nodelay(true);
    let response = match tls {
        Some(config) => {
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
            let stream = within(options.connect, ErrorCode::ConnectionTimeout, async {
                tokio_rustls::TlsConnector::from(config)
                    .connect(name, tcp)
                    .await
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::InvalidData => ErrorCode::TLSCertificateError,
                        _ => ErrorCode::TLSProtocolError,
                    })
            })
            .await?;
            exchange(TokioIo::new(stream), req, options).await?
        }
        None => exchange(TokioIo::new(tcp), req, options).await?,
    };
    let (parts, body) = response.into_parts();
    let pipe = Pipe::new(BODY_BUFFER);
    tokio::spawn(feed(
        TimedBody {
            inner: body,
            between: options.between_bytes,
            sleep: None,
        },
        pipe.clone(),
        None,
    ));
    Ok(IncomingResponse {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: Some(pipe),
    })
}

/// One HTTP/1 exchange on a fresh connection.
async fn exchange<I>(
    io: I,
    req: http::Request<PipeBody>,
    options: RequestOptions,
) -> std::result::Result<http::Response<hyper::body::Incoming>, ErrorCode>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| from_hyper(&e))?;
    // The connection is driven beside the exchange, and ends with it.
    tokio::spawn(conn);
    within(
        options.first_byte,
        ErrorCode::ConnectionReadTimeout,
        async { sender.send_request(req).await.map_err(|e| from_hyper(&e)) },
    )
    .await
}

/// A response body whose frames must come within `between` of each other.
struct TimedBody {
    inner: hyper::body::Incoming,
    between: Option<Duration>,
    sleep: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<std::result::Result<http_body::Frame<Bytes>, Self::Error>>> {
        use std::task::Poll;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(f) => {
                this.sleep = None;
                Poll::Ready(f.map(|r| r.map_err(Into::into)))
            }
            Poll::Pending => {
                let Some(d) = this.between else {
                    return Poll::Pending;
                };
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(d)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(crate::error::HttpError(
                        ErrorCode::ConnectionReadTimeout,
                    ))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl t::HostFutureIncomingResponse for WasiHttpCtx {
    fn drop(&mut self, rep: Resource<FutureIncomingResponse>) -> Result<()> {
        self.table().delete(rep).map(|_| ())
    }

    fn subscribe(&mut self, this: Borrow<FutureIncomingResponse>) -> Result<Resource<Pollable>> {
        let slot = self.table().get(&this)?.slot.clone();
        let p = {
            let mut g = slot.lock().unwrap_or_else(|p| p.into_inner());
            let ready = g.outcome.is_some() || g.taken;
            signal::subscribe(&mut g.ready, ready)
        };
        Ok(self.table().push(p))
    }

    #[allow(clippy::type_complexity)]
    fn get(
        &mut self,
        this: Borrow<FutureIncomingResponse>,
    ) -> Result<
        Option<std::result::Result<std::result::Result<Resource<IncomingResponse>, ErrorCode>, ()>>,
    > {
        let slot = self.table().get(&this)?.slot.clone();
        let outcome = {
            let mut g = slot.lock().unwrap_or_else(|p| p.into_inner());
            if g.taken {
                return Ok(Some(Err(())));
            }
            match g.outcome.take() {
                None => return Ok(None),
                Some(o) => {
                    g.taken = true;
                    o
                }
            }
        };
        Ok(Some(Ok(match outcome {
            Ok(r) => Ok(self.table().push(r)),
            Err(code) => Err(code),
        })))
    }
}
