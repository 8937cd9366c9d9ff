//! The bindings `bindgen!` generates from the vendored wasi:http 0.2.12
//! WIT: the `wasi:http/proxy` world, whose `wasi:io`, `wasi:clocks`,
//! `wasi:random` and `wasi:cli` imports are hostbind-wasi's, and whose
//! HTTP resources stand for this crate's own types.

hostbind::bindgen!({
    path: "wit",
    world: "proxy",
    trappable: true,
    with: {
        "wasi:io": hostbind_wasi::bindings::wasi::io,
        "wasi:clocks": hostbind_wasi::bindings::wasi::clocks,
        "wasi:random": hostbind_wasi::bindings::wasi::random,
        "wasi:cli": hostbind_wasi::bindings::wasi::cli,
        "wasi:http/types/fields": crate::fields::Fields,
        "wasi:http/types/incoming-request": crate::message::IncomingRequest,
        "wasi:http/types/outgoing-request": crate::message::OutgoingRequest,
        "wasi:http/types/request-options": crate::message::RequestOptions,
        "wasi:http/types/response-outparam": crate::message::ResponseOutparam,
        "wasi:http/types/incoming-response": crate::message::IncomingResponse,
        "wasi:http/types/outgoing-response": crate::message::OutgoingResponse,
        "wasi:http/types/incoming-body": crate::body::IncomingBody,
        "wasi:http/types/outgoing-body": crate::body::OutgoingBody,
        "wasi:http/types/future-trailers": crate::body::FutureTrailers,
        "wasi:http/types/future-incoming-response": crate::client::FutureIncomingResponse,
    },
});
