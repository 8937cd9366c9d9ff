//! A server keeps serving through its faults: a guest that runs too long
//! (504) or out of fuel (503), a body too large (413), malformed HTTP, and
//! a guest that is not a handler at all.

use std::time::Duration;

use hostbind::Component;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::fixture::{C, PYTHON, Running, compiled, get, kinds, send};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_past_its_time_gets_a_504_and_the_server_goes_on() {
    for kind in kinds() {
        let s = Running::start(kind, false, PYTHON, |b| b.timeout(Duration::from_secs(2))).await;
        let r = get(s.addr, "/loop").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (504, "the handler ran past its time and was stopped\n"),
            "{kind:?}"
        );
        assert_eq!(get(s.addr, "/hello").await.text(), "hello from python\n");
        assert_eq!(
            s.logged(),
            ["GET /loop: answered 504: the handler ran past its time and was stopped"]
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_out_of_fuel_gets_a_503_and_the_server_goes_on() {
    for kind in kinds() {
        // Plenty for a greeting, far too little for a loop without end.
        let s = Running::start(kind, true, PYTHON, |b| b.fuel(2_000_000_000)).await;
        let r = get(s.addr, "/loop").await;
        assert_eq!(r.status, 503, "{kind:?}: {}", r.text());
        assert!(
            r.text().starts_with("the handler used all its fuel"),
            "{}",
            r.text()
        );
        assert_eq!(get(s.addr, "/hello").await.text(), "hello from python\n");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_larger_than_allowed_gets_a_413() {
    for kind in kinds() {
        let s = Running::start(kind, false, PYTHON, |b| b.max_body(1000)).await;
        let r = send(s.addr, "POST", "/echo", &[], vec![7u8; 1001])
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.text().as_str()),
            (
                413,
                "the request body is 1001 bytes, more than the 1000 allowed\n"
            ),
            "{kind:?}"
        );
        let r = send(s.addr, "POST", "/echo", &[], vec![7u8; 1000])
            .await
            .unwrap();
        assert_eq!((r.status, r.body.len()), (200, 1000));
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_http_is_refused_and_good_requests_still_answered() {
    let s = Running::start(hostbind::EngineKind::Wasmi, false, PYTHON, |b| b).await;
    for garbage in [
        &b"\x00\x01\x02 not http at all\r\n\r\n"[..],
        b"GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"GET /he llo HTTP/9.9\r\n\r\n",
    ] {
        let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        tcp.write_all(garbage).await.unwrap();
        let mut answer = Vec::new();
        // hyper answers 400 and closes, or just closes.
        let _ = tokio::time::timeout(Duration::from_secs(60), tcp.read_to_end(&mut answer)).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 400"),
            "{garbage:?} got {text:?}"
        );
        assert_eq!(get(s.addr, "/hello").await.status, 200);
    }
    s.stop().await;
}

#[test]
fn a_component_that_is_not_a_handler_is_refused_with_its_exports_named() {
    let (engine, _) = compiled(hostbind::EngineKind::Wasmi, false, PYTHON);
    let wat = r#"(component (core module $m (func (export "f"))) (core instance $i (instantiate $m))
        (func (export "greet") (canon lift (core func $i "f"))))"#;
    let component = Component::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    let e = hostbind_wasi_http::Server::builder(&engine, &component)
        .build()
        .err()
        .expect("not a handler");
    assert_eq!(
        e.to_string(),
        "the component is not an HTTP handler: it exports neither \
         `wasi:http/incoming-handler@0.2.x` (WASI 0.2's `wasi:http/proxy`) nor \
         `wasi:http/handler@0.3.x` (WASI 0.3's `wasi:http/service`) (its exports: greet)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_whose_client_left_is_still_stopped_at_its_deadline() {
    for kind in kinds() {
        // One guest at a time: the next request runs only once the looping
        // guest, whose client has gone, is stopped.
        let s = Running::start(kind, false, C, |b| {
            b.timeout(Duration::from_secs(2)).max_running(1)
        })
        .await;
        let gone = tokio::time::timeout(Duration::from_millis(300), get(s.addr, "/loop")).await;
        assert!(gone.is_err(), "{kind:?}: the loop answered");
        let r = get(s.addr, "/hello").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "hello from c\n"),
            "{kind:?}"
        );
        s.stop().await;
    }
}
