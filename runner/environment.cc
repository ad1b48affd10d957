#include "runner/environment.h"

#include <sys/utsname.h>

#include <ctime>

#include "fixtures/probes.h"
#include "sigipc_revision.h"

#ifndef SIGIPC_VERSION
#define SIGIPC_VERSION "0.0.0"
#endif

namespace sigipc {

namespace {

nlohmann::json limits_json(const Limits& l) {
  auto opt = [](const std::optional<long long>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"mq_msg_max", opt(l.mq_msg_max)},
          {"mq_msgsize_max", opt(l.mq_msgsize_max)},
          {"mq_queues_max", opt(l.mq_queues_max)},
          {"msgmax", opt(l.msgmax)},
          {"msgmnb", opt(l.msgmnb)},
          {"msgmni", opt(l.msgmni)},
          {"shmmax", opt(l.shmmax)},
          {"shmmni", opt(l.shmmni)},
          {"sem", {l.sem_semmsl, l.sem_semmns, l.sem_semopm, l.sem_semmni}},
          {"rlimit_sigpending", l.rlimit_sigpending},
          {"pipe_buf", l.pipe_buf},
          {"pipe_max_size", opt(l.pipe_max_size)},
          {"sigrtmin", l.sigrtmin},
          {"sigrtmax", l.sigrtmax}};
}

nlohmann::json probed_platform(const SchedulerOptions& o) {
  std::string text = probe_environment(o);
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception&) {
    return {{"probe_error", "the probe process printed no environment: " + text.substr(0, 200)}};
  }
}

void add_isolation(nlohmann::json& env, const SchedulerOptions& o, const RunDescription& d) {
  if (o.isolation == Isolation::kProcessGroup && d.isolation_asked == "auto")
    env["isolation_fallback_reason"] = d.isolation_why;
  env["isolation"] = isolation_name(o.isolation);
  env["isolation_detail"] = isolation_detail(o.isolation);
  env["isolation_reason"] = d.isolation_asked != "auto" ? "--isolation " + d.isolation_asked
                            : o.isolation == Isolation::kNamespaces
                                ? "--isolation auto: namespaces are available here"
                                : "--isolation auto: no namespaces here (" + d.isolation_why + ")";
}

void add_settings(nlohmann::json& env, const SchedulerOptions& o, const RunDescription& d) {
  env["suite_version"] = SIGIPC_VERSION;
  env["suite_revision"] = SIGIPC_REVISION;
  env["command_line"] = d.command_line;
  env["seed"] = o.seed;
  env["jobs"] = o.jobs;
  env["timeout_mul"] = o.timeout_mul;
  env["repeat"] = o.repeat;
  if (o.until_fail) env["repeat_until_fail"] = true;
  if (d.shuffle) env["shuffle"] = true;
  if (o.fail_fast) env["fail_fast"] = true;
  if (!d.shard.empty()) env["shard"] = d.shard;
  env["wrapper"] = d.wrapper;
  env["test_start"] = o.fork_server ? "fork-server" : "exec";
  if (!d.start_note.empty()) env["test_start_note"] = d.start_note;
  env["started_at"] = static_cast<long long>(std::time(nullptr));
  if (d.resumed_with_results) env["resumed_with_results"] = *d.resumed_with_results;
}

}  // namespace

nlohmann::json platform_environment() {
  Platform p = probe_platform();
  // The machine's name, for reports that CI servers collect from many.
  utsname u{};
  std::string hostname = uname(&u) == 0 ? u.nodename : "unknown";
  return {
      {"kernel_release", p.kernel_release},
      {"kernel_version", p.kernel_version},
      {"arch", p.arch},
      {"libc", p.libc},
      {"libc_version", p.libc_version},
      {"emulator", p.emulator},
      {"seccomp", p.seccomp},
      {"uid", p.uid},
      {"user_namespace", p.user_namespace},
      {"hostname", hostname},
      {"limits", limits_json(probe_limits())},
  };
}

nlohmann::json run_environment(const SchedulerOptions& o, const RunDescription& d) {
  nlohmann::json env = probed_platform(o);
  add_isolation(env, o, d);
  add_settings(env, o, d);
  return env;
}

void note_fork_server_stopped(nlohmann::json& environment, const std::string& why) {
  environment["test_start_note"] =
      "the fork server stopped serving, later tests were exec'd: " + why;
}

}  // namespace sigipc
