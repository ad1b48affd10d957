// siginfo_t of memory faults: SIGSEGV with SEGV_ACCERR for a page without
// access and SEGV_MAPERR for an unmapped one, SIGBUS for a reference past the
// end of a mapped file, and si_addr the faulting reference. Each fault is
// taken in a child (signals::run_fault) whose handler passes the siginfo_t back.
// XBD <signal.h>, XSH mmap(), sigaction(2).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::FaultResult;
using signals::run_fault;

// Inside a page, away from its start, so that a rounded address differs.
constexpr std::size_t kOffset = 123;

bool same_page(const void* a, const void* b) {
  const uintptr_t mask = ~static_cast<uintptr_t>(page_size() - 1);
  return (reinterpret_cast<uintptr_t>(a) & mask) == (reinterpret_cast<uintptr_t>(b) & mask);
}

void touch(char* p) { *static_cast<volatile char*>(p) = 1; }

// A page mapped without any access, unmapped on destruction.
struct NoAccessPage {
  Mapping map{map_no_access(), page_size()};
  static void* map_no_access() {
    void* p = mmap(nullptr, page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap(PROT_NONE)", errno);
    return p;
  }
  char* target() const { return map.as<char>() + kOffset; }
};

FaultResult fault_on_no_access_page() {
  NoAccessPage page;
  char* target = page.target();
  return run_fault(SIGSEGV, [target] {
    signals::g_capture->site = target;
    touch(target);
  });
}

// Maps a page and unmaps it again in the faulting child itself, so nothing
// can be mapped there before the reference.
FaultResult fault_on_unmapped_page() {
  const std::size_t len = page_size();
  return run_fault(SIGSEGV, [len] {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHILD_CHECK(p != MAP_FAILED);
    CHILD_CHECK_OK(munmap(p, len));
    char* target = static_cast<char*>(p) + kOffset;
    signals::g_capture->site = target;
    touch(target);
  });
}

// A file one page long mapped over two pages; the reference is in the
// second page, wholly past the end of the file.
FaultResult fault_past_end_of_file() {
  TempPath path("mapped");
  UniqueFd fd(open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) setup_error_errno(__FILE__, __LINE__, "open()", errno);
  SETUP_OK(ftruncate(fd.get(), static_cast<off_t>(page_size())));
  void* p = mmap(nullptr, 2 * page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap(file)", errno);
  Mapping map(p, 2 * page_size());
  char* target = static_cast<char*>(p) + page_size() + kOffset;
  return run_fault(SIGBUS, [target] {
    signals::g_capture->site = target;
    touch(target);
  });
}

SIGIPC_TEST(SignalSiginfoMemFault, NoAccessPageGivesSegvAccerr, "signal.siginfo.segv-accerr",
            "XBD <signal.h>; XSH mmap()",
            "A reference to a page mapped with PROT_NONE raises SIGSEGV with si_code "
            "SEGV_ACCERR (invalid permissions for mapped object)") {
  FaultResult r = fault_on_no_access_page();
  ASSERT_FAULT_CAUGHT(r, SIGSEGV);
  EXPECT_EQ(r.capture.info.si_signo, SIGSEGV);
  EXPECT_EQ(r.capture.info.si_code, SEGV_ACCERR);
}

SIGIPC_TEST(SignalSiginfoMemFault, UnmappedAddressGivesSegvMaperr, "signal.siginfo.segv-maperr",
            "XBD <signal.h>",
            "A reference to an address with no mapping raises SIGSEGV with si_code SEGV_MAPERR "
            "(address not mapped to object)") {
  FaultResult r = fault_on_unmapped_page();
  ASSERT_FAULT_CAUGHT(r, SIGSEGV);
  EXPECT_EQ(r.capture.info.si_signo, SIGSEGV);
  EXPECT_EQ(r.capture.info.si_code, SEGV_MAPERR);
}

// XBD <signal.h> allows si_addr to be inaccurate on some implementations;
// the page of the reference is what is checked.
SIGIPC_TEST(SignalSiginfoMemFault, SegvSiAddrIsFaultingReference, "signal.siginfo.segv-addr",
            "XBD <signal.h>",
            "For SIGSEGV, si_addr is the faulting memory reference (its page), both for a page "
            "without access and for an unmapped address") {
  for (FaultResult r : {fault_on_no_access_page(), fault_on_unmapped_page()}) {
    ASSERT_FAULT_CAUGHT(r, SIGSEGV);
    EXPECT_TRUE(same_page(r.capture.info.si_addr, r.capture.site))
        << "si_addr " << r.capture.info.si_addr << ", reference at " << r.capture.site;
  }
}

SIGIPC_TEST(SignalSiginfoMemFault, ReferencePastEndOfFileGivesSigbus, "signal.siginfo.bus-past-eof",
            "XSH mmap()",
            "A reference to a whole page of a file mapping past the end of the file raises "
            "SIGBUS") {
  FaultResult r = fault_past_end_of_file();
  ASSERT_CHILD_OK(r.status) << "the child taking the fault";
  EXPECT_EQ(r.capture.caught, SIGBUS);
  EXPECT_EQ(r.capture.info.si_signo, SIGBUS);
}

SIGIPC_TEST(SignalSiginfoMemFault, SigbusPastEndOfFileIsBusAdrerr, "signal.siginfo.bus-adrerr",
            "Linux-only, sigaction(2)",
            "On Linux, SIGBUS for a reference past the end of a mapped file carries si_code "
            "BUS_ADRERR (nonexistent physical address)") {
  FaultResult r = fault_past_end_of_file();
  ASSERT_FAULT_CAUGHT(r, SIGBUS);
  EXPECT_EQ(r.capture.info.si_code, BUS_ADRERR);
}

SIGIPC_TEST(SignalSiginfoMemFault, SigbusSiAddrIsFaultingReference, "signal.siginfo.bus-addr",
            "XBD <signal.h>", "For SIGBUS, si_addr is the faulting memory reference (its page)") {
  FaultResult r = fault_past_end_of_file();
  ASSERT_FAULT_CAUGHT(r, SIGBUS);
  EXPECT_TRUE(same_page(r.capture.info.si_addr, r.capture.site))
      << "si_addr " << r.capture.info.si_addr << ", reference at " << r.capture.site;
}

}  // namespace
}  // namespace sigipc
