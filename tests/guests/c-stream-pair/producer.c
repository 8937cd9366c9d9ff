// The producer of the stream pair: `count(n)` returns a stream of the bytes
// 1, 2, ... n (mod 256) and a future of their sum, then writes them from
// its callback in chunks as the reader takes them.
#include <stdlib.h>
#include "producer.h"

#define CHUNK 64

typedef struct {
  exports_hostbind_stream_pair_numbers_stream_u8_writer_t bytes;
  exports_hostbind_stream_pair_numbers_future_u32_writer_t total;
  producer_waitable_set_t set;
  uint32_t n, sent, sum;
  // Must stay put while a write of it is pending.
  uint8_t buf[CHUNK];
  uint32_t buf_len;
  int writing_total;
} state_t;

// Starts the next write: a chunk of bytes, or the sum once all are sent.
// Returns the callback code.
static producer_callback_code_t next(state_t *s) {
  for (;;) {
    if (s->writing_total) {
      // The future's write finished: the task is done.
      exports_hostbind_stream_pair_numbers_future_u32_drop_writable(s->total);
      producer_waitable_set_drop(s->set);
      free(s);
      producer_context_set_0(NULL);
      return PRODUCER_CALLBACK_CODE_EXIT;
    }
    producer_waitable_status_t st;
    if (s->sent < s->n) {
      uint32_t len = s->n - s->sent;
      if (len > CHUNK) len = CHUNK;
      for (uint32_t i = 0; i < len; i++) s->buf[i] = (uint8_t)(s->sent + i + 1);
      s->buf_len = len;
      st = exports_hostbind_stream_pair_numbers_stream_u8_write(s->bytes, s->buf, len);
      if (st == PRODUCER_WAITABLE_STATUS_BLOCKED) {
        producer_waitable_join(s->bytes, s->set);
        return PRODUCER_CALLBACK_CODE_WAIT(s->set);
      }
      uint32_t k = PRODUCER_WAITABLE_COUNT(st);
      for (uint32_t i = 0; i < k; i++) s->sum += s->buf[i];
      s->sent += k;
      if (PRODUCER_WAITABLE_STATE(st) == PRODUCER_WAITABLE_DROPPED) s->n = s->sent;
      continue;
    }
    exports_hostbind_stream_pair_numbers_stream_u8_drop_writable(s->bytes);
    s->writing_total = 1;
    st = exports_hostbind_stream_pair_numbers_future_u32_write(s->total, &s->sum);
    if (st == PRODUCER_WAITABLE_STATUS_BLOCKED) {
      producer_waitable_join(s->total, s->set);
      return PRODUCER_CALLBACK_CODE_WAIT(s->set);
    }
  }
}

producer_callback_code_t exports_hostbind_stream_pair_numbers_count(uint32_t n) {
  state_t *s = calloc(1, sizeof(state_t));
  if (!s) abort();
  s->n = n;
  s->set = producer_waitable_set_new();
  exports_hostbind_stream_pair_numbers_tuple2_stream_u8_future_u32_t ret;
  ret.f0 = exports_hostbind_stream_pair_numbers_stream_u8_new(&s->bytes);
  ret.f1 = exports_hostbind_stream_pair_numbers_future_u32_new(&s->total);
  producer_context_set_0(s);
  exports_hostbind_stream_pair_numbers_count_return(ret);
  return next(s);
}

producer_callback_code_t exports_hostbind_stream_pair_numbers_count_callback(producer_event_t *event) {
  state_t *s = producer_context_get_0();
  if (event->event == PRODUCER_EVENT_STREAM_WRITE) {
    uint32_t k = PRODUCER_WAITABLE_COUNT(event->code);
    for (uint32_t i = 0; i < k; i++) s->sum += s->buf[i];
    s->sent += k;
    // The reader went away: nothing more to send.
    if (PRODUCER_WAITABLE_STATE(event->code) == PRODUCER_WAITABLE_DROPPED) s->n = s->sent;
  } else if (event->event != PRODUCER_EVENT_FUTURE_WRITE) {
    abort();
  }
  return next(s);
}
