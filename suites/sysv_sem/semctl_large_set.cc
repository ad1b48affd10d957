// GETALL and SETALL on a set larger than the kernel's on-stack buffer
// (Linux copies up to 256 values through the stack and allocates beyond), and
// SETALL's range check (XSH semctl()).
#include <sys/ipc.h>
#include <sys/sem.h>

#include <fstream>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

constexpr int kNsems = 300;

#define REQUIRE_SEMMSL(n)                                                                 \
  do {                                                                                    \
    if (sysv_sem::ipc_info().semmsl < (n))                                                \
      SIGIPC_UNSUPPORTED("SEMMSL is below " + std::to_string(n) + " semaphores per set"); \
  } while (0)

SIGIPC_TEST(SysvSemLargeSet, SetallThenGetallRoundTripsEveryValue,
            "sysv_sem.semctl.setall-getall-large-set", "XSH semctl()",
            "SETALL sets every semval of a 300-semaphore set from arg.array, and GETALL returns "
            "them all, each matching GETVAL") {
  REQUIRE_SEMMSL(kNsems);
  sysv_sem::Set set(kNsems);
  std::vector<unsigned short> in(kNsems), out(kNsems, 0xffff);
  for (int i = 0; i < kNsems; ++i) in[i] = static_cast<unsigned short>(i * 7 + 1);
  sysv_sem::semun u{};
  u.array = in.data();
  ASSERT_SUCCEEDS(semctl(set.get(), 0, SETALL, u));
  u.array = out.data();
  ASSERT_SUCCEEDS(semctl(set.get(), 0, GETALL, u));
  EXPECT_EQ(out, in);
  EXPECT_EQ(sysv_sem::val(set.get(), kNsems - 1), in[kNsems - 1]);
  EXPECT_EQ(sysv_sem::val(set.get(), 0), in[0]);
}

SIGIPC_TEST(SysvSemLargeSet, SetallAboveSemvmxFailsWithErange, "sysv_sem.semctl.setall-erange",
            "XSH semctl()",
            "SETALL with a value above the system maximum (SEMVMX) fails with ERANGE") {
  REQUIRE_SEMMSL(kNsems);
  int semvmx = sysv_sem::ipc_info().semvmx;
  if (semvmx >= 65535) SIGIPC_UNSUPPORTED("SEMVMX is the largest unsigned short");
  sysv_sem::Set set(kNsems);
  std::vector<unsigned short> in(kNsems, 1);
  in[kNsems / 2] = static_cast<unsigned short>(semvmx + 1);
  sysv_sem::semun u{};
  u.array = in.data();
  EXPECT_FAILS_WITH(semctl(set.get(), 0, SETALL, u), ERANGE);
}

}  // namespace
}  // namespace sigipc
