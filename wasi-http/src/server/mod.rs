//! [`Server`]: answers HTTP requests with a `wasi:http/proxy` (0.2) or
//! `wasi:http/service` (0.3) component, one fresh store per request from
//! one `InstancePre`, as `wasmtime serve` does; its faults (a trap, a
//! guest that runs too long or out of fuel, a body too large) become HTTP
//! answers, and the server goes on.

mod body;
mod listen;
mod p3;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hostbind::{Component, Engine, InstancePre, InterruptHandle, Linker, Resource, Store, Trap};
use hostbind_wasi::WasiCtx;
use tokio::sync::oneshot;

pub use body::ResponseBody;
pub use listen::serve;

use crate::bindings::wasi::http::types::ErrorCode;
use crate::body::{PipeBody, feed};
use crate::message::{Answer, BODY_BUFFER, IncomingRequest, ResponseOutparam, content_length};
use crate::pipe::Pipe;
use crate::{HttpConfig, WasiHttpCtx};

/// How a request went wrong, for the server's log.
#[derive(Debug)]
pub struct Failure {
    /// The request's method and path, e.g. `GET /trap`.
    pub request: String,
    /// The status the client was sent, if the response had not started.
    pub status: Option<http::StatusCode>,
    /// What happened, e.g. the guest's trap.
    pub message: String,
}

type MakeWasi = dyn Fn() -> WasiCtx + Send + Sync;
type Log = dyn Fn(&Failure) + Send + Sync;

/// Answers HTTP requests with a component; cloning is cheap, and every
/// clone serves from the same compiled component.
///
/// ```no_run
/// # async fn run() -> anyhow::Result<()> {
/// use hostbind::{Component, Engine};
/// use hostbind_wasi_http::Server;
///
/// let engine = Engine::default();
/// let component = Component::from_file(&engine, "handler.wasm")?;
/// let server = Server::builder(&engine, &component)
///     .max_body(1 << 20)
///     .build()?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// hostbind_wasi_http::serve(server, listener, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    pre: InstancePre<WasiHttpCtx>,
    export: String,
    /// Whether the handler is of WASI 0.3 (`wasi:http/service`).
    p3: bool,
    set: Settings,
    /// A permit per guest running at once.
    running: Arc<tokio::sync::Semaphore>,
}

/// What a [`ServerBuilder`] was told, and the server then follows.
struct Settings {
    fuel: Option<u64>,
    timeout: Option<Duration>,
    max_body: Option<u64>,
    http: HttpConfig,
    make_wasi: Box<MakeWasi>,
    log: Box<Log>,
    max_running: usize,
}

/// Settings of a [`Server`].
pub struct ServerBuilder {
    engine: Engine,
    component: Component,
    set: Settings,
}

impl Server {
    /// Settings for a server of `component`: by default no limits, no
    /// outgoing requests, the guest's stdout and stderr this process's,
    /// and failures logged to stderr.
    pub fn builder(engine: &Engine, component: &Component) -> ServerBuilder {
        ServerBuilder {
            engine: engine.clone(),
            component: component.clone(),
            set: Settings {
                fuel: None,
                timeout: None,
                max_body: None,
                http: HttpConfig::new(),
                make_wasi: Box::new(|| {
                    WasiCtx::builder().inherit_stdout().inherit_stderr().build()
                }),
                log: Box::new(|f| eprintln!("{f}")),
                max_running: default_max_running(),
            },
        }
    }
}

/// Guests that may run at once by default: a few per core, so that
/// guests waiting on the network leave others room, and no more, so that
/// a burst of requests queues in order instead of dividing the cores
/// among all of them and answering every one late.
fn default_max_running() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get()) * 4
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.status {
            Some(s) => write!(
                f,
                "{}: answered {}: {}",
                self.request,
                s.as_u16(),
                self.message
            ),
            None => write!(f, "{}: {}", self.request, self.message),
        }
    }
}

impl ServerBuilder {
    /// Gives each request's store this much fuel; a guest that uses it
    /// all gets the client a 503. The engine needs
    /// [`Config::consume_fuel`](hostbind::Config::consume_fuel).
    pub fn fuel(mut self, fuel: u64) -> Self {
        self.set.fuel = Some(fuel);
        self
    }

    /// Stops a request's guest after this long; a client still waiting
    /// for its response gets a 504. The engine needs
    /// [`Config::interruptible`](hostbind::Config::interruptible).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.set.timeout = Some(timeout);
        self
    }

    /// Refuses request bodies larger than this: a 413 when the
    /// `content-length` says so (the guest never runs), and a failed body
    /// stream when a body without one grows past it.
    pub fn max_body(mut self, bytes: u64) -> Self {
        self.set.max_body = Some(bytes);
        self
    }

    /// What guests' outgoing requests may reach.
    pub fn http(mut self, config: HttpConfig) -> Self {
        self.set.http = config;
        self
    }

    /// Makes the WASI context of each request's store.
    pub fn wasi(mut self, make: impl Fn() -> WasiCtx + Send + Sync + 'static) -> Self {
        self.set.make_wasi = Box::new(make);
        self
    }

    /// How many guests run at once (default: four per core); requests
    /// beyond wait their turn, in order. A guest waiting on the network
    /// holds its place.
    pub fn max_running(mut self, n: usize) -> Self {
        self.set.max_running = n.max(1);
        self
    }

    /// Where failures are reported (default: a line on stderr).
    pub fn log(mut self, log: impl Fn(&Failure) + Send + Sync + 'static) -> Self {
        self.set.log = Box::new(log);
        self
    }

    /// Links the component and checks that it is a handler that this
    /// server can drive, and that the engine can apply the limits asked.
    pub fn build(self) -> hostbind::Result<Server> {
        let exports = self.component.export_names();
        let handler = |prefix: &str| exports.iter().find(|e| e.starts_with(prefix));
        let (iface, p3) = match (
            handler("wasi:http/handler@0.3."),
            handler("wasi:http/incoming-handler@0.2."),
        ) {
            (Some(i), _) => (i, true),
            (None, Some(i)) => (i, false),
            (None, None) => anyhow::bail!(
                "the component is not an HTTP handler: it exports neither \
                 `wasi:http/incoming-handler@0.2.x` (WASI 0.2's `wasi:http/proxy`) nor \
                 `wasi:http/handler@0.3.x` (WASI 0.3's `wasi:http/service`) (its exports: {})",
                if exports.is_empty() {
                    "none".to_string()
                } else {
                    exports.join(", ")
                }
            ),
        };
        let export = format!("{iface}#handle");
        let mut linker = Linker::<WasiHttpCtx>::new(&self.engine);
        crate::add_to_linker(&mut linker)?;
        let pre = linker.instantiate_pre(&self.component)?;
        // Settings the engine cannot honour fail here, not per request.
        let mut probe = Store::new(
            &self.engine,
            WasiHttpCtx::new(WasiCtx::default(), HttpConfig::new()),
        );
        if let Some(f) = self.set.fuel {
            probe.set_fuel(f)?;
        }
        if self.set.timeout.is_some() {
            probe.interrupt_handle()?;
        }
        Ok(Server {
            inner: Arc::new(Inner {
                engine: self.engine,
                pre,
                export,
                p3,
                running: Arc::new(tokio::sync::Semaphore::new(self.set.max_running)),
                set: self.set,
            }),
        })
    }
}

/// How a guest's run ended.
enum Ended {
    Returned,
    Failed(hostbind::Error),
    /// Stopped at its deadline.
    TimedOut,
}

fn simple(status: http::StatusCode, text: String) -> http::Response<ResponseBody> {
    let mut r = http::Response::new(ResponseBody::full(Bytes::from(text + "\n")));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

impl Server {
    /// Answers one request: what a hyper or axum service of the user's
    /// calls. Never fails: a guest's failure is an HTTP error answer.
    ///
    /// Call it within a tokio runtime: the guest runs on its blocking
    /// pool, and the request's body is copied by a task of its own.
    pub async fn handle<B>(&self, req: http::Request<B>) -> http::Response<ResponseBody>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let inner = &self.inner;
        // Named in words only when something is logged: a request that goes
        // well formats nothing.
        let (method, uri) = (req.method().clone(), req.uri().clone());
        let what = move || format!("{method} {uri}");
        let fail = |status: Option<http::StatusCode>, message: String| {
            (inner.set.log)(&Failure {
                request: what(),
                status,
                message,
            })
        };
        let (parts, body) = req.into_parts();
        if let (Some(max), Some(len)) = (inner.set.max_body, content_length(&parts.headers))
            && len > max
        {
            let m = format!("the request body is {len} bytes, more than the {max} allowed");
            fail(Some(http::StatusCode::PAYLOAD_TOO_LARGE), m.clone());
            return simple(http::StatusCode::PAYLOAD_TOO_LARGE, m);
        }
        let pipe = Pipe::new(BODY_BUFFER);
        tokio::spawn(feed(Box::pin(body), pipe.clone(), inner.set.max_body));

        let (tx, mut rx) = oneshot::channel::<Answer>();
        let mut store = Store::new(
            &inner.engine,
            WasiHttpCtx::new((inner.set.make_wasi)(), inner.set.http.clone()),
        );
        if let Some(f) = inner.set.fuel
            && let Err(e) = store.set_fuel(f)
        {
            fail(
                Some(http::StatusCode::INTERNAL_SERVER_ERROR),
                format!("{e:#}"),
            );
            return simple(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "the server could not start the handler".into(),
            );
        }
        let interrupt = inner
            .set
            .timeout
            .and_then(|_| store.interrupt_handle().ok());
        // The semaphore is never closed, so its error cannot happen.
        let permit = inner.running.clone().acquire_owned().await.ok();
        // The time limit is the guest's, from when it starts.
        let deadline = inner.set.timeout.map(|t| Instant::now() + t);
        let (pre, export) = (inner.pre.clone(), inner.export.clone());
        let body = pipe.clone();
        let guest = if inner.p3 {
            let rt = tokio::runtime::Handle::current();
            tokio::task::spawn_blocking(move || -> hostbind::Result<()> {
                let _permit = permit;
                let run = p3::run(&mut store, &pre, &export, parts, PipeBody::new(body), tx);
                // A guest waiting on the host (a timer, the network) runs no
                // code to interrupt: the deadline stops the wait itself.
                rt.block_on(async {
                    match deadline {
                        Some(d) => tokio::time::timeout_at(d.into(), run)
                            .await
                            .unwrap_or_else(|_| Err(DeadlinePassed.into())),
                        None => run.await,
                    }
                })
            })
        } else {
            let request = IncomingRequest::new(parts, body);
            tokio::task::spawn_blocking(move || -> hostbind::Result<()> {
                let _permit = permit;
                let req = store.data_mut().table().push(request);
                let out = store
                    .data_mut()
                    .table()
                    .push(ResponseOutparam { tx: Some(tx) });
                let instance = pre.instantiate(&mut store)?;
                let handle = instance
                    .get_typed_func::<(Resource<IncomingRequest>, Resource<ResponseOutparam>), ()>(
                        &mut store, &export,
                    )?;
                handle.call(&mut store, (req, out))
            })
        };

        // Watched by a task of its own, so that the guest is stopped at its
        // deadline even when the client has gone and this future with it.
        let mut watch =
            tokio::spawn(async move { wait(guest, deadline, interrupt.as_ref()).await });
        let (answer, ended) = tokio::select! {
            biased;
            a = &mut rx => (a.ok(), None),
            // The guest may have answered just before it ended.
            e = &mut watch => (rx.try_recv().ok(), Some(joined(e))),
        };
        match answer {
            Some(answer) => {
                // The guest may go on writing the body: log how it ends.
                let this = self.clone();
                let what = what.clone();
                tokio::spawn(async move {
                    let ended = match ended {
                        Some(e) => e,
                        None => joined(watch.await),
                    };
                    match ended {
                        Ended::Returned => {}
                        Ended::TimedOut => (this.inner.set.log)(&Failure {
                            request: what(),
                            status: None,
                            message: "the handler ran past its time after it began the response, and was stopped".into(),
                        }),
                        Ended::Failed(e) => (this.inner.set.log)(&Failure {
                            request: what(),
                            status: None,
                            message: format!("the handler failed after it began the response: {e:#}"),
                        }),
                    }
                });
                match answer {
                    Ok(resp) => resp.map(ResponseBody::pipe),
                    Err(code) => {
                        let status = status_of(&code);
                        fail(
                            Some(status),
                            format!("the handler answered with the error {code:?}"),
                        );
                        simple(
                            status,
                            format!(
                                "the handler answered with an error: {}",
                                crate::HttpError(code)
                            ),
                        )
                    }
                }
            }
            None => {
                let ended = match ended {
                    Some(e) => e,
                    None => joined(watch.await),
                };
                let (status, message) = match ended {
                    Ended::Returned => (
                        http::StatusCode::INTERNAL_SERVER_ERROR,
                        "the handler returned without setting a response".to_string(),
                    ),
                    Ended::TimedOut => (
                        http::StatusCode::GATEWAY_TIMEOUT,
                        "the handler ran past its time and was stopped".to_string(),
                    ),
                    Ended::Failed(e) => classify(&e, &pipe),
                };
                fail(Some(status), message.clone());
                simple(status, message)
            }
        }
    }
}

/// A 0.3 guest's run stopped at its deadline while it waited.
#[derive(Debug)]
struct DeadlinePassed;

impl core::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the handler ran past its time")
    }
}

impl std::error::Error for DeadlinePassed {}

/// How the watching task ended: its outcome, or a failure of its own.
fn joined(e: Result<Ended, tokio::task::JoinError>) -> Ended {
    e.unwrap_or_else(|e| {
        Ended::Failed(anyhow::anyhow!("the task watching the handler failed: {e}"))
    })
}

/// Waits for the guest to end, interrupting it at the deadline.
async fn wait(
    mut guest: tokio::task::JoinHandle<hostbind::Result<()>>,
    deadline: Option<Instant>,
    interrupt: Option<&InterruptHandle>,
) -> Ended {
    let joined = match deadline {
        Some(d) => match tokio::time::timeout_at(d.into(), &mut guest).await {
            Ok(j) => j,
            Err(_) => {
                if let Some(i) = interrupt {
                    i.interrupt();
                }
                let _ = guest.await;
                return Ended::TimedOut;
            }
        },
        None => guest.await,
    };
    match joined {
        Ok(Ok(())) => Ended::Returned,
        Ok(Err(e)) => match e.downcast_ref::<Trap>() {
            Some(t) if t.is_interrupted() => Ended::TimedOut,
            _ if e.is::<DeadlinePassed>() => Ended::TimedOut,
            _ => Ended::Failed(e),
        },
        Err(e) => Ended::Failed(anyhow::anyhow!("the handler's thread failed: {e}")),
    }
}

/// The status for a guest that failed before it answered, and why.
fn classify(e: &hostbind::Error, body: &Pipe) -> (http::StatusCode, String) {
    if let Some(t) = e.downcast_ref::<Trap>()
        && t.is_out_of_fuel()
    {
        return (
            http::StatusCode::SERVICE_UNAVAILABLE,
            format!("the handler used all its fuel: {e:#}"),
        );
    }
    if body.ended_with_size_error() {
        return (
            http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body was larger than allowed, and the handler failed: {e:#}"),
        );
    }
    (
        http::StatusCode::INTERNAL_SERVER_ERROR,
        format!("the handler failed: {e:#}"),
    )
}

/// The status for an error code a guest answers with instead of a response.
fn status_of(code: &ErrorCode) -> http::StatusCode {
    use http::StatusCode as S;
    match code {
        ErrorCode::HTTPRequestBodySize(_) => S::PAYLOAD_TOO_LARGE,
        ErrorCode::HTTPRequestDenied => S::FORBIDDEN,
        ErrorCode::HTTPRequestLengthRequired => S::LENGTH_REQUIRED,
        ErrorCode::HTTPRequestMethodInvalid => S::METHOD_NOT_ALLOWED,
        ErrorCode::HTTPRequestURIInvalid => S::BAD_REQUEST,
        ErrorCode::HTTPRequestURITooLong => S::URI_TOO_LONG,
        ErrorCode::HTTPRequestHeaderSectionSize(_) | ErrorCode::HTTPRequestHeaderSize(_) => {
            S::REQUEST_HEADER_FIELDS_TOO_LARGE
        }
        ErrorCode::ConnectionTimeout
        | ErrorCode::ConnectionReadTimeout
        | ErrorCode::HTTPResponseTimeout => S::GATEWAY_TIMEOUT,
        ErrorCode::InternalError(_) => S::INTERNAL_SERVER_ERROR,
        _ => S::BAD_GATEWAY,
    }
}
