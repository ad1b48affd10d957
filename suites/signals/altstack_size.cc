// An alternate stack of the size the platform recommends is enough: a
// SA_SIGINFO|SA_ONSTACK handler on a stack of exactly SIGSTKSZ bytes (XBD
// <signal.h>: "default size in bytes for the alternate signal stack"), or of
// sysconf(_SC_SIGSTKSZ) bytes (glibc 2.34+, Linux-only), runs and returns
// without reaching below the stack, while the code it interrupts has live
// floating-point and vector values that come back intact. The stack is
// mmap()ed right above a PROT_NONE guard page: any byte the delivery or the
// handler put below ss_sp faults, and with the handler's stack overflowed
// the SIGSEGV kills the child. XSH sigaltstack(), XSH sigaction()
// (SA_ONSTACK, SA_SIGINFO), XSH 2.4.3 (the interrupted computation resumes).
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/flags_helpers.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51  // Linux UAPI <linux/auxvec.h>
#endif

namespace sigipc {
namespace {

using signals::addr_of;
using signals::in_region;

// Deliveries per run, each interrupting the floating-point loop.
constexpr int kDeliveries = 20;

struct DeepRun {
  std::atomic<int> count{0};
  std::atomic<int> off_stack{0};    // a handler frame outside [ss_sp, ss_sp + size)
  std::atomic<int> not_onstack{0};  // sigaltstack() did not say SS_ONSTACK
  std::atomic<int> no_context{0};   // no ucontext (the FP state travels in it)
  std::atomic<int> bad_fp{0};       // the handler's own arithmetic went wrong
  std::atomic<bool> done{false};
  int notify_fd = -1;  // the handler writes one byte here per delivery
  const char* sp = nullptr;
  std::size_t size = 0;
};
DeepRun g_run;

#if defined(__x86_64__)
// AVX is usable when the CPU has it and the kernel saves its state (OSXSAVE,
// with XCR0 holding SSE and AVX). Read with cpuid/xgetbv, not
// __builtin_cpu_supports: that needs libgcc's __cpu_model, which a clang or
// zig toolchain (the musl cell) does not link.
bool avx_usable() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_AVX) || !(c & bit_OSXSAVE)) return false;
  unsigned lo = 0, hi = 0;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 6u) == 6u;
}
const bool g_avx = avx_usable();
#endif

// Clobbers every SSE (and, with AVX, every YMM) register, as any handler
// using vector code may: the kernel must restore the interrupted values.
void clobber_vector_registers() {
#if defined(__x86_64__)
  if (g_avx) asm volatile("vzeroall" ::: "memory");
  asm volatile(
      "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
      "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
      "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
      "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
      "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\tpxor %%xmm14, %%xmm14\n\t"
      "pxor %%xmm15, %%xmm15" ::
          : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
            "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}

void deep_handler(int sig, siginfo_t* info, void* context) {
  volatile char here = 0;
  if (!in_region(addr_of(&here), g_run.sp, g_run.size)) g_run.off_stack.fetch_add(1);
  stack_t now{};
  if (sigaltstack(nullptr, &now) != 0 || !(now.ss_flags & SS_ONSTACK))
    g_run.not_onstack.fetch_add(1);
  if (context == nullptr || info == nullptr) g_run.no_context.fetch_add(1);
  volatile double a = 1.25, b = 3.5;
  volatile double c = a * b + sig;
  if (c != 1.25 * 3.5 + SIGUSR1) g_run.bad_fp.fetch_add(1);
  clobber_vector_registers();
  g_run.count.fetch_add(1);
  const char one = 1;
  HANDLER_CHECK(write(g_run.notify_fd, &one, 1) == 1);
}

// Three chained recurrences whose values stay in FP registers in the loop.
struct Recurrence {
  double x = 1.0, y = 2.0, z = -3.0;
  void step() {
    x = x * 0.9999995 + 1.0;
    y = y * 1.0000003 - 0.5;
    z = z * 0.99999 + x * 1e-9;
  }
  bool same_as(const Recurrence& o) const {
    return std::memcmp(&x, &o.x, sizeof x) == 0 && std::memcmp(&y, &o.y, sizeof y) == 0 &&
           std::memcmp(&z, &o.z, sizeof z) == 0;
  }
};

// In a child: declares an alternate stack of exactly size bytes whose lowest
// byte sits right above a PROT_NONE page, runs the floating-point loop while
// another thread sends kDeliveries SIGUSR1s to it, one at a time, then checks
// the handler's records and that the loop's values equal a replay of as many
// steps without signals.
void child_run_on_guarded_stack(std::size_t size) noexcept {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t span = page + (size + page - 1) / page * page;
  void* map = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHILD_CHECK(map != MAP_FAILED);
  CHILD_CHECK_OK(mprotect(map, page, PROT_NONE));
  g_run.sp = static_cast<char*>(map) + page;
  g_run.size = size;
  stack_t ss{};
  ss.ss_sp = const_cast<char*>(g_run.sp);
  ss.ss_size = size;
  CHILD_CHECK_OK(sigaltstack(&ss, nullptr));
  struct sigaction sa {};
  sa.sa_sigaction = deep_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));

  Pipe delivered;
  g_run.notify_fd = delivered.wr();
  const pthread_t main_thread = pthread_self();
  // The sender sleeps in read() while the handler runs: the loop keeps the
  // CPU, so each signal interrupts it.
  std::thread sender([main_thread, &delivered] {
    for (int i = 0; i < kDeliveries; ++i) {
      CHILD_CHECK_EQ(pthread_kill(main_thread, SIGUSR1), 0);
      char c;
      ssize_t n;
      do {
        n = read(delivered.rd(), &c, 1);
      } while (n < 0 && errno == EINTR);
      CHILD_CHECK_EQ(n, 1);
    }
    g_run.done.store(true);
  });
  Recurrence live;
  long steps = 0;
  while (!g_run.done.load(std::memory_order_relaxed)) {
    live.step();
    ++steps;
  }
  sender.join();
  Recurrence replay;
  for (long i = 0; i < steps; ++i) replay.step();

  CHILD_CHECK_EQ(g_run.count.load(), kDeliveries);
  CHILD_CHECK_EQ(g_run.off_stack.load(), 0);
  CHILD_CHECK_EQ(g_run.not_onstack.load(), 0);
  CHILD_CHECK_EQ(g_run.no_context.load(), 0);
  CHILD_CHECK_EQ(g_run.bad_fp.load(), 0);
  CHILD_CHECK(live.same_as(replay));
}

SIGIPC_TEST(SignalAltStack, SigstkszStackWithGuardHoldsASaSiginfoFrame,
            "signal.altstack.sigstksz-enough",
            "XBD <signal.h> SIGSTKSZ; XSH sigaltstack(); XSH sigaction()",
            "An alternate stack of exactly SIGSTKSZ bytes (the constant of the POSIX "
            "environment) above a guard page holds a SA_SIGINFO|SA_ONSTACK handler interrupting "
            "floating-point code: it never reaches the guard and the interrupted FP values "
            "survive") {
  const long size = signals::posix_sigstksz();
  ASSERT_GT(size, 0) << "SIGSTKSZ";
  EXPECT_CHILD_OK(RunInChild([size] { child_run_on_guarded_stack(size); }));
}

SIGIPC_TEST(SignalAltStack, SysconfSigstkszStackWithGuardHoldsASaSiginfoFrame,
            "signal.altstack.sysconf-sigstksz-enough",
            "sysconf(3) _SC_SIGSTKSZ (Linux-only, glibc 2.34+); XSH sigaltstack()",
            "An alternate stack of exactly sysconf(_SC_SIGSTKSZ) bytes above a guard page holds "
            "a SA_SIGINFO|SA_ONSTACK handler interrupting floating-point code: it never reaches "
            "the guard and the interrupted FP values survive") {
#ifdef _SC_SIGSTKSZ
  const long size = sysconf(_SC_SIGSTKSZ);
  if (size <= 0) GTEST_SKIP() << "sysconf(_SC_SIGSTKSZ) has no value here";
  EXPECT_CHILD_OK(RunInChild([size] { child_run_on_guarded_stack(size); }));
#else
  GTEST_SKIP() << "the C library has no _SC_SIGSTKSZ (glibc before 2.34, musl)";
#endif
}

SIGIPC_TEST(SignalAltStack, SysconfStackSizesCoverTheKernelMinimum,
            "signal.altstack.sysconf-covers-at-minsigstksz",
            "sysconf(3) _SC_MINSIGSTKSZ, _SC_SIGSTKSZ; getauxval(3) AT_MINSIGSTKSZ (Linux-only)",
            "sysconf(_SC_MINSIGSTKSZ) and sysconf(_SC_SIGSTKSZ) are at least the signal frame "
            "size the kernel announces in AT_MINSIGSTKSZ, and _SC_SIGSTKSZ is at least "
            "_SC_MINSIGSTKSZ") {
#if defined(_SC_SIGSTKSZ) && defined(_SC_MINSIGSTKSZ)
  const unsigned long kernel_min = getauxval(AT_MINSIGSTKSZ);
  if (kernel_min == 0)
    GTEST_SKIP() << "no AT_MINSIGSTKSZ in the auxiliary vector (Linux before 5.14 on x86, or an "
                    "emulator that does not pass it)";
  const long min = sysconf(_SC_MINSIGSTKSZ);
  const long rec = sysconf(_SC_SIGSTKSZ);
  EXPECT_GE(min, static_cast<long>(kernel_min)) << "_SC_MINSIGSTKSZ vs AT_MINSIGSTKSZ";
  EXPECT_GE(rec, static_cast<long>(kernel_min)) << "_SC_SIGSTKSZ vs AT_MINSIGSTKSZ";
  EXPECT_GE(rec, min) << "_SC_SIGSTKSZ vs _SC_MINSIGSTKSZ";
#else
  GTEST_SKIP() << "the C library has no _SC_MINSIGSTKSZ/_SC_SIGSTKSZ (glibc before 2.34, musl)";
#endif
}

}  // namespace
}  // namespace sigipc
