//! The state of wasi:http for one store, and the embedder's settings that
//! every store of a server shares.

use std::sync::{Arc, OnceLock};

use hostbind::ResourceTable;
use hostbind_wasi::WasiCtx;

/// What the embedder allows guests' outgoing requests, shared by the
/// stores of a server (cloning is cheap).
#[derive(Clone, Debug, Default)]
pub struct HttpConfig {
    pub(crate) allowed_hosts: Vec<String>,
    pub(crate) runtime: Option<tokio::runtime::Handle>,
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    tls: Arc<OnceLock<Result<Arc<rustls::ClientConfig>, String>>>,
}

impl HttpConfig {
    /// Settings that allow no outgoing request: a guest's
    /// `outgoing-handler.handle` answers `HTTP-request-denied`.
    pub fn new() -> HttpConfig {
        HttpConfig::default()
    }

    /// Allows requests to `host` (every port) or `host:port`; `*` allows
    /// every host.
    pub fn allow_host(mut self, host: impl Into<String>) -> HttpConfig {
        self.allowed_hosts.push(host.into());
        self
    }

    /// Runs outgoing requests on this runtime (by default, the runtime
    /// the guest's host call runs within).
    pub fn runtime(mut self, handle: tokio::runtime::Handle) -> HttpConfig {
        self.runtime = Some(handle);
        self
    }

    /// Trusts this root certificate (DER) for outgoing https, besides the
    /// Mozilla roots of `webpki-roots`.
    pub fn tls_root(mut self, der: impl Into<Vec<u8>>) -> HttpConfig {
        self.roots
            .push(rustls::pki_types::CertificateDer::from(der.into()));
        self.tls = Arc::default();
        self
    }

    /// The TLS client settings, made on first use, or why they could not be.
    pub(crate) fn tls(&self) -> Result<Arc<rustls::ClientConfig>, String> {
        self.tls
            .get_or_init(|| {
                let mut roots = rustls::RootCertStore::empty();
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                for r in &self.roots {
                    roots.add(r.clone()).map_err(|e| {
                        format!("a root certificate the embedder gave is unusable: {e}")
                    })?;
                }
                // ring, not aws-lc-rs: it builds with a C compiler alone (aws-lc
                // needs cmake), at the price of no post-quantum key exchange.
                #[allow(deprecated)]
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| e.to_string())?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                Ok(Arc::new(config))
            })
            .clone()
    }
}

/// The state of WASI and wasi:http for one store: the [`WasiCtx`] whose
/// table holds every resource the guest has (streams and HTTP messages
/// alike), and the server's [`HttpConfig`].
#[derive(Debug)]
pub struct WasiHttpCtx {
    pub(crate) wasi: WasiCtx,
    pub(crate) config: HttpConfig,
}

impl WasiHttpCtx {
    /// A context for one store.
    pub fn new(wasi: WasiCtx, config: HttpConfig) -> WasiHttpCtx {
        WasiHttpCtx { wasi, config }
    }

    /// The WASI half.
    pub fn wasi(&mut self) -> &mut WasiCtx {
        &mut self.wasi
    }

    pub(crate) fn table(&mut self) -> &mut ResourceTable {
        self.wasi.table()
    }
}

/// A store's data that holds a [`WasiHttpCtx`]: what
/// [`add_to_linker`](crate::add_to_linker) needs to find it.
pub trait WasiHttpView: 'static {
    /// The context.
    fn http(&mut self) -> &mut WasiHttpCtx;
}

impl WasiHttpView for WasiHttpCtx {
    fn http(&mut self) -> &mut WasiHttpCtx {
        self
    }
}
