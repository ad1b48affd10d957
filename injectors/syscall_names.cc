// resolve_name: syscall names through libseccomp, libc functions through a
// table of the syscalls glibc really makes.
//
// Verified with `strace -f` of a small program calling each function on this
// machine (Debian 12, glibc 2.36, x86_64, kernel 6.18): mq_send ->
// mq_timedsend, mq_receive -> mq_timedreceive, mq_getattr/mq_setattr ->
// mq_getsetattr, semop -> semtimedop, pipe -> pipe2, open and shm_open ->
// openat, shm_unlink and sem_unlink -> unlink, mkfifo -> mknodat, fork ->
// clone, pthread_create and posix_spawn -> clone3, sigaction and signal ->
// rt_sigaction, sigprocmask and pthread_sigmask -> rt_sigprocmask,
// sigpending -> rt_sigpending, sigtimedwait/sigwaitinfo/sigwait ->
// rt_sigtimedwait, sigqueue -> rt_sigqueueinfo, sigsuspend -> rt_sigsuspend,
// raise and pthread_kill -> tgkill, pause -> pause, sleep/usleep/nanosleep ->
// clock_nanosleep, wait/waitpid -> wait4, select -> pselect6, signalfd ->
// signalfd4, eventfd -> eventfd2, sem_timedwait -> futex. sem_wait and
// sem_post make no syscall at all while the semaphore is uncontended (glibc
// handles them in user space); the futex call only happens when a waiter
// must sleep or be woken.
//
// Each entry lists alternatives, first usable wins: a group is used when
// every syscall in it exists on this arch. The later groups are what
// glibc's generic code calls on architectures without the legacy syscall
// (aarch64, riscv64: no pause, poll, dup2, alarm).
#include <seccomp.h>

#include <cstring>
#include <string>
#include <vector>

#include "injectors/syscall_fail.h"

namespace sigipc::inject {

namespace {

struct LibcEntry {
  const char* function;
  std::vector<std::vector<const char*>> alternatives;
};

const std::vector<LibcEntry>& libc_table() {
  static const std::vector<LibcEntry> table = {
      {"mq_send", {{"mq_timedsend"}}},
      {"mq_receive", {{"mq_timedreceive"}}},
      {"mq_getattr", {{"mq_getsetattr"}}},
      {"mq_setattr", {{"mq_getsetattr"}}},
      {"mq_close", {{"close"}}},
      {"sem_wait", {{"futex"}}},
      {"sem_timedwait", {{"futex"}}},
      {"sem_clockwait", {{"futex"}}},
      {"sem_post", {{"futex"}}},
      {"sem_open", {{"openat"}}},
      {"sem_unlink", {{"unlink"}, {"unlinkat"}}},
      {"semop", {{"semtimedop"}, {"semop"}}},
      {"pipe", {{"pipe2"}}},
      {"open", {{"openat"}}},
      {"creat", {{"openat"}}},
      {"shm_open", {{"openat"}}},
      {"shm_unlink", {{"unlink"}, {"unlinkat"}}},
      {"mkfifo", {{"mknodat"}}},
      // Process creation: fork() makes clone; posix_spawn, system and popen
      // go through clone3 (falling back to clone only on ENOSYS).
      {"fork", {{"clone", "clone3"}, {"clone"}}},
      {"vfork", {{"vfork"}, {"clone"}}},
      {"pthread_create", {{"clone3"}, {"clone"}}},
      {"posix_spawn", {{"clone3"}, {"clone"}}},
      {"sigaction", {{"rt_sigaction"}}},
      {"signal", {{"rt_sigaction"}}},
      {"sigprocmask", {{"rt_sigprocmask"}}},
      {"pthread_sigmask", {{"rt_sigprocmask"}}},
      {"sigpending", {{"rt_sigpending"}}},
      {"sigtimedwait", {{"rt_sigtimedwait"}}},
      {"sigwaitinfo", {{"rt_sigtimedwait"}}},
      {"sigwait", {{"rt_sigtimedwait"}}},
      {"sigqueue", {{"rt_sigqueueinfo"}}},
      {"sigsuspend", {{"rt_sigsuspend"}}},
      {"raise", {{"tgkill"}}},
      {"pthread_kill", {{"tgkill"}}},
      {"pause", {{"pause"}, {"rt_sigsuspend"}}},
      {"alarm", {{"alarm"}, {"setitimer"}}},
      {"sleep", {{"clock_nanosleep"}}},
      {"usleep", {{"clock_nanosleep"}}},
      {"nanosleep", {{"clock_nanosleep"}}},
      {"wait", {{"wait4"}}},
      {"waitpid", {{"wait4"}}},
      {"select", {{"pselect6"}}},
      {"poll", {{"poll"}, {"ppoll"}}},
      {"dup2", {{"dup2"}, {"dup3"}}},
      {"signalfd", {{"signalfd4"}}},
      {"eventfd", {{"eventfd2"}}},
  };
  return table;
}

// A syscall of this arch, or -1: libseccomp returns negative pseudo-numbers
// for names it knows from other architectures.
int native_syscall(const char* name) {
  int nr = seccomp_syscall_resolve_name(name);
  return nr >= 0 ? nr : -1;
}

}  // namespace

std::vector<int> resolve_name(const std::string& name) {
  // "SYS_open": the system call itself, never a libc function of that name
  // (open, pipe and semop are both; <sys/syscall.h> spells them so).
  if (name.rfind("SYS_", 0) == 0) {
    int nr = name.size() > 4 ? native_syscall(name.c_str() + 4) : -1;
    if (nr < 0) throw RuleError("no system call '" + name.substr(4) + "' on this architecture");
    return {nr};
  }
  for (const auto& e : libc_table()) {
    if (name != e.function) continue;
    for (const auto& group : e.alternatives) {
      std::vector<int> out;
      for (const char* s : group) {
        int nr = native_syscall(s);
        if (nr < 0) break;
        out.push_back(nr);
      }
      if (out.size() == group.size()) return out;
    }
    throw RuleError("libc function '" + name + "' has no syscall mapping on this architecture");
  }
  int nr = name.empty() ? -1 : native_syscall(name.c_str());
  if (nr < 0) throw RuleError("unknown syscall or libc function '" + name + "'");
  return {nr};
}

}  // namespace sigipc::inject
