/* Shims break a rule only inside test processes (the runner sets
 * SIGIPC_RESULT_FD there), so the runner itself keeps working. */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>

static inline int shim_active(void) { return getenv("SIGIPC_RESULT_FD") != NULL; }

#define SHIM_REAL(ret, name, ...)                                                 \
  static ret (*real_##name)(__VA_ARGS__);                                         \
  static void shim_init_##name(void) {                                            \
    if (!real_##name) real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name); \
  }
