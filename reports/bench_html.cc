// A plain table of the bench figures; the plotted page replaces it.
#include "reports/bench_html.h"

#include <stdexcept>

#include "reports/html_common.h"

namespace sigipc {

std::string bench_html_text(const nlohmann::json& doc) {
  if (!doc.is_object() || doc.value("schema", "") != "sigipc-bench/1")
    throw std::runtime_error("not a sigipc-bench/1 document");
  std::string out =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sigipc bench</title><style>";
  out += report_css();
  out += "</style></head><body><h1>sigipc bench</h1><pre>";
  std::string text = doc.dump(1);
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out + "</pre></body></html>\n";
}

}  // namespace sigipc
