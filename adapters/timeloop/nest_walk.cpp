#include "adapters/timeloop/nest_walk.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "adapters/timeloop/point_set.hpp"

namespace claimcheck::timeloop {
namespace {

using Space = std::vector<BoxSet>;  // one point set per data space

// What one loop level remembers for one instance: a spatial block's deltas of its previous
// invocation (for link transfers: a base set plus per-element offsets), the last working set and
// step, and what it only accumulates.
struct ElementState {
  bool has_prev_spatial = false;
  Space prev_base;
  std::vector<Point> prev_offsets;  // [spatial index * data spaces + data space]
  std::vector<char> prev_present;   // per spatial index
  Space last_point_set;
  std::vector<std::optional<Point>> last_translation;
  std::vector<std::uint64_t> max_size;
  std::vector<std::map<std::uint64_t, double>> accesses;
  std::vector<std::uint64_t> link_transfers;
};

// The spatial deltas of one block: every element's delta is the simulated element's delta
// (`base`) translated by its offset (Timeloop extrapolates all but the first element that way).
struct SpatialDeltas {
  Space base;
  bool has_base = false;
  std::size_t num_ds = 0;
  std::vector<Point> offsets;  // [spatial index * num_ds + data space]
  std::vector<char> present;   // per spatial index
  Point* at(std::uint64_t idx) {
    if (idx >= present.size()) {
      present.resize(idx + 1, 0);
      offsets.resize((idx + 1) * num_ds);
    }
    present[idx] = 1;
    return &offsets[idx * num_ds];
  }
};

std::string too_many_steps(const LoopNest& nest, const AnalysisLimits& limits) {
  int loops = 0;
  for (const auto& l : nest.loops) loops += l.space == LoopSpace::time && l.end > 1 ? 1 : 0;
  return "the loop nest needs more than " + std::to_string(limits.max_steps) + " analysis steps (" +
         std::to_string(loops) + " temporal loops of more than one iteration; each doubles the work)";
}

// Steps the walk takes at the least, counting a spatial block as none (it may be replayed):
// a temporal loop walks the level below it for its first iteration and for one standing for
// the others.
std::uint64_t least_steps(const NestShape& shape) {
  constexpr std::uint64_t k_cap = std::uint64_t{1} << 62;
  std::uint64_t below = 0;  // steps of the level below
  for (int l = 0; l < shape.num_loops(); ++l) {
    if (shape.spatial(l)) {
      if (shape.master[static_cast<std::size_t>(l)]) below = 0;
      continue;
    }
    const std::uint64_t k = shape.loop(l).end >= 2 ? 2 : 1;
    below = l == 0 ? 1 : std::min(k_cap, 1 + std::min(k_cap / k, below) * k);
  }
  return below;
}

}  // namespace

// Why the nest is beyond the analysis limits, or empty: a spatial block with too many instances,
// or a walk that would take too many steps even with every spatial block replayed.
std::string beyond_limits(const NestShape& shape, const AnalysisLimits& limits) {
  for (int l = 0; l < shape.num_loops(); ++l) {
    if (!shape.spatial(l) || !shape.master[static_cast<std::size_t>(l)]) continue;
    const std::uint64_t cells = shape.grid_width(l) * shape.grid_height(l);
    const std::uint64_t instances = std::max(shape.fanout[static_cast<std::size_t>(l)], cells);
    if (instances > limits.max_spatial_instances) {
      return "a spatial block of " + std::to_string(instances) + " instances (the analysis handles at most " +
             std::to_string(limits.max_spatial_instances) + " per block)";
    }
  }
  if (least_steps(shape) > limits.max_steps) return too_many_steps(shape.nest(), limits);
  return {};
}

namespace {

class Analyzer {
 public:
  Analyzer(const NestShape& shape, const Projection& projection, const AnalysisLimits& limits)
      : m_shape(shape), m_proj(projection), m_nest(shape.nest()), m_limits(limits) {
    m_num_ds = shape.num_ds;
    m_num_dims = shape.num_dims;
    for (std::size_t p = 0; p < m_num_ds; ++p) m_ranks.push_back(projection.rank(p));
    init();
  }

  NestAnalysis run() {
    NestAnalysis out;
    out.imperfect = m_imperfect;
    if (m_nest.loops.empty()) return out;
    const int n = static_cast<int>(m_nest.loops.size());
    m_num_epochs = 1;
    try {
      walk(n - 1);
    } catch (const StepLimit&) {
      out.unsupported = too_many_steps(m_nest, m_limits);
      return out;
    }
    collect(out);
    return out;
  }

 private:
  const NestShape& m_shape;
  const Projection& m_proj;
  const LoopNest& m_nest;
  AnalysisLimits m_limits;
  std::uint64_t m_steps = 0;
  std::size_t m_num_ds = 0;
  std::size_t m_num_dims = 0;
  std::vector<int> m_ranks;

  // Per loop level (see NestShape).
  const std::vector<std::uint64_t>& m_num_spatial_elems = m_shape.num_spatial_elems;
  const std::vector<char>& m_master = m_shape.master;
  const std::vector<char>& m_boundary = m_shape.boundary;
  const std::vector<std::size_t>& m_storage_level = m_shape.storage_level;
  const std::vector<std::uint64_t>& m_fanout = m_shape.fanout;
  const std::vector<std::uint64_t>& m_fanout_x = m_shape.fanout_x;
  const std::vector<std::uint64_t>& m_fanout_y = m_shape.fanout_y;
  // One instance state per loop level: only the first instance of a spatial block is simulated
  // (the others are extrapolated), so Timeloop's per-instance space stamps never differ.
  std::vector<ElementState> m_live;
  std::vector<char> m_live_used;
  const bool m_imperfect = m_shape.imperfect;
  std::vector<std::int64_t> m_high, m_high_residual;  // [level * dims + dim] (see init)

  // Live walk state.
  std::vector<std::int64_t> m_indices;
  std::vector<std::int64_t> m_transform;  // per problem dimension
  std::uint64_t m_num_epochs = 1;
  double m_compute_info = 0;  // innermost level temporal: its computes
  bool m_compute_info_used = false;
  // Innermost level spatial: computes per spatial index.
  struct ComputeRow {
    std::vector<double> value;
    std::vector<char> present;
    std::size_t count = 0;
    void add(std::uint64_t idx, double v) {
      if (idx >= present.size()) {
        present.resize(idx + 1, 0);
        value.resize(idx + 1, 0.0);
      }
      if (!present[idx]) {
        present[idx] = 1;
        ++count;
      }
      value[idx] += v;
    }
  };
  ComputeRow m_spatial_compute;

  std::vector<Space> m_out_sets;  // per level: latest delta
  mutable std::vector<std::uint32_t> m_counts;  // scratch table for multicast grouping
  mutable std::vector<std::uint64_t> m_keys;    // scratch: each grouped offset's table cell
  std::vector<std::vector<std::uint64_t>> m_level_total, m_level_last;  // scratch per loop level
  std::vector<Point> m_corner, m_corner_step;   // scratch: per data space, innermost spatial loop

  // The grid a spatial block's neighbour transfers run over: the physical fanout of its level or
  // the mapped one, whichever is larger, along each axis.
  std::uint64_t grid_width(int level) const { return m_shape.grid_width(level); }
  std::uint64_t grid_height(int level) const { return m_shape.grid_height(level); }

  bool spatial(int level) const { return m_nest.loops[static_cast<std::size_t>(level)].space != LoopSpace::time; }
  const Loop& loop(int level) const { return m_nest.loops[static_cast<std::size_t>(level)]; }
  static std::size_t u(int i) { return static_cast<std::size_t>(i); }

  void init() {
    const int n = static_cast<int>(m_nest.loops.size());
    // The highest index each level's working set reaches along each dimension, without and with
    // the residual iterations of the loops up to it.
    m_high.assign(u(n) * m_num_dims, 0);
    m_high_residual.assign(u(n) * m_num_dims, 0);
    std::vector<std::int64_t> scale(m_num_dims, 1), scale_residual(m_num_dims, 1);
    for (int i = 0; i < n; ++i) {
      const auto& l = loop(i);
      const auto d = u(l.dim);
      scale_residual[d] += scale[d] * (l.residual_end - 1);
      scale[d] *= l.end;
      for (std::size_t k = 0; k < m_num_dims; ++k) {
        m_high[u(i) * m_num_dims + k] = scale[k] - 1;
        m_high_residual[u(i) * m_num_dims + k] = scale_residual[k] - 1;
      }
    }
    m_live.assign(u(n), {});
    m_live_used.assign(u(n), 0);
    for (auto& st : m_live) {
      for (std::size_t p = 0; p < m_num_ds; ++p) st.last_point_set.emplace_back(m_ranks[p]);
      st.last_translation.resize(m_num_ds);
      st.max_size.assign(m_num_ds, 0);
      st.accesses.resize(m_num_ds);
      st.link_transfers.assign(m_num_ds, 0);
    }
    m_out_sets.assign(u(n), {});
    m_level_total.assign(u(n), std::vector<std::uint64_t>(m_num_ds, 0));
    m_level_last.assign(u(n), std::vector<std::uint64_t>(m_num_ds, 0));
    m_indices.assign(u(n), 0);
    m_transform.assign(m_num_dims, 0);
  }

  ElementState& state_for(int level) {
    m_live_used[u(level)] = 1;
    return m_live[u(level)];
  }

  bool is_last_global(int level, int dim) const {
    if (!m_imperfect) return true;  // residual ends equal the ends: either answer gives the same
    for (int l = level; l < static_cast<int>(m_nest.loops.size()); ++l) {
      if (loop(l).dim != dim) continue;
      if (m_indices[u(l)] + 1 < loop(l).residual_end) return false;
    }
    return true;
  }

  Space project(const DimPoint& low, const DimPoint& high) const { return m_proj.project(low, high); }

  Space working_set(int level) const {
    DimPoint low{}, high{};
    for (std::size_t d = 0; d < m_num_dims; ++d) {
      low[d] = m_transform[d];
      high[d] = m_transform[d] + (is_last_global(level + 1, static_cast<int>(d)) ? m_high_residual[u(level) * m_num_dims + d]
                                                                                 : m_high[u(level) * m_num_dims + d]);
    }
    return project(low, high);
  }

  Point point_corner(const DimPoint& at, std::size_t p) const { return m_proj.corner(at, p); }

  // Timeloop accumulates per call; every amount is a whole number of words or operations (far
  // below 2^53), so the sums are exact in any order.
  static void add_sum(double& target, double amount) { target += amount; }
  static void add_count(std::uint64_t& target, std::uint64_t amount) { target += amount; }
  static void raise(std::uint64_t& target, std::uint64_t value) { target = std::max(target, value); }
  void add_rows(std::uint64_t first, std::uint64_t count, double amount) {
    for (std::uint64_t i = 0; i < count; ++i) m_spatial_compute.add(first + i, amount);
  }
  void use_compute_info() { m_compute_info_used = true; }

  struct StepLimit {};

  void count_steps(std::uint64_t n) {
    m_steps += n;
    if (m_steps > m_limits.max_steps) throw StepLimit{};
  }

  // Walks one call of a loop level: the levels below first, then its own working set against the
  // last one, leaving its delta in m_out_sets.
  void walk(int level) {
    count_steps(1);
    ElementState& st = state_for(level);
    if (spatial(level)) {
      compute_spatial(level);
    } else {
      compute_temporal(level, st);
    }
    walk_sets(level, st);
  }

  // The level's working set against its last one (Timeloop's temporal reuse: subtract while the
  // translation from the last working set repeats).
  void walk_sets(int level, ElementState& st) {
    Space ps = working_set(level);
    if (m_boundary[u(level)] || m_master[u(level)]) {
      for (std::size_t p = 0; p < m_num_ds; ++p) raise(st.max_size[p], ps[p].size());
    }
    const auto no_reuse = m_nest.switches(m_nest.no_temporal_reuse, m_storage_level[u(level)]);
    for (std::size_t p = 0; p < m_num_ds; ++p) {
      if (no_reuse[p]) continue;
      std::optional<Point> translation;
      if (!st.last_point_set[p].empty()) translation = st.last_point_set[p].translation_to(ps[p]);
      if (!st.last_translation[p]) {
        BoxSet saved = ps[p];
        ps[p].subtract(st.last_point_set[p]);
        st.last_point_set[p] = std::move(saved);
        st.last_translation[p] = translation;
      } else if (translation && *translation == *st.last_translation[p]) {
        BoxSet saved = ps[p];
        ps[p].subtract(st.last_point_set[p]);
        st.last_point_set[p] = std::move(saved);
      } else {
        st.last_point_set[p] = ps[p];
        st.last_translation[p].reset();
      }
    }
    m_out_sets[u(level)] = std::move(ps);
  }

  // Points in the latest delta of `level` for data space `p`.
  std::uint64_t delta_size(int level, std::size_t p) const { return m_out_sets[u(level)][p].size(); }

  // The latest delta of `level` as point sets.
  const Space& delta_space(int level) const { return m_out_sets[u(level)]; }

  void compute_temporal(int level, ElementState& st) {
    const Loop& l = loop(level);
    const std::int64_t end = is_last_global(level + 1, l.dim) ? l.residual_end : l.end;
    const std::int64_t n = end;
    if (level == 0) {
      const double body = static_cast<double>(n) * static_cast<double>(m_num_epochs);
      add_sum(m_compute_info, body);
      use_compute_info();
      for (std::size_t p = 0; p < m_num_ds; ++p) add_sum(st.accesses[p][1], body);
      return;
    }
    // Sum of delta sizes x the iterations each stands for; `last` repeats the latest delta.
    // Per-level buffers: each level is on the recursion stack at most once.
    std::vector<std::uint64_t>& total = m_level_total[u(level)];
    std::vector<std::uint64_t>& last = m_level_last[u(level)];
    total.assign(m_num_ds, 0);
    last.assign(m_num_ds, 0);
    auto record = [&](std::uint64_t scale) {
      for (std::size_t p = 0; p < m_num_ds; ++p) {
        last[p] = delta_size(level - 1, p);
        total[p] += last[p] * scale;
      }
    };
    auto repeat_last = [&] {
      for (std::size_t p = 0; p < m_num_ds; ++p) total[p] += last[p];
    };
    const bool run_last = m_imperfect;
    const bool run_second_last = m_imperfect;
    const auto dim = u(l.dim);
    const std::int64_t scale = m_shape.stride(level);
    const std::int64_t saved_transform = m_transform[dim];

    m_indices[u(level)] = 0;
    if (n >= 1) {
      walk(level - 1);
      record(1);
      m_transform[dim] += scale;
      m_indices[u(level)] += 1;
    }
    if ((run_second_last && n >= 4) || (run_last && !run_second_last && n >= 3) || (!run_last && n >= 2)) {
      std::int64_t virtual_iterations = run_last ? n - 2 : n - 1;
      if (run_second_last) virtual_iterations -= 1;
      const auto saved_epochs = m_num_epochs;
      m_num_epochs *= static_cast<std::uint64_t>(virtual_iterations);
      walk(level - 1);
      m_num_epochs = saved_epochs;
      record(static_cast<std::uint64_t>(virtual_iterations));
      m_transform[dim] += scale * virtual_iterations;
      m_indices[u(level)] += virtual_iterations;
    }
    if (run_second_last && n >= 3) {
      walk(level - 1);
      if (n >= 4) {
        repeat_last();
      } else {
        record(1);
      }
      m_transform[dim] += scale;
      m_indices[u(level)] += 1;
    }
    if (run_last && n >= 2) {
      walk(level - 1);
      if (!run_second_last && n >= 3) {
        repeat_last();
      } else {
        record(1);
        m_transform[dim] += scale;
      }
      m_indices[u(level)] += 1;
    }
    m_transform[dim] = saved_transform;

    if (m_boundary[u(level - 1)]) {
      for (std::size_t p = 0; p < m_num_ds; ++p) {
        add_sum(st.accesses[p][1], static_cast<double>(total[p]) * static_cast<double>(m_num_epochs));
      }
    }
  }

  std::vector<Point> translation_vectors(int level) {
    const auto dim = u(loop(level).dim);
    const std::int64_t saved = m_transform[dim];
    const Space first = working_set(level);
    m_transform[dim] += m_shape.stride(level);
    const Space second = working_set(level);
    m_transform[dim] = saved;
    std::vector<Point> out(m_num_ds);
    for (std::size_t p = 0; p < m_num_ds; ++p) out[p] = first[p].translation_to(second[p]);
    return out;
  }

  void fill_spatial_deltas(int level, SpatialDeltas& deltas, std::uint64_t base_index,
                           std::uint64_t extrapolation_stride, int extrapolation_level) {
    const Loop& l = loop(level);
    const std::int64_t end = is_last_global(level + 1, l.dim) ? l.residual_end : l.end;
    base_index *= static_cast<std::uint64_t>(end);
    if (level == 0) {
      m_indices[0] = 0;
      DimPoint at{};  // the walk's position (equal to the loop indices times their strides)
      for (std::size_t d = 0; d < m_num_dims; ++d) at[d] = m_transform[d];
      if (end >= 1 && !deltas.has_base) {
        deltas.base = project(at, at);
        deltas.has_base = true;
      }
      // Projection is linear, so successive elements' corners differ by the projected step.
      DimPoint step{};
      step[u(l.dim)] = m_shape.stride(0);
      m_corner.resize(m_num_ds);
      m_corner_step.resize(m_num_ds);
      for (std::size_t p = 0; p < m_num_ds && end >= 1; ++p) {
        const Box& b = deltas.base[p].boxes().front();
        m_corner[p] = point_corner(at, p);
        for (int r = 0; r < m_ranks[p]; ++r) m_corner[p][r] -= b.lo[r];
        m_corner_step[p] = point_corner(step, p);
      }
      for (m_indices[0] = 0; m_indices[0] < end; ++m_indices[0]) {
        const std::uint64_t idx = base_index + static_cast<std::uint64_t>(m_indices[0]);
        Point* off = deltas.at(idx);
        for (std::size_t p = 0; p < m_num_ds; ++p) {
          off[p] = m_corner[p];
          for (int r = 0; r < m_ranks[p]; ++r) m_corner[p][r] += m_corner_step[p][r];
        }
      }
      if (end > 0) add_rows(base_index, static_cast<std::uint64_t>(end), static_cast<double>(m_num_epochs));
      return;
    }
    const auto dim = u(l.dim);
    const std::int64_t scale = m_shape.stride(level);
    const std::int64_t saved_transform = m_transform[dim];
    std::int64_t runs = 0;
    if (spatial(level - 1)) {
      for (m_indices[u(level)] = 0; m_indices[u(level)] < end; ++m_indices[u(level)], ++runs) {
        std::uint64_t next_stride = extrapolation_stride * static_cast<std::uint64_t>(end);
        int next_level = extrapolation_level;
        if (runs >= 1) {
          next_stride = 1;
          next_level = level;
        }
        fill_spatial_deltas(level - 1, deltas, base_index + static_cast<std::uint64_t>(m_indices[u(level)]),
                            next_stride, next_level);
        m_transform[dim] += scale;
      }
    } else {
      if (extrapolation_stride == 0) {
        for (m_indices[u(level)] = 0; m_indices[u(level)] < end && runs < 1; ++m_indices[u(level)], ++runs) {
          const std::uint64_t idx = base_index + static_cast<std::uint64_t>(m_indices[u(level)]);
          walk(level - 1);
          deltas.base = delta_space(level - 1);
          deltas.has_base = true;
          Point* off = deltas.at(idx);
          for (std::size_t p = 0; p < m_num_ds; ++p) off[p] = Point{};
          m_transform[dim] += scale;
        }
        extrapolation_stride = 1;
        extrapolation_level = level;
      } else {
        extrapolation_stride *= static_cast<std::uint64_t>(end);
        m_indices[u(level)] = 0;
      }
      std::vector<Point> translation;
      if (m_indices[u(level)] < end) translation = translation_vectors(extrapolation_level);
      for (; m_indices[u(level)] < end; ++m_indices[u(level)]) {
        const std::uint64_t dst = base_index + static_cast<std::uint64_t>(m_indices[u(level)]);
        const std::uint64_t src = dst - extrapolation_stride;
        Point* off = deltas.at(dst);
        const Point* from = &deltas.offsets[src * m_num_ds];
        for (std::size_t p = 0; p < m_num_ds; ++p) {
          off[p] = from[p];
          for (int r = 0; r < m_ranks[p]; ++r) off[p][r] += translation[p][r];
        }
      }
    }
    m_transform[dim] = saved_transform;
  }

  using Stats = std::vector<std::map<std::uint64_t, double>>;

  // The spatial deltas of one block, by position.
  using Deltas = SpatialDeltas;
  using Flags = std::vector<std::vector<char>>;  // per data space, per spatial index: still unaccounted

  // Groups equal offsets by counting in a dense table when their bounding range is small: each
  // group of g equal offsets adds `size` x epochs to stats[g] (the same amount for every group, so
  // the visiting order does not matter). False when the range is too large for the table.
  bool group_by_counting(const std::vector<const Point*>& keyed, int rank, std::uint64_t size,
                         std::map<std::uint64_t, double>& stats) const {
    if (keyed.empty()) return true;
    Point lo = *keyed.front(), hi = *keyed.front();
    for (const Point* k : keyed) {
      for (int r = 0; r < rank; ++r) {
        lo[r] = std::min(lo[r], (*k)[r]);
        hi[r] = std::max(hi[r], (*k)[r]);
      }
    }
    const std::uint64_t limit = 4 * keyed.size() + 1024;
    std::uint64_t cells = 1;
    std::array<std::uint64_t, k_max_rank> radix{};
    for (int r = 0; r < rank; ++r) {
      radix[u(r)] = cells;
      cells *= static_cast<std::uint64_t>(hi[r] - lo[r]) + 1;
      if (cells > limit) return false;
    }
    auto key = [&](const Point* k) {
      std::uint64_t v = 0;
      for (int r = 0; r < rank; ++r) v += static_cast<std::uint64_t>((*k)[r] - lo[r]) * radix[u(r)];
      return v;
    };
    m_counts.assign(cells, 0);
    m_keys.resize(keyed.size());
    for (std::size_t i = 0; i < keyed.size(); ++i) {
      m_keys[i] = key(keyed[i]);
      ++m_counts[m_keys[i]];
    }
    const double amount = static_cast<double>(size) * static_cast<double>(m_num_epochs);
    for (const std::uint64_t k : m_keys) {
      auto& c = m_counts[k];
      if (c == 0) continue;
      stats[c] += amount;
      c = 0;
    }
    return true;
  }

  // Equal deltas (among those still unaccounted) form one multicast: the parent sends the data
  // once. Deltas are translates of one set, so they are equal exactly when their offsets are.
  Stats multicast(int level, const Deltas& deltas, Flags& unaccounted) const {
    Stats out(m_num_ds);
    const auto no_mc = m_nest.switches(m_nest.no_multicast, m_storage_level[u(level)]);
    const std::size_t n = deltas.present.size();
    std::vector<const Point*> keyed;
    keyed.reserve(n);
    for (std::size_t p = 0; p < m_num_ds; ++p) {
      const std::uint64_t size = deltas.base[p].size();
      keyed.clear();
      for (std::size_t i = 0; i < n; ++i) {
        if (!deltas.present[i] || !unaccounted[p][i]) continue;
        unaccounted[p][i] = 0;
        keyed.push_back(&deltas.offsets[i * m_num_ds + p]);
      }
      if (size == 0) continue;
      if (no_mc[p]) {
        out[p][1] += static_cast<double>(keyed.size()) * static_cast<double>(size) * static_cast<double>(m_num_epochs);
        continue;
      }
      const int rank = m_ranks[p];
      if (group_by_counting(keyed, rank, size, out[p])) continue;
      auto less = [rank](const Point* a, const Point* b) {
        for (int r = 0; r < rank; ++r) {
          if ((*a)[r] != (*b)[r]) return (*a)[r] < (*b)[r];
        }
        return false;
      };
      std::sort(keyed.begin(), keyed.end(), less);
      for (std::size_t a = 0; a < keyed.size();) {
        std::size_t b = a + 1;
        while (b < keyed.size() && !less(keyed[a], keyed[b])) ++b;
        out[p][b - a] += static_cast<double>(size) * static_cast<double>(m_num_epochs);
        a = b;
      }
    }
    return out;
  }

  // Deltas a neighbour held one step earlier are taken from it instead of from the parent.
  std::vector<std::uint64_t> link_transfers(int level, const Deltas& deltas, Flags& unaccounted,
                                            const ElementState& st, bool& remember) const {
    remember = false;
    std::vector<std::uint64_t> out(m_num_ds, 0);
    const std::size_t s = m_storage_level[u(level)];
    const std::uint64_t h_size = grid_width(level);
    const std::uint64_t v_size = grid_height(level);
    const auto ignore = m_nest.switches(m_nest.no_link_transfer, s);
    if (std::all_of(ignore.begin(), ignore.end(), [](bool b) { return b; })) return out;
    if (st.has_prev_spatial) {
      // A neighbour can only supply the same set if the current and previous bases have the same size.
      std::vector<bool> possible(m_num_ds);
      bool any = false;
      for (std::size_t p = 0; p < m_num_ds; ++p) {
        possible[p] = !ignore[p] && !deltas.base[p].empty() && deltas.base[p].size() == st.prev_base[p].size();
        any = any || possible[p];
      }
      // Single-box bases of equal extents compare by offsets alone.
      std::vector<char> single(m_num_ds, 0);
      std::vector<Point> base_shift(m_num_ds, Point{});
      for (std::size_t p = 0; p < m_num_ds && any; ++p) {
        if (!possible[p] || deltas.base[p].boxes().size() != 1 || st.prev_base[p].boxes().size() != 1) continue;
        const Box& a = deltas.base[p].boxes().front();
        const Box& b = st.prev_base[p].boxes().front();
        bool same_extent = true;
        for (int r = 0; r < m_ranks[p] && same_extent; ++r) same_extent = a.hi[r] - a.lo[r] == b.hi[r] - b.lo[r];
        if (!same_extent) {
          possible[p] = false;
          continue;
        }
        single[p] = 1;
        for (int r = 0; r < m_ranks[p]; ++r) base_shift[p][r] = b.lo[r] - a.lo[r];
      }
      any = std::any_of(possible.begin(), possible.end(), [](bool b) { return b; });
      if (any) {
        // Per data space (results are independent across data spaces), each pair of neighbours.
        const std::uint64_t cells = h_size * v_size;
        const std::size_t n_cur = deltas.present.size();
        const auto& prev_present = st.prev_present;
        const auto& prev_offsets = st.prev_offsets;
        const std::size_t n_prev = prev_present.size();
        std::vector<char> reuse(m_num_ds * cells, 0);
        // Every cell present now and one step earlier (the usual case): no per-pair presence checks.
        bool dense = n_cur >= cells && n_prev >= cells;
        for (std::uint64_t c = 0; c < cells && dense; ++c) dense = deltas.present[c] && prev_present[c];
        for (std::size_t p = 0; p < m_num_ds; ++p) {
          if (!possible[p]) continue;
          char* used = &reuse[p * cells];
          const int rank = m_ranks[p];
          const Point& want = base_shift[p];
          auto compare = [&](std::uint64_t cur, std::uint64_t prev) {
            if (used[cur]) return;
            if (!dense && (cur >= n_cur || !deltas.present[cur] || prev >= n_prev || !prev_present[prev])) return;
            const Point& co = deltas.offsets[cur * m_num_ds + p];
            const Point& po = prev_offsets[prev * m_num_ds + p];
            if (single[p]) {
              // One box each, same extents: equal exactly when the offsets differ by the base shift.
              bool eq = true;
              for (int r = 0; r < rank && eq; ++r) eq = co[r] - po[r] == want[r];
              if (eq) used[cur] = 1;
              return;
            }
            Point shift{};
            for (int r = 0; r < rank; ++r) shift[r] = po[r] - co[r];
            if (deltas.base[p].same_as_shifted(st.prev_base[p], shift)) used[cur] = 1;
          };
          auto at = [&](std::uint64_t h, std::uint64_t v) { return v * h_size + h; };
          if (v_size > 1) {
            for (std::uint64_t h = 0; h < h_size; ++h)
              for (std::uint64_t v = 1; v < v_size; ++v) compare(at(h, v), at(h, v - 1));
            for (std::uint64_t h = 0; h < h_size; ++h)
              for (std::uint64_t v = 0; v + 1 < v_size; ++v) compare(at(h, v), at(h, v + 1));
          }
          if (h_size > 1) {
            for (std::uint64_t v = 0; v < v_size; ++v)
              for (std::uint64_t h = 1; h < h_size; ++h) compare(at(h, v), at(h - 1, v));
            for (std::uint64_t v = 0; v < v_size; ++v)
              for (std::uint64_t h = 0; h + 1 < h_size; ++h) compare(at(h, v), at(h + 1, v));
          }
        }
        for (std::size_t idx = 0; idx < n_cur; ++idx) {
          if (!deltas.present[idx]) continue;
          for (std::size_t p = 0; p < m_num_ds; ++p) {
            if (idx < cells && reuse[p * cells + idx]) {
              out[p] += deltas.base[p].size() * m_num_epochs;
              unaccounted[p][idx] = 0;
            }
          }
        }
      }
    }
    remember = true;  // the caller stores these deltas as the previous ones once done with them
    return out;
  }

  void compute_spatial(int level) {
    count_steps(m_fanout[u(level)]);
    Deltas deltas;
    deltas.num_ds = m_num_ds;
    // Every spatial index is below the block's fanout; absent indices stay marked absent.
    deltas.present.assign(m_fanout[u(level)], 0);
    deltas.offsets.resize(m_fanout[u(level)] * m_num_ds);
    fill_spatial_deltas(level, deltas, 0, 0, level);
    if (!deltas.has_base) {
      for (std::size_t p = 0; p < m_num_ds; ++p) deltas.base.emplace_back(m_ranks[p]);
    }
    ElementState& st = state_for(level);
    const Flags all(m_num_ds, std::vector<char>(deltas.present.size(), 1));
    Flags unaccounted = all;
    const Stats without = multicast(level, deltas, unaccounted);
    unaccounted = all;
    bool remember = false;
    const auto links = link_transfers(level, deltas, unaccounted, st, remember);
    bool any_link = false;
    for (auto l : links) any_link = any_link || l > 0;
    const Stats with = any_link ? multicast(level, deltas, unaccounted) : without;
    auto total = [](const std::map<std::uint64_t, double>& m) {
      double t = 0;
      for (const auto& [k, v] : m) t += v;
      return static_cast<std::uint64_t>(t);
    };
    for (std::size_t p = 0; p < m_num_ds; ++p) {
      const auto* chosen = &without[p];
      if (total(with[p]) < total(without[p])) {
        add_count(st.link_transfers[p], links[p]);
        chosen = &with[p];
      }
      for (const auto& [mc, acc] : *chosen) add_sum(st.accesses[p][mc], acc);
    }
    if (remember) {
      st.has_prev_spatial = true;
      st.prev_base = std::move(deltas.base);
      st.prev_offsets = std::move(deltas.offsets);
      st.prev_present = std::move(deltas.present);
    }
  }

  void collect(NestAnalysis& out) const {
    const int n = static_cast<int>(m_nest.loops.size());
    out.tiles.assign(m_num_ds, {});
    for (int l = 0; l < n; ++l) {
      if (spatial(l) && !m_master[u(l)]) continue;
      const ElementState& st = m_live[u(l)];
      for (std::size_t p = 0; p < m_num_ds; ++p) {
        LoopTile t;
        if (m_live_used[u(l)]) {
          for (const auto& [factor, words] : st.accesses[p]) t.accesses.add(factor, words);
          t.size = st.max_size[p];
          t.link_transfers = st.link_transfers[p];
        }
        t.replication_factor = m_num_spatial_elems[u(l)];
        t.fanout = m_fanout[u(l)];
        t.is_boundary = m_boundary[u(l)];
        t.is_master_spatial = m_master[u(l)];
        out.tiles[p].push_back(std::move(t));
      }
    }
    for (int l = 0; l < n; ++l) {
      if (!spatial(l)) out.max_temporal_iterations *= static_cast<std::uint64_t>(loop(l).end);
    }
    for (int l = 0; l < n; ++l) {
      if (spatial(l) && !m_master[u(l)]) continue;
      out.compute_replication = m_num_spatial_elems[u(l)] * m_fanout[u(l)];
      // Every value is a whole number of operations (far below 2^53), so the sum is exact in any order.
      double sum = 0;
      std::size_t count = m_compute_info_used ? 1 : 0;
      if (m_compute_info_used) sum += m_compute_info;
      count += m_spatial_compute.count;
      for (std::size_t i = 0; i < m_spatial_compute.present.size(); ++i) {
        if (m_spatial_compute.present[i]) sum += m_spatial_compute.value[i];
      }
      out.compute_accesses = count == 0 ? 0 : sum / static_cast<double>(count);
      break;
    }
  }
};

}  // namespace

NestAnalysis walk_nest(const NestShape& shape, const Projection& projection, const AnalysisLimits& limits) {
  return Analyzer(shape, projection, limits).run();
}

}  // namespace claimcheck::timeloop
