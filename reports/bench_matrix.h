// The platforms side by side in performance: the section matrix.html and
// matrix.md carry when some of their runs have a bench.json (sigipc bench on
// the same platform). Per mechanism p50 and p99 round trip per platform and
// its ratio to the reference (native) platform; throughput at a few message
// sizes; what each platform could not measure; the chapter's claims per
// platform. A platform run on an emulator or in a sandbox is marked on every
// figure: its absolute times are not comparable with native, its ratio is
// the point.
#pragma once

#include <string>
#include <vector>

#include "reports/matrix.h"

namespace sigipc {

// The column the ratios are taken against: the first one with a bench.json
// labelled "native" and not emulated, else the first not emulated; -1 when
// every bench run was emulated (no ratios then).
int bench_reference(const std::vector<MatrixColumn>& cols);

// Its style sheet, for the page's <style> (plots and the performance tables).
std::string bench_matrix_css();
// The section (starting with its <h2>), or "" when no column has a bench.
std::string bench_matrix_html(const std::vector<MatrixColumn>& cols);
std::string bench_matrix_markdown(const std::vector<MatrixColumn>& cols);

}  // namespace sigipc
