#include "adapters/timeloop/nest_shape.hpp"

#include <algorithm>

namespace claimcheck::timeloop {
namespace {

std::size_t u(int i) { return static_cast<std::size_t>(i); }

}  // namespace

void Projection::reset(const Problem& problem) {
  m_problem = &problem;
  m_ranks.clear();
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
  const auto& ds = m_problem->shape.data_spaces[p];
  Box b;
  for (std::size_t r = 0; r < ds.projection.size(); ++r) {
      std::int64_t lo = 0, hi = 0;
      for (const auto& t : ds.projection[r]) {
        const std::int64_t l = low[u(t.dimension)], h = high[u(t.dimension)];
        if (t.coefficient >= 0) {
          const std::int64_t c = m_problem->coefficients[u(t.coefficient)];
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
  const auto& ds = m_problem->shape.data_spaces[p];
  Point out{};
  for (std::size_t r = 0; r < ds.projection.size(); ++r) {
    std::int64_t lo = 0;
    for (const auto& t : ds.projection[r]) {
      const std::int64_t v = at[u(t.dimension)];
      lo += t.coefficient >= 0 ? v * m_problem->coefficients[u(t.coefficient)] : v;
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

void NestShape::reset(const LoopNest& nest_in, const Projection& projection) {
  m_nest = &nest_in;
  imperfect = false;
  num_ds = projection.num_ds();
  const int n = num_loops();
  num_dims = projection.num_dims();
  num_spatial_elems.assign(u(n), 1);
  master.assign(u(n), 0);
  std::uint64_t product = 1;
  bool prev_spatial = false;
  for (int i = n - 1; i >= 0; --i) {
    num_spatial_elems[u(i)] = product;
    if (spatial(i)) {
      master[u(i)] = prev_spatial ? 0 : 1;
      product *= static_cast<std::uint64_t>(loop(i).end);
      prev_spatial = true;
    } else {
      prev_spatial = false;
    }
  }
  boundary.assign(u(n), 0);
  storage_level.assign(u(n), 0);
  std::size_t loop_level = 0;
  for (std::size_t s = 0; s < m_nest->storage_boundaries.size(); ++s) {
    const std::size_t b = m_nest->storage_boundaries[s];
    boundary[b] = 1;
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
  strides.assign(u(n), 1);
  mold.assign(u(n) * num_ds, Box{});
  DimPoint scale{};  // per dimension: iterations the loops so far span
  scale.fill(1);
  for (int i = 0; i < n; ++i) {
    const auto& l = loop(i);
    strides[u(i)] = scale[u(l.dim)];
    scale[u(l.dim)] *= l.end;
    if (l.end != l.residual_end) imperfect = true;
    if (!boundary[u(i)] && !master[u(i)]) continue;
    DimPoint low{}, top{};
    for (std::size_t d = 0; d < num_dims; ++d) top[d] = scale[d] - 1;
    for (std::size_t p = 0; p < num_ds; ++p) mold[u(i) * num_ds + p] = projection.box(low, top, p);
  }
}

std::uint64_t NestShape::grid_width(int level) const {
  return std::max(m_nest->physical_fanout_x[storage_level[u(level)]], fanout_x[u(level)]);
}

std::uint64_t NestShape::grid_height(int level) const {
  return std::max(m_nest->physical_fanout_y[storage_level[u(level)]], fanout_y[u(level)]);
}

}  // namespace claimcheck::timeloop
