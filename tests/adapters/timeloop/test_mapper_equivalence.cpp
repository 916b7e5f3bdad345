// Mapper-generated mappings (thousands, drawn from the unconstrained mapspace of every reference
// case's architecture and problem, so every nest shape a search visits) hold the model's fast
// paths to its reference procedures: the closed form equals the point-set walk, the capacity
// pre-check refuses exactly the mappings the model refuses, and no evaluated mapping goes below
// the search's lower bounds.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/mapper/bounds.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/mapper/search.hpp"
#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/nest_analysis.hpp"
#include "case_inputs.hpp"
#include "nest_compare.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

namespace fs = std::filesystem;


TEST(MapperEquivalence, MapperMappingsKeepTheModelsFastPathsExact) {
  const fs::path data = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.is_directory() && fs::exists(e.path() / "mapping.yaml")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::mt19937_64 rng(test_seed(20261203));
  int walked = 0, fitting = 0, refused = 0;
  for (const auto& dir : dirs) {
    const Spec spec = load_spec_files(case_inputs(dir));
    bool imperfect = false;
    for (const auto& lm : spec.mapping.levels) {
      for (const auto& f : lm.temporal) imperfect = imperfect || f.end != f.residual_end;
    }
    if (imperfect) continue;  // the uber mapspace has perfect factors only
    const Mapspace space(spec.arch, spec.problem,
                         no_constraints(spec.arch.storage.size(), spec.problem.shape.data_spaces.size()));
    const Bounds bounds = compute_bounds(spec, space);
    int drawn = 0, fitting_here = 0;
    for (int attempt = 0; attempt < 20000 && drawn < 800 && fitting_here < 110; ++attempt) {
      auto below = [&](Uint128 n) { return static_cast<Uint128>(rng() % static_cast<std::uint64_t>(n)); };
      const PrunedSpace sp = space.pruned(below(space.sizes().index_factorization));
      PointId id{sp.factorization, below(sp.permutation_size), below(sp.spatial_size),
                 static_cast<std::uint64_t>(below(space.sizes().datatype_bypass))};
      const auto mapping = space.construct(sp, id, nullptr);
      if (!mapping) continue;
      ++drawn;
      Spec s = spec;
      s.mapping = *mapping;
      const std::string what = dir.filename().string() + " point " + std::to_string(drawn);
      const auto pre = precheck_capacity(s, s.mapping);
      const Evaluation ev = evaluate(s);
      if (!ev.unsupported.empty()) continue;
      if (ev.error) {
        ++refused;
        const bool capacity = ev.error->reason.find("tile size") != std::string::npos;
        EXPECT_EQ(pre.has_value(), capacity) << what << ": " << ev.error->message();
        continue;
      }
      ++fitting;
      ++fitting_here;
      EXPECT_FALSE(pre.has_value()) << what << ": " << pre->reason;
      const double e = ev.result->energy;
      EXPECT_GE(e, bounds.energy_pj * (1 - 1e-12)) << what;
      EXPECT_GE(ev.result->cycles, bounds.min_cycles) << what;
      const LoopNest nest = build_loop_nest(s.arch, s.problem, s.mapping);
      if (walked < 1200) {
        const NestAnalysis sets = analyze_nest(nest, s.problem, true);
        if (sets.unsupported.empty()) {
          expect_same_analysis(analyze_nest(nest, s.problem), sets, what);
          ++walked;
        }
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GE(fitting + refused, 2000);
  EXPECT_GE(walked, 1000);
}

}  // namespace
}  // namespace claimcheck::timeloop::mapper
