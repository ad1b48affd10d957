#include "runner/launcher.h"

#include <sys/stat.h>

#include <stdexcept>
#include <utility>

#include "runner/fork_server.h"

namespace sigipc {

namespace {

class ExecLauncher : public Launcher {
 public:
  Launched start(const SpawnSpec& spec) override { return {spawn_test(spec), false}; }
};

class ForkServerLauncher : public Launcher {
 public:
  ForkServerLauncher(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::string& log_path)
      : server_(argv, env, log_path), log_path_(log_path) {}

  Launched start(const SpawnSpec& spec) override {
    if (server_.alive()) {
      try {
        // The server may not have opened its log yet: then it is empty.
        struct stat st {};
        const long long from = stat(log_path_.c_str(), &st) == 0 ? st.st_size : 0;
        return {server_.spawn(spec), true, from};
      } catch (const std::runtime_error&) {
        // A server that still serves could not start this one test: that is
        // the test's problem. A server that died hands over to exec.
        if (server_.alive()) throw;
      }
    }
    return {spawn_test(spec), false};
  }

  int fd() const override { return server_.alive() ? server_.fd() : -1; }

  void collect(std::vector<pid_t>* ended) override {
    std::vector<std::pair<pid_t, int>> notices;
    server_.collect(&notices);
    for (const auto& [pid, status] : notices) ended->push_back(pid);
  }

  // Its children were re-parented to the runner (a subreaper), which reaps
  // them; only the reaper's closing of the result channel still says a test
  // ended.
  bool notices_lost() const override { return !server_.alive(); }

  std::string failure() const override { return server_.alive() ? "" : server_.failure(); }

  std::string shared_log() const override { return log_path_; }

 private:
  ForkServer server_;
  std::string log_path_;
};

}  // namespace

std::unique_ptr<Launcher> exec_launcher() { return std::make_unique<ExecLauncher>(); }

std::unique_ptr<Launcher> fork_server_launcher(const std::vector<std::string>& server_argv,
                                               const std::vector<std::string>& env,
                                               const std::string& log_path) {
  return std::make_unique<ForkServerLauncher>(server_argv, env, log_path);
}

}  // namespace sigipc
