//! A Rust HTTP service of one's own that hands part of its routes to a
//! wasi:http component: `/health` is answered in Rust, everything under
//! `/app/` by the C handler of `tests/guests/c-http`, through
//! `Server::handle`. The service is plain hyper; an axum handler calls
//! `handle` the same way.
//!
//! ```sh
//! cargo run -p hostbind-examples --example http-embed
//! ```

use std::convert::Infallible;

use bytes::Bytes;
use hostbind::{Component, Engine};
use hostbind_wasi_http::{HttpError, Server};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// Built by `tests/guests/c-http/build.sh`.
const GUEST: &[u8] = include_bytes!("../../../tests/guests/c-http/c-http.wasm");

type Body = BoxBody<Bytes, HttpError>;

/// The service: Rust for `/health`, the component for `/app/…` (with the
/// prefix taken off, so the guest sees `/hello`).
async fn route(server: Server, req: http::Request<Incoming>) -> http::Response<Body> {
    let path = req.uri().path().to_string();
    if path == "/health" {
        return http::Response::new(
            Full::new(Bytes::from("ok\n"))
                .map_err(|e| match e {})
                .boxed(),
        );
    }
    if let Some(rest) = path.strip_prefix("/app") {
        let (mut parts, body) = req.into_parts();
        parts.uri = rest.parse().unwrap_or_default();
        return server
            .handle(http::Request::from_parts(parts, body))
            .await
            .map(BodyExt::boxed);
    }
    let mut r = http::Response::new(
        Full::new(Bytes::from("no such route\n"))
            .map_err(|e| match e {})
            .boxed(),
    );
    *r.status_mut() = http::StatusCode::NOT_FOUND;
    r
}

/// One request from a client of our own, its status and body.
async fn get(addr: std::net::SocketAddr, path: &str) -> anyhow::Result<(u16, String)> {
    let tcp = TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(conn);
    let req = http::Request::get(path)
        .header("host", addr.to_string())
        .body(Full::new(Bytes::new()))?;
    let resp = sender.send_request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Serves the routes on a loopback port and asks each of them once: the
/// paths with their statuses and bodies.
async fn run() -> anyhow::Result<Vec<(&'static str, u16, String)>> {
    let engine = Engine::default();
    let component = Component::new(&engine, GUEST)?;
    let server = Server::builder(&engine, &component).build()?;

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let server = server.clone();
            let service = hyper::service::service_fn(move |req| {
                let server = server.clone();
                async move { Ok::<_, Infallible>(route(server, req).await) }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service),
            );
        }
    });

    let mut answers = Vec::new();
    for path in ["/health", "/app/hello", "/app/elsewhere", "/other"] {
        let (status, body) = get(addr, path).await?;
        answers.push((path, status, body));
    }
    Ok(answers)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    for (path, status, body) in run().await? {
        print!("{path}: {status} {body}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_route_is_answered_by_its_side() {
    let answers = run().await.unwrap();
    let expected = [
        ("/health", 200, "ok\n"),
        ("/app/hello", 200, "hello from c\n"),
        ("/app/elsewhere", 404, "not found\n"),
        ("/other", 404, "no such route\n"),
    ];
    let got: Vec<_> = answers
        .iter()
        .map(|(p, s, b)| (*p, *s, b.as_str()))
        .collect();
    assert_eq!(got, expected);
}
