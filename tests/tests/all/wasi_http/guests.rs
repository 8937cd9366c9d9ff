//! The real handlers answer what they are asked, on both engines: a
//! greeting, headers read and set, a 1 MiB body streamed back, a 404, an
//! outgoing request to a second server, and a trap the server survives.

use hostbind_wasi_http::HttpConfig;

use super::fixture::{
    C, JS, PYTHON, Running, fetch, get, kinds, pattern, send, tls_upstream, upstream,
};

const MIB: usize = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_handler_answers_every_route_on_both_engines() {
    for kind in kinds() {
        let (up, seen) = upstream().await;
        let s = Running::start(kind, false, PYTHON, |b| {
            b.http(HttpConfig::new().allow_host(up.to_string()))
        })
        .await;

        python_routes(&s, kind, "hello from python\n", up, &seen, "python-http").await;

        let r = get(s.addr, "/trap").await;
        assert_eq!(r.status, 500, "{kind:?}");
        assert!(r.text().starts_with("the handler failed: "), "{}", r.text());
        // The server goes on.
        assert_eq!(get(s.addr, "/hello").await.status, 200);

        let logged = s.logged();
        assert_eq!(logged.len(), 1, "{logged:?}");
        assert!(
            logged[0].starts_with("GET /trap: answered 500: the handler failed:"),
            "{logged:?}"
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outgoing_request_to_a_host_not_allowed_is_denied() {
    for kind in kinds() {
        let (up, seen) = upstream().await;
        // Another port of the same host is not the one allowed.
        let s = Running::start(kind, false, PYTHON, |b| {
            b.http(HttpConfig::new().allow_host("127.0.0.1:1"))
        })
        .await;
        let r = fetch(s.addr, &format!("http://{up}/data")).await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (502, "refused: denied\n"),
            "{kind:?}"
        );
        assert!(seen.lock().unwrap().is_empty());
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_javascript_handler_answers_every_route_on_both_engines() {
    for kind in kinds() {
        let (up, seen) = upstream().await;
        let s = Running::start(kind, false, JS, |b| {
            b.http(HttpConfig::new().allow_host("127.0.0.1"))
        })
        .await;

        let r = get(s.addr, "/hello").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "hello from javascript\n"),
            "{kind:?}"
        );

        let r = send(s.addr, "GET", "/headers", &[("x-greeting", "hi")], "")
            .await
            .unwrap();
        assert_eq!(r.header("x-reply"), Some("hi back"));
        assert_eq!(r.text(), "method: GET\npath: /headers\ngreeting: hi\n");

        let body = pattern(MIB);
        let r = send(
            s.addr,
            "POST",
            "/echo",
            &[("content-type", "x/y")],
            body.clone(),
        )
        .await
        .unwrap();
        assert_eq!((r.status, r.header("content-type")), (200, Some("x/y")));
        assert!(
            r.body == body,
            "{kind:?}: the echo differs ({} bytes back)",
            r.body.len()
        );

        let r = fetch(s.addr, &format!("http://{up}/js")).await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "upstream status 200\nupstream data\n"),
            "{kind:?}"
        );
        assert_eq!(*seen.lock().unwrap(), ["GET /js from js-http"]);

        let r = get(s.addr, "/nothing").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (404, "not found: /nothing\n")
        );
        assert!(s.logged().is_empty(), "{:?}", s.logged());
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_c_handler_streams_a_mebibyte_back_on_both_engines() {
    for kind in kinds() {
        let s = Running::start(kind, false, C, |b| b).await;
        let r = get(s.addr, "/hello").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "hello from c\n"),
            "{kind:?}"
        );
        let body = pattern(MIB);
        let r = send(s.addr, "POST", "/echo", &[], body.clone())
            .await
            .unwrap();
        assert_eq!(r.header("content-type"), Some("application/octet-stream"));
        assert!(
            r.body == body,
            "{kind:?}: the echo differs ({} bytes back)",
            r.body.len()
        );
        // Many at once, each on its own store.
        let all = (0..32).map(|i| {
            let addr = s.addr;
            tokio::spawn(async move {
                let body = vec![i as u8; 10_000 + i];
                let r = send(addr, "POST", "/echo", &[], body.clone())
                    .await
                    .unwrap();
                assert!(r.body == body, "request {i}");
            })
        });
        for t in all.collect::<Vec<_>>() {
            t.await.unwrap();
        }
        assert_eq!(get(s.addr, "/other").await.status, 404);
        assert!(s.logged().is_empty(), "{:?}", s.logged());
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outgoing_https_request_checks_the_certificate() {
    let (port, cert) = tls_upstream().await;
    let url = format!("https://localhost:{port}/secure");
    for kind in kinds() {
        // Trusted: the embedder adds the upstream's certificate.
        let s = Running::start(kind, false, PYTHON, |b| {
            b.http(
                HttpConfig::new()
                    .allow_host("localhost")
                    .tls_root(cert.clone()),
            )
        })
        .await;
        let r = fetch(s.addr, &url).await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "upstream status 200\nsecure data\n"),
            "{kind:?}"
        );
        s.stop().await;
        // Not trusted: the Mozilla roots alone do not vouch for it.
        let s = Running::start(kind, false, PYTHON, |b| {
            b.http(HttpConfig::new().allow_host("localhost"))
        })
        .await;
        let r = fetch(s.addr, &url).await;
        assert_eq!(r.status, 502, "{kind:?}: {}", r.text());
        assert!(
            r.text()
                .starts_with("failed: ErrorCode_TlsCertificateError"),
            "{}",
            r.text()
        );
        s.stop().await;
    }
}

/// The routes the Python handlers of WASI 0.2 and 0.3 share, checked
/// alike: the greeting, headers read and set, a 1 MiB echo with its
/// trailer, a 404, and a fetch from `up`, which logs into `seen`.
pub(super) async fn python_routes(
    s: &Running,
    kind: hostbind::EngineKind,
    greeting: &str,
    up: std::net::SocketAddr,
    seen: &std::sync::Mutex<Vec<String>>,
    from: &str,
) {
    let r = get(s.addr, "/hello").await;
    assert_eq!((r.status, r.text().as_str()), (200, greeting), "{kind:?}");
    assert_eq!(r.header("content-type"), Some("text/plain"));

    let r = send(s.addr, "GET", "/headers", &[("x-greeting", "good day")], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-reply"), Some("good day back"));
    assert_eq!(
        r.text(),
        format!(
            "method: Method_Get\npath: /headers\nscheme: http\nauthority: {}\n\
             greeting: good day\nconnection header: forbidden\n",
            s.addr
        )
    );

    let body = pattern(MIB);
    let r = send(
        s.addr,
        "POST",
        "/echo",
        // hyper sends trailers to a client that says it takes them.
        &[
            ("content-type", "application/octet-stream"),
            ("te", "trailers"),
        ],
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(
        r.body == body,
        "{kind:?}: the echo differs ({} bytes back)",
        r.body.len()
    );
    let trailers = r.trailers.expect("the echo ends with trailers");
    assert_eq!(trailers.get("x-echo-bytes").unwrap(), "1048576");

    let r = get(s.addr, "/missing?x=1").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (404, "not found: /missing?x=1\n")
    );

    let r = fetch(s.addr, &format!("http://{up}/data")).await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (200, "upstream status 200\nupstream data\n"),
        "{kind:?}"
    );
    assert_eq!(*seen.lock().unwrap(), [format!("GET /data from {from}")]);
}
