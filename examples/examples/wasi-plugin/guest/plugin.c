// The plugin of the `wasi-plugin` example, in C: its greetings go to
// stdout through wasi-libc (WASI) and to the embedder through `host.keep`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

uint32_t exports_plugin_run(uint32_t times) {
  plugin_string_t name;
  example_plugin_host_name(&name);
  const char *salutation = getenv("SALUTATION");
  char line[256];
  for (uint32_t i = 0; i < times; i++) {
    snprintf(line, sizeof line, "%s, %.*s! (%u of %u)", salutation ? salutation : "hello",
             (int)name.len, (const char *)name.ptr, i + 1, times);
    printf("%s\n", line);
    plugin_string_t s;
    plugin_string_set(&s, line);
    example_plugin_host_keep(&s);
  }
  plugin_string_free(&name);
  fflush(stdout);
  uint32_t read = 0;
  FILE *f = fopen("/config/greeting.txt", "r");
  if (f) {
    char buf[256];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) read += (uint32_t)n;
    fclose(f);
  }
  return read;
}
