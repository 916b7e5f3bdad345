#pragma once
// Holds two analyses of one loop nest equal, loop level by loop level (the closed form against the
// point-set walk, in the walk-equivalence tests).

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <string>

#include "adapters/timeloop/nest_analysis.hpp"

namespace claimcheck::timeloop {

// The seed of a randomized equivalence test: `fixed`, or CLAIMCHECK_TEST_SEED when it is set, so
// that the same comparisons can be run over many seeds (e.g. a loop over CLAIMCHECK_TEST_SEED=1..50).
inline std::uint64_t test_seed(std::uint64_t fixed) {
  const char* env = std::getenv("CLAIMCHECK_TEST_SEED");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : fixed;
}

inline void PrintTo(const MulticastAccesses& m, std::ostream* os) {
  *os << "{";
  for (const auto& [factor, words] : m) *os << " " << factor << ": " << words;
  *os << " }";
}

inline void expect_same_analysis(const NestAnalysis& fast, const NestAnalysis& sets, const std::string& what) {
  EXPECT_EQ(fast.compute_accesses, sets.compute_accesses) << what;
  EXPECT_EQ(fast.compute_replication, sets.compute_replication) << what;
  EXPECT_EQ(fast.max_temporal_iterations, sets.max_temporal_iterations) << what;
  ASSERT_EQ(fast.tiles.size(), sets.tiles.size()) << what;
  for (std::size_t p = 0; p < fast.tiles.size(); ++p) {
    ASSERT_EQ(fast.tiles[p].size(), sets.tiles[p].size()) << what;
    for (std::size_t l = 0; l < fast.tiles[p].size(); ++l) {
      const LoopTile& a = fast.tiles[p][l];
      const LoopTile& b = sets.tiles[p][l];
      const std::string where = what + ", data space " + std::to_string(p) + ", loop " + std::to_string(l);
      EXPECT_EQ(a.size, b.size) << where;
      EXPECT_EQ(a.accesses, b.accesses) << where;
      EXPECT_EQ(a.link_transfers, b.link_transfers) << where;
      EXPECT_EQ(a.replication_factor, b.replication_factor) << where;
      EXPECT_EQ(a.fanout, b.fanout) << where;
    }
  }
}

}  // namespace claimcheck::timeloop
