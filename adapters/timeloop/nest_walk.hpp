#pragma once
// Timeloop v3.0.3's nest analysis procedure, on point sets: the nest is walked recursively; each
// temporal loop runs its first iteration, one iteration standing for the middle ones (scaled by
// their count) and, with residual factors, its last ones; each spatial block simulates its first
// instance and extrapolates the others by translation. Deltas between consecutive working sets
// give the accesses each level serves; equal deltas across spatial instances are multicast; equal
// deltas at neighbours a step earlier are link transfers. It is the reference the closed form is
// held to, and the procedure for residual factors.

#include <string>

#include "adapters/timeloop/nest_shape.hpp"

namespace claimcheck::timeloop {

// Why the nest is beyond the analysis limits (empty when it is not): a spatial block with more
// instances than allowed, or a walk that would take more steps even with every spatial block
// replayed.
std::string beyond_limits(const NestShape& shape, const AnalysisLimits& limits);

// The walk; it stops (unsupported) once it has taken limits.max_steps steps.
NestAnalysis walk_nest(const NestShape& shape, const Projection& projection, const AnalysisLimits& limits);

}  // namespace claimcheck::timeloop
