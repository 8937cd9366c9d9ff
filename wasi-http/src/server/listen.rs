//! Serving a [`Server`] on a TCP listener with hyper: HTTP/1.1 with
//! keep-alive, each connection on its own task, and a graceful stop
//! (in-flight requests finish) when the caller's shutdown future ends.

use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use super::Server;

/// How long a client may take to send a request's head.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `server` on `listener` until `shutdown` completes, then stops
/// accepting and waits for the connections' in-flight requests to finish.
/// Errors of one connection (a client that sends garbage or goes away)
/// end that connection only.
pub async fn serve(
    server: Server,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            conn = listener.accept() => match conn {
                Ok(c) => c,
                // Out of file descriptors, or a connection reset before
                // it was accepted: the listener itself is fine.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let server = server.clone();
        let service = service_fn(move |req| {
            let server = server.clone();
            async move { Ok::<_, std::convert::Infallible>(server.handle(req).await) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A connection's error is the client's business.
            let _ = conn.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
