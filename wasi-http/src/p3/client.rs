//! `wasi:http/client.send` of 0.3: the guest's request goes out through
//! the same HTTP/1 client and allow-list as 0.2's `outgoing-handler`; the
//! guest's task waits for the response without holding a thread.

use hostbind::{Access, Resource, Result};

use super::bindings::wasi::http::client;
use super::bindings::wasi::http::types::ErrorCode;
use super::body::{Body, empty, send_from_guest};
use super::message::{Request, Response};
use crate::WasiHttpCtx;
use crate::body::PipeBody;
use crate::client::{Route, build, send};
use crate::message::{BODY_BUFFER, OutgoingRequest, content_length};
use crate::pipe::Pipe;

impl client::Host for WasiHttpCtx {
    async fn send(
        access: Access<Self>,
        request: Resource<Request>,
    ) -> Result<Result<Resource<Response>, ErrorCode>> {
        let (req, config) = access
            .with(|cx| -> Result<_> { Ok((cx.table().delete(request)?, cx.config.clone())) })??;
        let scheme = req.scheme.clone().map(Into::into);
        let route = match Route::of(&config, scheme.as_ref(), req.authority.clone()) {
            Ok(r) => r,
            Err(code) => return Ok(Err(code.into())),
        };
        let Route { authority, rt, tls } = route;
        let options = req.options.unwrap_or_default();
        let body = match req.body {
            Body::Guest {
                contents,
                trailers,
                sent,
            } => {
                let pipe = Pipe::new(BODY_BUFFER);
                let expected = content_length(&req.headers);
                send_from_guest(&access, contents, trailers, sent, pipe.clone(), expected)?;
                PipeBody::new(pipe)
            }
            // A request the guest got, handed on as it is.
            Body::Host(body) => body,
            Body::Taken => PipeBody::new(empty()),
        };
        let outgoing = OutgoingRequest {
            method: req.method,
            scheme,
            authority: Some(authority.clone()),
            path_with_query: req.path_with_query,
            headers: req.headers,
            body: None,
        };
        let http_req = match build(outgoing, body, &authority) {
            Ok(r) => r,
            Err(code) => return Ok(Err(code.into())),
        };
        // On the runtime, not in the store's poll: the exchange goes on
        // while the store runs its guests, and wakes this call when done.
        let outcome = rt
            .spawn(send(http_req, authority, tls, options))
            .await
            .map_err(|e| anyhow::anyhow!("the task sending the request failed: {e}"))?;
        match outcome {
            Ok(r) => {
                let pipe = r.body.clone().unwrap_or_else(empty);
                let response = Response {
                    status: http::StatusCode::from_u16(r.status)
                        .unwrap_or(http::StatusCode::BAD_GATEWAY),
                    headers: r.headers.clone(),
                    body: Body::Host(PipeBody::new(pipe)),
                };
                Ok(Ok(access.with(|cx| cx.table().push(response))?))
            }
            Err(code) => Ok(Err(code.into())),
        }
    }
}
