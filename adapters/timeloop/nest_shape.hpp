#pragma once
// What every analysis of a loop nest derives from its structure alone: which loops form spatial
// blocks (and which loop is a block's master, its outermost), which close a storage level, the
// fanouts and neighbour grids, each loop's stride, and each level's working-set box at the origin.

#include <array>
#include <cstdint>
#include <vector>

#include "adapters/timeloop/nest_analysis.hpp"
#include "adapters/timeloop/point_set.hpp"

namespace claimcheck::timeloop {

using DimPoint = std::array<std::int64_t, k_max_dims>;  // a point of the problem's iteration space

// The projection of iteration-space points onto each data space.
class Projection {
 public:
  Projection() = default;
  explicit Projection(const Problem& problem) { reset(problem); }
  // Binds to `problem` (which must outlive the use), reusing the buffers.
  void reset(const Problem& problem);
  std::size_t num_ds() const { return m_ranks.size(); }
  std::size_t num_dims() const { return m_problem->shape.dimensions.size(); }
  int rank(std::size_t p) const { return m_ranks[p]; }
  // The box each data space's points take when the iteration space spans [low, high] (inclusive).
  std::vector<BoxSet> project(const DimPoint& low, const DimPoint& high) const;
  Box box(const DimPoint& low, const DimPoint& high, std::size_t p) const;  // project()[p]'s box
  // The corner of project(at, at)[p] (low == high, so both coefficient signs give the same sum).
  Point corner(const DimPoint& at, std::size_t p) const;
  // corner() of `steps` units along dimension `dim` (the projection is linear).
  Point along(int dim, std::int64_t steps, std::size_t p) const;

 private:
  const Problem* m_problem = nullptr;
  std::vector<int> m_ranks;
  std::size_t m_dims = 0;
  std::vector<Point> m_columns;  // [p * m_dims + dim]: corner of one unit along dim
};

struct NestShape {
  NestShape() = default;
  NestShape(const LoopNest& nest, const Projection& projection) { reset(nest, projection); }
  // Derives everything for `nest` (which must outlive the use), reusing the buffers.
  void reset(const LoopNest& nest, const Projection& projection);

  const LoopNest& nest() const { return *m_nest; }
  std::size_t num_ds = 0;
  std::size_t num_dims = 0;
  bool imperfect = false;  // some loop has a residual factor
  // Per loop level.
  std::vector<std::uint64_t> num_spatial_elems;  // instances of the level (spatial factors above it)
  std::vector<char> master;                      // outermost loop of a block of spatial loops
  std::vector<char> boundary;                    // outermost loop of a storage level
  std::vector<std::size_t> storage_level;
  std::vector<std::uint64_t> fanout, fanout_x, fanout_y;  // a master's block (0 for its inner loops)
  std::vector<std::int64_t> strides;  // per level: iterations of its dimension the loops below it span
  // [level * num_ds + p]: the level's working set at the origin (boundary and master levels only;
  // the others' are left empty).
  std::vector<Box> mold;

  std::int64_t stride(int level) const { return strides[static_cast<std::size_t>(level)]; }
  bool spatial(int level) const { return m_nest->loops[static_cast<std::size_t>(level)].space != LoopSpace::time; }
  const Loop& loop(int level) const { return m_nest->loops[static_cast<std::size_t>(level)]; }
  int num_loops() const { return static_cast<int>(m_nest->loops.size()); }
  // The grid a spatial block's neighbour transfers run over: the physical fanout of its level or
  // the mapped one, whichever is larger, along each axis.
  std::uint64_t grid_width(int level) const;
  std::uint64_t grid_height(int level) const;

 private:
  const LoopNest* m_nest = nullptr;
};

}  // namespace claimcheck::timeloop
