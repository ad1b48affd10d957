// A thread of the calling process that answers a target's notified calls
// (FailureInjector::supervise) until stopped: the one supervisor set-up and
// teardown of sigipc inject and run_with_failures.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "fixtures/process.h"
#include "injectors/syscall_fail.h"

namespace sigipc::inject {

// With notify_fd < 0 (no supervisor needed) it does nothing. The thread
// blocks every signal, so the caller's handlers run elsewhere.
class SupervisorThread {
 public:
  // Takes ownership of notify_fd. on_error gets the reason when supervise()
  // throws; the fd is closed then, so the target's notified calls fail with
  // ENOSYS. Throws std::runtime_error when the thread cannot be set up.
  SupervisorThread(FailureInjector& injector, int notify_fd,
                   std::function<void(const std::string&)> on_error);
  ~SupervisorThread();  // stop()
  SupervisorThread(const SupervisorThread&) = delete;
  SupervisorThread& operator=(const SupervisorThread&) = delete;

  // Wakes the supervisor and waits for it: call once the target has ended,
  // before reading the injector's log.
  void stop();

 private:
  std::thread thread_;
  UniqueFd stop_rd_, stop_wr_;
};

}  // namespace sigipc::inject
