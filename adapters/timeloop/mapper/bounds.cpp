#include "adapters/timeloop/mapper/bounds.hpp"

#include <algorithm>
#include <limits>

namespace claimcheck::timeloop::mapper {

std::vector<std::uint64_t> compulsory_words(const Problem& problem) {
  std::vector<std::uint64_t> out;
  for (const auto& ds : problem.shape.data_spaces) {
    // Ranks over disjoint dimensions form a Cartesian product: at least the product of each
    // rank's distinct values (one dimension alone already gives `bound` distinct values).
    std::vector<int> seen;
    bool disjoint = true;
    std::uint64_t product = 1, largest = 1;
    for (const auto& rank : ds.projection) {
      std::uint64_t distinct = 1;
      for (const auto& term : rank) {
        if (std::find(seen.begin(), seen.end(), term.dimension) != seen.end()) disjoint = false;
        seen.push_back(term.dimension);
        const std::int64_t coef = term.coefficient < 0 ? 1 : problem.coefficients[static_cast<std::size_t>(term.coefficient)];
        if (coef == 0) continue;
        distinct = std::max<std::uint64_t>(distinct, static_cast<std::uint64_t>(problem.bounds[static_cast<std::size_t>(term.dimension)]));
      }
      product *= distinct;
      largest = std::max(largest, distinct);
    }
    out.push_back(disjoint ? product : largest);
  }
  return out;
}

double metric_bound(Metric metric, const Bounds& b, std::uint64_t cycles) {
  switch (metric) {
    case Metric::edp: return b.energy_pj * static_cast<double>(cycles);
    case Metric::energy: return b.energy_pj;
    case Metric::delay: return static_cast<double>(cycles);
    case Metric::last_level_accesses: return b.last_level_accesses;
  }
  return 0.0;
}

Bounds compute_bounds(const Spec& base, const Mapspace& space) {
  Bounds b;
  const Problem& problem = base.problem;
  std::uint64_t computes = 1;
  for (auto v : problem.bounds) computes *= static_cast<std::uint64_t>(v);
  b.energy_pj = static_cast<double>(computes) * base.energy.compute;
  const std::size_t top = base.arch.storage.size() - 1;
  const auto& outer = base.arch.storage[top];
  const auto words = compulsory_words(problem);
  for (std::size_t p = 0; p < words.size(); ++p) {
    // Only when every mapping keeps the data space at the outermost level, a single instance.
    bool always_kept = true;
    for (std::uint64_t id = 0; id < static_cast<std::uint64_t>(space.sizes().datatype_bypass); ++id) {
      if (((space.bypass_mask(id, p) >> top) & 1U) == 0) always_kept = false;
    }
    if (!always_kept || outer.instances != 1) continue;
    const double vectors = static_cast<double>((words[p] + outer.block_size - 1) / outer.block_size);
    const auto& e = base.energy.storage[top];
    b.energy_pj += vectors * (problem.shape.data_spaces[p].read_write ? e.update : e.read);
    b.last_level_accesses += static_cast<double>(words[p]);
  }
  // Least compute cycles over factorizations whose spatial factors can fit (all of them when the
  // space is small enough to scan; otherwise computes over the arithmetic instances).
  std::uint64_t least = (computes + base.arch.arithmetic.instances - 1) / base.arch.arithmetic.instances;
  const Uint128 n = space.sizes().index_factorization;
  if (n <= k_max_scanned_factorizations) {
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for_each_factorization(space, [&](const FactorizationCycles& f) { best = std::min(best, f.cycles); });
    if (best != std::numeric_limits<std::uint64_t>::max()) least = std::max(least, best);
    b.exact_min_cycles = true;
  }
  b.min_cycles = least;
  return b;
}

}  // namespace claimcheck::timeloop::mapper
