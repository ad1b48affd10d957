// Saved runs (reports/load.cc, contract in reports/load.h): any text either
// loads or is refused with one InputError line "<fuzz>:LINE: reason", LINE
// within the text. What loads must write back (to_json) into a file that
// loads again to the same run: sigipc report and diff read what run wrote.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "reports/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sigipc::RunRecord run;
  try {
    run = sigipc::load_results_text(text, "<fuzz>");
  } catch (const sigipc::InputError& e) {
    const std::string m = e.what();
    FUZZ_CHECK(sigipc_fuzz::names_input(m, "<fuzz>"), m);
    const long line = std::strtol(m.c_str() + 7, nullptr, 10);
    const long lines = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
    FUZZ_CHECK(line >= 0 && line <= lines, m);
    return 0;
  }
  const std::string again = sigipc::to_json(run).dump(2);
  sigipc::RunRecord back;
  try {
    back = sigipc::load_results_text(again, "<rewritten>");
  } catch (const sigipc::InputError& e) {
    FUZZ_CHECK(false, std::string("a loaded run does not load once written back: ") + e.what());
  }
  FUZZ_CHECK(back.results.size() == run.results.size(), "result count changed");
  for (std::size_t i = 0; i < run.results.size(); ++i) {
    FUZZ_CHECK(back.results[i].id == run.results[i].id, run.results[i].id);
    FUZZ_CHECK(back.results[i].status == run.results[i].status, run.results[i].id);
  }
  FUZZ_CHECK(back.counts() == run.counts(), "counts changed");
  return 0;
}
