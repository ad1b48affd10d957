// Running the sigipc binaries from the project's own tests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace selftest {

struct CmdResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out, err;
};

// Runs argv with extra "K=V" environment entries; waits for it.
CmdResult run_cmd(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// A fresh folder under the build tree's temp area, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

nlohmann::json read_json(const std::string& path);
// How many processes carry needle (e.g. "VAR=value") in their environment:
// anything a run left behind still carries the marker it was started with.
int processes_with_env(const std::string& needle);
// The result entry for a test id, or null.
nlohmann::json find_result(const nlohmann::json& results, const std::string& id);

}  // namespace selftest
