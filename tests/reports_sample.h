// A hand-built run holding every status, with messages that need escaping
// in every format, for the writers' and readers' unit tests.
#pragma once

#include <string>

#include "reports/result_model.h"

namespace reports_test {

inline sigipc::Result result(const std::string& id, const std::string& family, sigipc::Status s,
                             const std::string& message) {
  sigipc::Result r;
  r.id = id;
  r.family = family;
  r.requirement = family + ".rule." + id.substr(id.find('.') + 1);
  r.clause = "XSH sigaction()";
  r.statement = "Statement of " + id + " with <tags> & \"quotes\"";
  r.status = s;
  r.message = message;
  r.duration_ms = 12.5;
  return r;
}

// Two families; every status once, PASS three times.
inline sigipc::RunRecord every_status_run() {
  using sigipc::Status;
  sigipc::RunRecord run;
  run.environment = {{"kernel_release", "6.18.44-test"},
                     {"arch", "x86_64"},
                     {"libc", "glibc"},
                     {"libc_version", "2.36"},
                     {"emulator", "none"},
                     {"uid", 0},
                     {"limits", {{"mq_msg_max", 10}}},
                     {"seccomp", true},
                     {"suite_version", "0.1.0"},
                     {"seed", 42},
                     {"isolation", "namespaces"},
                     {"started_at", 1795696638}};
  run.results = {
      result("SigA.Pass1", "signal", Status::kPass, ""),
      result("SigA.Fail", "signal", Status::kFail,
             "a.cc:3: <script>alert('x')</script> & \"q\" # not a directive\nsecond line"),
      result("SigA.Error", "signal", Status::kError, "setup failed: pipe2 & <EMFILE>"),
      result("SigA.Timeout", "signal", Status::kTimeout, "no result within 1 s"),
      result("PipeB.Pass2", "pipe", Status::kPass, ""),
      result("PipeB.Unsupported", "pipe", Status::kUnsupported, "no <frobnicator> here"),
      result("PipeB.Xfail", "pipe", Status::kXfail, "known deviation: Linux does <this>"),
      result("PipeB.Xpass", "pipe", Status::kXpass, "listed as FAIL but passed"),
      result("PipeB.Pass3", "pipe", Status::kPass, ""),
  };
  run.wall_ms = 1234;
  return run;
}

}  // namespace reports_test
