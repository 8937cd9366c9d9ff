// A `wasi:http/proxy` handler in C (wit-bindgen's C generator): the lean
// guest of the load test and the benchmark, whose cost is the host's, not
// a language runtime's.
//
// - `GET /hello`: a plain text greeting;
// - `POST /echo`: the request body streamed back as it arrives;
// - `GET /trap`: traps (`abort`);
// - `GET /loop`: never returns;
// - anything else: a 404.

#include <stdlib.h>
#include <string.h>

#include "guest.h"

typedef wasi_http_types_own_response_outparam_t outparam_t;

static guest_string_t str(const char *s) {
  guest_string_t out = {(uint8_t *)s, strlen(s)};
  return out;
}

// A response with one `content-type` header and its body stream.
static wasi_io_streams_own_output_stream_t begin(outparam_t out, uint16_t status,
                                                 const char *type,
                                                 wasi_http_types_own_outgoing_body_t *body) {
  wasi_http_types_tuple2_field_name_field_value_t entry = {
      str("content-type"), {(uint8_t *)type, strlen(type)}};
  wasi_http_types_list_tuple2_field_name_field_value_t entries = {&entry, 1};
  wasi_http_types_own_fields_t headers;
  wasi_http_types_header_error_t herr;
  if (!wasi_http_types_static_fields_from_list(&entries, &headers, &herr)) abort();
  wasi_http_types_own_outgoing_response_t resp = wasi_http_types_constructor_outgoing_response(headers);
  wasi_http_types_borrow_outgoing_response_t r = wasi_http_types_borrow_outgoing_response(resp);
  if (!wasi_http_types_method_outgoing_response_set_status_code(r, status)) abort();
  if (!wasi_http_types_method_outgoing_response_body(r, body)) abort();
  wasi_io_streams_own_output_stream_t stream;
  if (!wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(*body), &stream)) abort();
  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = resp;
  wasi_http_types_static_response_outparam_set(out, &result);
  return stream;
}

static void write_all(wasi_io_streams_own_output_stream_t stream, const uint8_t *p, size_t len) {
  wasi_io_streams_borrow_output_stream_t s = wasi_io_streams_borrow_output_stream(stream);
  while (len > 0) {
    size_t n = len < 4096 ? len : 4096;
    guest_list_u8_t chunk = {(uint8_t *)p, n};
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(s, &chunk, &err)) abort();
    p += n;
    len -= n;
  }
}

static void end(wasi_io_streams_own_output_stream_t stream, wasi_http_types_own_outgoing_body_t body) {
  wasi_io_streams_output_stream_drop_own(stream);
  wasi_http_types_error_code_t err;
  if (!wasi_http_types_static_outgoing_body_finish(body, NULL, &err)) abort();
}

static void text(outparam_t out, uint16_t status, const char *body_text) {
  wasi_http_types_own_outgoing_body_t body;
  wasi_io_streams_own_output_stream_t stream = begin(out, status, "text/plain", &body);
  write_all(stream, (const uint8_t *)body_text, strlen(body_text));
  end(stream, body);
}

static void echo(wasi_http_types_own_incoming_request_t req, outparam_t out) {
  wasi_http_types_own_incoming_body_t in_body;
  if (!wasi_http_types_method_incoming_request_consume(wasi_http_types_borrow_incoming_request(req), &in_body)) abort();
  wasi_io_streams_own_input_stream_t in;
  if (!wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(in_body), &in)) abort();
  wasi_http_types_own_outgoing_body_t body;
  wasi_io_streams_own_output_stream_t stream = begin(out, 200, "application/octet-stream", &body);
  for (;;) {
    guest_list_u8_t chunk;
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_input_stream_blocking_read(wasi_io_streams_borrow_input_stream(in), 65536, &chunk, &err)) {
      if (err.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED) break;
      abort();
    }
    write_all(stream, chunk.ptr, chunk.len);
    guest_list_u8_free(&chunk);
  }
  wasi_io_streams_input_stream_drop_own(in);
  wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(in_body));
  end(stream, body);
}

void exports_wasi_http_incoming_handler_handle(wasi_http_types_own_incoming_request_t req, outparam_t out) {
  wasi_http_types_borrow_incoming_request_t r = wasi_http_types_borrow_incoming_request(req);
  wasi_http_types_method_t method;
  wasi_http_types_method_incoming_request_method(r, &method);
  guest_string_t path = {0};
  wasi_http_types_method_incoming_request_path_with_query(r, &path);
  if (method.tag == WASI_HTTP_TYPES_METHOD_GET && path.len == 6 && memcmp(path.ptr, "/hello", 6) == 0) {
    text(out, 200, "hello from c\n");
  } else if (method.tag == WASI_HTTP_TYPES_METHOD_POST && path.len == 5 && memcmp(path.ptr, "/echo", 5) == 0) {
    echo(req, out);
  } else if (path.len == 5 && memcmp(path.ptr, "/trap", 5) == 0) {
    abort();
  } else if (path.len == 5 && memcmp(path.ptr, "/loop", 5) == 0) {
    for (volatile int spin = 1; spin;) {
    }
  } else {
    text(out, 404, "not found\n");
  }
  guest_string_free(&path);
  wasi_http_types_method_free(&method);
  wasi_http_types_incoming_request_drop_own(req);
}
