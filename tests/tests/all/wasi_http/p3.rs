//! wasi:http 0.3 on both engines: a componentize-py handler of
//! `wasi:http/service`, its async `handle` called per request, its
//! response body written by a coroutine after `handle` returns, its
//! outgoing request sent with `client.send`, and its faults.

use std::time::Duration;

use hostbind_wasi_http::HttpConfig;

use super::fixture::{
    PYTHON_P3, Running, echo_upstream, fetch, get, kinds, pattern, send, upstream,
};
use super::guests::python_routes;

const MIB: usize = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_p3_handler_answers_every_route_on_both_engines() {
    for kind in kinds() {
        let (up, seen) = upstream().await;
        let s = Running::start(kind, false, PYTHON_P3, |b| {
            b.http(HttpConfig::new().allow_host(up.to_string()))
        })
        .await;

        python_routes(
            &s,
            kind,
            "hello from python p3\n",
            up,
            &seen,
            "python-http-p3",
        )
        .await;

        let r = get(s.addr, "/slow").await;
        assert_eq!((r.status, r.text().as_str()), (200, "slow hello\n"));

        let r = get(s.addr, "/error").await;
        assert_eq!(r.status, 500, "{kind:?}");
        assert_eq!(
            r.text(),
            "the handler answered with an error: internal error: the guest was asked for an error\n"
        );

        let r = get(s.addr, "/trap").await;
        assert_eq!(r.status, 500, "{kind:?}");
        assert!(r.text().starts_with("the handler failed: "), "{}", r.text());
        // A trap after the response began: the body is cut off, not left
        // hanging.
        let cut = send(s.addr, "GET", "/late-trap", &[], "").await;
        assert!(cut.is_err(), "{kind:?}: {cut:?}");
        // The server goes on.
        assert_eq!(get(s.addr, "/hello").await.status, 200);

        // The late failure is logged once its guest's run has ended,
        // which may be just after the client saw the body cut off.
        let mut logged = s.logged();
        for _ in 0..600 {
            if logged.len() >= 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            logged = s.logged();
        }
        assert_eq!(logged.len(), 3, "{logged:?}");
        for line in [
            "GET /error: answered 500: the handler answered with the error",
            "GET /trap: answered 500: the handler failed:",
            "GET /late-trap: the handler failed after it began the response:",
        ] {
            assert!(
                logged.iter().any(|l| l.starts_with(line)),
                "{line}: {logged:?}"
            );
        }
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_p3_handler_is_stopped_by_its_deadline_and_its_fuel_and_refused_a_body_too_large() {
    for kind in kinds() {
        // A loop: interrupted. A wait on the clock: the deadline ends it.
        // (Three seconds, so that a greeting makes it on a busy machine.)
        let s = Running::start(kind, false, PYTHON_P3, |b| {
            b.timeout(Duration::from_secs(3))
        })
        .await;
        let stopped = "the handler ran past its time and was stopped\n";
        let r = get(s.addr, "/loop").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (504, stopped),
            "{kind:?} /loop"
        );
        let r = send(s.addr, "GET", "/slow", &[("x-wait-ms", "600000")], "")
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.text().as_str()),
            (504, stopped),
            "{kind:?} /slow"
        );
        assert_eq!(get(s.addr, "/hello").await.status, 200);
        s.stop().await;

        let s = Running::start(kind, true, PYTHON_P3, |b| b.fuel(2_000_000_000)).await;
        let r = get(s.addr, "/loop").await;
        assert_eq!(r.status, 503, "{kind:?}: {}", r.text());
        assert!(
            r.text().starts_with("the handler used all its fuel: "),
            "{}",
            r.text()
        );
        assert_eq!(get(s.addr, "/hello").await.status, 200);
        s.stop().await;

        // A body too large, by its `content-length`: the guest never runs.
        let s = Running::start(kind, false, PYTHON_P3, |b| b.max_body(1000)).await;
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
        assert_eq!((r.status, r.body.len()), (200, 1000), "{kind:?}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_p3_outgoing_request_to_a_host_not_allowed_is_denied() {
    for kind in kinds() {
        let (up, seen) = upstream().await;
        let s = Running::start(kind, false, PYTHON_P3, |b| {
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
async fn a_p3_handler_hands_a_request_body_on_and_the_response_back_without_reading_them() {
    let up = echo_upstream().await;
    for kind in kinds() {
        let s = Running::start(kind, false, PYTHON_P3, |b| {
            b.http(HttpConfig::new().allow_host(up.to_string()))
        })
        .await;
        let body = pattern(MIB + 17);
        let target = format!("http://{up}/anywhere");
        let r = send(
            s.addr,
            "POST",
            "/proxy",
            &[("x-upstream", &target), ("content-type", "x/proxied")],
            body.clone(),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "{kind:?}: {}", r.text());
        assert_eq!(r.header("x-method"), Some("POST"));
        assert_eq!(r.header("x-type"), Some("x/proxied"));
        assert!(
            r.body == body,
            "{kind:?}: the proxied body differs ({} bytes back)",
            r.body.len()
        );
        assert!(s.logged().is_empty(), "{:?}", s.logged());
        s.stop().await;
    }
}
