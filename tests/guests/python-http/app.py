"""A `wasi:http/proxy` handler of WASI 0.2 in Python (componentize-py),
written without asyncio: it blocks on WASI's streams and pollables. The
path picks what it does:

- `GET /hello`: a plain text greeting;
- `POST /echo`: the request body streamed back as it arrives, with the
  byte count in a trailer;
- `GET /headers`: reads `x-greeting`, answers with `x-reply`, and reports
  the request's method, path, scheme and authority, and that the host
  refuses a forbidden header;
- `GET /fetch`: a GET of the URL in `x-upstream` through
  `wasi:http/outgoing-handler`, its status and body passed on;
- `GET /slow`: waits a second (a WASI clock), then greets;
- `GET /trap`: raises, so the handler traps;
- `GET /loop`: never returns;
- anything else: a 404."""

from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.imports import outgoing_handler, poll, streams
from wit_world.imports.types import (
    ErrorCode_HttpRequestDenied,
    Fields,
    HeaderError_Forbidden,
    IncomingBody,
    IncomingRequest,
    Method_Get,
    Method_Post,
    OutgoingBody,
    OutgoingRequest,
    OutgoingResponse,
    ResponseOutparam,
    Scheme_Http,
    Scheme_Https,
)
from urllib.parse import urlparse
import time

# What `blocking-write-and-flush` takes at most.
CHUNK = 4096


def write_all(out: streams.OutputStream, data: bytes) -> None:
    for at in range(0, len(data), CHUNK):
        out.blocking_write_and_flush(data[at : at + CHUNK])


def respond(response_out, status: int, headers, body: bytes) -> None:
    response = OutgoingResponse(Fields.from_list(headers))
    response.set_status_code(status)
    outgoing = response.body()
    ResponseOutparam.set(response_out, Ok(response))
    with outgoing.write() as out:
        write_all(out, body)
    OutgoingBody.finish(outgoing, None)


def read_all(body: IncomingBody) -> bytes:
    data = bytearray()
    with body.stream() as stream:
        while True:
            try:
                data += stream.blocking_read(65536)
            except Err as e:
                if isinstance(e.value, streams.StreamError_Closed):
                    break
                raise
    IncomingBody.finish(body)
    return bytes(data)


def echo(request: IncomingRequest, response_out) -> None:
    kept = [(k, v) for k, v in request.headers().entries() if k == "content-type"]
    # HTTP/1.1 sends only the trailers a response announces.
    kept.append(("trailer", b"x-echo-bytes"))
    response = OutgoingResponse(Fields.from_list(kept))
    outgoing = response.body()
    ResponseOutparam.set(response_out, Ok(response))
    body = request.consume()
    total = 0
    with body.stream() as stream, outgoing.write() as out:
        while True:
            try:
                chunk = stream.blocking_read(65536)
            except Err as e:
                if isinstance(e.value, streams.StreamError_Closed):
                    break
                raise
            total += len(chunk)
            write_all(out, chunk)
    IncomingBody.finish(body)
    trailers = Fields.from_list([("x-echo-bytes", str(total).encode())])
    OutgoingBody.finish(outgoing, trailers)


def headers(request: IncomingRequest, response_out) -> None:
    fields = request.headers()
    greeting = b"".join(fields.get("x-greeting"))
    scheme = request.scheme()
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
        f"method: {type(request.method()).__name__}",
        f"path: {request.path_with_query()}",
        f"scheme: {scheme_name}",
        f"authority: {request.authority()}",
        f"greeting: {greeting.decode()}",
        f"connection header: {forbidden}",
    ]
    respond(
        response_out,
        200,
        [("content-type", b"text/plain"), ("x-reply", greeting + b" back")],
        ("\n".join(lines) + "\n").encode(),
    )


def fetch(request: IncomingRequest, response_out) -> None:
    url = urlparse(b"".join(request.headers().get("x-upstream")).decode())
    outgoing = OutgoingRequest(Fields.from_list([("x-from", b"python-http")]))
    outgoing.set_scheme(Scheme_Https() if url.scheme == "https" else Scheme_Http())
    outgoing.set_authority(url.netloc)
    outgoing.set_path_with_query(url.path or "/")
    try:
        future = outgoing_handler.handle(outgoing, None)
    except Err as e:
        denied = isinstance(e.value, ErrorCode_HttpRequestDenied)
        respond(response_out, 502, [], f"refused: {'denied' if denied else repr(e.value)}\n".encode())
        return
    with future.subscribe() as ready:
        ready.block()
    # Ready: `get` gives `ok(ok(response))` or `ok(err(error-code))`.
    outcome = future.get().value
    future.__exit__(None, None, None)
    if isinstance(outcome, Err):
        respond(response_out, 502, [], f"failed: {outcome.value!r}\n".encode())
        return
    response = outcome.value
    status = response.status()
    upstream = read_all(response.consume())
    response.__exit__(None, None, None)
    respond(
        response_out,
        200,
        [("content-type", b"text/plain")],
        f"upstream status {status}\n".encode() + upstream,
    )


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        method = request.method()
        path = request.path_with_query() or "/"
        if isinstance(method, Method_Get) and path == "/hello":
            respond(response_out, 200, [("content-type", b"text/plain")], b"hello from python\n")
        elif isinstance(method, Method_Post) and path == "/echo":
            echo(request, response_out)
        elif isinstance(method, Method_Get) and path == "/headers":
            headers(request, response_out)
        elif isinstance(method, Method_Get) and path == "/fetch":
            fetch(request, response_out)
        elif isinstance(method, Method_Get) and path == "/slow":
            time.sleep(1)
            respond(response_out, 200, [("content-type", b"text/plain")], b"slow hello\n")
        elif path == "/trap":
            raise RuntimeError("the guest was asked to trap")
        elif path == "/loop":
            while True:
                pass
        else:
            respond(response_out, 404, [("content-type", b"text/plain")], f"not found: {path}\n".encode())
