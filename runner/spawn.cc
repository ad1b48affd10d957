#include "runner/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <stdexcept>

#include "fixtures/result_channel.h"

namespace sigipc {

const char* isolation_name(Isolation i) {
  return i == Isolation::kNamespaces ? "namespaces" : "process-group";
}

namespace {

// Everything below runs in forked children of the runner, before exec: only
// async-signal-safe calls, no allocation.

void child_report(int fd, const char* kind, const char* what, int err) {
  SafeBuf b;
  b.str(what);
  if (err) b.str(": ").errno_text(err);
  char rec[kMaxRecord + 32];
  std::size_t n = 0;
  for (const char* p = kind; *p; ++p) rec[n++] = *p;
  rec[n++] = '\t';
  for (const char* p = b.c_str(); *p && n < sizeof rec - 1; ++p) rec[n++] = *p;
  rec[n++] = '\n';
  ssize_t w = write(fd, rec, n);
  (void)w;
}


[[noreturn]] void start_test(const TestStart& start, int result_fd) {
  if (start.run) std::exit(start.run(start.ctx));
  execvpe(start.argv[0], start.argv, start.envp);
  child_report(result_fd, "error", "cannot execute the test program", errno);
  child_exit(127);
}

int count_other_processes() {
  // With the private /proc mounted, every numeric entry is a process of this
  // namespace; pid 1 is the reaper itself.
  int n = 0;
  DIR* d = opendir("/proc");
  if (!d) return -1;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && std::strcmp(e->d_name, "1") != 0) ++n;
  }
  closedir(d);
  return n;
}

[[noreturn]] void reaper(const char* mq_dir, const TestStart& start, int result_fd) {
  // pid 1 of the new PID namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0 ||
      mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0) {
    child_report(result_fd, "error", "cannot set up the test's private mounts", errno);
    child_exit(127);
  }
  // A kernel without POSIX message queues has no mqueue filesystem; the
  // queue tests report that themselves, so the mount is only best effort.
  mount("mqueue", mq_dir, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  pid_t test = fork();
  if (test < 0) {
    child_report(result_fd, "error", "fork of the test process failed", errno);
    child_exit(127);
  }
  if (test == 0) {
    // Its own process group, as in process-group isolation: kill(0, ...) and
    // killpg(getpgrp(), ...) from the test must not reach the runner's child
    // and the reaper, which sit in the group the runner kills on timeout.
    setpgid(0, 0);
    start_test(start, result_fd);
  }

  int status = 0;
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p == test) {
      status = st;
      break;
    }
    if (p < 0 && errno != EINTR) break;
  }
  // Orphans that already ended are not leaks; reap them before counting.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  int left = count_other_processes();
  if (left > 0) {
    SafeBuf b;
    b.str("").num(left).str(" process(es) still running after the test process ended; killed");
    child_report(result_fd, "leak", b.c_str(), 0);
    kill(-1, SIGKILL);  // Only ever inside this fresh PID namespace.
  }
  while (waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  SafeBuf s;
  s.num(status);
  child_report(result_fd, "wait", s.c_str(), 0);
  child_exit(0);
}

}  // namespace

void reset_signal_state() {
  // A runner started with signals ignored (nohup, some CI shells) or blocked
  // must not pass that on: tests assume the dispositions exec gives a fresh
  // program with default actions and an empty mask.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s = 1; s < NSIG; ++s) sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

std::vector<char*> exec_array(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void become_test(Isolation isolation, const char* output_path, const char* mq_dir,
                              int rfd, const TestStart& start) {
  setpgid(0, 0);
  reset_signal_state();
  // The result channel must survive exec; everything else the runner has
  // open is close-on-exec.
  fcntl(rfd, F_SETFD, 0);
  int out = open(output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || in < 0) {
    child_report(rfd, "error", "cannot open the test's output file", errno);
    child_exit(127);
  }
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(out, STDERR_FILENO);
  if (start.run) {
    // No exec will close them: the test must start with only 0-2 and the
    // result channel, as an exec'd one does.
    close(in);
    close(out);
  }
  if (isolation == Isolation::kProcessGroup) start_test(start, rfd);

  if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS) != 0) {
    child_report(rfd, "error", "unshare(CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWNS)", errno);
    child_exit(127);
  }
  pid_t init = fork();
  if (init < 0) {
    child_report(rfd, "error", "fork of the namespace reaper failed", errno);
    child_exit(127);
  }
  if (init == 0) reaper(mq_dir, start, rfd);
  close(rfd);
  int st;
  while (waitpid(init, &st, 0) < 0 && errno == EINTR) {
  }
  child_exit(0);
}

Spawned spawn_test(const SpawnSpec& spec) {
  // Build everything exec needs before fork: the child must not allocate.
  std::vector<std::string> env = spec.env;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  env.push_back(std::string(kEnvResultFd) + "=" + std::to_string(fds[1]));
  std::vector<char*> argv = exec_array(spec.argv), envp = exec_array(env);

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    close(fds[0]);
    TestStart start;
    start.argv = argv.data();
    start.envp = envp.data();
    become_test(spec.isolation, spec.output_path.c_str(), spec.mq_dir.c_str(), fds[1], start);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return Spawned{pid, fds[0]};
}

bool namespaces_available(std::string* why) {
  pid_t pid = fork();
  if (pid < 0) {
    if (why) *why = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS) != 0) child_exit(10 + (errno & 0x7f) % 100);
    pid_t init = fork();
    if (init == 0) {
      bool ok = mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0 &&
                mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0;
      child_exit(ok ? 0 : 1);
    }
    int st = 0;
    if (init < 0 || waitpid(init, &st, 0) < 0) child_exit(2);
    child_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
  if (code == 0) return true;
  if (why) {
    if (code >= 10 && code < 110) *why = std::string("unshare: ") + std::strerror(code - 10);
    else if (code == 1) *why = "mounting a private /proc or /dev/shm was refused";
    else *why = "namespace probe failed with code " + std::to_string(code);
  }
  return false;
}

}  // namespace sigipc
