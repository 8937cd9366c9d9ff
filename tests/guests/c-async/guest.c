// An async component in C, through wit-bindgen's C bindings: two exports
// lifted `async` with a callback, an async-lowered import, the task's
// state kept in `context.get`/`context.set`, a yield between steps (or a
// wait on the call's subtask when the host has not finished it), and a
// result string freed right after `task.return`.
#include <stdlib.h>
#include <string.h>

#include "guest.h"

// One `sum-to` call in progress. `result` is where the host writes the
// sum of a call it finishes later, so it lives with the task's state.
struct sum {
  uint32_t n;
  uint32_t next;
  uint32_t acc;
  uint32_t result;
  guest_subtask_t pending;
  guest_waitable_set_t set;
};

// Adds `next` to the sum through the async import. Returns the code the
// task gives the event loop: yield after a step the host finished at once,
// wait on the set for one it has not (its subtask's event goes on).
static guest_callback_code_t step(struct sum *s) {
  if (s->next > s->n) {
    exports_guest_sum_to_return(s->acc);
    if (s->set != 0) {
      guest_waitable_set_drop(s->set);
    }
    free(s);
    guest_context_set_0(NULL);
    return GUEST_CALLBACK_CODE_EXIT;
  }
  guest_subtask_status_t status = hostbind_async_guest_host_add(s->acc, s->next, &s->result);
  if (GUEST_SUBTASK_STATE(status) == GUEST_SUBTASK_RETURNED) {
    s->acc = s->result;
    s->next += 1;
    return GUEST_CALLBACK_CODE_YIELD;
  }
  if (s->set == 0) {
    s->set = guest_waitable_set_new();
  }
  s->pending = GUEST_SUBTASK_HANDLE(status);
  guest_waitable_join(s->pending, s->set);
  return GUEST_CALLBACK_CODE_WAIT(s->set);
}

guest_callback_code_t exports_guest_sum_to(uint32_t n) {
  struct sum *s = calloc(1, sizeof(struct sum));
  s->n = n;
  s->next = 1;
  guest_context_set_0(s);
  // "sum-to <n>", without stdio (which would import WASI).
  char line[32] = "sum-to ";
  char digits[11];
  int d = 0;
  uint32_t v = n;
  do {
    digits[d++] = (char) ('0' + v % 10);
    v /= 10;
  } while (v != 0);
  size_t at = strlen(line);
  while (d > 0) {
    line[at++] = digits[--d];
  }
  line[at] = 0;
  guest_string_t msg;
  guest_string_set(&msg, line);
  hostbind_async_guest_host_log(&msg);
  return step(s);
}

guest_callback_code_t exports_guest_sum_to_callback(guest_event_t *event) {
  struct sum *s = guest_context_get_0();
  if (s == NULL) {
    abort();
  }
  if (event->event == GUEST_EVENT_SUBTASK) {
    if (s->pending == 0 || event->waitable != s->pending) {
      abort();
    }
    if (event->code != GUEST_SUBTASK_RETURNED) {
      return GUEST_CALLBACK_CODE_WAIT(s->set);
    }
    // The host wrote the sum into `result`.
    guest_subtask_drop(s->pending);
    s->pending = 0;
    s->acc = s->result;
    s->next += 1;
    return step(s);
  }
  if (event->event != GUEST_EVENT_NONE) {
    abort();
  }
  return step(s);
}

guest_callback_code_t exports_guest_greet(guest_string_t *name) {
  size_t len = name->len + 8;
  char *buf = malloc(len);
  memcpy(buf, "hello, ", 7);
  memcpy(buf + 7, name->ptr, name->len);
  buf[len - 1] = '!';
  free(name->ptr);
  guest_string_t ret = {(uint8_t *) buf, len};
  exports_guest_greet_return(ret);
  // The result was lifted at `task.return`: the buffer is the guest's again.
  memset(buf, 'X', len);
  free(buf);
  return GUEST_CALLBACK_CODE_EXIT;
}

guest_callback_code_t exports_guest_greet_callback(guest_event_t *event) {
  (void) event;
  abort();
}
