// MINSIGSTKSZ and SIGSTKSZ in the POSIX environment. The rest of the suite is compiled
// with _GNU_SOURCE (g++ defines it, and so does the build), under which
// glibc 2.34+ replaces both XBD <signal.h> constants with run-time
// sysconf(_SC_SIGSTKSZ) values. This file includes nothing but <signal.h>,
// so undefining _GNU_SOURCE before it is safe.
#undef _GNU_SOURCE
#undef _DYNAMIC_STACK_SIZE_SOURCE
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700  // sigaltstack() and MINSIGSTKSZ are XSI
#include <signal.h>

namespace sigipc {
namespace signals {

long posix_minsigstksz() { return MINSIGSTKSZ; }
long posix_sigstksz() { return SIGSTKSZ; }

}  // namespace signals
}  // namespace sigipc
