// Semaphore limits and option macros: {SEM_VALUE_MAX}, {SEM_NSEMS_MAX},
// _POSIX_SEMAPHORES. XBD <limits.h>, XBD <unistd.h>, XSH sysconf(),
// XBD <semaphore.h>.
#include <limits.h>
#include <semaphore.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixSemLimits, SemValueMaxIsAtLeastPosixMinimum,
            "posix_sem.limits.sem-value-max-minimum", "XBD <limits.h>",
            "{SEM_VALUE_MAX}, when defined, is at least _POSIX_SEM_VALUE_MAX (32767)") {
#ifdef SEM_VALUE_MAX
  EXPECT_GE(static_cast<long long>(SEM_VALUE_MAX), 32767LL);
  EXPECT_GE(static_cast<long long>(SEM_VALUE_MAX), static_cast<long long>(_POSIX_SEM_VALUE_MAX));
#else
  SIGIPC_UNSUPPORTED("SEM_VALUE_MAX is not defined (indeterminate); see the sysconf test");
#endif
}

SIGIPC_TEST(PosixSemLimits, PosixSemValueMaxMinimumIs32767,
            "posix_sem.limits.posix-sem-value-max-is-32767", "XBD <limits.h>",
            "_POSIX_SEM_VALUE_MAX has the value 32767") {
  EXPECT_EQ(_POSIX_SEM_VALUE_MAX, 32767);
}

SIGIPC_TEST(PosixSemLimits, SysconfSemValueMaxIsAtLeastPosixMinimum,
            "posix_sem.limits.sysconf-sem-value-max", "XSH sysconf()",
            "sysconf(_SC_SEM_VALUE_MAX) returns a value of at least _POSIX_SEM_VALUE_MAX") {
  errno = 0;
  long v = sysconf(_SC_SEM_VALUE_MAX);
  ASSERT_NE(v, -1L) << "sysconf(_SC_SEM_VALUE_MAX) failed or reported no limit, errno "
                    << ErrnoText(errno);
  EXPECT_GE(v, 32767L);
}

SIGIPC_TEST(PosixSemLimits, SysconfSemValueMaxMatchesTheMacro,
            "posix_sem.limits.sysconf-sem-value-max-matches-macro", "XBD <limits.h>",
            "{SEM_VALUE_MAX} is a runtime invariant: when the macro is defined, "
            "sysconf(_SC_SEM_VALUE_MAX) returns the same value") {
#ifdef SEM_VALUE_MAX
  EXPECT_EQ(sysconf(_SC_SEM_VALUE_MAX), static_cast<long>(SEM_VALUE_MAX));
#else
  SIGIPC_UNSUPPORTED("SEM_VALUE_MAX is not defined");
#endif
}

SIGIPC_TEST(PosixSemLimits, SysconfSemNsemsMaxIsUnlimitedOrAtLeastPosixMinimum,
            "posix_sem.limits.sysconf-sem-nsems-max", "XSH sysconf()",
            "sysconf(_SC_SEM_NSEMS_MAX) returns -1 (no limit, errno unchanged) or a value of at "
            "least _POSIX_SEM_NSEMS_MAX (256)") {
  errno = 0;
  long v = sysconf(_SC_SEM_NSEMS_MAX);
  if (v == -1) {
    EXPECT_EQ(errno, 0) << "-1 must mean 'no limit', not an error: " << ErrnoText(errno);
  } else {
    EXPECT_GE(v, 256L);
    EXPECT_GE(v, static_cast<long>(_POSIX_SEM_NSEMS_MAX));
  }
}

SIGIPC_TEST(PosixSemLimits, SemaphoresOptionIsSupported, "posix_sem.limits.posix-semaphores",
            "XBD <unistd.h>",
            "_POSIX_SEMAPHORES is defined as 200809L (semaphores are mandatory) and "
            "sysconf(_SC_SEMAPHORES) agrees") {
#ifdef _POSIX_SEMAPHORES
  EXPECT_GE(static_cast<long>(_POSIX_SEMAPHORES), 200809L);
  EXPECT_GE(sysconf(_SC_SEMAPHORES), 200809L);
#else
  ADD_FAILURE() << "_POSIX_SEMAPHORES is not defined";
#endif
}

}  // namespace
}  // namespace sigipc
