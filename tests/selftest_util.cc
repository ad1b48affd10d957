#include "tests/selftest_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace selftest {

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/sigipc-selftest-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
  // ctest kills a test that overruns its limit with SIGKILL, so no
  // destructor runs: the folder is listed for the sweep ctest runs before
  // and after the self-tests (tests/CMakeLists.txt). One short O_APPEND
  // write, so parallel self-tests do not interleave their lines.
#ifdef SELFTEST_DIR_LIST
  const std::string line = path_ + "\n";
  const int fd = open(SELFTEST_DIR_LIST, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    if (write(fd, line.data(), line.size()) < 0) {
    }
    close(fd);
  }
#endif
}

TempDir::~TempDir() {
  std::string cmd = "rm -rf '" + path_ + "'";
  if (std::system(cmd.c_str()) != 0) {
  }
}

CmdResult run_cmd(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  TempDir io;
  std::string out = io.path() + "/out", err = io.path() + "/err";
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.push_back(*e);
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> av, ev;
  for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (const auto& e : envs) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);
  pid_t p = fork();
  if (p == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    execve(av[0], av.data(), ev.data());
    _exit(127);
  }
  int st = 0;
  waitpid(p, &st, 0);
  CmdResult r;
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

int processes_with_env(const std::string& needle) {
  int n = 0;
  DIR* d = opendir("/proc");
  if (!d) return -1;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (env.find(needle) != std::string::npos) ++n;
  }
  closedir(d);
  return n;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(f);
}

nlohmann::json find_result(const nlohmann::json& results, const std::string& id) {
  for (const auto& r : results["results"])
    if (r["id"] == id) return r;
  return nullptr;
}

}  // namespace selftest
