#pragma once
// Timeloop v3.0.3's "uber" mapspace: every mapping is a point of four sub-spaces, the index
// factorization (how each problem dimension splits over the tiling levels, perfect factors),
// the loop permutation per tiling level, the X/Y split of each spatial level, and the keep/bypass
// choice per data space and storage level. Sizes and the order of points follow the real mapper,
// so that its printed sizes and its linear walk are reproduced.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop::mapper {

__extension__ typedef unsigned __int128 Uint128;

std::string to_string(Uint128 v);

// How storage levels become tiling levels.
struct TilingLayout {
  std::vector<std::uint64_t> fanout_x;   // per storage level: instances below / instances here, along X
  std::vector<std::uint64_t> fanout_y;   // idem along Y
  std::vector<int> spatial_level;        // per storage level: its spatial tiling level, or -1
  std::vector<int> temporal_level;       // per storage level: its temporal tiling level
  std::vector<int> storage_of;           // per tiling level: its storage level
  std::vector<bool> is_spatial;          // per tiling level
  std::vector<bool> is_spatial_2d;       // per tiling level: fanout above 1 along X and Y
  std::size_t size() const { return storage_of.size(); }
};

TilingLayout make_layout(const Architecture& arch);

// Size of each sub-space as the real mapper prints it (before per-factorization pruning).
struct MapspaceSizes {
  Uint128 index_factorization = 0;
  Uint128 loop_permutation = 0;
  Uint128 spatial = 0;
  Uint128 datatype_bypass = 0;
  Uint128 product() const { return index_factorization * loop_permutation * spatial * datatype_bypass; }
};

// One point in the space pruned for one index factorization (Timeloop's InitPruned): permutations
// of unit loops and splits among unit loops are dropped.
struct PointId {
  Uint128 factorization = 0;
  Uint128 permutation = 0;
  Uint128 spatial = 0;
  std::uint64_t bypass = 0;
  bool operator==(const PointId&) const = default;
};

// The permutation and split sub-spaces for one index factorization.
struct PrunedSpace {
  Uint128 factorization = 0;
  std::vector<std::vector<int>> factors;     // per tiling level, per dimension: loop bound
  std::vector<std::vector<int>> prefix;      // per tiling level: fixed innermost dimensions
  std::vector<std::vector<int>> infix;       // per tiling level: dimensions permuted freely
  std::vector<std::vector<int>> suffix;      // per tiling level: fixed outermost dimensions
  std::vector<std::uint64_t> permutation_sizes;  // per tiling level
  std::vector<std::int64_t> split_fixed;     // per tiling level: user split, or -1 (free), unused if temporal
  std::vector<std::uint32_t> split_base;     // per tiling level: least free split (unit loops first)
  std::vector<std::uint64_t> split_sizes;    // per tiling level: free splits (1 when fixed or temporal)
  Uint128 permutation_size = 1;
  Uint128 spatial_size = 1;
};

// Why a point is not a mapping before the model sees it.
struct ConstructionFailure {
  std::string level;   // storage level name, or the arithmetic level for min parallelism
  std::string reason;  // e.g. "mapped fanoutX 32 exceeds hardware fanoutX 16"
};

class Mapspace {
 public:
  // Throws InputError-free std::invalid_argument with a message when constraints contradict the
  // problem (the real mapper's fatal errors); callers turn it into an input error.
  Mapspace(const Architecture& arch, const Problem& problem, const Constraints& constraints);

  const TilingLayout& layout() const { return m_layout; }
  const MapspaceSizes& sizes() const { return m_sizes; }
  // Factorization options per problem dimension (the real mapper prints them).
  const std::vector<std::uint64_t>& factor_options() const { return m_option_counts; }
  // Cofactors (per tiling level) of option `i` of dimension `dim`.
  const std::vector<int>& cofactors(std::size_t dim, std::size_t i) const { return m_options[dim][i]; }
  std::uint64_t bypass_mask(std::uint64_t id, std::size_t data_space) const { return m_bypass[id][data_space]; }

  // Per tiling level, per dimension: the loop bounds of a factorization.
  std::vector<std::vector<int>> factors_of(Uint128 factorization) const;
  // The unpruned permutation/split sub-spaces (the real exhaustive search walks these).
  PrunedSpace unpruned(Uint128 factorization) const;
  PrunedSpace pruned(Uint128 factorization) const;

  // Builds the mapping of a point; nullopt with `why` when a spatial level's fanout is exceeded or
  // the parallelism is below the constraint (the real mapper's construction failures).
  std::optional<Mapping> construct(const PrunedSpace& space, const PointId& id, ConstructionFailure* why) const;
  // The same, built into `out` (whose vectors' buffers are reused; a search builds hundreds of
  // thousands of mappings); false with `why` on a construction failure (`out` is then unspecified).
  bool construct_into(const PrunedSpace& space, const PointId& id, Mapping& out, ConstructionFailure* why) const;

 private:
  PrunedSpace make_space(Uint128 factorization, bool prune) const;

  const Architecture* m_arch;
  const Problem* m_problem;
  Constraints m_constraints;
  TilingLayout m_layout;
  std::vector<std::vector<std::vector<int>>> m_options;  // per dimension, per option, per tiling level
  std::vector<std::uint64_t> m_option_counts;
  std::vector<std::vector<std::uint64_t>> m_bypass;       // per bypass id, per data space: keep bits
  MapspaceSizes m_sizes;
};

}  // namespace claimcheck::timeloop::mapper
