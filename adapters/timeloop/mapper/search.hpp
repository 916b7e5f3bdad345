#pragma once
// Searching a mapspace with the native model. The sequence of mappings a search visits is a
// function of the inputs and settings only: cheap checks (spatial fanout, parallelism, buffer
// capacity) decide what each algorithm visits next, the model evaluates the surviving mappings
// in parallel batches, and the results are consumed in order, applying the termination rules
// (search-size, victory-condition, timeout) as one thread would. So any thread count, on any
// machine, gives the same best mapping, byte for byte.
//
// Algorithms: linear-pruned and exhaustive walk ids as Timeloop v3.0.3 does (exhaustive here
// skips mappings that differ only in the order of unit loops); random-pruned and random draw ids
// from a seeded generator (the real mapper's unseeded one is not reproduced); best-first walks
// factorizations by increasing lower bound, linear-pruned within each, and stops when the bound
// of what is left cannot beat the best found (then the best is proved optimal).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/mapper/bounds.hpp"
#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop::mapper {

struct Found {
  PointId id;        // in the factorization's (pruned, for pruned algorithms) space
  Mapping mapping;
  Result result;
};

struct Improvement {
  std::uint64_t tried = 0;   // mappings tried when it was found
  std::uint64_t valid = 0;
  double metric = 0.0;       // first metric's value
  double seconds = 0.0;      // wall time since the search began (informative only)
  double cpu_seconds = 0.0;  // CPU time of the calling thread since then (one-thread searches)
};

struct SearchStats {
  std::uint64_t tried = 0;              // mapping ids visited
  std::uint64_t valid = 0;              // evaluated and fitting
  std::uint64_t construction_failures = 0;  // fanout or parallelism
  std::uint64_t capacity_failures = 0;  // the model (or its pre-check) refused the mapping
  std::uint64_t evaluations = 0;        // model evaluations (including speculative ones)
  std::uint64_t analyses = 0;           // loop-nest analyses (keep/bypass variants share one)
  std::uint64_t factorizations_visited = 0;
  std::uint64_t factorizations_pruned = 0;  // skipped because their bound could not beat the best
  bool proved_optimal = false;          // every mapping not visited has a bound >= the best
  std::string termination;              // why the search stopped
  std::vector<Improvement> improvements;
  double seconds = 0.0;                 // wall time (informative only)
  double cpu_seconds = 0.0;             // CPU time of the calling thread (all of it with one thread)
};

struct SearchResult {
  std::optional<Found> best;
  SearchStats stats;
  Bounds bounds;
  double lower_bound = 0.0;  // on the first metric, over the whole space
};

// Options outside the settings: a wall-clock limit (benchmarks only: it makes results depend on
// the machine) and the batch size of parallel evaluation (results do not depend on it).
struct SearchOptions {
  double max_seconds = 0.0;       // wall time; 0 = none
  double max_cpu_seconds = 0.0;   // CPU time of the calling thread (one-thread searches); 0 = none
  std::size_t batch = 256;        // valid mappings evaluated per parallel batch
  std::function<void(const Improvement&)> on_improvement;
};

// The value of a metric for a result (EDP in pJ x cycles).
double metric_value(Metric metric, const Result& r);

// Timeloop's comparison: lexicographic over the metrics, a difference within 0.1% passing to the
// next metric; the candidate wins ties it improves at all.
bool is_better(const Result& candidate, const Result& incumbent, const std::vector<Metric>& metrics);

// Cheap checks the model would fail on: total kept tile words over a level's effective capacity or
// under its minimum utilization. Returns the failing level and reason, or nullopt.
std::optional<MappingError> precheck_capacity(const Spec& base, const Mapping& mapping);

SearchResult run_search(const Spec& base, const Mapspace& space, const MapperSettings& settings,
                        const SearchOptions& options = {});

}  // namespace claimcheck::timeloop::mapper
