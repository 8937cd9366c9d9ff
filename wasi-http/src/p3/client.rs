//! `wasi:http/client.send` of 0.3: the guest's request goes out through
//! the same HTTP/1 client and allow-list as 0.2's `outgoing-handler`; the
//! guest's task waits for the response without holding a thread.

use hostbind::{Access, Resource, Result};

use super::bindings::wasi::http::client;
use super::bindings::wasi::http::types::{ErrorCode, Scheme};
use super::body::{Body, empty, send_from_guest};
use super::message::{Request, Response};
use crate::WasiHttpCtx;
use crate::body::PipeBody;
use crate::client::{build, is_allowed, send};
use crate::message::{BODY_BUFFER, OutgoingRequest, content_length};
use crate::pipe::Pipe;

impl client::Host for WasiHttpCtx {
    async fn send(
        access: Access<Self>,
        request: Resource<Request>,
    ) -> Result<Result<Resource<Response>, ErrorCode>> {
        let (req, config) =
            access.with(|cx| -> Result<_> { Ok((cx.table().delete(request)?, cx.config.clone())) })??;
        let https = match &req.scheme {
            None | Some(Scheme::HTTP) => false,
            Some(Scheme::HTTPS) => true,
            Some(Scheme::Other(_)) => return Ok(Err(ErrorCode::HTTPProtocolError)),
        };
        let Some(authority) = req.authority.clone() else {
            return Ok(Err(ErrorCode::HTTPRequestURIInvalid));
        };
        if !is_allowed(&config.allowed_hosts, &authority, https) {
            return Ok(Err(ErrorCode::HTTPRequestDenied));
        }
        let Some(rt) = config
            .runtime
            .clone()
            .or_else(|| tokio::runtime::Handle::try_current().ok())
        else {
            return Ok(Err(ErrorCode::InternalError(Some(
                "outgoing requests need a tokio runtime, and the host gave none".into(),
            ))));
        };
        let tls = match https.then(|| config.tls()).transpose() {
            Ok(tls) => tls,
            Err(m) => return Ok(Err(ErrorCode::InternalError(Some(m)))),
        };
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
            scheme: req.scheme.map(Into::into),
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
