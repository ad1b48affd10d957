#include "runner/result_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "fixtures/io.h"
#include "reports/stream.h"

namespace sigipc {

namespace {

std::string one_line(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '\n' || c == '\r') ? ' ' : c;
  return o;
}

// KTAP v1 (Documentation/dev-tools/ktap.rst): "ok N name # SKIP reason" for
// tests without a verdict, "not ok" for a red one.
std::string ktap_line(std::size_t num, const Result& r) {
  std::string line = (is_bad(r.status) ? "not ok " : "ok ") + std::to_string(num) + " " + r.id;
  switch (r.status) {
    case Status::kUnsupported:
    case Status::kSkip:
      line += " # SKIP " + one_line(r.message);
      break;
    case Status::kPass:
      break;
    default:
      line += std::string(" # ") + status_name(r.status) + " " + one_line(r.message);
  }
  return line + "\n";
}

}  // namespace

ResultStream::ResultStream(const std::string& path, StdoutFormat format)
    : path_(path), format_(format) {
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

ResultStream::~ResultStream() {
  if (fd_ >= 0) close(fd_);
}

// A line in the page cache survives the runner's death but not a power cut
// of the machine: results are synced to the disk too, at most every
// kSyncEvery (fdatasync costs milliseconds, 1,468 of them would slow a run
// by seconds), and always at the end.
constexpr auto kSyncEvery = std::chrono::milliseconds(250);

void ResultStream::put(const std::string& line, bool sync) {
  // One write(2) per line: the line is whole in the file or not there.
  ssize_t n;
  do n = write(fd_, line.data(), line.size());
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size()) && error_.empty())
    error_ = "cannot write " + path_ + ": " + (n < 0 ? std::strerror(errno) : "short write");
  auto now = std::chrono::steady_clock::now();
  if (sync && now - last_sync_ >= kSyncEvery) {
    fdatasync(fd_);
    last_sync_ = now;
  }
  if (format_ == StdoutFormat::kJsonl) to_stdout(line);
}

// A failed write (EPIPE when standard output is a pipe whose reader has
// gone: SIGPIPE is ignored) is left to the file copy of the stream.
void ResultStream::to_stdout(const std::string& text) {
  write_all(STDOUT_FILENO, text.data(), text.size());
}

void ResultStream::header(const nlohmann::json& environment,
                          const std::vector<std::string>& planned,
                          const std::vector<std::string>& expectation_files) {
  put(stream_header_line(environment, planned, expectation_files));
  if (format_ == StdoutFormat::kKtap)
    to_stdout("KTAP version 1\n1.." + std::to_string(planned.size()) + "\n");
}

void ResultStream::start(const std::string& id) { put(stream_start_line(id)); }

void ResultStream::result(const Result& r) {
  put(stream_result_line(r), true);
  if (format_ == StdoutFormat::kKtap) to_stdout(ktap_line(++ktap_num_, r));
}

void ResultStream::end(const RunRecord& run) {
  last_sync_ = {};
  put(stream_end_line(run), true);
  if (format_ == StdoutFormat::kKtap) {
    std::string tail;
    for (const auto& id : run.not_run) tail += "# not run: " + id + "\n";
    auto c = run.counts();
    tail += "# Totals: pass:" + std::to_string(c[Status::kPass]) +
            " fail:" + std::to_string(c[Status::kFail] + c[Status::kTimeout]) +
            " xpass:" + std::to_string(c[Status::kXpass]) +
            " xfail:" + std::to_string(c[Status::kXfail]) +
            " error:" + std::to_string(c[Status::kError]) +
            " skip:" + std::to_string(c[Status::kSkip] + c[Status::kUnsupported]) + "\n";
    to_stdout(tail);
  }
}

}  // namespace sigipc
