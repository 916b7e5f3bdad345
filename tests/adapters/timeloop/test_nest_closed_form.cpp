// The closed-form nest analysis against the point-set walk (Timeloop's procedure) on random loop
// nests built directly, beyond what mappings of the reference architectures produce: one to five
// storage levels, several loops per dimension per level, spatial blocks split across X and Y
// (same dimension on both axes included), physical fanouts wider than the mapped ones (the
// neighbour grid then differs from the block's digits), every multicast / temporal-reuse /
// link-transfer switch, and the reference problems' projections (strides, dilations, GEMMs).
// Nests with residual factors are outside the closed form and take the walk.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/nest_analysis.hpp"
#include "case_inputs.hpp"
#include "nest_compare.hpp"

namespace claimcheck::timeloop {
namespace {

namespace fs = std::filesystem;

std::vector<Problem> reference_problems() {
  const fs::path data = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.is_directory() && fs::exists(e.path() / "problem.yaml")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<Problem> out;
  for (const auto& dir : dirs) out.push_back(load_spec_files(case_inputs(dir)).problem);
  return out;
}

struct Draw {
  std::mt19937_64& rng;
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
};

// A random nest over `problem`'s dimensions. `residual` gives some loops a smaller last pass.
LoopNest random_nest(const Problem& problem, Draw& d, bool residual) {
  const int dims = static_cast<int>(problem.shape.dimensions.size());
  const std::size_t num_ds = problem.shape.data_spaces.size();
  const int levels = 1 + d.below(5);
  const std::int64_t factors[] = {2, 2, 3, 4, 5, 7, 8};
  LoopNest nest;
  nest.num_data_spaces = num_ds;
  for (int s = 0; s < levels; ++s) {
    std::uint64_t fx = 1, fy = 1;
    if (d.chance(s > 0 ? 0.6 : 0.3)) {
      // A spatial block: loops split across X (inner) and Y (outer).
      std::vector<Loop> xs, ys;
      const int count = 1 + d.below(4);
      for (int i = 0; i < count; ++i) {
        Loop l{d.below(dims), factors[d.below(7)], 0, d.chance(0.5) ? LoopSpace::x : LoopSpace::y};
        l.residual_end = l.end;
        (l.space == LoopSpace::x ? fx : fy) *= static_cast<std::uint64_t>(l.end);
        (l.space == LoopSpace::x ? xs : ys).push_back(l);
      }
      if (fx * fy > 256) {
        xs.resize(std::min<std::size_t>(xs.size(), 1));
        ys.resize(std::min<std::size_t>(ys.size(), 1));
        fx = xs.empty() ? 1 : static_cast<std::uint64_t>(xs[0].end);
        fy = ys.empty() ? 1 : static_cast<std::uint64_t>(ys[0].end);
      }
      for (const auto& l : xs) nest.loops.push_back(l);
      for (const auto& l : ys) nest.loops.push_back(l);
    }
    // Physical fanout at least the mapped one, sometimes wider.
    nest.physical_fanout_x.push_back(fx * (d.chance(0.3) ? 1 + static_cast<std::uint64_t>(d.below(3)) : 1));
    nest.physical_fanout_y.push_back(fy * (d.chance(0.3) ? 1 + static_cast<std::uint64_t>(d.below(3)) : 1));
    const int temporal = d.below(4);
    for (int i = 0; i < temporal; ++i) {
      Loop l{d.below(dims), factors[d.below(7)], 0, LoopSpace::time};
      l.residual_end = residual && d.chance(0.3) ? 1 + d.below(static_cast<int>(l.end)) : l.end;
      nest.loops.push_back(l);
    }
    if (temporal == 0) nest.loops.push_back({dims - 1, 1, 1, LoopSpace::time});
    nest.storage_boundaries.push_back(nest.loops.size() - 1);
    for (auto* flags : {&nest.no_multicast, &nest.no_temporal_reuse, &nest.no_link_transfer}) {
      for (std::size_t p = 0; p < num_ds; ++p) flags->push_back(d.chance(0.2));
    }
  }
  return nest;
}

TEST(NestClosedForm, EqualsThePointSetWalkOnRandomNests) {
  const std::vector<Problem> problems = reference_problems();
  ASSERT_GE(problems.size(), 10u);
  std::mt19937_64 rng(test_seed(20261203));
  Draw d{rng};
  AnalysisLimits limits;
  limits.max_steps = 200'000;  // keeps the walk's share of the test short
  int compared = 0, with_links = 0, two_d = 0;
  for (int k = 0; k < 1500; ++k) {
    const Problem& problem = problems[static_cast<std::size_t>(k) % problems.size()];
    const LoopNest nest = random_nest(problem, d, false);
    const NestAnalysis sets = analyze_nest(nest, problem, true, limits);
    if (!sets.unsupported.empty()) continue;
    const NestAnalysis closed = analyze_nest(nest, problem, false, limits);
    EXPECT_EQ(closed.unsupported, "");
    expect_same_analysis(closed, sets, "nest " + std::to_string(k));
    ++compared;
    for (const auto& tiles : sets.tiles) {
      for (const auto& t : tiles) with_links += t.link_transfers > 0 ? 1 : 0;
    }
    bool x = false, y = false;
    for (const auto& l : nest.loops) {
      x = x || l.space == LoopSpace::x;
      y = y || l.space == LoopSpace::y;
    }
    two_d += x && y ? 1 : 0;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(compared, 1000);
  EXPECT_GE(with_links, 100);  // neighbour transfers are exercised, not only multicast
  EXPECT_GE(two_d, 300);
}

TEST(NestClosedForm, ResidualFactorsTakeTheWalk) {
  const std::vector<Problem> problems = reference_problems();
  std::mt19937_64 rng(test_seed(7));
  Draw d{rng};
  AnalysisLimits limits;
  limits.max_steps = 20'000;
  int imperfect = 0;
  for (int k = 0; k < 200; ++k) {
    const Problem& problem = problems[static_cast<std::size_t>(k) % problems.size()];
    const LoopNest nest = random_nest(problem, d, true);
    const NestAnalysis a = analyze_nest(nest, problem, false, limits);
    if (!a.imperfect || !a.unsupported.empty()) continue;
    ++imperfect;
    expect_same_analysis(a, analyze_nest(nest, problem, true, limits), "nest " + std::to_string(k));
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(imperfect, 50);
}

}  // namespace
}  // namespace claimcheck::timeloop
