// Signals the kernel forces on a thread for what it just executed
// (Linux-only): a seccomp filter returning SECCOMP_RET_TRAP sends SIGSYS
// with si_code SYS_SECCOMP, the system call number, the audit architecture
// and the filter's data in si_errno (seccomp(2)); a breakpoint instruction
// raises SIGTRAP (signal(7): "Trace/breakpoint trap", default action core).
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

#if defined(__x86_64__)
constexpr unsigned kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr unsigned kAuditArch = 0;  // the rule is skipped
#endif

constexpr int kNoSeccompExit = 42;
// si_code SYS_SECCOMP (<asm-generic/siginfo.h>; glibc's <signal.h> does not
// always name it).
constexpr int kSysSeccomp = 1;
constexpr unsigned kFilterData = 0x77;

volatile sig_atomic_t g_sys_signo = 0, g_sys_code = 0, g_sys_call = -1, g_sys_errno = 0;
volatile unsigned g_sys_arch = 0;

void record_sigsys(int, siginfo_t* si, void*) {
  g_sys_signo = si->si_signo;
  g_sys_code = si->si_code;
  g_sys_call = si->si_syscall;
  g_sys_errno = si->si_errno;
  g_sys_arch = si->si_arch;
}

// In a child: getppid() traps with SECCOMP_RET_TRAP | kFilterData; any
// other call, and any call of another architecture, is allowed.
void child_trap_getppid() noexcept {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | kFilterData),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  CHILD_CHECK_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    if (errno == EINVAL || errno == ENOSYS || errno == EACCES) _exit(kNoSeccompExit);
    CHILD_CHECK_OK(-1);
  }
}

SIGIPC_TEST(SignalSiginfoTraps, SeccompTrapSendsSigsysWithTheCall,
            "signal.siginfo.seccomp-trap-sigsys", "seccomp(2) (Linux-only)",
            "A system call a seccomp filter answers with SECCOMP_RET_TRAP is not executed and "
            "sends SIGSYS with si_code SYS_SECCOMP, si_syscall the call, si_arch the audit "
            "architecture and si_errno the filter's SECCOMP_RET_DATA") {
  if (kAuditArch == 0) SIGIPC_UNSUPPORTED("no audit architecture known for this build");
  WaitStatus st = RunInChild([] {
    struct sigaction sa {};
    sa.sa_sigaction = record_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGSYS, &sa, nullptr));
    child_trap_getppid();
    syscall(SYS_getppid);
    CHILD_CHECK_EQ(g_sys_signo, SIGSYS);
    CHILD_CHECK_EQ(g_sys_code, kSysSeccomp);
    CHILD_CHECK_EQ(g_sys_call, SYS_getppid);
    CHILD_CHECK_EQ(g_sys_arch, kAuditArch);
    CHILD_CHECK_EQ(g_sys_errno, static_cast<int>(kFilterData));
  });
  if (st.exited() && st.exit_code() == kNoSeccompExit)
    SIGIPC_UNSUPPORTED("seccomp filters cannot be installed here");
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalSiginfoTraps, BreakpointInstructionRaisesSigtrap,
            "signal.default.breakpoint-sigtrap", "signal(7) (Linux-only)",
            "Executing a breakpoint instruction generates SIGTRAP, whose default action ends the "
            "process") {
#if defined(__x86_64__) || defined(__i386__)
  WaitStatus st = RunFaultingChild(SIGTRAP, [] { __asm__ volatile("int3"); });
#elif defined(__aarch64__)
  WaitStatus st = RunFaultingChild(SIGTRAP, [] { __asm__ volatile("brk #0"); });
#else
  WaitStatus st;
  SIGIPC_UNSUPPORTED("no breakpoint instruction known for this architecture");
#endif
  EXPECT_TRUE(KilledBy(st, SIGTRAP)) << st.describe();
}

}  // namespace
}  // namespace sigipc
