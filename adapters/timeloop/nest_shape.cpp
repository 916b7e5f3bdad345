#include "adapters/timeloop/nest_shape.hpp"

#include <algorithm>

namespace claimcheck::timeloop {
namespace {

std::size_t u(int i) { return static_cast<std::size_t>(i); }

}  // namespace

Projection::Projection(const Problem& problem) : m_problem(problem) {
  for (const auto& ds : problem.shape.data_spaces) m_ranks.push_back(static_cast<int>(ds.projection.size()));
  m_dims = std::min(problem.shape.dimensions.size(), k_max_dims);
  m_columns.assign(m_ranks.size() * m_dims, Point{});
  for (std::size_t p = 0; p < m_ranks.size(); ++p) {
    const auto& ds = problem.shape.data_spaces[p];
    for (std::size_t r = 0; r < ds.projection.size(); ++r) {
      for (const auto& t : ds.projection[r]) {
        if (u(t.dimension) >= m_dims) continue;
        m_columns[p * m_dims + u(t.dimension)][r] += t.coefficient >= 0 ? problem.coefficients[u(t.coefficient)] : 1;
      }
    }
  }
}

std::vector<BoxSet> Projection::project(const DimPoint& low, const DimPoint& high) const {
  std::vector<BoxSet> out;
  out.reserve(m_ranks.size());
  for (std::size_t p = 0; p < m_ranks.size(); ++p) out.emplace_back(m_ranks[p], box(low, high, p));
  return out;
}

Box Projection::box(const DimPoint& low, const DimPoint& high, std::size_t p) const {
  const auto& ds = m_problem.shape.data_spaces[p];
  Box b;
  for (std::size_t r = 0; r < ds.projection.size(); ++r) {
      std::int64_t lo = 0, hi = 0;
      for (const auto& t : ds.projection[r]) {
        const std::int64_t l = low[u(t.dimension)], h = high[u(t.dimension)];
        if (t.coefficient >= 0) {
          const std::int64_t c = m_problem.coefficients[u(t.coefficient)];
          if (c < 0) {
            lo += h * c;
            hi += l * c;
          } else {
            lo += l * c;
            hi += h * c;
          }
        } else {
          lo += l;
          hi += h;
        }
      }
      b.lo[r] = lo;
      b.hi[r] = hi + 1;
  }
  return b;
}

Point Projection::corner(const DimPoint& at, std::size_t p) const {
  const auto& ds = m_problem.shape.data_spaces[p];
  Point out{};
  for (std::size_t r = 0; r < ds.projection.size(); ++r) {
    std::int64_t lo = 0;
    for (const auto& t : ds.projection[r]) {
      const std::int64_t v = at[u(t.dimension)];
      lo += t.coefficient >= 0 ? v * m_problem.coefficients[u(t.coefficient)] : v;
    }
    out[r] = lo;
  }
  return out;
}

Point Projection::along(int dim, std::int64_t steps, std::size_t p) const {
  Point out = m_columns[p * m_dims + u(dim)];
  for (int r = 0; r < m_ranks[p]; ++r) out[u(r)] *= steps;
  return out;
}

NestShape::NestShape(const LoopNest& nest_in, const Projection& projection) : nest(nest_in) {
  num_ds = projection.num_ds();
  const int n = num_loops();
  num_dims = projection.num_dims();
  num_spatial_elems.assign(u(n), 1);
  master.assign(u(n), false);
  std::uint64_t product = 1;
  bool prev_spatial = false;
  for (int i = n - 1; i >= 0; --i) {
    num_spatial_elems[u(i)] = product;
    if (spatial(i)) {
      master[u(i)] = !prev_spatial;
      product *= static_cast<std::uint64_t>(loop(i).end);
      prev_spatial = true;
    } else {
      prev_spatial = false;
    }
  }
  boundary.assign(u(n), false);
  storage_level.assign(u(n), 0);
  std::size_t loop_level = 0;
  for (std::size_t s = 0; s < nest.storage_boundaries.size(); ++s) {
    const std::size_t b = nest.storage_boundaries[s];
    boundary[b] = true;
    for (; loop_level <= b; ++loop_level) storage_level[loop_level] = s;
  }
  fanout.assign(u(n), 1);
  fanout_x.assign(u(n), 1);
  fanout_y.assign(u(n), 1);
  for (int i = n - 1; i >= 0; --i) {
    if (!spatial(i)) continue;
    if (!master[u(i)]) {
      fanout[u(i)] = 0;
      continue;
    }
    for (int j = i; j >= 0 && spatial(j); --j) {
      (loop(j).space == LoopSpace::x ? fanout_x : fanout_y)[u(i)] *= static_cast<std::uint64_t>(loop(j).end);
    }
    fanout[u(i)] = fanout_x[u(i)] * fanout_y[u(i)];
  }
  strides.assign(u(n) * num_dims, 1);
  highs.assign(u(n) * num_dims, 0);
  highs_residual.assign(u(n) * num_dims, 0);
  std::array<std::int64_t, k_max_dims> scale{}, scale_residual{};
  scale.fill(1);
  scale_residual.fill(1);
  for (int i = 0; i < n; ++i) {
    const auto& l = loop(i);
    const auto d = u(l.dim);
    std::copy(scale.begin(), scale.begin() + static_cast<std::ptrdiff_t>(num_dims), strides.begin() + static_cast<std::ptrdiff_t>(u(i) * num_dims));
    scale_residual[d] += scale[d] * (l.residual_end - 1);
    scale[d] *= l.end;
    for (std::size_t k = 0; k < num_dims; ++k) {
      highs[u(i) * num_dims + k] = scale[k] - 1;
      highs_residual[u(i) * num_dims + k] = scale_residual[k] - 1;
    }
    if (l.end != l.residual_end) imperfect = true;
  }
  mold.assign(u(n) * num_ds, Box{});
  for (int l = 0; l < n; ++l) {
    if (!boundary[u(l)] && !master[u(l)]) continue;
    DimPoint low{}, top{};
    for (std::size_t d = 0; d < num_dims; ++d) top[d] = highs[u(l) * num_dims + d];
    for (std::size_t p = 0; p < num_ds; ++p) mold[u(l) * num_ds + p] = projection.box(low, top, p);
  }
}

std::uint64_t NestShape::grid_width(int level) const {
  return std::max(nest.physical_fanout_x[storage_level[u(level)]], fanout_x[u(level)]);
}

std::uint64_t NestShape::grid_height(int level) const {
  return std::max(nest.physical_fanout_y[storage_level[u(level)]], fanout_y[u(level)]);
}

}  // namespace claimcheck::timeloop
