// The cost of isolating one test: the runner starts a process (and, with
// namespace isolation, PID/IPC/mount namespaces with a reaper), the test
// process starts GoogleTest, runs an empty body, checks for leaks and reports.
// Reported as wall time per isolated test (Google Benchmark's median over
// repetitions); the fork+wait baseline shows the floor any process costs.
#include <unistd.h>

#include <cstring>

#include <benchmark/benchmark.h>

#include "fixtures/proc_util.h"
#include "fixtures/registry.h"
#include "runner/cli.h"
#include "runner/scheduler.h"

namespace sigipc {
namespace {

SIGIPC_TEST(Bench, EmptyBody, "bench.empty-body", "sigipc benchmark",
            "an empty test body, to measure isolation cost") {}

void run_isolated(benchmark::State& state, Isolation iso) {
  char tmpl[] = "/tmp/sigipc-bench-XXXXXX";
  mkdtemp(tmpl);
  SchedulerOptions o;
  o.jobs = 1;
  o.self_exe = self_exe();
  o.isolation = iso;
  o.work_dir = tmpl;
  o.quiet = true;
  std::vector<const TestMeta*> tests = {find_test("Bench.EmptyBody")};
  for (auto _ : state) {
    auto r = run_tests(tests, o);
    if (r.results.size() != 1 || r.results[0].status != Status::kPass)
      state.SkipWithError("the isolated test did not pass");
  }
  rmdir(tmpl);
}

void BM_IsolatedTest_Namespaces(benchmark::State& s) { run_isolated(s, Isolation::kNamespaces); }
void BM_IsolatedTest_ProcessGroup(benchmark::State& s) { run_isolated(s, Isolation::kProcessGroup); }

void BM_ForkWaitBaseline(benchmark::State& state) {
  for (auto _ : state) {
    pid_t p = fork();
    if (p == 0) _exit(0);
    int st;
    waitpid(p, &st, 0);
  }
}

BENCHMARK(BM_IsolatedTest_Namespaces)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(BM_IsolatedTest_ProcessGroup)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(BM_ForkWaitBaseline)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sigipc

int main(int argc, char** argv) {
  // The runner re-executes this binary for the isolated test.
  if (argc >= 2 && std::strncmp(argv[1], "__", 2) == 0) return sigipc::cli_main(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
