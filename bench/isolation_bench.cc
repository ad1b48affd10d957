// The cost of isolating one test: the runner starts a process (and, with
// namespace isolation, PID/IPC/mount namespaces with a reaper), the test
// process starts GoogleTest, runs an empty body, checks for leaks and reports.
// Reported as wall time per isolated test (Google Benchmark's median over
// repetitions); the fork+wait baseline shows the floor any process costs.
// The batch benchmarks compare starting each test by exec with forking it
// from the fork server (--fork-server), natively and under qemu-x86_64.
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
void BM_IsolatedTest_ProcessGroup(benchmark::State& s) {
  run_isolated(s, Isolation::kProcessGroup);
}

// Per-test cost over a batch (the fork server is started once per run, as in
// a real run), exec'd against forked from the fork server, natively and,
// where qemu-x86_64 is installed, under it: the emulated cells' case.
void run_batch(benchmark::State& state, bool fork_server, bool qemu) {
  if (qemu && access("/usr/bin/qemu-x86_64", X_OK) != 0) {
    state.SkipWithError("qemu-x86_64 is not installed (package qemu-user)");
    return;
  }
  char tmpl[] = "/tmp/sigipc-bench-XXXXXX";
  mkdtemp(tmpl);
  SchedulerOptions o;
  o.jobs = 1;
  o.repeat = 40;
  o.self_exe = self_exe();
  o.isolation = Isolation::kNamespaces;
  o.fork_server = fork_server;
  if (qemu) o.wrapper = {"/usr/bin/qemu-x86_64"};
  o.work_dir = tmpl;
  o.quiet = true;
  std::vector<const TestMeta*> tests = {find_test("Bench.EmptyBody")};
  for (auto _ : state) {
    auto r = run_tests(tests, o);
    if (r.results.size() != 1 || r.results[0].status != Status::kPass ||
        r.results[0].runs != o.repeat)
      state.SkipWithError("the batch did not pass");
  }
  state.counters["per_test"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * o.repeat,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  rmdir(tmpl);
}

void BM_Batch_Exec(benchmark::State& s) { run_batch(s, false, false); }
void BM_Batch_ForkServer(benchmark::State& s) { run_batch(s, true, false); }
void BM_Batch_Exec_QemuX86_64(benchmark::State& s) { run_batch(s, false, true); }
void BM_Batch_ForkServer_QemuX86_64(benchmark::State& s) { run_batch(s, true, true); }

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
BENCHMARK(BM_Batch_Exec)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_Batch_ForkServer)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_Batch_Exec_QemuX86_64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(3);
BENCHMARK(BM_Batch_ForkServer_QemuX86_64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(3);
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
