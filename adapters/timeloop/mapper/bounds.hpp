#pragma once
// Lower bounds on what any mapping can achieve, from the problem and the architecture alone or
// from one index factorization. Every bound holds for the native model's figures: tests check
// them against thousands of evaluated mappings.
//   cycles >= product of the temporal loop bounds (compute cycles with perfect factors; bandwidth
//             throttling only adds cycles)
//   energy >= computes x energy per compute + the compulsory accesses of the outermost level
//             (each element of a tensor it keeps read, or updated for outputs, at least once)

#include <algorithm>
#include <cstdint>
#include <vector>

#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop::mapper {

struct Bounds {
  double energy_pj = 0.0;             // pJ, any mapping
  std::uint64_t min_cycles = 0;       // cycles, any mapping (least over feasible factorizations)
  double last_level_accesses = 0.0;   // scalar accesses at the outermost level, any mapping
  bool exact_min_cycles = false;      // min_cycles was taken over every factorization
};

// Words each data space holds at least (distinct elements the problem touches).
std::vector<std::uint64_t> compulsory_words(const Problem& problem);

// The lower bound of `metric` for mappings of one factorization with `cycles` compute cycles.
double metric_bound(Metric metric, const Bounds& b, std::uint64_t cycles);

// Compute cycles (product of the temporal loop bounds) of every factorization whose spatial
// factors can fit the fanouts at all (a necessary condition), without building mappings.
struct FactorizationCycles {
  Uint128 factorization = 0;
  std::uint64_t cycles = 0;
};
// Calls `visit` for each fitting factorization in id order; stops after `limit` ids (0 = all).
template <typename Visit>
void for_each_factorization(const Mapspace& space, Visit&& visit);

Bounds compute_bounds(const Spec& base, const Mapspace& space);

// Spaces up to this many factorizations are scanned (bounds, best-first order); larger ones use
// the coarser bound computes / arithmetic instances and id order.
constexpr std::uint64_t k_max_scanned_factorizations = 4'000'000;

template <typename Visit>
void for_each_factorization(const Mapspace& space, Visit&& visit) {
  const auto& lay = space.layout();
  const std::size_t dims = space.factor_options().size();
  const std::size_t levels = lay.size();
  // Per dimension and option: temporal product and the product at each spatial level.
  std::vector<std::vector<std::uint64_t>> tprod(dims);
  std::vector<std::vector<std::vector<std::uint64_t>>> sprod(dims);
  for (std::size_t d = 0; d < dims; ++d) {
    for (std::size_t i = 0; i < space.factor_options()[d]; ++i) {
      const auto& c = space.cofactors(d, i);
      std::uint64_t t = 1;
      std::vector<std::uint64_t> s(levels, 1);
      for (std::size_t l = 0; l < levels; ++l) (lay.is_spatial[l] ? s[l] : t) *= static_cast<std::uint64_t>(c[l]);
      tprod[d].push_back(t);
      sprod[d].push_back(std::move(s));
    }
  }
  std::vector<std::size_t> idx(dims, 0);
  std::vector<std::uint64_t> s(levels);
  const Uint128 n = space.sizes().index_factorization;
  for (Uint128 id = 0; id < n; ++id) {
    std::uint64_t cycles = 1;
    std::fill(s.begin(), s.end(), 1);
    for (std::size_t d = 0; d < dims; ++d) {
      cycles *= tprod[d][idx[d]];
      for (std::size_t l = 0; l < levels; ++l) s[l] *= sprod[d][idx[d]][l];
    }
    bool fits = true;
    for (std::size_t l = 0; l < levels && fits; ++l) {
      if (!lay.is_spatial[l]) continue;
      const auto st = static_cast<std::size_t>(lay.storage_of[l]);
      fits = s[l] <= lay.fanout_x[st] * lay.fanout_y[st];
    }
    if (fits) visit(FactorizationCycles{id, cycles});
    for (std::size_t d = 0; d < dims; ++d) {
      if (++idx[d] < space.factor_options()[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace claimcheck::timeloop::mapper
