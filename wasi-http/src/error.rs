//! wasi:http's `error-code`: carried inside a `std::io::Error` through
//! `wasi:io` streams, made from hyper's and the network's errors, and told
//! to people in words.

use crate::bindings::wasi::http::types::ErrorCode;

/// An `error-code` as a Rust error, so that it can travel inside an
/// `std::io::Error` (a body stream's failure) and out of hyper bodies.
#[derive(Debug, Clone)]
pub struct HttpError(pub ErrorCode);

impl core::fmt::Display for HttpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0 {
            ErrorCode::InternalError(Some(m)) => write!(f, "internal error: {m}"),
            ErrorCode::HTTPRequestBodySize(Some(n)) => {
                write!(f, "the request body is larger than allowed ({n} bytes)")
            }
            ErrorCode::HTTPResponseBodySize(Some(n)) => {
                write!(
                    f,
                    "the response body's length differs from its content-length ({n} bytes)"
                )
            }
            ErrorCode::HTTPRequestDenied => {
                f.write_str("the request was denied: its host is not one the embedder allows")
            }
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for HttpError {}

/// The error a stream fails with when its body failed with `code`.
pub(crate) fn io_error(code: ErrorCode) -> std::io::Error {
    std::io::Error::other(HttpError(code))
}

/// The `error-code` inside an I/O error, if one of ours carried it.
pub(crate) fn code_of(e: &std::io::Error) -> Option<ErrorCode> {
    e.get_ref()?
        .downcast_ref::<HttpError>()
        .map(|h| h.0.clone())
}

/// What a failure of hyper's means in wasi:http's words.
pub(crate) fn from_hyper(e: &hyper::Error) -> ErrorCode {
    if e.is_timeout() {
        ErrorCode::HTTPResponseTimeout
    } else if e.is_incomplete_message() {
        ErrorCode::HTTPResponseIncomplete
    } else if e.is_closed() || e.is_canceled() {
        ErrorCode::ConnectionTerminated
    } else if e.is_parse() || e.is_parse_status() {
        ErrorCode::HTTPProtocolError
    } else {
        ErrorCode::InternalError(Some(e.to_string()))
    }
}

/// What a failed connect means.
pub(crate) fn from_connect(e: &std::io::Error) -> ErrorCode {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => ErrorCode::ConnectionRefused,
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            ErrorCode::ConnectionTerminated
        }
        K::TimedOut => ErrorCode::ConnectionTimeout,
        K::HostUnreachable | K::NetworkUnreachable => ErrorCode::DestinationUnavailable,
        K::AddrNotAvailable => ErrorCode::DestinationIPUnroutable,
        _ => ErrorCode::InternalError(Some(e.to_string())),
    }
}
