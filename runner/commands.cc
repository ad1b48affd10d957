#include "runner/commands.h"

#include <cstdio>

#include "reports/load.h"

namespace sigipc {

int run_command(const std::string& prefix, const std::function<int()>& action) {
  try {
    return action();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), e.what());
    return 2;
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), e.what());
    return 1;
  }
}

}  // namespace sigipc
