//! The bindings `bindgen!` generates from the vendored wasi:http 0.3.0
//! WIT: the `wasi:http/service` world, whose `wasi:clocks`, `wasi:random`
//! and `wasi:cli` imports are hostbind-wasi's 0.3 ones, and whose HTTP
//! resources stand for this crate's own types. The functions that make
//! or take streams and futures are async methods: they reach the store
//! to make their ends.

hostbind::bindgen!({
    path: "wit-0.3",
    world: "host",
    trappable: true,
    async_imports: [
        "wasi:http/types@0.3.0#[static]request.new",
        "wasi:http/types@0.3.0#[static]request.consume-body",
        "wasi:http/types@0.3.0#[static]response.new",
        "wasi:http/types@0.3.0#[static]response.consume-body",
    ],
    with: {
        "wasi:clocks": hostbind_wasi::p3::bindings::wasi::clocks,
        "wasi:random": hostbind_wasi::p3::bindings::wasi::random,
        "wasi:cli": hostbind_wasi::p3::bindings::wasi::cli,
        "wasi:http/types/fields": crate::fields::Fields,
        "wasi:http/types/request": crate::p3::Request,
        "wasi:http/types/response": crate::p3::Response,
        "wasi:http/types/request-options": crate::p3::RequestOptions,
    },
});
