// The library component of the composed guest: text work on UTF-16 strings
// and the `tally` resource. Built with `--string-encoding utf16`, so every
// string the app (UTF-8) hands over crosses a transcoding adapter.
#include <stdlib.h>
#include <string.h>

#include "library.h"

struct entry {
  library_string_t word;
  uint32_t count;
};

struct exports_hostbind_compose_text_tally_t {
  library_string_t name;
  struct entry *entries;
  size_t len;
  size_t cap;
  uint32_t total;
};

static uint32_t DROPPED = 0;

static void *checked_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void copy_string(library_string_t *dst, const uint16_t *src, size_t len) {
  dst->ptr = checked_malloc(len * sizeof(uint16_t));
  memcpy(dst->ptr, src, len * sizeof(uint16_t));
  dst->len = len;
}

static int is_space(uint16_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void exports_hostbind_compose_text_words(library_string_t *s, library_list_string_t *ret) {
  // At most one word per two code units, plus one.
  size_t cap = s->len / 2 + 1;
  ret->ptr = checked_malloc(cap * sizeof(library_string_t));
  ret->len = 0;
  size_t i = 0;
  while (i < s->len) {
    while (i < s->len && is_space(s->ptr[i])) i++;
    size_t start = i;
    while (i < s->len && !is_space(s->ptr[i])) i++;
    if (i == start) break;
    library_string_t *w = &ret->ptr[ret->len++];
    copy_string(w, s->ptr + start, i - start);
    for (size_t k = 0; k < w->len; k++) {
      if (w->ptr[k] >= 'a' && w->ptr[k] <= 'z') w->ptr[k] -= 'a' - 'A';
    }
  }
  library_string_free(s);
}

void exports_hostbind_compose_text_join(library_list_string_t *parts, library_string_t *sep,
                                        library_string_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < parts->len; i++) len += parts->ptr[i].len + (i ? sep->len : 0);
  ret->ptr = checked_malloc(len * sizeof(uint16_t));
  ret->len = len;
  uint16_t *out = ret->ptr;
  for (size_t i = 0; i < parts->len; i++) {
    if (i) {
      memcpy(out, sep->ptr, sep->len * sizeof(uint16_t));
      out += sep->len;
    }
    memcpy(out, parts->ptr[i].ptr, parts->ptr[i].len * sizeof(uint16_t));
    out += parts->ptr[i].len;
  }
  library_list_string_free(parts);
  library_string_free(sep);
}

static exports_hostbind_compose_text_tally_t *new_tally(const uint16_t *name, size_t len) {
  exports_hostbind_compose_text_tally_t *t = checked_malloc(sizeof *t);
  memset(t, 0, sizeof *t);
  copy_string(&t->name, name, len);
  return t;
}

static uint32_t count(exports_hostbind_compose_text_tally_t *t, const uint16_t *word, size_t len,
                      uint32_t times) {
  t->total += times;
  for (size_t i = 0; i < t->len; i++) {
    struct entry *e = &t->entries[i];
    if (e->word.len == len && memcmp(e->word.ptr, word, len * sizeof(uint16_t)) == 0) {
      e->count += times;
      return e->count;
    }
  }
  if (t->len == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 4;
    t->entries = realloc(t->entries, t->cap * sizeof(struct entry));
    if (!t->entries) abort();
  }
  struct entry *e = &t->entries[t->len++];
  copy_string(&e->word, word, len);
  e->count = times;
  return times;
}

exports_hostbind_compose_text_own_tally_t exports_hostbind_compose_text_constructor_tally(
    library_string_t *name) {
  exports_hostbind_compose_text_tally_t *t = new_tally(name->ptr, name->len);
  library_string_free(name);
  return exports_hostbind_compose_text_tally_new(t);
}

uint32_t exports_hostbind_compose_text_method_tally_add(exports_hostbind_compose_text_borrow_tally_t self,
                                                        library_string_t *word) {
  uint32_t n = count(self, word->ptr, word->len, 1);
  library_string_free(word);
  return n;
}

uint32_t exports_hostbind_compose_text_method_tally_total(exports_hostbind_compose_text_borrow_tally_t self) {
  return self->total;
}

void exports_hostbind_compose_text_method_tally_name(exports_hostbind_compose_text_borrow_tally_t self,
                                                     library_string_t *ret) {
  copy_string(ret, self->name.ptr, self->name.len);
}

exports_hostbind_compose_text_own_tally_t exports_hostbind_compose_text_static_tally_merge(
    exports_hostbind_compose_text_own_tally_t a, exports_hostbind_compose_text_borrow_tally_t b,
    library_string_t *name) {
  exports_hostbind_compose_text_tally_t *merged = new_tally(name->ptr, name->len);
  library_string_free(name);
  exports_hostbind_compose_text_tally_t *from[2] = {exports_hostbind_compose_text_tally_rep(a), b};
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < from[k]->len; i++) {
      struct entry *e = &from[k]->entries[i];
      count(merged, e->word.ptr, e->word.len, e->count);
    }
  }
  // `a` was given to us: dropping the owning handle runs the destructor below.
  exports_hostbind_compose_text_tally_drop_own(a);
  return exports_hostbind_compose_text_tally_new(merged);
}

uint32_t exports_hostbind_compose_text_dropped(void) { return DROPPED; }

void exports_hostbind_compose_text_tally_destructor(exports_hostbind_compose_text_tally_t *rep) {
  DROPPED++;
  for (size_t i = 0; i < rep->len; i++) library_string_free(&rep->entries[i].word);
  free(rep->entries);
  library_string_free(&rep->name);
  free(rep);
}
