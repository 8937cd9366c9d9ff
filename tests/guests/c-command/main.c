// A WASI command in C: wasi-libc for stdio, files, the environment and
// the monotonic clock (through the preview-1 adapter), and wit-bindgen's
// bindings for its arguments, the wall clock, random numbers and the
// `wasi:cli/run` it exports. It is a reactor core module, so that
// wasm-ld does not rerun constructors around every export (`cabi_realloc`
// among them, which may not call imports).
//
//   c-command report   prints what it was given and what it read
//   c-command escape   tries to leave its preopened directory
//   c-command exit N   exits with status N
//   c-command spam N   writes N KiB to stdout in 4 KiB writes
//   c-command cat      copies stdin to stdout
//   c-command list     lists /data
//   c-command tcp PORT sends a line to 127.0.0.1:PORT and prints the reply
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int report(int argc, char **argv) {
  printf("args:");
  for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
  const char *greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");

  FILE *f = fopen("/data/input.txt", "r");
  if (!f) {
    fprintf(stderr, "cannot open /data/input.txt: %s\n", strerror(errno));
    return 2;
  }
  char line[256];
  int lines = 0;
  long bytes = 0;
  while (fgets(line, sizeof line, f)) {
    lines++;
    bytes += (long)strlen(line);
    if (lines == 1) printf("first line: %s", line);
  }
  fclose(f);
  printf("input.txt: %d lines, %ld bytes\n", lines, bytes);

  FILE *out = fopen("/data/out.txt", "w");
  if (out) {
    fprintf(out, "%d lines\n", lines);
    fclose(out);
    printf("wrote out.txt\n");
  } else {
    printf("cannot write out.txt: %s\n", strerror(errno));
  }

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long d = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("monotonic clock: %s\n", d >= 0 ? "ok" : "went back");

  wasi_clocks_wall_clock_datetime_t now;
  wasi_clocks_wall_clock_now(&now);
  printf("wall clock: %s\n", now.seconds > 1700000000ULL ? "after 2023" : "wrong");

  guest_list_u8_t rnd;
  wasi_random_random_get_random_bytes(16, &rnd);
  int nonzero = 0;
  for (size_t i = 0; i < rnd.len; i++) nonzero |= rnd.ptr[i];
  printf("random: %zu bytes, %s\n", rnd.len, nonzero ? "not all zero" : "all zero");
  guest_list_u8_free(&rnd);

  fprintf(stderr, "report done\n");
  return 0;
}

static void try_open(const char *path) {
  FILE *f = fopen(path, "r");
  if (f) {
    printf("%s: OPENED\n", path);
    fclose(f);
  } else {
    printf("%s: refused (%s)\n", path, strerror(errno));
  }
}

static int escape(void) {
  try_open("/data/input.txt");
  try_open("/data/../secret.txt");
  try_open("/data/sub/../../secret.txt");
  try_open("/secret.txt");
  try_open("/data/link-out");
  try_open("/data/link-abs");
  try_open("/data/link-in");
  if (symlink("../secret.txt", "/data/made-link") == 0) {
    try_open("/data/made-link");
  } else {
    printf("symlink: refused (%s)\n", strerror(errno));
  }
  return 0;
}

static int spam(long kib) {
  static char buf[4096];
  memset(buf, 'x', sizeof buf);
  for (long i = 0; i < kib / 4; i++) {
    if (fwrite(buf, 1, sizeof buf, stdout) != sizeof buf) return 1;
  }
  fflush(stdout);
  return 0;
}

static int cat(void) {
  char buf[1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
  return ferror(stdin) ? 1 : 0;
}

static int list(void) {
  DIR *d = opendir("/data");
  if (!d) {
    printf("opendir: %s\n", strerror(errno));
    return 1;
  }
  struct dirent *e;
  char *names[64];
  int n = 0;
  while ((e = readdir(d)) && n < 64) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  for (int i = 0; i < n; i++) printf("%s\n", names[i]);
  return 0;
}

static const char *socket_error(wasi_sockets_network_error_code_t e) {
  switch (e) {
    case WASI_SOCKETS_NETWORK_ERROR_CODE_ACCESS_DENIED: return "access-denied";
    case WASI_SOCKETS_NETWORK_ERROR_CODE_CONNECTION_REFUSED: return "connection-refused";
    default: return "other";
  }
}

// TCP through wit-bindgen's bindings of `wasi:sockets`, waiting on each
// step with `wasi:io/poll`.
static int tcp(int port) {
  wasi_sockets_tcp_create_socket_own_tcp_socket_t sock;
  wasi_sockets_network_error_code_t err;
  if (!wasi_sockets_tcp_create_socket_create_tcp_socket(WASI_SOCKETS_NETWORK_IP_ADDRESS_FAMILY_IPV4, &sock, &err)) {
    printf("create-tcp-socket: %s\n", socket_error(err));
    return 0;
  }
  wasi_sockets_tcp_borrow_tcp_socket_t s = wasi_sockets_tcp_borrow_tcp_socket(sock);
  wasi_sockets_network_own_network_t net = wasi_sockets_instance_network_instance_network();
  wasi_sockets_network_ip_socket_address_t addr = {.tag = WASI_SOCKETS_NETWORK_IP_SOCKET_ADDRESS_IPV4};
  addr.val.ipv4.port = (uint16_t)port;
  addr.val.ipv4.address = (wasi_sockets_network_ipv4_address_t){127, 0, 0, 1};
  if (!wasi_sockets_tcp_method_tcp_socket_start_connect(s, wasi_sockets_network_borrow_network(net), &addr, &err)) {
    printf("start-connect: %s\n", socket_error(err));
    return 0;
  }
  wasi_sockets_tcp_own_pollable_t ready = wasi_sockets_tcp_method_tcp_socket_subscribe(s);
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(ready));
  wasi_io_poll_pollable_drop_own(ready);
  wasi_sockets_tcp_tuple2_own_input_stream_own_output_stream_t io;
  if (!wasi_sockets_tcp_method_tcp_socket_finish_connect(s, &io, &err)) {
    printf("finish-connect: %s\n", socket_error(err));
    return 0;
  }
  guest_list_u8_t line = {(uint8_t *)"ping\n", 5};
  wasi_io_streams_stream_error_t serr;
  if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(wasi_io_streams_borrow_output_stream(io.f1), &line, &serr)) {
    printf("write failed\n");
    return 1;
  }
  char reply[256];
  size_t got = 0;
  wasi_io_streams_own_pollable_t readable = wasi_io_streams_method_input_stream_subscribe(wasi_io_streams_borrow_input_stream(io.f0));
  while (got == 0 || reply[got - 1] != '\n') {
    wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(readable));
    guest_list_u8_t chunk;
    if (!wasi_io_streams_method_input_stream_read(wasi_io_streams_borrow_input_stream(io.f0), sizeof reply - got - 1, &chunk, &serr)) break;
    memcpy(reply + got, chunk.ptr, chunk.len);
    got += chunk.len;
    guest_list_u8_free(&chunk);
    if (got >= sizeof reply - 1) break;
  }
  reply[got] = 0;
  printf("reply: %s", reply);
  wasi_io_poll_pollable_drop_own(readable);
  wasi_io_streams_input_stream_drop_own(io.f0);
  wasi_io_streams_output_stream_drop_own(io.f1);
  wasi_sockets_tcp_tcp_socket_drop_own(sock);
  wasi_sockets_network_network_drop_own(net);
  return 0;
}

static int run(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "report";
  if (strcmp(mode, "report") == 0) return report(argc, argv);
  if (strcmp(mode, "escape") == 0) return escape();
  if (strcmp(mode, "exit") == 0 && argc > 2) exit(atoi(argv[2]));
  if (strcmp(mode, "spam") == 0 && argc > 2) return spam(atol(argv[2]));
  if (strcmp(mode, "cat") == 0) return cat();
  if (strcmp(mode, "list") == 0) return list();
  if (strcmp(mode, "tcp") == 0 && argc > 2) return tcp(atoi(argv[2]));
  fprintf(stderr, "unknown mode %s\n", mode);
  return 64;
}

// `wasi:cli/run#run`: the arguments come from `wasi:cli/environment`; a
// non-zero status leaves through `exit`, so that the host sees the code.
bool exports_wasi_cli_run_run(void) {
  guest_list_string_t args;
  wasi_cli_environment_get_arguments(&args);
  char **argv = calloc(args.len + 1, sizeof(char *));
  for (size_t i = 0; i < args.len; i++) {
    argv[i] = strndup((const char *)args.ptr[i].ptr, args.ptr[i].len);
  }
  guest_list_string_free(&args);
  int status = run((int)args.len, argv);
  fflush(stdout);
  fflush(stderr);
  if (status != 0) exit(status);
  return true;
}
