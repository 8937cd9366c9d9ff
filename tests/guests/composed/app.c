// The app component of the composed guest: UTF-8, it leaves the text work
// to the library component it is plugged into and reports to the host.
#include <stdlib.h>
#include <string.h>

#include "app.h"

typedef hostbind_compose_text_own_tally_t own_tally;

static void log_str(const char *prefix, const app_string_t *s) {
  size_t n = strlen(prefix);
  app_string_t msg = {malloc(n + s->len + 1), n + s->len};
  if (!msg.ptr) abort();
  memcpy(msg.ptr, prefix, n);
  memcpy(msg.ptr + n, s->ptr, s->len);
  hostbind_compose_host_log(&msg);
  free(msg.ptr);
}

static app_string_t lit(const char *s) {
  app_string_t out;
  app_string_set(&out, s);
  return out;
}

void exports_app_run(app_string_t *input, app_report_t *ret) {
  log_str("run: ", input);

  app_list_string_t words;
  hostbind_compose_text_words(input, &words);

  app_string_t first = lit("first"), second = lit("second"), merged_name = lit("merged");
  own_tally a = hostbind_compose_text_constructor_tally(&first);
  own_tally b = hostbind_compose_text_constructor_tally(&second);
  for (size_t i = 0; i < words.len; i++) {
    hostbind_compose_text_method_tally_add(hostbind_compose_text_borrow_tally(a), &words.ptr[i]);
  }
  if (words.len > 0) {
    hostbind_compose_text_method_tally_add(hostbind_compose_text_borrow_tally(b), &words.ptr[0]);
  }

  // `a` moves into the library, which destroys it; `b` is only lent.
  own_tally merged =
      hostbind_compose_text_static_tally_merge(a, hostbind_compose_text_borrow_tally(b), &merged_name);
  ret->total = hostbind_compose_text_method_tally_total(hostbind_compose_text_borrow_tally(merged));
  hostbind_compose_text_method_tally_name(hostbind_compose_text_borrow_tally(merged), &ret->name);
  hostbind_compose_text_tally_drop_own(b);
  hostbind_compose_text_tally_drop_own(merged);

  app_string_t sep = lit("-");
  hostbind_compose_text_join(&words, &sep, &ret->joined);
  ret->words = words;
  ret->dropped = hostbind_compose_text_dropped();

  log_str("joined: ", &ret->joined);
  app_string_free(input);
}

uint32_t exports_app_count(app_string_t *input) {
  app_list_string_t words;
  hostbind_compose_text_words(input, &words);
  uint32_t n = words.len;
  app_list_string_free(&words);
  app_string_free(input);
  return n;
}
