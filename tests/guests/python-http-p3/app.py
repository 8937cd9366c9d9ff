"""A `wasi:http/service` handler of WASI 0.3 in Python (componentize-py):
an async `handle` that returns a response whose body a coroutine of the
same task goes on writing. The path picks what it does:

- `GET /hello`: a plain text greeting;
- `POST /echo`: the request body copied back as it arrives, with the
  byte count in a trailer;
- `GET /headers`: reads `x-greeting`, answers with `x-reply`, and reports
  the request's method, path, scheme and authority, and that the host
  refuses a forbidden header;
- `GET /fetch`: a GET of the URL in `x-upstream` through
  `wasi:http/client.send`, its status and body passed on;
- `POST /proxy`: the request, body and all, sent on to the URL in
  `x-upstream`, and the upstream's response handed back as it is (both
  bodies pass through the guest as streams it never reads);
- `GET /slow`: waits a second, or the milliseconds in `x-wait-ms`
  (`monotonic-clock.wait-for`), then greets;
- `GET /error`: returns an `error-code` instead of a response;
- `GET /trap`: raises, so the handler traps;
- `GET /late-trap`: answers, then raises while it writes the body;
- `GET /loop`: never returns;
- anything else: a 404."""

from typing import Optional
from urllib.parse import urlparse

import componentize_py_async_support
import wit_world
from componentize_py_types import Err, Ok, Result
from wit_world import exports
from wit_world.imports import client, monotonic_clock
from wit_world.imports.wasi_http_types import (
    ErrorCode,
    ErrorCode_HttpRequestDenied,
    ErrorCode_InternalError,
    Fields,
    HeaderError_Forbidden,
    Method_Get,
    Method_Post,
    Request,
    Response,
    Scheme_Http,
    Scheme_Https,
)


def no_trailers():
    """A future of trailers that is already `ok(none)`."""
    return wit_world.result_option_wasi_http_types_fields_wasi_http_types_error_code_future(
        lambda: Ok(None)
    )[1]


def body_done():
    """A future the host is told, once it asks, that we read a body fine."""
    return wit_world.result_unit_wasi_http_types_error_code_future(lambda: Ok(None))[1]


def respond(status: int, headers, body: bytes) -> Response:
    """A response whose body a coroutine writes after `handle` returns."""
    tx, rx = wit_world.byte_stream()

    async def write() -> None:
        with tx:
            await tx.write_all(body)

    componentize_py_async_support.spawn(write())
    response, _sent = Response.new(Fields.from_list(headers), rx, no_trailers())
    response.set_status_code(status)
    return response


def echo(request: Request) -> Response:
    kept = [(k, v) for k, v in request.get_headers().copy_all() if k == "content-type"]
    # HTTP/1.1 sends only the trailers a response announces.
    kept.append(("trailer", b"x-echo-bytes"))
    data, _trailers = Request.consume_body(request, body_done())
    tx, rx = wit_world.byte_stream()
    trailers_tx, trailers_rx = (
        wit_world.result_option_wasi_http_types_fields_wasi_http_types_error_code_future(
            lambda: Ok(None)
        )
    )

    async def copy() -> None:
        total = 0
        with data, tx:
            while not data.writer_dropped:
                chunk = await data.read(65536)
                total += len(chunk)
                await tx.write_all(chunk)
        with trailers_tx:
            await trailers_tx.write(Ok(Fields.from_list([("x-echo-bytes", str(total).encode())])))

    componentize_py_async_support.spawn(copy())
    return Response.new(Fields.from_list(kept), rx, trailers_rx)[0]


def headers(request: Request) -> Response:
    fields = request.get_headers()
    greeting = b"".join(fields.get("x-greeting"))
    scheme = request.get_scheme()
    scheme_name = (
        "http" if isinstance(scheme, Scheme_Http)
        else "https" if isinstance(scheme, Scheme_Https)
        else repr(scheme)
    )
    probe = Fields()
    try:
        probe.set("connection", [b"close"])
        forbidden = "accepted"
    except Err as e:
        forbidden = "forbidden" if isinstance(e.value, HeaderError_Forbidden) else repr(e.value)
    lines = [
        f"method: {type(request.get_method()).__name__}",
        f"path: {request.get_path_with_query()}",
        f"scheme: {scheme_name}",
        f"authority: {request.get_authority()}",
        f"greeting: {greeting.decode()}",
        f"connection header: {forbidden}",
    ]
    return respond(
        200,
        [("content-type", b"text/plain"), ("x-reply", greeting + b" back")],
        ("\n".join(lines) + "\n").encode(),
    )


async def fetch(request: Request) -> Response:
    url = urlparse(b"".join(request.get_headers().get("x-upstream")).decode())
    outgoing, _sent = Request.new(
        Fields.from_list([("x-from", b"python-http-p3")]), None, no_trailers(), None
    )
    outgoing.set_scheme(Scheme_Https() if url.scheme == "https" else Scheme_Http())
    outgoing.set_authority(url.netloc)
    outgoing.set_path_with_query(url.path or "/")
    try:
        upstream = await client.send(outgoing)
    except Err as e:
        denied = isinstance(e.value, ErrorCode_HttpRequestDenied)
        return respond(502, [], f"refused: {'denied' if denied else repr(e.value)}\n".encode())
    status = upstream.get_status_code()
    data, _trailers = Response.consume_body(upstream, body_done())
    got = bytearray()
    with data:
        while not data.writer_dropped:
            got += await data.read(65536)
    return respond(
        200,
        [("content-type", b"text/plain")],
        f"upstream status {status}\n".encode() + bytes(got),
    )


async def proxy(request: Request) -> Response:
    url = urlparse(b"".join(request.get_headers().get("x-upstream")).decode())
    kept = [(k, v) for k, v in request.get_headers().copy_all() if k == "content-type"]
    method = request.get_method()
    data, trailers = Request.consume_body(request, body_done())
    outgoing, _sent = Request.new(Fields.from_list(kept), data, trailers, None)
    outgoing.set_method(method)
    outgoing.set_scheme(Scheme_Http())
    outgoing.set_authority(url.netloc)
    outgoing.set_path_with_query(url.path or "/")
    try:
        return await client.send(outgoing)
    except Err as e:
        return respond(502, [], f"failed: {e.value!r}\n".encode())


def late_trap() -> Response:
    tx, rx = wit_world.byte_stream()

    async def write() -> None:
        await tx.write_all(b"the start of a body\n")
        raise RuntimeError("the guest was asked to trap after it answered")

    componentize_py_async_support.spawn(write())
    return Response.new(Fields.from_list([("content-type", b"text/plain")]), rx, no_trailers())[0]


class Handler(exports.Handler):
    async def handle(self, request: Request) -> Response:
        method = request.get_method()
        path = request.get_path_with_query() or "/"
        if isinstance(method, Method_Get) and path == "/hello":
            return respond(200, [("content-type", b"text/plain")], b"hello from python p3\n")
        if isinstance(method, Method_Post) and path == "/echo":
            return echo(request)
        if isinstance(method, Method_Get) and path == "/headers":
            return headers(request)
        if isinstance(method, Method_Get) and path == "/fetch":
            return await fetch(request)
        if isinstance(method, Method_Post) and path == "/proxy":
            return await proxy(request)
        if isinstance(method, Method_Get) and path == "/slow":
            wait = b"".join(request.get_headers().get("x-wait-ms")) or b"1000"
            await monotonic_clock.wait_for(int(wait) * 1_000_000)
            return respond(200, [("content-type", b"text/plain")], b"slow hello\n")
        if path == "/error":
            raise Err(ErrorCode_InternalError("the guest was asked for an error"))
        if path == "/late-trap":
            return late_trap()
        if path == "/trap":
            raise RuntimeError("the guest was asked to trap")
        if path == "/loop":
            while True:
                pass
        return respond(404, [("content-type", b"text/plain")], f"not found: {path}\n".encode())
