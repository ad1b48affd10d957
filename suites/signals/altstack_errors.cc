// sigaltstack() errors: EPERM while executing on the stack, ENOMEM below
// MINSIGSTKSZ (and MINSIGSTKSZ itself accepted), EINVAL for flags other than
// SS_DISABLE. XSH sigaltstack().
#include <signal.h>
#include <unistd.h>

#include <memory>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)  // Linux UAPI; a valid Linux flag, not an invalid one
#endif

namespace sigipc {
namespace {

using signals::query_alt_stack;

// Results of the attempts made inside the handler: the errno of a failure,
// 0 for a success, -1 not attempted.
volatile sig_atomic_t g_replace_errno = -1;
volatile sig_atomic_t g_disable_errno = -1;
char g_other_stack[64 * 1024];

int errno_of(int r) { return r == 0 ? 0 : errno; }

void modify_from_handler(int) {
  stack_t other{};
  other.ss_sp = g_other_stack;
  other.ss_size = sizeof g_other_stack;
  g_replace_errno = errno_of(sigaltstack(&other, nullptr));
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  g_disable_errno = errno_of(sigaltstack(&off, nullptr));
}

SIGIPC_TEST(SignalAltStack, ChangingStackWhileOnItFailsWithEperm, "signal.altstack.eperm-on-stack",
            "XSH sigaltstack()",
            "While executing on the alternate stack, replacing or disabling it fails with EPERM "
            "and leaves it in place") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, modify_from_handler, SA_ONSTACK);
  g_replace_errno = -1;
  g_disable_errno = -1;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_NE(g_replace_errno, -1) << "the handler did not run";
  EXPECT_EQ(g_replace_errno, EPERM) << "replacing the active stack: " << ErrnoText(g_replace_errno);
  EXPECT_EQ(g_disable_errno, EPERM) << "disabling the active stack: " << ErrnoText(g_disable_errno);
  stack_t now = query_alt_stack();
  EXPECT_EQ(now.ss_sp, alt.base()) << "the stack changed after all";
  EXPECT_EQ(now.ss_flags, 0) << "the stack must still be enabled";
}

SIGIPC_TEST(SignalAltStack, SizeBelowMinsigstkszFailsWithEnomem, "signal.altstack.enomem-below-min",
            "XSH sigaltstack(); XBD <signal.h>",
            "sigaltstack() fails with ENOMEM, changing nothing, when ss_size is less than "
            "MINSIGSTKSZ (the <signal.h> constant of the POSIX environment)") {
  const long min = signals::posix_minsigstksz();
  ASSERT_GT(min, 1) << "setup: MINSIGSTKSZ";
  std::unique_ptr<char[]> mem(new char[static_cast<std::size_t>(min)]);
  for (long size : {0L, 1L, min - 1}) {
    stack_t ss{};
    ss.ss_sp = mem.get();
    ss.ss_size = static_cast<std::size_t>(size);
    EXPECT_FAILS_WITH(sigaltstack(&ss, nullptr), ENOMEM)
        << "ss_size " << size << " (MINSIGSTKSZ " << min << ")";
    EXPECT_NE(query_alt_stack().ss_flags & SS_DISABLE, 0)
        << "a refused stack of " << size << " bytes was installed";
  }
}

SIGIPC_TEST(SignalAltStack, SizeOfMinsigstkszIsAccepted, "signal.altstack.min-size-accepted",
            "XSH sigaltstack(); XBD <signal.h>",
            "sigaltstack() accepts a stack of exactly MINSIGSTKSZ bytes, both the POSIX "
            "constant and glibc's run-time MINSIGSTKSZ") {
  AltStack restore(signals::alt_stack_bytes());  // puts the original state back
  // Under _GNU_SOURCE, glibc 2.34+ defines MINSIGSTKSZ as
  // sysconf(_SC_SIGSTKSZ); an application compiled that way uses this value.
  const long gnu_min = static_cast<long>(MINSIGSTKSZ);
  for (long size : {signals::posix_minsigstksz(), gnu_min}) {
    std::unique_ptr<char[]> mem(new char[static_cast<std::size_t>(size)]);
    stack_t ss{};
    ss.ss_sp = mem.get();
    ss.ss_size = static_cast<std::size_t>(size);
    EXPECT_SUCCEEDS(sigaltstack(&ss, nullptr)) << "ss_size " << size;
    stack_t now = query_alt_stack();
    EXPECT_EQ(now.ss_size, static_cast<std::size_t>(size)) << "the stack in effect";
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    ASSERT_SUCCEEDS(sigaltstack(&off, nullptr)) << "before freeing the stack";
  }
}

SIGIPC_TEST(SignalAltStack, UnknownSsFlagsFailWithEinval, "signal.altstack.einval-unknown-flag",
            "XSH sigaltstack()",
            "sigaltstack() fails with EINVAL when ss_flags holds a bit that is no stack flag at "
            "all, alone or with SS_DISABLE") {
  AltStack alt(signals::alt_stack_bytes());
  const unsigned known = SS_ONSTACK | SS_DISABLE | SS_AUTODISARM;
  for (int bit = 0; bit < 31; ++bit) {
    const unsigned flag = 1u << bit;
    if (flag & known) continue;
    for (unsigned extra : {0u, static_cast<unsigned>(SS_DISABLE)}) {
      stack_t ss{};
      ss.ss_sp = alt.base();
      ss.ss_size = alt.size();
      ss.ss_flags = static_cast<int>(flag | extra);
      EXPECT_FAILS_WITH(sigaltstack(&ss, nullptr), EINVAL)
          << "ss_flags 0x" << std::hex << (flag | extra);
    }
  }
  stack_t now = query_alt_stack();
  EXPECT_EQ(now.ss_sp, alt.base()) << "a refused call changed the stack";
  EXPECT_EQ(now.ss_flags, 0);
}

SIGIPC_TEST(SignalAltStack, SsOnstackInNewStackFailsWithEinval,
            "signal.altstack.einval-ss-onstack-flag", "XSH sigaltstack()",
            "sigaltstack() fails with EINVAL when ss->ss_flags holds SS_ONSTACK, a flag other "
            "than SS_DISABLE (SS_ONSTACK is only ever reported, in oss)") {
  AltStack alt(signals::alt_stack_bytes());
  std::unique_ptr<char[]> other(new char[alt.size()]);
  stack_t ss{};
  ss.ss_sp = other.get();
  ss.ss_size = alt.size();
  ss.ss_flags = SS_ONSTACK;
  EXPECT_FAILS_WITH(sigaltstack(&ss, nullptr), EINVAL);
  EXPECT_EQ(query_alt_stack().ss_sp, alt.base()) << "the refused stack was installed";
  // Whatever happened, leave no pointer to `other` installed past its life.
  stack_t back{};
  back.ss_sp = alt.base();
  back.ss_size = alt.size();
  sigaltstack(&back, nullptr);
}

}  // namespace
}  // namespace sigipc
