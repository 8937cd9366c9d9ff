//! One request to a WASI 0.3 handler: the request goes in as a
//! `request` resource whose body the network fills, `handle` is called
//! as an async export, and the response's stream is read into the pipe
//! hyper sends while the store's event loop runs the guest's tasks.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use hostbind::{InstancePre, Resource, Store};
use tokio::sync::oneshot;

use crate::WasiHttpCtx;
use crate::body::PipeBody;
use crate::message::{Answer, BODY_BUFFER, content_length};
use crate::p3::bindings::wasi::http::types::ErrorCode;
use crate::p3::body::{Body, guest_to_pipe};
use crate::p3::{Request, Response};
use crate::pipe::Pipe;

/// The signature of a 0.3 handler's `handle`.
type Handle = (Result<Resource<Response>, ErrorCode>,);

/// Runs the handler for one request; its answer (the response's head,
/// or an error code) goes through `tx` as soon as `handle` returns, and
/// the body follows through the answer's pipe.
pub(super) async fn run(
    store: &mut Store<WasiHttpCtx>,
    pre: &InstancePre<WasiHttpCtx>,
    export: &str,
    parts: http::request::Parts,
    body: PipeBody,
    tx: oneshot::Sender<Answer>,
) -> hostbind::Result<()> {
    let instance = pre.instantiate(&mut *store)?;
    let handle = instance.get_typed_func::<(Resource<Request>,), Handle>(&mut *store, export)?;
    let req = store
        .data_mut()
        .table()
        .push(Request::incoming(parts, Body::Host(body)));
    let (answer,) = handle.call_async(&mut *store, (req,)).await?;
    let response = match answer {
        Ok(r) => store.data_mut().table().delete(r)?,
        Err(code) => {
            let _ = tx.send(Err(code.into()));
            return Ok(());
        }
    };
    let Response {
        status,
        headers,
        body,
    } = response;
    let expected = content_length(&headers);
    let head = |body: PipeBody| {
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        out
    };
    match body {
        Body::Guest {
            contents,
            trailers,
            sent,
        } => {
            let pipe = Pipe::new(BODY_BUFFER);
            // The client may be gone; the body is read regardless, so
            // that the guest's task ends as it would have.
            let _ = tx.send(Ok(head(PipeBody::new(pipe.clone()))));
            let outcome =
                guest_to_pipe!(&mut *store, contents, trailers, pipe, expected, false).await?;
            // A guest that waits to hear how its response went hears it;
            // one that does not is not waited for.
            let write = pin!(sent.write(&mut *store, outcome));
            let _ = poll_once(write).await;
        }
        // A response the guest got from `client.send` and handed on.
        Body::Host(body) => {
            let _ = tx.send(Ok(head(body)));
        }
        Body::Taken => anyhow::bail!("the handler's response has no body left to send"),
    }
    Ok(())
}

/// Polls `f` once: its output if that was enough.
async fn poll_once<F: Future>(mut f: std::pin::Pin<&mut F>) -> Option<F::Output> {
    std::future::poll_fn(|cx| {
        Poll::Ready(match f.as_mut().poll(cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        })
    })
    .await
}
