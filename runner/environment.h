// The environment block of a run (results.json "environment"): the platform
// as a probe process started like a test saw it, how the tests were
// isolated and started, and the run's settings. Built here and nowhere else.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/scheduler.h"

namespace sigipc {

// The platform as this process sees it (fixtures/probes.h): what the probe
// process ("__probe") prints, and what `sigipc list --expect` matches on.
nlohmann::json platform_environment();

// What the block says about a run beyond the scheduler's options.
struct RunDescription {
  std::string isolation_asked;  // --isolation as given: auto, namespaces, process-group
  std::string isolation_why;    // why namespaces are not available, when they are not
  std::string command_line;
  std::string wrapper;  // as given, before splitting into words
  std::string shard;    // --shard as given, "" for all
  bool shuffle = false;
  std::string start_note;  // why tests are exec'd although --fork-server was asked for
  std::optional<std::size_t> resumed_with_results;  // --resume: results kept from before
};

// Runs the probe (probe_environment) and puts the block together.
nlohmann::json run_environment(const SchedulerOptions& o, const RunDescription& d);

// The fork server stopped serving during the run: later tests were exec'd.
void note_fork_server_stopped(nlohmann::json& environment, const std::string& why);

}  // namespace sigipc
