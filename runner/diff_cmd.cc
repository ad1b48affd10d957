#include "runner/commands.h"

#include <cstdio>

namespace sigipc {

int diff_main(int, char**) {
  std::fprintf(stderr, "sigipc: diff is not built yet\n");
  return 2;
}

}  // namespace sigipc
