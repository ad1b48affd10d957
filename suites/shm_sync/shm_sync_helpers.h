// Shared by the shm_sync tests: memory shared between processes through a
// POSIX shared memory object (shm_open + ftruncate + mmap) or a System V
// segment (shmget + shmat), removed on every exit path; process-shared
// mutexes, condition variables, rwlocks and barriers initialised in it; and a
// set of forked workers released together.
#pragma once

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace shm_sync {

enum class Backing { kPosix, kSysv };

inline const char* describe(Backing b) {
  return b == Backing::kPosix ? "POSIX shared memory object" : "System V segment";
}

// len bytes (rounded up to pages) of one shared memory object or segment,
// mapped once at construction. The object is unlinked / IPC_RMID-ed and every
// mapping made here is unmapped on destruction.
class Region {
 public:
  Region(Backing backing, std::size_t len)
      : backing_(backing), len_((len + page_size() - 1) / page_size() * page_size()) {
    if (backing == Backing::kPosix) {
      name_ = std::make_unique<ShmName>("shm_sync");
      fd_ = UniqueFd(SETUP_OK(shm_open(name_->c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)));
      SETUP_OK(ftruncate(fd_.get(), static_cast<off_t>(len_)));
    } else {
      seg_ = std::make_unique<SysvId>(SysvId::kShm, create_sysv_shm(len_));
    }
    base_ = map_again();
  }
  ~Region() {
    for (void* p : maps_) unmap(p);
  }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

  void* get() const { return base_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(base_);
  }
  Backing backing() const { return backing_; }

  // Another mapping (mmap of the object / shmat of the segment) of the same
  // memory, at an address of the kernel's choice: a new one, since every
  // earlier mapping is still in place. Setup error on failure. Usable in a
  // forked child (the child's copy of this Region is never destroyed).
  void* map_again() {
    void* p;
    if (backing_ == Backing::kPosix) {
      p = mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
      if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap()", errno);
    } else {
      p = shmat(seg_->get(), nullptr, 0);
      if (p == reinterpret_cast<void*>(-1)) setup_error_errno(__FILE__, __LINE__, "shmat()", errno);
    }
    maps_.push_back(p);
    return p;
  }

 private:
  void unmap(void* p) const {
    if (backing_ == Backing::kPosix)
      munmap(p, len_);
    else
      shmdt(p);
  }

  Backing backing_;
  std::size_t len_;
  std::unique_ptr<ShmName> name_;
  UniqueFd fd_;
  std::unique_ptr<SysvId> seg_;
  std::vector<void*> maps_;
  void* base_ = nullptr;
};

// A pthread_*attr_* call returned err: PTHREAD_PROCESS_SHARED (the Thread
// Process-Shared Synchronization option, _POSIX_THREAD_PROCESS_SHARED) or
// robustness may be missing, which the standard allows: UNSUPPORTED. Any other
// error of an initialisation is a failure of the test process.
#define SHM_SYNC_INIT_OK(expr)                                                             \
  do {                                                                                     \
    const int sigipc_e_ = (expr);                                                          \
    if (sigipc_e_ == ENOTSUP)                                                              \
      SIGIPC_UNSUPPORTED(std::string(#expr) + " returned ENOTSUP: the option is missing"); \
    ASSERT_RETURNS_ERRNO(sigipc_e_, 0) << #expr;                                           \
  } while (0)

// Safety net for waits that should end at once: a condition variable wait
// lasting this long lost its wake-up.
constexpr int kWakeDeadlineS = 3;

inline timespec monotonic_deadline(int seconds) {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += seconds;
  return t;
}

// Counters the workers share with each other and the test process; lives in
// MAP_SHARED anonymous memory, apart from the memory under test.
struct StartLine {
  std::atomic<int> ready{0};
};

// n forked workers running body(i), each released only when all n have
// started (spinning on a shared counter), so their calls overlap. wait_all()
// reaps them and expects each to have ended with status 0.
class Workers {
 public:
  Workers(int n, const std::function<void(int)>& body)
      : line_(Mapping::shared_anonymous(sizeof(StartLine))) {
    StartLine* line = new (line_.get()) StartLine();
    for (int i = 0; i < n; ++i)
      children_.emplace_back([line, n, i, &body] {
        line->ready.fetch_add(1);
        while (line->ready.load() < n) sched_yield();
        body(i);
      });
  }
  void wait_all() {
    for (auto& c : children_) EXPECT_CHILD_OK(c.wait());
  }

 private:
  Mapping line_;
  std::vector<Child> children_;
};

}  // namespace shm_sync
}  // namespace sigipc
