#pragma once
// Working sets and data movement of a loop nest, following Timeloop v3.0.3's nest analysis. Two
// procedures give the same analysis: the point-set walk (nest_walk.hpp, Timeloop's own procedure,
// also the one for residual factors) and, for perfect factors, its closed form
// (nest_closed_form.hpp), whose work does not double per temporal loop. Files:
//   nest_shape.*        what both derive from the nest's structure alone
//   nest_walk.*         the walk, and the limits on the work it may take
//   nest_closed_form.*  the closed form

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop {

constexpr std::size_t k_max_dims = 16;  // problem dimensions supported

enum class LoopSpace { time, x, y };

struct Loop {
  int dim = 0;                    // problem dimension
  std::int64_t end = 1;           // iterations
  std::int64_t residual_end = 1;  // iterations in the globally last pass
  LoopSpace space = LoopSpace::time;
};

struct LoopNest {
  std::vector<Loop> loops;                       // innermost first
  std::vector<std::size_t> storage_boundaries;   // per storage level: index of its outermost loop
  std::size_t num_data_spaces = 0;
  // Per storage level and data space, at [level * num_data_spaces + data space] (see switches()).
  std::vector<char> no_multicast, no_temporal_reuse, no_link_transfer;
  std::vector<std::uint64_t> physical_fanout_x;  // per storage level
  std::vector<std::uint64_t> physical_fanout_y;

  // One storage level's row of no_multicast, no_temporal_reuse or no_link_transfer.
  std::span<const char> switches(const std::vector<char>& all, std::size_t level) const {
    return {all.data() + level * num_data_spaces, num_data_spaces};
  }
};

// Words delivered per multicast factor, by increasing factor. Most tiles have one or two factors,
// so they are kept inline.
class MulticastAccesses {
 public:
  using Entry = std::pair<std::uint64_t, double>;  // multicast factor, words
  // Adds words at a factor (the entry is made even for 0 words, as the walk makes it).
  void add(std::uint64_t factor, double words);
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  void clear() {
    m_size = 0;
    m_heap.clear();
  }
  const Entry* begin() const { return m_size <= k_inline ? m_inline.data() : m_heap.data(); }
  const Entry* end() const { return begin() + m_size; }
  Entry* begin() { return m_size <= k_inline ? m_inline.data() : m_heap.data(); }
  Entry* end() { return begin() + m_size; }
  bool operator==(const MulticastAccesses& other) const;

 private:
  static constexpr std::size_t k_inline = 4;
  std::size_t m_size = 0;
  std::array<Entry, k_inline> m_inline{};
  std::vector<Entry> m_heap;  // all entries once there are more than k_inline
};

// The working set and traffic of one loop level (temporal, or the outermost loop of a block of
// spatial loops), averaged over the simulated instances.
struct LoopTile {
  std::uint64_t size = 0;                   // words: largest working set seen
  MulticastAccesses accesses;               // multicast factor -> words delivered
  std::uint64_t link_transfers = 0;         // words taken from neighbours instead
  std::uint64_t replication_factor = 1;     // instances of this loop's level
  std::uint64_t fanout = 1;                 // spatial fanout of this loop (1 when temporal)
  bool is_boundary = false;                 // outermost loop of a storage level
  bool is_master_spatial = false;
};

struct NestAnalysis {
  std::vector<std::vector<LoopTile>> tiles;  // per data space, per loop level kept (innermost first)
  double compute_accesses = 0;               // computes per arithmetic instance (average)
  std::uint64_t compute_replication = 1;     // arithmetic instances used
  std::uint64_t max_temporal_iterations = 1; // product of all temporal loop ends
  bool imperfect = false;                    // some loop has a residual factor
  std::string unsupported;                   // non-empty: the analysis stopped at a limit, and why
};

// Inputs are untrusted, so the analysis bounds its work and memory: a nest whose walk would take
// more steps even with every spatial block replayed (temporal loops doubling the work), or a
// spatial block with more instances, is reported as unsupported instead of running for minutes or
// exhausting memory. The point-set walk also stops once it has taken max_steps steps; the closed
// form's work grows with the loops and fanouts, not with the steps.
struct AnalysisLimits {
  std::uint64_t max_steps = 5'000'000;           // loop-level calls (plus spatial instances visited)
  std::uint64_t max_spatial_instances = 1 << 20;  // per spatial block (mapped or physical)
};

// Builds the loop nest of a mapping (Timeloop's order: per storage level, innermost first, its
// spatial loops then its temporal loops; unit loops dropped, one unit temporal loop kept when a
// level has none).
LoopNest build_loop_nest(const Architecture& arch, const Problem& problem, const Mapping& mapping);

// With perfect factors the analysis is computed in closed form (nest_closed_form.hpp); residual
// factors, or `point_sets`, take the point-set walk (Timeloop's own procedure, slower), which gives
// the same analysis on perfect factors: tests hold the closed form to it.
NestAnalysis analyze_nest(const LoopNest& nest, const Problem& problem, bool point_sets = false,
                          const AnalysisLimits& limits = {});

}  // namespace claimcheck::timeloop
