#include "runner/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>
#include <pwd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "fixtures/result_channel.h"

namespace sigipc {

const char* isolation_name(Isolation i) {
  return i == Isolation::kNamespaces ? "namespaces" : "process-group";
}

namespace {

constexpr const char* kEnvUserNs = "SIGIPC_USERNS";

UserNamespaceMap g_userns;

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

bool write_proc_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t n = std::strlen(text);
  bool ok = write(fd, text, n) == static_cast<ssize_t>(n);
  close(fd);
  return ok;
}

// Runs one of newuidmap/newgidmap for pid: "0 <own id> 1 1 <sub> <count>".
bool run_id_map(const char* tool, pid_t pid, unsigned long own, unsigned long sub,
                unsigned long count) {
  SafeBuf p, o, s, c;
  p.num(pid);
  o.num(static_cast<long long>(own));
  s.num(static_cast<long long>(sub));
  c.num(static_cast<long long>(count));
  char zero[] = "0", one[] = "1";
  char* argv[] = {const_cast<char*>(tool),
                  const_cast<char*>(p.c_str()),
                  zero,
                  const_cast<char*>(o.c_str()),
                  one,
                  one,
                  const_cast<char*>(s.c_str()),
                  const_cast<char*>(c.c_str()),
                  nullptr};
  pid_t h = fork();
  if (h < 0) return false;
  if (h == 0) {
    execv(tool, argv);
    child_exit(127);
  }
  int st = 0;
  while (waitpid(h, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

// Puts the calling process in a new user namespace in which it is root (see
// UserNamespaceMap). The subordinate map must be written from outside, by
// the setuid helpers, so a helper child forked first waits for the unshare
// and then maps its parent. False (reported on rfd when >= 0) on failure.
bool enter_user_namespace(const UserNamespaceMap& m, int rfd) {
  const bool wide = m.subuid_count > 0 && m.subgid_count > 0;
  int go[2] = {-1, -1};
  pid_t helper = -1;
  if (wide) {
    if (pipe2(go, O_CLOEXEC) != 0) return false;
    helper = fork();
    if (helper < 0) return false;
    if (helper == 0) {
      close(go[1]);
      char c;
      if (read(go[0], &c, 1) != 1) child_exit(1);
      pid_t target = getppid();
      bool ok = run_id_map(m.newuidmap.c_str(), target, m.uid, m.subuid, m.subuid_count) &&
                run_id_map(m.newgidmap.c_str(), target, m.gid, m.subgid, m.subgid_count);
      child_exit(ok ? 0 : 1);
    }
    close(go[0]);
  }
  if (unshare(CLONE_NEWUSER) != 0) {
    int e = errno;
    if (rfd >= 0) child_report(rfd, "error", "unshare(CLONE_NEWUSER)", e);
    if (wide) {
      close(go[1]);
      waitpid(helper, nullptr, 0);
    }
    return false;
  }
  bool ok;
  if (wide) {
    ok = write(go[1], "x", 1) == 1;
    close(go[1]);
    int st = 0;
    while (waitpid(helper, &st, 0) < 0 && errno == EINTR) {
    }
    ok = ok && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!ok && rfd >= 0)
      child_report(rfd, "error", "newuidmap/newgidmap could not map the subordinate ids", 0);
  } else {
    // An unprivileged process may map only its own ids, and its gid only
    // after giving up setgroups() (user_namespaces(7)).
    SafeBuf u, g;
    u.str("0 ").num(static_cast<long long>(m.uid)).str(" 1\n");
    g.str("0 ").num(static_cast<long long>(m.gid)).str(" 1\n");
    ok = write_proc_file("/proc/self/setgroups", "deny") &&
         write_proc_file("/proc/self/uid_map", u.c_str()) &&
         write_proc_file("/proc/self/gid_map", g.c_str());
    if (!ok && rfd >= 0) child_report(rfd, "error", "writing the user namespace's id maps", errno);
  }
  return ok;
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

  if (g_userns.enabled && !enter_user_namespace(g_userns, rfd)) child_exit(127);
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

namespace {

// Creates the namespaces a test gets (through a user namespace when m is
// enabled) and mounts what the reaper mounts, in a throw-away child; 0 when
// all of it worked, else a code namespaces_why() explains.
int probe_namespaces(const UserNamespaceMap& m) {
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    if (m.enabled && !enter_user_namespace(m, -1)) child_exit(4);
    if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS) != 0)
      child_exit(10 + (errno & 0x7f) % 100);
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
  return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

std::string namespaces_why(int code) {
  if (code >= 10 && code < 110) return std::string("unshare: ") + std::strerror(code - 10);
  if (code == 1) return "mounting a private /proc or /dev/shm was refused";
  if (code == 4) return "a user namespace could not be entered or mapped";
  return "namespace probe failed with code " + std::to_string(code);
}

// The first range of name's (or the uid's) subordinate ids in file
// ("name:start:count" lines, subuid(5)).
bool subordinate_range(const char* file, const std::string& name, unsigned long id,
                       unsigned long* start, unsigned long* count) {
  std::ifstream f(file);
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string who, a, b;
    if (!std::getline(in, who, ':') || !std::getline(in, a, ':') || !std::getline(in, b)) continue;
    if (who != name && who != std::to_string(id)) continue;
    *start = std::strtoul(a.c_str(), nullptr, 10);
    *count = std::strtoul(b.c_str(), nullptr, 10);
    if (*count > 0) return true;
  }
  return false;
}

std::string find_program(const char* name) {
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  path += ":/usr/bin:/bin:/usr/sbin:/sbin";
  std::istringstream in(path);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    if (dir.empty()) continue;
    std::string p = dir + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// Subordinate ids for the caller, when configured and usable; why not in *note.
bool add_subordinate_ids(UserNamespaceMap* m, std::string* note) {
  passwd* pw = getpwuid(m->uid);
  std::string name = pw ? pw->pw_name : "";
  m->newuidmap = find_program("newuidmap");
  m->newgidmap = find_program("newgidmap");
  if (!subordinate_range("/etc/subuid", name, m->uid, &m->subuid, &m->subuid_count) ||
      !subordinate_range("/etc/subgid", name, m->uid, &m->subgid, &m->subgid_count)) {
    *note =
        "no subordinate ids for uid " + std::to_string(m->uid) + " in /etc/subuid and /etc/subgid";
  } else if (m->newuidmap.empty() || m->newgidmap.empty()) {
    *note = "subordinate ids are configured but newuidmap/newgidmap (package uidmap) are missing";
  } else {
    return true;
  }
  m->subuid = m->subuid_count = m->subgid = m->subgid_count = 0;
  return false;
}

std::string g_detail;

void export_user_namespace() {
  if (!g_userns.enabled) {
    unsetenv(kEnvUserNs);
    return;
  }
  std::ostringstream o;
  o << g_userns.uid << ' ' << g_userns.gid << ' ' << g_userns.subuid << ' ' << g_userns.subuid_count
    << ' ' << g_userns.subgid << ' ' << g_userns.subgid_count << ' '
    << (g_userns.newuidmap.empty() ? "-" : g_userns.newuidmap) << ' '
    << (g_userns.newgidmap.empty() ? "-" : g_userns.newgidmap);
  setenv(kEnvUserNs, o.str().c_str(), 1);
}

}  // namespace

const UserNamespaceMap& user_namespace() { return g_userns; }

std::string isolation_detail(Isolation i) {
  if (i == Isolation::kNamespaces) return g_detail;
  return std::string(
             "process group per test, in the machine's own IPC and mount namespaces (uid ") +
         std::to_string(getuid()) +
         "): leftovers found by process group, name prefix and the "
         "record of created objects; rules about system-wide IPC counts need "
         "unshare(CLONE_NEWIPC)" +
         (geteuid() == 0 ? ""
                         : ", and those needing a second uid or a PID namespace are "
                           "UNSUPPORTED");
}

void load_user_namespace_from_env() {
  const char* v = getenv(kEnvUserNs);
  g_userns = UserNamespaceMap{};
  if (!v || !*v) return;
  std::istringstream in(v);
  UserNamespaceMap m;
  if (!(in >> m.uid >> m.gid >> m.subuid >> m.subuid_count >> m.subgid >> m.subgid_count >>
        m.newuidmap >> m.newgidmap))
    return;
  if (m.newuidmap == "-") m.newuidmap.clear();
  if (m.newgidmap == "-") m.newgidmap.clear();
  m.enabled = true;
  g_userns = m;
}

bool namespaces_available(std::string* why) {
  g_userns = UserNamespaceMap{};
  int direct = probe_namespaces(g_userns);
  if (direct == 0) {
    g_detail =
        "PID, IPC and mount namespaces per test, made directly (the runner holds "
        "CAP_SYS_ADMIN); every uid of the machine is usable";
    export_user_namespace();
    return true;
  }
  UserNamespaceMap m;
  m.enabled = true;
  m.uid = getuid();
  m.gid = getgid();
  std::string note;
  if (add_subordinate_ids(&m, &note)) {
    int code = probe_namespaces(m);
    if (code == 0) {
      g_userns = m;
      g_detail = "user namespace per test (uid " + std::to_string(m.uid) +
                 " is root inside; uids 1-" + std::to_string(m.subuid_count) +
                 " map to its subordinate ids " + std::to_string(m.subuid) + "-" +
                 std::to_string(m.subuid + m.subuid_count - 1) +
                 " through newuidmap), with PID, IPC and mount namespaces in it (direct "
                 "namespaces refused: " +
                 namespaces_why(direct) + ")";
      export_user_namespace();
      return true;
    }
    note = "mapping the subordinate ids failed (" + namespaces_why(code) + ")";
    m.subuid = m.subuid_count = m.subgid = m.subgid_count = 0;
  }
  int code = probe_namespaces(m);
  if (code == 0) {
    g_userns = m;
    g_detail = "user namespace per test (uid " + std::to_string(m.uid) +
               " is root inside, no other uid mapped: " + note +
               "), with PID, IPC and mount namespaces in it (direct namespaces refused: " +
               namespaces_why(direct) + ")";
    export_user_namespace();
    return true;
  }
  if (why) *why = namespaces_why(direct) + "; in a user namespace: " + namespaces_why(code);
  g_detail.clear();
  export_user_namespace();
  return false;
}

}  // namespace sigipc
