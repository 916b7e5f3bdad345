#pragma once
// Mapspace constraints and mapper settings as Timeloop v3.0.3's mapper reads them, typed.
// Nothing here knows about YAML: constraints_parser.hpp fills these values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace claimcheck::timeloop::mapper {

// What a mapping may do at one tiling level (a storage level's temporal loops, or the spatial
// fanout below a storage level). Dimensions are indices into the problem shape.
struct TilingConstraint {
  std::map<int, std::int64_t> factors;      // dimension -> fixed loop bound (`C=4` or `C4`)
  std::map<int, std::int64_t> max_factors;  // dimension -> largest bound allowed (`C<=4`)
  std::map<int, std::int64_t> min_factors;  // dimension -> smallest bound allowed (`C>=4`)
  std::vector<int> permutation_prefix;      // innermost loops, in order (before `_`)
  std::vector<int> permutation_suffix;      // outermost loops, in order (after `_`)
  std::optional<std::uint32_t> split;       // spatial only: loops [0, split) of the level map to X
  bool operator==(const TilingConstraint&) const = default;
};

// All constraints on the mapspace. Tiling levels are numbered innermost first: per storage level,
// its spatial level (only when the storage level has a fanout above 1), then its temporal level.
struct Constraints {
  std::map<unsigned, TilingConstraint> tiling;  // tiling level -> constraint
  // Per data space, one character per storage level (innermost first): '1' keep, '0' bypass,
  // 'X' free. Unconstrained levels are 'X' but the outermost, which keeps everything.
  std::vector<std::string> bypass;
  double min_parallelism = 0.0;  // fraction of the arithmetic units a mapping must use
  // Per storage level, per data space: the model's per-level switches (default all false).
  std::map<unsigned, std::vector<bool>> no_multicast;
  std::map<unsigned, std::vector<bool>> no_link_transfer;
  std::map<unsigned, std::vector<bool>> no_temporal_reuse;
  bool operator==(const Constraints&) const = default;
};

// No constraint at all: every level free, the outermost keeping everything.
inline Constraints no_constraints(std::size_t storage_levels, std::size_t data_spaces) {
  Constraints c;
  std::string keep(storage_levels, 'X');
  if (!keep.empty()) keep.back() = '1';
  c.bypass.assign(data_spaces, keep);
  return c;
}

enum class Algorithm { exhaustive, linear_pruned, random_pruned, random, best_first };

enum class Metric { edp, energy, delay, last_level_accesses };

// `mapper:` settings (Timeloop v3.0.3 names and defaults).
struct MapperSettings {
  Algorithm algorithm = Algorithm::best_first;  // Timeloop's default is hybrid; see mapper README
  std::vector<Metric> metrics = {Metric::edp};  // lexicographic: ties (within 0.1%) go to the next
  std::uint64_t search_size = 0;                // valid mappings to evaluate in total; 0 = no limit
  std::uint64_t timeout = 1000;                 // consecutive invalid mappings that end the search; 0 = none
  std::uint64_t victory_condition = 500;        // valid mappings without improvement that end it; 0 = none
  std::uint64_t max_permutations_per_if_visit = 16;  // random-pruned
  unsigned num_threads = 1;                     // evaluation threads (results do not depend on it)
  bool penalize_consecutive_bypass_fails = false;
  std::uint64_t seed = 0;                       // random algorithms' seed (claimcheck addition)
  bool operator==(const MapperSettings&) const = default;
};

const char* algorithm_name(Algorithm a);
const char* metric_name(Metric m);

}  // namespace claimcheck::timeloop::mapper
