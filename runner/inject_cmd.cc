#include "runner/commands.h"

#include <cstdio>

namespace sigipc {

int inject_main(int, char**) {
  std::fprintf(stderr, "sigipc: inject is not built yet\n");
  return 2;
}

}  // namespace sigipc
