#include "runner/fork_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "fixtures/result_channel.h"
#include "fixtures/test_process.h"

extern char** environ;

namespace sigipc {

namespace {

// Large enough for any environment a CI system hands the runner; a request
// that does not fit is refused with EMSGSIZE rather than cut.
constexpr std::size_t kMaxRequest = 1 << 20;

bool send_text(int fd, const std::string& s) {
  for (;;) {
    ssize_t n = send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(s.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

struct InProcess {
  std::string argv0, test_id;
};

int run_in_process(void* ctx) {
  auto* p = static_cast<InProcess*>(ctx);
  return run_test_process(p->argv0.c_str(), p->test_id);
}

std::vector<std::string> split_nul(const char* data, std::size_t n) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (data[i] == '\0') {
      out.emplace_back(data + start, i - start);
      start = i + 1;
    }
  }
  return out;
}

// Parses a request; false (with why) when it is not one this server starts.
bool parse_request(const std::vector<std::string>& f, Isolation* iso, std::size_t* argv_at,
                   std::size_t* argc, std::size_t* env_at, std::size_t* envc, std::string* why) {
  if (f.size() < 5) return *why = "short request", false;
  if (f[0] == "namespaces")
    *iso = Isolation::kNamespaces;
  else if (f[0] == "process-group")
    *iso = Isolation::kProcessGroup;
  else
    return *why = "unknown isolation " + f[0], false;
  *argc = std::strtoul(f[3].c_str(), nullptr, 10);
  *argv_at = 4;
  if (*argv_at + *argc >= f.size()) return *why = "argument count beyond the request", false;
  *envc = std::strtoul(f[*argv_at + *argc].c_str(), nullptr, 10);
  *env_at = *argv_at + *argc + 1;
  if (*env_at + *envc != f.size()) return *why = "environment count does not match", false;
  if (*argc != 3 || f[*argv_at + 1] != "__run-test")
    return *why = "the fork server starts only __run-test TEST", false;
  return true;
}

// One received request: its fields and the result channel attached.
struct Request {
  std::vector<std::string> fields;
  int rfd = -1;
  Isolation iso{};
  std::size_t argv_at = 0, argc = 0, env_at = 0, envc = 0;
};

// The server's side of the socket: starts the tests the runner asks for and
// tells it when each ended.
class Server {
 public:
  Server(int ctrl, int sfd) : ctrl_(ctrl), sfd_(sfd), buf_(kMaxRequest) {}
  // Serves until the runner closes its end (or the socket breaks).
  void serve();
  // The runner is gone: nothing this server started may outlive it.
  void stop_all();

 private:
  void reap();
  // False when the socket is closed; *req->rfd < 0 when there was no request.
  bool receive(Request* req);
  void start(Request& req);

  int ctrl_, sfd_;
  std::vector<char> buf_;
  std::set<pid_t> live_;
};

void Server::serve() {
  for (;;) {
    pollfd p[2] = {{ctrl_, POLLIN, 0}, {sfd_, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "sigipc fork server: poll: %s\n", std::strerror(errno));
      return;
    }
    if (p[1].revents) reap();
    if (!p[0].revents) continue;
    Request req;
    if (!receive(&req)) return;
    if (req.rfd >= 0) start(req);
  }
}

void Server::reap() {
  signalfd_siginfo si;
  while (read(sfd_, &si, sizeof si) == sizeof si) {
  }
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
    live_.erase(pid);
    send_text(ctrl_, "X " + std::to_string(pid) + " " + std::to_string(st));
  }
}

bool Server::receive(Request* req) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  iovec iov{buf_.data(), buf_.size()};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  ssize_t n = recvmsg(ctrl_, &m, MSG_CMSG_CLOEXEC);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  int rfd = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      std::memcpy(&rfd, CMSG_DATA(c), sizeof rfd);
  req->fields = split_nul(buf_.data(), static_cast<std::size_t>(n));
  std::string why;
  if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    why = "request truncated";
  else if (rfd < 0)
    why = "no result channel attached";
  if (why.empty() && parse_request(req->fields, &req->iso, &req->argv_at, &req->argc, &req->env_at,
                                   &req->envc, &why)) {
    req->rfd = rfd;
    return true;
  }
  if (rfd >= 0) close(rfd);
  send_text(ctrl_, "E " + std::to_string(EINVAL) + " " + why);
  return true;
}

void Server::start(Request& req) {
  const std::vector<std::string>& f = req.fields;
  pid_t pid = fork();
  if (pid == 0) {
    close(ctrl_);
    close(sfd_);
    // The test's environment replaces the server's; its result channel is
    // the descriptor received here, whatever number it got.
    std::vector<std::string> env(f.begin() + static_cast<long>(req.env_at), f.end());
    env.push_back(std::string(kEnvResultFd) + "=" + std::to_string(req.rfd));
    std::vector<char*> envp = exec_array(env);
    environ = envp.data();
    InProcess ip{f[req.argv_at], f[req.argv_at + 2]};
    TestStart start;
    start.run = run_in_process;
    start.ctx = &ip;
    become_test(req.iso, f[1].c_str(), f[2].c_str(), req.rfd, start);
  }
  int err = errno;
  close(req.rfd);
  if (pid < 0) {
    send_text(ctrl_, "E " + std::to_string(err) + " fork: " + std::strerror(err));
    return;
  }
  live_.insert(pid);
  send_text(ctrl_, "S " + std::to_string(pid));
}

void Server::stop_all() {
  for (pid_t pid : live_) kill(-pid, SIGKILL);
  for (pid_t pid : live_)
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

int fork_server_main(int ctrl) {
  // The runner chose the user namespace map (if any) before starting us.
  load_user_namespace_from_env();
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    std::fprintf(stderr, "sigipc fork server: signalfd: %s\n", std::strerror(errno));
    return 1;
  }
  Server server(ctrl, sfd);
  server.serve();
  server.stop_all();
  return 0;
}

ForkServer::ForkServer(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::string& log_path)
    : log_path_(log_path) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  std::vector<std::string> e = env;
  e.push_back("SIGIPC_FORK_SERVER_FD=" + std::to_string(sv[1]));
  std::vector<char*> args = exec_array(argv), envp = exec_array(e);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(sv[0]);
    close(sv[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    // Its own group: a terminal's SIGINT reaches the runner, which decides
    // what ends when, not the server behind its back.
    setpgid(0, 0);
    reset_signal_state();
    fcntl(sv[1], F_SETFD, 0);
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || log < 0) child_exit(127);
    dup2(in, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execvpe(args[0], args.data(), envp.data());
    child_exit(127);
  }
  close(sv[1]);
  ctrl_ = sv[0];
  pid_ = pid;
}

ForkServer::~ForkServer() {
  if (ctrl_ >= 0) close(ctrl_);
  if (pid_ > 0)
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void ForkServer::fail(const std::string& why) {
  if (ctrl_ >= 0) close(ctrl_);
  ctrl_ = -1;
  std::ifstream f(log_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string log = ss.str();
  if (log.size() > 400) log = "..." + log.substr(log.size() - 400);
  failure_ = why + (log.empty() ? "" : " (its log: " + log + ")");
}

bool ForkServer::read_message(bool block, std::string* msg) {
  if (ctrl_ < 0) return false;
  char buf[256];
  for (;;) {
    ssize_t n = recv(ctrl_, buf, sizeof buf, block ? 0 : MSG_DONTWAIT);
    if (n > 0) {
      msg->assign(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    fail(n == 0 ? "the fork server ended" : std::string("recv: ") + std::strerror(errno));
    return false;
  }
}

namespace {

// NUL-separated fields: isolation, output path, mqueue folder, argc, argv
// (without the wrapper: the server already runs behind it), envc, env.
std::string request_text(const SpawnSpec& spec) {
  std::string req;
  auto field = [&](const std::string& s) {
    req += s;
    req.push_back('\0');
  };
  field(isolation_name(spec.isolation));
  field(spec.output_path);
  field(spec.mq_dir);
  field(std::to_string(spec.argv.size() - spec.wrapper_words));
  for (std::size_t i = spec.wrapper_words; i < spec.argv.size(); ++i) field(spec.argv[i]);
  field(std::to_string(spec.env.size()));
  for (const auto& e : spec.env) field(e);
  return req;
}

// Sends the request with fd attached; the errno when it did not go whole.
int send_with_fd(int sock, std::string& req, int fd) {
  char cbuf[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{req.data(), req.size()};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t sent;
  while ((sent = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  return sent == static_cast<ssize_t>(req.size()) ? 0 : errno;
}

}  // namespace

Spawned ForkServer::spawn(const SpawnSpec& spec) {
  if (ctrl_ < 0) throw std::runtime_error("the fork server is gone: " + failure_);
  std::string req = request_text(spec);
  if (req.size() > kMaxRequest) {
    fail("a request of " + std::to_string(req.size()) + " bytes exceeds the fork server's limit");
    throw std::runtime_error(failure_);
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  int err = send_with_fd(ctrl_, req, fds[1]);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    fail(std::string("sending a request: ") + std::strerror(err));
    throw std::runtime_error(failure_);
  }
  return await_start(fds[0]);
}

// The server's answer to a request: "S <pid>" or "E ..." (exit notices of
// other tests may come first).
Spawned ForkServer::await_start(int result_fd) {
  std::string msg;
  while (read_message(true, &msg)) {
    if (take_exit_notice(msg)) continue;
    std::istringstream in(msg);
    char kind = 0;
    in >> kind;
    if (kind == 'S') {
      pid_t pid = 0;
      in >> pid;
      fcntl(result_fd, F_SETFL, O_NONBLOCK);
      return Spawned{pid, result_fd};
    }
    close(result_fd);
    std::string rest;
    std::getline(in, rest);
    throw std::runtime_error("the fork server could not start the test:" + rest);
  }
  close(result_fd);
  throw std::runtime_error(failure_);
}

bool ForkServer::take_exit_notice(const std::string& msg) {
  std::istringstream in(msg);
  char kind = 0;
  pid_t pid = 0;
  int st = 0;
  if (!(in >> kind) || kind != 'X') return false;
  if (in >> pid >> st) pending_.emplace_back(pid, st);
  return true;
}

bool ForkServer::collect(std::vector<std::pair<pid_t, int>>* ended) {
  std::string msg;
  while (read_message(false, &msg)) take_exit_notice(msg);
  ended->insert(ended->end(), pending_.begin(), pending_.end());
  pending_.clear();
  return alive();
}

}  // namespace sigipc
