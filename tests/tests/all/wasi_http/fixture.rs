//! What the wasi:http tests share: the guests compiled once per engine,
//! a server of them on a loopback port, an HTTP/1 client, and an upstream
//! server for the guests' outgoing requests.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use hostbind::{Component, Config, Engine, EngineKind};
use hostbind_wasi_http::{Server, ServerBuilder};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use crate::wasi::gunzip;

pub(crate) const PYTHON: &[u8] = include_bytes!("../../../guests/python-http/guest.wasm.gz");
pub(crate) const JS: &[u8] = include_bytes!("../../../guests/js-http/js-http.wasm.gz");
pub(crate) const C: &[u8] = include_bytes!("../../../guests/c-http/c-http.wasm");
pub(crate) const PYTHON_P3: &[u8] = include_bytes!("../../../guests/python-http-p3/guest.wasm.gz");

/// How long any one exchange may take before the test fails: a hang
/// guard, not a timing assertion.
const HANG: Duration = Duration::from_secs(120);

/// The engine kinds the suite runs on.
pub(crate) fn kinds() -> Vec<EngineKind> {
    vec![
        EngineKind::Wasmi,
        #[cfg(feature = "wasmtime")]
        EngineKind::Wasmtime,
    ]
}

/// `guest` compiled for an engine of `kind` (interruptible, and metering
/// fuel if `fuel`), once per test binary.
pub(crate) fn compiled(kind: EngineKind, fuel: bool, guest: &'static [u8]) -> (Engine, Component) {
    type Cache = Mutex<HashMap<(String, bool, usize), Arc<OnceLock<(Engine, Component)>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (format!("{kind:?}"), fuel, guest.as_ptr() as usize);
    let slot = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(key)
        .or_default()
        .clone();
    slot.get_or_init(|| {
        let engine = Engine::with_config(
            Config::new()
                .kind(kind)
                .interruptible(true)
                .consume_fuel(fuel),
        )
        .unwrap();
        let bytes = if guest.starts_with(&[0x1f, 0x8b]) {
            gunzip(guest)
        } else {
            guest.to_vec()
        };
        let component = Component::new(&engine, bytes).unwrap();
        (engine, component)
    })
    .clone()
}

/// A server running on a loopback port, with the failures it logged.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) failures: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Builds the server `setup` describes and serves it.
    pub(crate) async fn start(
        kind: EngineKind,
        fuel: bool,
        guest: &'static [u8],
        setup: impl FnOnce(ServerBuilder) -> ServerBuilder,
    ) -> Running {
        let (engine, component) = compiled(kind, fuel, guest);
        let failures = Arc::new(Mutex::new(Vec::new()));
        let log = failures.clone();
        // The guests' own output (the Python trap's traceback) stays out
        // of the test log.
        let quiet = Server::builder(&engine, &component).wasi(hostbind_wasi::WasiCtx::default);
        let server = setup(quiet)
            .log(move |f| log.lock().unwrap().push(f.to_string()))
            .build()
            .unwrap();
        Running::serve(server, failures).await
    }

    pub(crate) async fn serve(server: Server, failures: Arc<Mutex<Vec<String>>>) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(hostbind_wasi_http::serve(server, listener, async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            failures,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub(crate) async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            tokio::time::timeout(HANG, t)
                .await
                .unwrap()
                .unwrap()
                .unwrap();
        }
    }

    pub(crate) fn logged(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }
}

/// A response as the client read it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) trailers: Option<http::HeaderMap>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends one request on a fresh connection and reads the whole response;
/// `Err` if the connection or the body failed.
pub(crate) async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Reply, String> {
    let exchange = async {
        let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        let mut req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", addr.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(body.into())).unwrap();
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let (parts, body) = resp.into_parts();
        let collected = body.collect().await.map_err(|e| e.to_string())?;
        let trailers = collected.trailers().cloned();
        Ok(Reply {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: collected.to_bytes(),
            trailers,
        })
    };
    tokio::time::timeout(HANG, exchange)
        .await
        .unwrap_or_else(|_| panic!("{method} {path} took longer than {HANG:?}"))
}

pub(crate) async fn get(addr: SocketAddr, path: &str) -> Reply {
    send(addr, "GET", path, &[], Bytes::new())
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// `GET /fetch`, asking the guest to fetch `url` itself.
pub(crate) async fn fetch(addr: SocketAddr, url: &str) -> Reply {
    send(addr, "GET", "/fetch", &[("x-upstream", url)], Bytes::new())
        .await
        .unwrap_or_else(|e| panic!("GET /fetch of {url}: {e}"))
}

/// A plain upstream server: answers every request with `upstream data`
/// and remembers the `x-from` header of each.
pub(crate) async fn upstream() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let log = log.clone();
            let service =
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let from = req
                        .headers()
                        .get("x-from")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    log.lock()
                        .unwrap()
                        .push(format!("{} {} from {from}", req.method(), req.uri()));
                    async move {
                        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(
                            Bytes::from("upstream data\n"),
                        )))
                    }
                });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service),
            );
        }
    });
    (addr, seen)
}

/// An upstream that answers each request with its own body, and its
/// method and `content-type` in `x-method` and `x-type`.
pub(crate) async fn echo_upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let service = hyper::service::service_fn(
                |req: http::Request<hyper::body::Incoming>| async move {
                    let method = req.method().to_string();
                    let kind = req.headers().get("content-type").cloned();
                    let body = req.into_body().collect().await?.to_bytes();
                    let mut r = http::Response::new(Full::new(body));
                    r.headers_mut().insert("x-method", method.parse().unwrap());
                    if let Some(k) = kind {
                        r.headers_mut().insert("x-type", k);
                    }
                    Ok::<_, hyper::Error>(r)
                },
            );
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service),
            );
        }
    });
    addr
}

/// A body of `len` bytes that is not all one value.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// An https upstream on loopback, for the name `localhost`, with a
/// certificate made for this run: its port, and the certificate (DER) a
/// client must trust.
pub(crate) async fn tls_upstream() -> (u16, Vec<u8>) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = made.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        made.signing_key.serialize_der(),
    ));
    // ring, as hostbind-wasi-http's client uses.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate hangs up.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(
                        "secure data\n",
                    ))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (port, cert.to_vec())
}
