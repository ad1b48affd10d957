// Writes bench.html from a saved bench.json, for the headless-browser check
// of the page on fixture documents (sigipc bench writes it from its own).
// usage: sigipc-bench-page BENCH.json OUT.html; exit 2 on bad input.
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "reports/bench_doc.h"
#include "reports/bench_html.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s BENCH.json OUT.html\n", argv[0]);
    return 2;
  }
  try {
    std::ofstream out(argv[2]);
    out << sigipc::bench_html_text(sigipc::load_bench_file(argv[1]));
    if (!out.flush()) throw std::runtime_error(std::string(argv[2]) + ": cannot write");
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "sigipc-bench-page: %s\n", e.what());
    return 2;
  }
  return 0;
}
