// shmdt() of an attachment whose pages no longer form one mapping: after
// mprotect() changed the protection of part of it (XSH mprotect(): whole
// pages), shmdt() must still detach the whole segment (XSH shmdt()).
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvShmDetach, DetachAfterPartialMprotectDetachesEveryPage,
            "sysv_shm.detach.after-partial-mprotect", "XSH shmdt()",
            "After mprotect() on some pages of an attachment, shmdt() at its address detaches "
            "the whole segment: shm_nattch drops to 0 and none of its pages is mapped any more") {
  long ps = sysconf(_SC_PAGESIZE);
  sysv_shm::Segment seg(3 * ps);
  char* p = static_cast<char*>(sysv_shm::attach_or_setup_error(seg.get()));
  ShmAttachment guard(p);
  ASSERT_SUCCEEDS(mprotect(p + ps, ps, PROT_READ));
  p[0] = 'a';
  p[2 * ps] = 'c';
  ASSERT_SUCCEEDS(shmdt(p));
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 0);
  for (int i = 0; i < 3; ++i)
    EXPECT_FAILS_WITH(msync(p + i * ps, ps, MS_ASYNC), ENOMEM) << "page " << i << " is mapped";
}

}  // namespace
}  // namespace sigipc
