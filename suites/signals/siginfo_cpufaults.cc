// siginfo_t of instruction faults: SIGFPE with FPE_INTDIV for an integer
// division by zero, SIGILL with ILL_ILLOPC for an undefined opcode, and
// si_addr the faulting instruction. Which instruction faults how is
// architecture-specific: the triggers are x86-64, AArch64 and 32-bit Arm
// assembly, and other architectures report UNSUPPORTED. AArch64 and Arm have
// no integer division trap (SDIV/UDIV by zero return 0, Arm ARM "SDIV"), so
// there the SIGFPE tests report UNSUPPORTED with that reason. Each trigger
// stores the address of its faulting instruction before executing it; the
// fault is taken in a child (signals::run_fault). XBD <signal.h>.
#include <signal.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::FaultResult;
using signals::run_fault;

#if defined(__x86_64__)
constexpr const char* kNoDivideTrap = nullptr;

void divide_by_zero() {
  int lo = 1, hi = 0;
  const int zero = 0;
  asm volatile(
      "leaq 1f(%%rip), %%rcx\n\t"
      "movq %%rcx, %[site]\n\t"
      "1: idivl %[zero]"
      : [site] "=m"(signals::g_capture->site), "+a"(lo), "+d"(hi)
      : [zero] "r"(zero)
      : "rcx", "cc");
}

// ud2 is the instruction the architecture reserves as undefined opcode.
void undefined_opcode() {
  asm volatile(
      "leaq 1f(%%rip), %%rcx\n\t"
      "movq %%rcx, %[site]\n\t"
      "1: ud2"
      : [site] "=m"(signals::g_capture->site)
      :
      : "rcx");
}
#define SIGIPC_HAVE_ILL_TRIGGER 1
#elif defined(__aarch64__)
constexpr const char* kNoDivideTrap =
    "AArch64 integer division by zero does not trap (SDIV returns 0)";
void divide_by_zero() {}

// UDF #0: permanently undefined in the A64 instruction set.
void undefined_opcode() {
  asm volatile(
      "adr x9, 1f\n\t"
      "str x9, %[site]\n\t"
      "1: udf #0"
      : [site] "=m"(signals::g_capture->site)
      :
      : "x9");
}
#define SIGIPC_HAVE_ILL_TRIGGER 1
#elif defined(__arm__)
constexpr const char* kNoDivideTrap = "Arm integer division by zero does not trap (SDIV returns 0)";
void divide_by_zero() {}

// UDF #0: permanently undefined in both the Arm and the Thumb instruction
// sets (Linux hooks other UDF values for ptrace breakpoints, not #0).
void undefined_opcode() {
  asm volatile(
      "adr r3, 1f\n\t"
      "str r3, %[site]\n\t"
      "1: udf #0"
      : [site] "=m"(signals::g_capture->site)
      :
      : "r3");
}
#define SIGIPC_HAVE_ILL_TRIGGER 1
#else
constexpr const char* kNoDivideTrap = "no instruction-fault trigger for this architecture";
void divide_by_zero() {}
void undefined_opcode() {}
#define SIGIPC_HAVE_ILL_TRIGGER 0
#endif

#define SIGIPC_REQUIRE_DIVIDE_TRAP()                      \
  do {                                                    \
    if (kNoDivideTrap) SIGIPC_UNSUPPORTED(kNoDivideTrap); \
  } while (0)
#define SIGIPC_REQUIRE_ILL_TRIGGER()                                                \
  do {                                                                              \
    if (!SIGIPC_HAVE_ILL_TRIGGER)                                                   \
      SIGIPC_UNSUPPORTED("no undefined-instruction trigger for this architecture"); \
  } while (0)

SIGIPC_TEST(SignalSiginfoCpuFault, IntegerDivideByZeroGivesFpeIntdiv, "signal.siginfo.fpe-intdiv",
            "XBD <signal.h>",
            "An integer division by zero raises SIGFPE with si_code FPE_INTDIV (x86-64)") {
  SIGIPC_REQUIRE_DIVIDE_TRAP();
  FaultResult r = run_fault(SIGFPE, divide_by_zero);
  ASSERT_FAULT_CAUGHT(r, SIGFPE);
  EXPECT_EQ(r.capture.info.si_signo, SIGFPE);
  EXPECT_EQ(r.capture.info.si_code, FPE_INTDIV);
}

SIGIPC_TEST(SignalSiginfoCpuFault, SigfpeSiAddrIsFaultingInstruction, "signal.siginfo.fpe-addr",
            "XBD <signal.h>",
            "For SIGFPE, si_addr is the address of the faulting instruction (x86-64 idiv)") {
  SIGIPC_REQUIRE_DIVIDE_TRAP();
  FaultResult r = run_fault(SIGFPE, divide_by_zero);
  ASSERT_FAULT_CAUGHT(r, SIGFPE);
  EXPECT_EQ(r.capture.info.si_addr, r.capture.site);
}

// XBD <signal.h>: ILL_ILLOPC "Illegal opcode", ILL_ILLOPN "Illegal operand";
// "Implementations do not generate a different value from the ones described
// in this list for circumstances described in this list."
SIGIPC_TEST(SignalSiginfoCpuFault, UndefinedOpcodeGivesIllIllopc, "signal.siginfo.ill-illopc",
            "XBD <signal.h>",
            "Executing an undefined opcode raises SIGILL with si_code ILL_ILLOPC (illegal "
            "opcode) (x86-64 ud2, AArch64 and Arm udf #0)") {
  SIGIPC_REQUIRE_ILL_TRIGGER();
  FaultResult r = run_fault(SIGILL, undefined_opcode);
  ASSERT_FAULT_CAUGHT(r, SIGILL);
  EXPECT_EQ(r.capture.info.si_signo, SIGILL);
  EXPECT_EQ(r.capture.info.si_code, ILL_ILLOPC)
      << (r.capture.info.si_code == ILL_ILLOPN ? "got ILL_ILLOPN (illegal operand)" : "");
}

SIGIPC_TEST(SignalSiginfoCpuFault, SigillSiAddrIsFaultingInstruction, "signal.siginfo.ill-addr",
            "XBD <signal.h>",
            "For SIGILL, si_addr is the address of the faulting instruction (x86-64 ud2, "
            "AArch64 and Arm udf #0)") {
  SIGIPC_REQUIRE_ILL_TRIGGER();
  FaultResult r = run_fault(SIGILL, undefined_opcode);
  ASSERT_FAULT_CAUGHT(r, SIGILL);
  EXPECT_EQ(r.capture.info.si_addr, r.capture.site);
}

}  // namespace
}  // namespace sigipc
