// An unnamed process-shared semaphore placed in a POSIX shared memory object
// is usable by any process that maps the object, related or not.
// XSH sem_init() ("any process that can access the shared memory region").
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

// A fresh program image: maps the shm object by name and posts the semaphore
// at its start after checking the value the creator left (2).
SIGIPC_EXEC_HELPER(psem_post_in_shm) {
  if (args.size() != 1) return 3;
  int fd = shm_open(args[0].c_str(), O_RDWR, 0);
  if (fd < 0) return 4;
  void* p = mmap(nullptr, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return 4;
  sem_t* s = static_cast<sem_t*>(p);
  int v = -1;
  if (sem_getvalue(s, &v) != 0 || v != 2) return 5;
  if (sem_post(s) != 0) return 6;
  munmap(p, sizeof(sem_t));
  return 0;
}

SIGIPC_TEST(PosixSemShm, UnnamedSemaphoreInShmObjectWorksForUnrelatedProcess,
            "posix_sem.init.pshared-in-shm-object", "XSH sem_init()",
            "With pshared != 0, a semaphore initialised in a POSIX shared memory object can be "
            "used by an unrelated process that maps the object: it sees the value (2) and its "
            "sem_post() reaches the creator") {
  ShmName n;
  UniqueFd fd(SETUP_OK(shm_open(n.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)));
  SETUP_OK(ftruncate(fd.get(), sizeof(sem_t)));
  void* p = mmap(nullptr, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping map(p, sizeof(sem_t));
  sem_t* s = map.as<sem_t>();
  ASSERT_SUCCEEDS(sem_init(s, 1, 2));
  ExecArgv argv("psem_post_in_shm", {n.str()});
  {
    Child c([&] {
      argv.exec();
      child_exit(kChildSetupErrorExit);
    });
    WaitStatus st = c.wait();
    ASSERT_TRUE(st.exited()) << st.describe();
    ASSERT_NE(st.exit_code(), 4) << "the helper could not map the object";
    EXPECT_NE(st.exit_code(), 5) << "the helper did not see value 2";
    EXPECT_CHILD_OK(st);
  }
  EXPECT_EQ(posix_sem::value_of(s), 3);
  sem_destroy(s);
}

}  // namespace
}  // namespace sigipc
