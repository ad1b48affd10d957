#include "injectors/supervisor_thread.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "fixtures/check.h"

namespace sigipc::inject {

SupervisorThread::SupervisorThread(FailureInjector& injector, int notify_fd,
                                   std::function<void(const std::string&)> on_error) {
  if (notify_fd < 0) return;
  UniqueFd owned(notify_fd);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed: " + ErrnoText(errno));
  stop_rd_.reset(p[0]);
  stop_wr_.reset(p[1]);
  const int stop_fd = stop_rd_.get();
  thread_ = std::thread([&injector, fd = owned.release(), stop_fd, on_error] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    try {
      injector.supervise(fd, stop_fd);
    } catch (const std::exception& e) {
      on_error(e.what());
    }
  });
}

SupervisorThread::~SupervisorThread() { stop(); }

void SupervisorThread::stop() {
  if (!thread_.joinable()) return;
  char c = 1;
  while (write(stop_wr_.get(), &c, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  stop_rd_.reset();
  stop_wr_.reset();
}

}  // namespace sigipc::inject
