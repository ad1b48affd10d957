// Invariants the fuzz targets hold the readers to. A broken one aborts, so
// libFuzzer keeps the input as a crash and the replay test (a plain gcc
// build) fails on it too.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, what)                                                             \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: invariant broken: %s: %s\n", __FILE__, __LINE__, #cond, \
                   std::string(what).c_str());                                             \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace sigipc_fuzz {

// The bad-input contract of every reader: the reason is one line and starts
// with the name the input was given ("NAME:LINE: ...").
inline bool names_input(const std::string& message, const std::string& name) {
  return message.rfind(name + ":", 0) == 0 && message.find('\n') == std::string::npos;
}

}  // namespace sigipc_fuzz
