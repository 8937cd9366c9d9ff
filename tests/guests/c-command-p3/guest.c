// A WASI 0.3 command in C, on wit-bindgen's 0.3 bindings: its `run` is
// lifted synchronously and waits on waitable sets; every import that the
// WIT declares `async` is lowered async (a subtask), and stdio, files and
// sockets move through streams. `args[1]` picks what it does:
//
//   hello            print its arguments and $GREETING
//   cat              copy stdin to stdout
//   files            write, read back and list files in the first preopen,
//                    then try to leave it three ways
//   sleep            wait 20 ms on the monotonic clock
//   random           ask for 32 secure random bytes
//   tcp PORT         send "ping" to 127.0.0.1:PORT and print the reply
//   listen PORT      accept one connection on 127.0.0.1:PORT, echo a line
//   udp PORT         send "ping" to 127.0.0.1:PORT over UDP, print the reply
//   lookup NAME      resolve NAME, print whether 127.0.0.1 is among its
//                    addresses
//   exit N           exit with status N
//   spam N           write N KiB to stdout in 4 KiB writes
#include <stdlib.h>
#include <string.h>

#include "guest.h"

static guest_waitable_set_t ws;

// Waits for the next event of `waitable` (alone in the set meanwhile).
static void wait_one(uint32_t waitable, guest_event_t *ev) {
  guest_waitable_join(waitable, ws);
  guest_waitable_set_wait(ws, ev);
  guest_waitable_join(waitable, 0);
}

// Waits until an async-lowered call has returned.
static void await_call(guest_subtask_status_t st) {
  if (GUEST_SUBTASK_STATE(st) == GUEST_SUBTASK_RETURNED) return;
  guest_subtask_t task = GUEST_SUBTASK_HANDLE(st);
  guest_event_t ev;
  do {
    wait_one(task, &ev);
  } while (ev.code != GUEST_SUBTASK_RETURNED);
  guest_subtask_drop(task);
}

// The status of a stream or future operation, once it is done.
static guest_waitable_status_t settle(uint32_t end, guest_waitable_status_t st) {
  if (st != GUEST_WAITABLE_STATUS_BLOCKED) return st;
  guest_event_t ev;
  wait_one(end, &ev);
  return ev.code;
}

// Writes all of `buf` to a byte stream of one interface `P`.
#define WRITE_ALL(P, writer, buf, len)                                        \
  do {                                                                        \
    const uint8_t *p_ = (const uint8_t *)(buf);                               \
    size_t n_ = (len);                                                        \
    while (n_ > 0) {                                                          \
      guest_waitable_status_t st_ =                                           \
          settle(writer, P##_stream_u8_write(writer, p_, n_));                \
      p_ += GUEST_WAITABLE_COUNT(st_);                                        \
      n_ -= GUEST_WAITABLE_COUNT(st_);                                        \
      if (GUEST_WAITABLE_STATE(st_) == GUEST_WAITABLE_DROPPED) break;         \
    }                                                                         \
  } while (0)

// stdout: one stream for the whole run, closed before `run` returns.
static wasi_cli_stdin_stream_u8_writer_t out_w;
static wasi_cli_stdout_future_result_void_error_code_t out_done;

static void out_open(void) {
  wasi_cli_stdin_stream_u8_t r = wasi_cli_stdin_stream_u8_new(&out_w);
  out_done = wasi_cli_stdout_write_via_stream(r);
}

static void out(const char *s, size_t len) { WRITE_ALL(wasi_cli_stdin, out_w, s, len); }
static void puts_(const char *s) { out(s, strlen(s)); }
static void put_str(guest_string_t s) { out((const char *)s.ptr, s.len); }

static void put_u64(uint64_t v) {
  char buf[24];
  int i = sizeof buf;
  do {
    buf[--i] = '0' + v % 10;
    v /= 10;
  } while (v);
  out(buf + i, sizeof buf - i);
}

// Closes stdout and waits until the host has written all of it.
static void out_close(void) {
  wasi_cli_stdin_stream_u8_drop_writable(out_w);
  wasi_cli_stdout_result_void_error_code_t r;
  settle(out_done, wasi_cli_stdout_future_result_void_error_code_read(out_done, &r));
  wasi_cli_stdout_future_result_void_error_code_drop_readable(out_done);
}

static bool eq(guest_string_t s, const char *c) {
  return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static uint64_t num(guest_string_t s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.len; i++) v = v * 10 + (s.ptr[i] - '0');
  return v;
}

static void hello(guest_list_string_t *args) {
  puts_("hello from a WASI 0.3 C command\nargs:");
  for (size_t i = 0; i < args->len; i++) {
    puts_(" ");
    put_str(args->ptr[i]);
  }
  puts_("\n");
  guest_list_tuple2_string_string_t env;
  wasi_cli_environment_get_environment(&env);
  for (size_t i = 0; i < env.len; i++) {
    if (eq(env.ptr[i].f0, "GREETING")) {
      puts_("GREETING=");
      put_str(env.ptr[i].f1);
      puts_("\n");
    }
  }
  guest_list_tuple2_string_string_free(&env);
}

static void cat(void) {
  wasi_cli_stdin_tuple2_stream_u8_future_result_void_error_code_t in;
  wasi_cli_stdin_read_via_stream(&in);
  static uint8_t buf[16384];
  for (;;) {
    guest_waitable_status_t st =
        settle(in.f0, wasi_cli_stdin_stream_u8_read(in.f0, buf, sizeof buf));
    out((const char *)buf, GUEST_WAITABLE_COUNT(st));
    if (GUEST_WAITABLE_STATE(st) == GUEST_WAITABLE_DROPPED) break;
  }
  wasi_cli_stdin_stream_u8_drop_readable(in.f0);
  wasi_cli_stdin_result_void_error_code_t r;
  settle(in.f1, wasi_cli_stdin_future_result_void_error_code_read(in.f1, &r));
  wasi_cli_stdin_future_result_void_error_code_drop_readable(in.f1);
  if (r.is_err) puts_("stdin failed\n");
}

typedef wasi_filesystem_types_borrow_descriptor_t dir_t;

static const char *fs_code(wasi_filesystem_types_error_code_t *e) {
  switch (e->tag) {
    case WASI_FILESYSTEM_TYPES_ERROR_CODE_NOT_PERMITTED: return "not-permitted";
    case WASI_FILESYSTEM_TYPES_ERROR_CODE_NO_ENTRY: return "no-entry";
    case WASI_FILESYSTEM_TYPES_ERROR_CODE_ACCESS: return "access";
    default: return "other";
  }
}

// Opens `path` in `dir`: the descriptor, or a negative handle and the
// error's name in `why`.
static int32_t open_at(dir_t dir, const char *path, uint32_t open_flags,
                       uint32_t flags, const char **why) {
  wasi_filesystem_types_method_descriptor_open_at_args_t a = {
      .self = dir,
      .path_flags = 0,
      .path = {(uint8_t *)path, strlen(path)},
      .open_flags = open_flags,
      .flags = flags,
  };
  wasi_filesystem_types_result_own_descriptor_error_code_t r;
  await_call(wasi_filesystem_types_method_descriptor_open_at(&a, &r));
  if (r.is_err) {
    *why = fs_code(&r.val.err);
    wasi_filesystem_types_error_code_free(&r.val.err);
    return -1;
  }
  return r.val.ok.__handle;
}

static void files(void) {
  wasi_filesystem_preopens_list_tuple2_own_descriptor_string_t pre;
  wasi_filesystem_preopens_get_directories(&pre);
  if (pre.len == 0) {
    puts_("no preopens\n");
    return;
  }
  dir_t dir = wasi_filesystem_types_borrow_descriptor(pre.ptr[0].f0);
  puts_("preopen: ");
  put_str(pre.ptr[0].f1);
  puts_("\n");

  const char *why = "";
  int32_t f = open_at(dir, "note.txt", WASI_FILESYSTEM_TYPES_OPEN_FLAGS_CREATE,
                      WASI_FILESYSTEM_TYPES_DESCRIPTOR_FLAGS_READ |
                          WASI_FILESYSTEM_TYPES_DESCRIPTOR_FLAGS_WRITE,
                      &why);
  if (f < 0) {
    puts_("create note.txt: ");
    puts_(why);
    puts_("\n");
  } else {
    dir_t file = {f};
    const char text[] = "written by a WASI 0.3 guest\n";
    wasi_filesystem_types_stream_u8_writer_t w;
    wasi_filesystem_types_stream_u8_t r = wasi_filesystem_types_stream_u8_new(&w);
    wasi_filesystem_types_future_result_void_error_code_t done =
        wasi_filesystem_types_method_descriptor_write_via_stream(file, r, 0);
    WRITE_ALL(wasi_filesystem_types, w, text, sizeof text - 1);
    wasi_filesystem_types_stream_u8_drop_writable(w);
    wasi_filesystem_types_result_void_error_code_t res;
    settle(done, wasi_filesystem_types_future_result_void_error_code_read(done, &res));
    wasi_filesystem_types_future_result_void_error_code_drop_readable(done);
    puts_(res.is_err ? "write: failed\n" : "write: ok\n");

    wasi_filesystem_types_tuple2_stream_u8_future_result_void_error_code_t rd;
    wasi_filesystem_types_method_descriptor_read_via_stream(file, 0, &rd);
    static uint8_t buf[256];
    puts_("read back: ");
    for (;;) {
      guest_waitable_status_t st = settle(
          rd.f0, wasi_filesystem_types_stream_u8_read(rd.f0, buf, sizeof buf));
      out((const char *)buf, GUEST_WAITABLE_COUNT(st));
      if (GUEST_WAITABLE_STATE(st) == GUEST_WAITABLE_DROPPED) break;
    }
    wasi_filesystem_types_stream_u8_drop_readable(rd.f0);
    settle(rd.f1, wasi_filesystem_types_future_result_void_error_code_read(rd.f1, &res));
    wasi_filesystem_types_future_result_void_error_code_drop_readable(rd.f1);
    wasi_filesystem_types_descriptor_drop_own((wasi_filesystem_types_own_descriptor_t){f});
  }

  // The listing, in the order the host gives (the test sorts it).
  wasi_filesystem_types_tuple2_stream_directory_entry_future_result_void_error_code_t ls;
  wasi_filesystem_types_method_descriptor_read_directory(dir, &ls);
  for (;;) {
    wasi_filesystem_types_directory_entry_t e;
    guest_waitable_status_t st =
        settle(ls.f0, wasi_filesystem_types_stream_directory_entry_read(ls.f0, &e, 1));
    if (GUEST_WAITABLE_COUNT(st) == 1) {
      puts_("entry: ");
      put_str(e.name);
      puts_("\n");
      wasi_filesystem_types_directory_entry_free(&e);
    }
    if (GUEST_WAITABLE_STATE(st) == GUEST_WAITABLE_DROPPED) break;
  }
  wasi_filesystem_types_stream_directory_entry_drop_readable(ls.f0);
  wasi_filesystem_types_result_void_error_code_t lr;
  settle(ls.f1, wasi_filesystem_types_future_result_void_error_code_read(ls.f1, &lr));
  wasi_filesystem_types_future_result_void_error_code_drop_readable(ls.f1);

  // Three ways out of the preopen; each must be refused.
  const char *escapes[] = {"../outside.txt", "/etc/hostname", "link-out/hostname"};
  for (int i = 0; i < 3; i++) {
    int32_t h = open_at(dir, escapes[i], 0, WASI_FILESYSTEM_TYPES_DESCRIPTOR_FLAGS_READ, &why);
    puts_("open ");
    puts_(escapes[i]);
    puts_(": ");
    if (h >= 0) {
      puts_("OPENED\n");
      wasi_filesystem_types_descriptor_drop_own((wasi_filesystem_types_own_descriptor_t){h});
    } else {
      puts_(why);
      puts_("\n");
    }
  }
  wasi_filesystem_preopens_list_tuple2_own_descriptor_string_free(&pre);
}

static void sleep_(void) {
  uint64_t t0 = wasi_clocks_monotonic_clock_now();
  await_call(wasi_clocks_monotonic_clock_wait_for(20 * 1000 * 1000));
  uint64_t t1 = wasi_clocks_monotonic_clock_now();
  puts_(t1 - t0 >= 20 * 1000 * 1000 ? "slept 20 ms\n" : "woke early\n");
}

static void random_(void) {
  guest_list_u8_t bytes;
  wasi_random_random_get_random_bytes(32, &bytes);
  puts_("random bytes: ");
  put_u64(bytes.len);
  puts_("\n");
  guest_list_u8_free(&bytes);
}

static void tcp(uint16_t port) {
  wasi_sockets_types_own_tcp_socket_t sock;
  wasi_sockets_types_error_code_t err;
  if (!wasi_sockets_types_static_tcp_socket_create(WASI_SOCKETS_TYPES_IP_ADDRESS_FAMILY_IPV4,
                                                   &sock, &err)) {
    puts_("create: refused\n");
    wasi_sockets_types_error_code_free(&err);
    return;
  }
  wasi_sockets_types_borrow_tcp_socket_t s = wasi_sockets_types_borrow_tcp_socket(sock);
  wasi_sockets_types_method_tcp_socket_connect_args_t a = {.self = s};
  a.remote_address.tag = WASI_SOCKETS_TYPES_IP_SOCKET_ADDRESS_IPV4;
  a.remote_address.val.ipv4.port = port;
  a.remote_address.val.ipv4.address = (wasi_sockets_types_ipv4_address_t){127, 0, 0, 1};
  wasi_sockets_types_result_void_error_code_t cr;
  await_call(wasi_sockets_types_method_tcp_socket_connect(&a, &cr));
  if (cr.is_err) {
    puts_("connect: failed\n");
    wasi_sockets_types_error_code_free(&cr.val.err);
    wasi_sockets_types_tcp_socket_drop_own(sock);
    return;
  }
  puts_("connected\n");

  wasi_sockets_types_stream_u8_writer_t w;
  wasi_sockets_types_stream_u8_t r = wasi_sockets_types_stream_u8_new(&w);
  wasi_sockets_types_future_result_void_error_code_t sent =
      wasi_sockets_types_method_tcp_socket_send(s, r);
  wasi_sockets_types_tuple2_stream_u8_future_result_void_error_code_t in;
  wasi_sockets_types_method_tcp_socket_receive(s, &in);
  WRITE_ALL(wasi_sockets_types, w, "ping\n", 5);
  wasi_sockets_types_stream_u8_drop_writable(w);
  wasi_sockets_types_result_void_error_code_t res;
  settle(sent, wasi_sockets_types_future_result_void_error_code_read(sent, &res));
  wasi_sockets_types_future_result_void_error_code_drop_readable(sent);
  puts_(res.is_err ? "send: failed\n" : "sent\n");

  static uint8_t buf[1024];
  puts_("reply: ");
  for (;;) {
    guest_waitable_status_t st =
        settle(in.f0, wasi_sockets_types_stream_u8_read(in.f0, buf, sizeof buf));
    out((const char *)buf, GUEST_WAITABLE_COUNT(st));
    if (GUEST_WAITABLE_STATE(st) == GUEST_WAITABLE_DROPPED) break;
  }
  wasi_sockets_types_stream_u8_drop_readable(in.f0);
  settle(in.f1, wasi_sockets_types_future_result_void_error_code_read(in.f1, &res));
  wasi_sockets_types_future_result_void_error_code_drop_readable(in.f1);
  puts_(res.is_err ? "receive: failed\n" : "receive: ok\n");
  wasi_sockets_types_tcp_socket_drop_own(sock);
}

static wasi_sockets_types_ip_socket_address_t loopback(uint16_t port) {
  wasi_sockets_types_ip_socket_address_t a;
  a.tag = WASI_SOCKETS_TYPES_IP_SOCKET_ADDRESS_IPV4;
  a.val.ipv4.port = port;
  a.val.ipv4.address = (wasi_sockets_types_ipv4_address_t){127, 0, 0, 1};
  return a;
}

// Takes one connection from `listen`'s stream, reads what the peer sends
// until it shuts down its side, and sends it back after "echo: ".
static void listen_(uint16_t port) {
  wasi_sockets_types_own_tcp_socket_t sock;
  wasi_sockets_types_error_code_t err;
  if (!wasi_sockets_types_static_tcp_socket_create(WASI_SOCKETS_TYPES_IP_ADDRESS_FAMILY_IPV4,
                                                   &sock, &err)) {
    puts_("create: refused\n");
    wasi_sockets_types_error_code_free(&err);
    return;
  }
  wasi_sockets_types_borrow_tcp_socket_t s = wasi_sockets_types_borrow_tcp_socket(sock);
  wasi_sockets_types_ip_socket_address_t at = loopback(port);
  wasi_sockets_types_stream_own_tcp_socket_t conns;
  if (!wasi_sockets_types_method_tcp_socket_bind(s, &at, &err) ||
      !wasi_sockets_types_method_tcp_socket_listen(s, &conns, &err)) {
    puts_("listen: failed\n");
    wasi_sockets_types_error_code_free(&err);
    wasi_sockets_types_tcp_socket_drop_own(sock);
    return;
  }
  puts_("listening\n");
  wasi_sockets_types_own_tcp_socket_t conn;
  guest_waitable_status_t st =
      settle(conns, wasi_sockets_types_stream_own_tcp_socket_read(conns, &conn, 1));
  wasi_sockets_types_stream_own_tcp_socket_drop_readable(conns);
  if (GUEST_WAITABLE_COUNT(st) != 1) {
    puts_("accept: none\n");
    wasi_sockets_types_tcp_socket_drop_own(sock);
    return;
  }
  puts_("accepted\n");
  wasi_sockets_types_borrow_tcp_socket_t c = wasi_sockets_types_borrow_tcp_socket(conn);
  wasi_sockets_types_tuple2_stream_u8_future_result_void_error_code_t in;
  wasi_sockets_types_method_tcp_socket_receive(c, &in);
  static uint8_t buf[1024];
  size_t len = 0;
  for (;;) {
    st = settle(in.f0, wasi_sockets_types_stream_u8_read(in.f0, buf + len, sizeof buf - len));
    len += GUEST_WAITABLE_COUNT(st);
    if (GUEST_WAITABLE_STATE(st) == GUEST_WAITABLE_DROPPED || len == sizeof buf) break;
  }
  wasi_sockets_types_stream_u8_drop_readable(in.f0);
  wasi_sockets_types_result_void_error_code_t res;
  settle(in.f1, wasi_sockets_types_future_result_void_error_code_read(in.f1, &res));
  wasi_sockets_types_future_result_void_error_code_drop_readable(in.f1);
  puts_("received: ");
  out((const char *)buf, len);

  wasi_sockets_types_stream_u8_writer_t w;
  wasi_sockets_types_stream_u8_t r = wasi_sockets_types_stream_u8_new(&w);
  wasi_sockets_types_future_result_void_error_code_t sent =
      wasi_sockets_types_method_tcp_socket_send(c, r);
  WRITE_ALL(wasi_sockets_types, w, "echo: ", 6);
  WRITE_ALL(wasi_sockets_types, w, buf, len);
  wasi_sockets_types_stream_u8_drop_writable(w);
  settle(sent, wasi_sockets_types_future_result_void_error_code_read(sent, &res));
  wasi_sockets_types_future_result_void_error_code_drop_readable(sent);
  puts_(res.is_err ? "echo: failed\n" : "echoed\n");
  wasi_sockets_types_tcp_socket_drop_own(conn);
  wasi_sockets_types_tcp_socket_drop_own(sock);
}

static void udp(uint16_t port) {
  wasi_sockets_types_own_udp_socket_t sock;
  wasi_sockets_types_error_code_t err;
  if (!wasi_sockets_types_static_udp_socket_create(WASI_SOCKETS_TYPES_IP_ADDRESS_FAMILY_IPV4,
                                                   &sock, &err)) {
    puts_("create: refused\n");
    wasi_sockets_types_error_code_free(&err);
    return;
  }
  wasi_sockets_types_borrow_udp_socket_t s = wasi_sockets_types_borrow_udp_socket(sock);
  wasi_sockets_types_method_udp_socket_send_args_t a = {.self = s};
  a.data = (guest_list_u8_t){(uint8_t *)"ping", 4};
  a.remote_address.is_some = true;
  a.remote_address.val = loopback(port);
  wasi_sockets_types_result_void_error_code_t sr;
  await_call(wasi_sockets_types_method_udp_socket_send(&a, &sr));
  if (sr.is_err) {
    puts_("udp send: failed\n");
    wasi_sockets_types_error_code_free(&sr.val.err);
    wasi_sockets_types_udp_socket_drop_own(sock);
    return;
  }
  wasi_sockets_types_result_tuple2_list_u8_ip_socket_address_error_code_t rr;
  await_call(wasi_sockets_types_method_udp_socket_receive(s, &rr));
  if (rr.is_err) {
    puts_("udp receive: failed\n");
  } else {
    puts_("udp reply: ");
    out((const char *)rr.val.ok.f0.ptr, rr.val.ok.f0.len);
    puts_(rr.val.ok.f1.val.ipv4.port == port ? " (from the port sent to)\n" : " (elsewhere)\n");
  }
  wasi_sockets_types_result_tuple2_list_u8_ip_socket_address_error_code_free(&rr);
  wasi_sockets_types_udp_socket_drop_own(sock);
}

static void lookup(guest_string_t name) {
  wasi_sockets_ip_name_lookup_result_list_ip_address_error_code_t r;
  await_call(wasi_sockets_ip_name_lookup_resolve_addresses(name, &r));
  if (r.is_err) {
    puts_("lookup: failed\n");
    wasi_sockets_ip_name_lookup_result_list_ip_address_error_code_free(&r);
    return;
  }
  bool found = false;
  for (size_t i = 0; i < r.val.ok.len; i++) {
    wasi_sockets_types_ip_address_t *a = &r.val.ok.ptr[i];
    if (a->tag == WASI_SOCKETS_TYPES_IP_ADDRESS_IPV4 && a->val.ipv4.f0 == 127 &&
        a->val.ipv4.f1 == 0 && a->val.ipv4.f2 == 0 && a->val.ipv4.f3 == 1)
      found = true;
  }
  puts_(found ? "resolves to 127.0.0.1\n" : "does not resolve to 127.0.0.1\n");
  wasi_sockets_ip_name_lookup_result_list_ip_address_error_code_free(&r);
}

static void spam(uint64_t kib) {
  static char block[4096];
  memset(block, 'x', sizeof block);
  for (uint64_t i = 0; i < kib / 4; i++) out(block, sizeof block);
}

bool exports_wasi_cli_run_run(void) {
  ws = guest_waitable_set_new();
  out_open();
  guest_list_string_t args;
  wasi_cli_environment_get_arguments(&args);
  guest_string_t mode = args.len > 1 ? args.ptr[1] : (guest_string_t){(uint8_t *)"hello", 5};
  bool ok = true;
  if (eq(mode, "hello")) hello(&args);
  else if (eq(mode, "cat")) cat();
  else if (eq(mode, "files")) files();
  else if (eq(mode, "sleep")) sleep_();
  else if (eq(mode, "random")) random_();
  else if (eq(mode, "tcp") && args.len > 2) tcp((uint16_t)num(args.ptr[2]));
  else if (eq(mode, "spam") && args.len > 2) spam(num(args.ptr[2]));
  else if (eq(mode, "listen") && args.len > 2) listen_((uint16_t)num(args.ptr[2]));
  else if (eq(mode, "udp") && args.len > 2) udp((uint16_t)num(args.ptr[2]));
  else if (eq(mode, "lookup") && args.len > 2) lookup(args.ptr[2]);
  else if (eq(mode, "exit") && args.len > 2) {
    uint8_t code = (uint8_t)num(args.ptr[2]);
    puts_("exiting\n");
    out_close();
    wasi_cli_exit_exit_with_code(code);
  } else {
    puts_("unknown mode\n");
    ok = false;
  }
  guest_list_string_free(&args);
  out_close();
  guest_waitable_set_drop(ws);
  return ok;
}
