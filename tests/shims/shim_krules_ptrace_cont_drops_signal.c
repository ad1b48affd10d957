/* Breaks ptrace(2) signal injection: PTRACE_CONT restarts the tracee but
 * always with signal 0, so the signal chosen by the tracer is lost. */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <stdarg.h>
#include <sys/ptrace.h>
#include <sys/types.h>

SHIM_REAL(long, ptrace, enum __ptrace_request, ...)

long ptrace(enum __ptrace_request request, ...) {
  va_list ap;
  va_start(ap, request);
  pid_t pid = va_arg(ap, pid_t);
  void* addr = va_arg(ap, void*);
  void* data = va_arg(ap, void*);
  va_end(ap);
  shim_init_ptrace();
  if (shim_active() && request == PTRACE_CONT) data = NULL;
  return real_ptrace(request, pid, addr, data);
}
