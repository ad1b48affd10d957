// The page `sigipc bench` writes beside bench.json (schema sigipc-bench/1,
// docs/DESIGN.md): latency distributions per mechanism and throughput
// against message size, drawn as inline SVG so the page needs nothing but a
// browser.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sigipc {

// The whole HTML document for one bench.json document. Throws
// std::runtime_error when doc is not a sigipc-bench/1 document.
std::string bench_html_text(const nlohmann::json& doc);

}  // namespace sigipc
