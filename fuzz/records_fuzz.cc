// The runner's record protocol (runner/verdict.cc parse_records, decide): the
// bytes a test process writes to its result pipe, arriving in arbitrary
// chunks, with any wait status. Splitting must lose and invent nothing, and
// every outcome must get a status and, unless PASS, a message.
//
// Input layout: 4 bytes raw wait status, 1 byte flags (bit 0 timed out, bit 1
// status lost), 1 byte chunk size, then the stream.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz/fuzz_check.h"
#include "runner/verdict.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 6) return 0;
  std::uint32_t raw;
  std::memcpy(&raw, data, 4);
  const std::uint8_t flags = data[4];
  const std::size_t chunk = data[5] ? data[5] : 256;
  const std::string stream(reinterpret_cast<const char*>(data + 6), size - 6);

  sigipc::Outcome o;
  std::string buf;
  std::size_t consumed = 0;  // stream bytes accounted for by records so far
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    buf += stream.substr(at, chunk);
    for (auto& r : sigipc::parse_records(buf)) {
      std::size_t nl = stream.find('\n', consumed);
      FUZZ_CHECK(nl != std::string::npos, "a record without its newline");
      const std::string line = stream.substr(consumed, nl - consumed);
      consumed = nl + 1;
      bool same = line.find('\t') == std::string::npos
                      ? r.kind == "junk" && r.text == line
                      : r.kind + "\t" + r.text == line && r.kind.find('\t') == std::string::npos;
      FUZZ_CHECK(same, "record " + r.kind + " / " + r.text + " from line " + line);
      o.records.push_back(std::move(r));
    }
    FUZZ_CHECK(buf.find('\n') == std::string::npos, "a whole line left in the buffer");
  }
  FUZZ_CHECK(stream.substr(consumed) == buf, "records and the buffer do not add up to the stream");
  // The scheduler closes a stream that ended mid-line with a newline.
  buf += "\n";
  for (auto& r : sigipc::parse_records(buf)) o.records.push_back(std::move(r));
  FUZZ_CHECK(buf.empty(), "partial line after the final newline");

  if (!(flags & 2)) o.wait_status = static_cast<int>(raw);
  o.timed_out = flags & 1;
  o.timeout_s = 30;
  o.output_tail = stream.substr(0, 64);
  sigipc::Verdict v = sigipc::decide(o);
  if (v.status != sigipc::Status::kPass)
    FUZZ_CHECK(!v.message.empty(), sigipc::status_name(v.status));
  return 0;
}
