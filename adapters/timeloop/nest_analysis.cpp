#include "adapters/timeloop/nest_analysis.hpp"

#include <algorithm>
#include <utility>

#include "adapters/timeloop/nest_closed_form.hpp"
#include "adapters/timeloop/nest_shape.hpp"
#include "adapters/timeloop/nest_walk.hpp"

namespace claimcheck::timeloop {

void MulticastAccesses::add(std::uint64_t factor, double words) {
  Entry* first = begin();
  Entry* last = end();
  Entry* at = first;
  while (at != last && at->first < factor) ++at;
  if (at != last && at->first == factor) {
    at->second += words;
    return;
  }
  const std::size_t index = static_cast<std::size_t>(at - first);
  if (m_size < k_inline) {
    for (std::size_t i = m_size; i > index; --i) m_inline[i] = m_inline[i - 1];
    m_inline[index] = {factor, words};
  } else {
    if (m_size == k_inline) m_heap.assign(m_inline.begin(), m_inline.end());
    m_heap.insert(m_heap.begin() + static_cast<std::ptrdiff_t>(index), Entry{factor, words});
  }
  ++m_size;
}

bool MulticastAccesses::operator==(const MulticastAccesses& other) const {
  return std::equal(begin(), end(), other.begin(), other.end());
}

LoopNest build_loop_nest(const Architecture& arch, const Problem& problem, const Mapping& mapping) {
  LoopNest nest;
  const std::size_t num_dims = problem.shape.dimensions.size();
  const std::size_t num_ds = problem.shape.data_spaces.size();
  const std::size_t levels = arch.storage.size();
  nest.num_data_spaces = num_ds;
  nest.loops.reserve(levels * 2 * num_dims);
  nest.storage_boundaries.reserve(levels);
  nest.physical_fanout_x.reserve(levels);
  nest.physical_fanout_y.reserve(levels);
  for (auto* switches : {&nest.no_multicast, &nest.no_temporal_reuse, &nest.no_link_transfer}) {
    switches->reserve(levels * num_ds);
  }
  for (std::size_t s = 0; s < levels; ++s) {
    const auto& lm = mapping.levels[s];
    const std::uint64_t in_x = s == 0 ? arch.arithmetic.mesh_x : arch.storage[s - 1].mesh_x;
    const std::uint64_t in_y = s == 0 ? arch.arithmetic.mesh_y : arch.storage[s - 1].mesh_y;
    const std::uint64_t fx = in_x / arch.storage[s].mesh_x;
    const std::uint64_t fy = in_y / arch.storage[s].mesh_y;
    nest.physical_fanout_x.push_back(fx);
    nest.physical_fanout_y.push_back(fy);
    if (fx * fy > 1) {
      for (std::size_t i = 0; i < num_dims; ++i) {
        const int dim = lm.spatial_permutation[i];
        const Factor& f = lm.spatial[static_cast<std::size_t>(dim)];
        if (f.end > 1) nest.loops.push_back({dim, f.end, f.residual_end, i < lm.split ? LoopSpace::x : LoopSpace::y});
      }
    }
    std::size_t added = 0;
    for (std::size_t i = 0; i < num_dims; ++i) {
      const int dim = lm.temporal_permutation[i];
      const Factor& f = lm.temporal[static_cast<std::size_t>(dim)];
      if (f.end > 1) {
        nest.loops.push_back({dim, f.end, f.residual_end, LoopSpace::time});
        ++added;
      }
    }
    if (added == 0) nest.loops.push_back({static_cast<int>(num_dims) - 1, 1, 1, LoopSpace::time});
    nest.storage_boundaries.push_back(nest.loops.size() - 1);
    for (std::size_t p = 0; p < num_ds; ++p) {
      nest.no_multicast.push_back(lm.no_multicast[p]);
      nest.no_temporal_reuse.push_back(lm.no_temporal_reuse[p]);
      nest.no_link_transfer.push_back(lm.no_link_transfer[p]);
    }
  }
  return nest;
}

NestAnalysis analyze_nest(const LoopNest& nest, const Problem& problem, bool point_sets,
                          const AnalysisLimits& limits) {
  // Kept per thread: rebinding them keeps their buffers, so a warm thread does not allocate them.
  thread_local Projection projection;
  thread_local NestShape shape;
  projection.reset(problem);
  shape.reset(nest, projection);
  NestAnalysis out;
  out.imperfect = shape.imperfect;
  if (nest.loops.empty()) return out;
  out.unsupported = beyond_limits(shape, limits);
  if (!out.unsupported.empty()) return out;
  if (!point_sets && closed_form_applies(shape)) {
    if (auto closed = analyze_closed_form(shape, projection)) return std::move(*closed);
  }
  return walk_nest(shape, projection, limits);
}

}  // namespace claimcheck::timeloop
