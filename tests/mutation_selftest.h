// Mutation self-test: each LD_PRELOAD shim under tests/shims breaks one POSIX
// rule; the suite must report FAIL for that rule under the shim and PASS
// without it. A suite that stays green under a shim checks nothing.
//
// Each area lists its shims in its own tests/mutations/<area>.cc with
// SIGIPC_MUTATIONS(Area, Mutation{...}, ...).
#pragma once
#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace selftest {

struct Mutation {
  const char* shim;     // library name under SHIM_DIR
  const char* test_id;  // the test that covers the broken rule
};

inline void PrintTo(const Mutation& m, std::ostream* os) { *os << m.shim << " vs " << m.test_id; }

class MutationSelfTest : public ::testing::TestWithParam<Mutation> {};

// "libshim_a_b.so" vs "Suite.Test" -> "aXbForTest": a gtest parameter name.
std::string mutation_name(const ::testing::TestParamInfo<Mutation>& info);

}  // namespace selftest

// gtest pastes the fixture name into identifiers: it must be unqualified.
using selftest::MutationSelfTest;

#define SIGIPC_MUTATIONS(area, ...)                                                \
  INSTANTIATE_TEST_SUITE_P(area, MutationSelfTest, ::testing::Values(__VA_ARGS__), \
                           ::selftest::mutation_name)
