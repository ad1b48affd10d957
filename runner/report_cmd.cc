#include "runner/commands.h"

#include <cstdio>

namespace sigipc {

int report_main(int, char**) {
  std::fprintf(stderr, "sigipc: report is not built yet\n");
  return 2;
}

}  // namespace sigipc
