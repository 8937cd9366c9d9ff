//! Between the two versions' types: 0.3's `error-code`, `method`, `scheme`
//! and `header-error` have the cases of 0.2's, and the code that speaks to
//! hyper (the client, the server's error answers) is written once, in
//! 0.2's words.

use super::bindings::wasi::http::types as p3;
use crate::bindings::wasi::http::types as p2;

/// `From` both ways for two `error-code`s with the same cases: the unit
/// cases and those whose payload is the same Rust type are listed; the
/// payload records are rebuilt field by field.
macro_rules! codes {
    ($from:ident => $to:ident) => {
        impl From<$from::ErrorCode> for $to::ErrorCode {
            fn from(c: $from::ErrorCode) -> $to::ErrorCode {
                use $from::ErrorCode as F;
                use $to::ErrorCode as T;
                let size = |p: $from::FieldSizePayload| $to::FieldSizePayload {
                    field_name: p.field_name,
                    field_size: p.field_size,
                };
                codes!(@map c, F, T;
                    DNSTimeout, DestinationNotFound, DestinationUnavailable,
                    DestinationIPProhibited, DestinationIPUnroutable, ConnectionRefused,
                    ConnectionTerminated, ConnectionTimeout, ConnectionReadTimeout,
                    ConnectionWriteTimeout, ConnectionLimitReached, TLSProtocolError,
                    TLSCertificateError, HTTPRequestDenied, HTTPRequestLengthRequired,
                    HTTPRequestMethodInvalid, HTTPRequestURIInvalid, HTTPRequestURITooLong,
                    HTTPResponseIncomplete, HTTPResponseTimeout, HTTPUpgradeFailed,
                    HTTPProtocolError, LoopDetected, ConfigurationError;
                    HTTPRequestBodySize, HTTPRequestHeaderSectionSize,
                    HTTPRequestTrailerSectionSize, HTTPResponseHeaderSectionSize,
                    HTTPResponseBodySize, HTTPResponseTrailerSectionSize,
                    HTTPResponseTransferCoding, HTTPResponseContentCoding, InternalError;
                    F::DNSError(p) => T::DNSError($to::DNSErrorPayload {
                        rcode: p.rcode,
                        info_code: p.info_code,
                    }),
                    F::TLSAlertReceived(p) => T::TLSAlertReceived($to::TLSAlertReceivedPayload {
                        alert_id: p.alert_id,
                        alert_message: p.alert_message,
                    }),
                    F::HTTPRequestHeaderSize(p) => T::HTTPRequestHeaderSize(p.map(size)),
                    F::HTTPRequestTrailerSize(p) => T::HTTPRequestTrailerSize(size(p)),
                    F::HTTPResponseHeaderSize(p) => T::HTTPResponseHeaderSize(size(p)),
                    F::HTTPResponseTrailerSize(p) => T::HTTPResponseTrailerSize(size(p))
                )
            }
        }
    };
    (@map $v:expr, $F:ident, $T:ident; $($unit:ident),*; $($same:ident),*; $($pat:pat => $e:expr),*) => {
        match $v {
            $($F::$unit => $T::$unit,)*
            $($F::$same(x) => $T::$same(x),)*
            $($pat => $e,)*
        }
    };
}

codes!(p2 => p3);
codes!(p3 => p2);

impl From<p2::HeaderError> for p3::HeaderError {
    fn from(e: p2::HeaderError) -> p3::HeaderError {
        match e {
            p2::HeaderError::InvalidSyntax => p3::HeaderError::InvalidSyntax,
            p2::HeaderError::Forbidden => p3::HeaderError::Forbidden,
            p2::HeaderError::Immutable => p3::HeaderError::Immutable,
        }
    }
}

impl From<p2::Method> for p3::Method {
    fn from(m: p2::Method) -> p3::Method {
        use p2::Method as F;
        use p3::Method as T;
        match m {
            F::Get => T::Get,
            F::Head => T::Head,
            F::Post => T::Post,
            F::Put => T::Put,
            F::Delete => T::Delete,
            F::Connect => T::Connect,
            F::Options => T::Options,
            F::Trace => T::Trace,
            F::Patch => T::Patch,
            F::Other(s) => T::Other(s),
        }
    }
}

impl From<p3::Method> for p2::Method {
    fn from(m: p3::Method) -> p2::Method {
        use p2::Method as T;
        use p3::Method as F;
        match m {
            F::Get => T::Get,
            F::Head => T::Head,
            F::Post => T::Post,
            F::Put => T::Put,
            F::Delete => T::Delete,
            F::Connect => T::Connect,
            F::Options => T::Options,
            F::Trace => T::Trace,
            F::Patch => T::Patch,
            F::Other(s) => T::Other(s),
        }
    }
}

impl From<p2::Scheme> for p3::Scheme {
    fn from(s: p2::Scheme) -> p3::Scheme {
        match s {
            p2::Scheme::HTTP => p3::Scheme::HTTP,
            p2::Scheme::HTTPS => p3::Scheme::HTTPS,
            p2::Scheme::Other(o) => p3::Scheme::Other(o),
        }
    }
}

impl From<p3::Scheme> for p2::Scheme {
    fn from(s: p3::Scheme) -> p2::Scheme {
        match s {
            p3::Scheme::HTTP => p2::Scheme::HTTP,
            p3::Scheme::HTTPS => p2::Scheme::HTTPS,
            p3::Scheme::Other(o) => p2::Scheme::Other(o),
        }
    }
}
