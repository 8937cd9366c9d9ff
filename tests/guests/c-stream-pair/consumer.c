// The consumer of the stream pair: `total(n)` calls the producer's
// `count(n)`, reads its stream to the end in reads of up to 100 bytes, then
// its future, and returns the sum and number of the bytes and the future's
// value.
#include <stdlib.h>
#include "consumer.h"

#define READ 100

typedef struct {
  hostbind_stream_pair_numbers_stream_u8_t bytes;
  hostbind_stream_pair_numbers_future_u32_t total;
  consumer_waitable_set_t set;
  uint32_t sum, count, value;
  uint8_t buf[READ];
} state_t;

static void take(state_t *s, uint32_t k) {
  for (uint32_t i = 0; i < k; i++) s->sum += s->buf[i];
  s->count += k;
}

static consumer_callback_code_t finish(state_t *s) {
  hostbind_stream_pair_numbers_future_u32_drop_readable(s->total);
  consumer_waitable_set_drop(s->set);
  consumer_tuple3_u32_u32_u32_t ret = {s->sum, s->count, s->value};
  free(s);
  consumer_context_set_0(NULL);
  exports_consumer_total_return(ret);
  return CONSUMER_CALLBACK_CODE_EXIT;
}

// The writer is done: the stream ends, and the future follows.
static consumer_callback_code_t end_stream(state_t *s) {
  consumer_waitable_join(s->bytes, 0);
  hostbind_stream_pair_numbers_stream_u8_drop_readable(s->bytes);
  consumer_waitable_status_t st =
      hostbind_stream_pair_numbers_future_u32_read(s->total, &s->value);
  if (st == CONSUMER_WAITABLE_STATUS_BLOCKED) {
    consumer_waitable_join(s->total, s->set);
    return CONSUMER_CALLBACK_CODE_WAIT(s->set);
  }
  return finish(s);
}

// Reads on until a read waits or the stream ends; returns the callback code.
static consumer_callback_code_t next(state_t *s) {
  for (;;) {
    consumer_waitable_status_t st =
        hostbind_stream_pair_numbers_stream_u8_read(s->bytes, s->buf, READ);
    if (st == CONSUMER_WAITABLE_STATUS_BLOCKED) {
      consumer_waitable_join(s->bytes, s->set);
      return CONSUMER_CALLBACK_CODE_WAIT(s->set);
    }
    take(s, CONSUMER_WAITABLE_COUNT(st));
    if (CONSUMER_WAITABLE_STATE(st) == CONSUMER_WAITABLE_DROPPED) return end_stream(s);
  }
}

consumer_callback_code_t exports_consumer_total(uint32_t n) {
  state_t *s = calloc(1, sizeof(state_t));
  if (!s) abort();
  s->set = consumer_waitable_set_new();
  consumer_context_set_0(s);
  hostbind_stream_pair_numbers_tuple2_stream_u8_future_u32_t ends;
  consumer_subtask_status_t st = hostbind_stream_pair_numbers_count(n, &ends);
  // `count` returns its ends before it writes anything.
  if (CONSUMER_SUBTASK_STATE(st) != CONSUMER_SUBTASK_RETURNED) abort();
  s->bytes = ends.f0;
  s->total = ends.f1;
  return next(s);
}

consumer_callback_code_t exports_consumer_total_callback(consumer_event_t *event) {
  state_t *s = consumer_context_get_0();
  if (event->event == CONSUMER_EVENT_STREAM_READ) {
    take(s, CONSUMER_WAITABLE_COUNT(event->code));
    if (CONSUMER_WAITABLE_STATE(event->code) == CONSUMER_WAITABLE_DROPPED) return end_stream(s);
    return next(s);
  }
  if (event->event == CONSUMER_EVENT_FUTURE_READ) return finish(s);
  abort();
}
