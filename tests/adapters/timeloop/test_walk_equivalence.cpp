// With perfect factors the nest analysis is computed in closed form; the point-set walk
// (Timeloop's own procedure, which the reference cases check, residual factors included) must
// give exactly the same analysis. Random re-factorisations of every
// reference case's mapping, with shuffled permutations, splits and multicast / reuse / link
// switches, reach far more nest shapes than the cases themselves.

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

std::vector<std::int64_t> prime_factors(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t d = 2; d * d <= n; ++d) {
    while (n % d == 0) {
      out.push_back(d);
      n /= d;
    }
  }
  if (n > 1) out.push_back(n);
  return out;
}

// Another mapping of the same problem onto the same levels: each dimension's bound split over the
// temporal and spatial loops at random (spatial ones only where the original has spatial loops,
// never wider than there), every permutation and split shuffled, and some switches flipped.
Mapping random_mapping(const Spec& spec, std::mt19937_64& rng) {
  Mapping m = spec.mapping;
  const std::size_t dims = spec.problem.bounds.size();
  std::vector<std::int64_t> spatial_room;
  for (auto& lm : m.levels) {
    std::int64_t room = 1;
    for (const auto& f : lm.spatial) room *= f.end;
    spatial_room.push_back(room);
    for (auto& f : lm.temporal) f = Factor{1, 1};
    for (auto& f : lm.spatial) f = Factor{1, 1};
  }
  for (std::size_t d = 0; d < dims; ++d) {
    for (const std::int64_t prime : prime_factors(spec.problem.bounds[d])) {
      // Outer levels are likelier, as in real mappings (inner buffers are small).
      std::vector<double> weights;
      for (std::size_t s = 0; s < m.levels.size(); ++s) {
        const double w = static_cast<double>((s + 1) * (s + 1));
        weights.push_back(w);                                     // temporal
        weights.push_back(spatial_room[s] >= prime ? w : 0.0);    // spatial
      }
      std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
      const std::size_t slot = pick(rng);
      auto& lm = m.levels[slot / 2];
      if (slot % 2 == 0) {
        lm.temporal[d].end *= prime;
        lm.temporal[d].residual_end = lm.temporal[d].end;
      } else {
        lm.spatial[d].end *= prime;
        lm.spatial[d].residual_end = lm.spatial[d].end;
        spatial_room[slot / 2] /= prime;
      }
    }
  }
  std::bernoulli_distribution flip(0.15);
  for (auto& lm : m.levels) {
    std::shuffle(lm.temporal_permutation.begin(), lm.temporal_permutation.end(), rng);
    std::shuffle(lm.spatial_permutation.begin(), lm.spatial_permutation.end(), rng);
    lm.split = std::uniform_int_distribution<std::size_t>(0, dims)(rng);
    for (auto* flags : {&lm.no_multicast, &lm.no_temporal_reuse, &lm.no_link_transfer}) {
      for (std::size_t i = 0; i < flags->size(); ++i) {
        if (flip(rng)) (*flags)[i] = !(*flags)[i];
      }
    }
  }
  return m;
}


TEST(NestWalk, ClosedFormEqualsPointSetWalkOnRandomMappings) {
  const fs::path data = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.is_directory() && fs::exists(e.path() / "mapping.yaml")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  ASSERT_GE(dirs.size(), 10u);
  std::mt19937_64 rng(test_seed(20261122));
  int compared = 0;
  for (const auto& dir : dirs) {
    const Spec spec = load_spec_files(case_inputs(dir));
    for (int k = 0; k < 25; ++k) {
      const Mapping m = k == 0 ? spec.mapping : random_mapping(spec, rng);
      const LoopNest nest = build_loop_nest(spec.arch, spec.problem, m);
      const NestAnalysis sets = analyze_nest(nest, spec.problem, true);
      if (sets.imperfect) continue;  // residual factors always take the point-set walk
      const NestAnalysis fast = analyze_nest(nest, spec.problem);
      expect_same_analysis(fast, sets, dir.filename().string() + " mapping " + std::to_string(k));
      ++compared;
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GE(compared, 300);
}

NestAnalysis analyze_case(const std::string& name, const AnalysisLimits& limits, bool point_sets = false) {
  const Spec spec = load_spec_files(case_inputs(fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop" / name));
  return analyze_nest(build_loop_nest(spec.arch, spec.problem, spec.mapping), spec.problem, point_sets, limits);
}

TEST(NestWalk, StopsAtItsLimits) {
  // simple_ws: the walk takes at least 15 steps (temporal loops doubling, its spatial block
  // replayed); below that the nest is refused before any work.
  AnalysisLimits few;
  few.max_steps = 14;
  const std::string refused =
      "the loop nest needs more than 14 analysis steps (6 temporal loops of more than one iteration; each "
      "doubles the work)";
  EXPECT_EQ(analyze_case("simple_ws_resnet50_res3_1x1", few).unsupported, refused);
  EXPECT_TRUE(analyze_case("simple_ws_resnet50_res3_1x1", few).tiles.empty());
  EXPECT_EQ(analyze_case("simple_ws_resnet50_res3_1x1", few, true).unsupported, refused);
  // At 15 the closed form, whose work does not grow with the steps, analyses it; the point-set
  // walk visits 256 instances per call of the spatial block and stops mid-walk.
  few.max_steps = 15;
  EXPECT_EQ(analyze_case("simple_ws_resnet50_res3_1x1", few).unsupported, "");
  const NestAnalysis stopped = analyze_case("simple_ws_resnet50_res3_1x1", few, true);
  EXPECT_EQ(stopped.unsupported,
            "the loop nest needs more than 15 analysis steps (6 temporal loops of more than one iteration; each "
            "doubles the work)");
  EXPECT_TRUE(stopped.tiles.empty());
  AnalysisLimits narrow;
  narrow.max_spatial_instances = 255;
  EXPECT_EQ(analyze_case("simple_ws_resnet50_res3_1x1", narrow).unsupported,
            "a spatial block of 256 instances (the analysis handles at most 255 per block)");
  EXPECT_EQ(analyze_case("simple_ws_resnet50_res3_1x1", {}).unsupported, "");
}

}  // namespace
}  // namespace claimcheck::timeloop
