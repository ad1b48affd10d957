// Writes the result stream (reports/stream.h) as the run goes: each line
// with one write(2) on a file opened O_APPEND, so a runner killed at any
// point leaves whole lines behind, and, with --stdout-format, the same
// events on standard output: the stream's own lines (jsonl) or KTAP v1
// (ktap), for serial consoles and LAVA, where the console is all that
// survives a guest that dies.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/result_model.h"

namespace sigipc {

enum class StdoutFormat { kProgress, kKtap, kJsonl };

class ResultStream {
 public:
  // Creates (truncates) path; throws std::runtime_error when it cannot.
  ResultStream(const std::string& path, StdoutFormat format);
  ~ResultStream();
  ResultStream(const ResultStream&) = delete;
  ResultStream& operator=(const ResultStream&) = delete;

  void header(const nlohmann::json& environment, const std::vector<std::string>& planned,
              const std::vector<std::string>& expectation_files);
  void start(const std::string& id);
  void result(const Result& r);
  void end(const RunRecord& run);
  // Whether every line reached the file (a full disk is reported at the end).
  const std::string& write_error() const { return error_; }

 private:
  void put(const std::string& line, bool sync = false);
  void to_stdout(const std::string& text);

  int fd_ = -1;
  std::string path_, error_;
  StdoutFormat format_;
  std::size_t ktap_num_ = 0;
  std::chrono::steady_clock::time_point last_sync_{};
};

}  // namespace sigipc
