#pragma once
// The nest analysis of a perfectly factorised nest without walking it. Timeloop's walk runs each
// temporal loop's first iteration and one standing for the rest, so the calls of any loop level
// are the binary numbers over the temporal loops above it, and each level's temporal reuse rule
// is a small automaton over the bit that changes from one call to the next. Its outputs are summed
// over all calls by doubling (per bit, per automaton state), and a spatial block's multicast and
// neighbour transfers, which depend on a call only through the shape of its delta and the step
// from the previous call, are computed once per distinct (shape, step) and weighted.

#include <optional>

#include "adapters/timeloop/nest_shape.hpp"

namespace claimcheck::timeloop {

// The nest has the structure the closed form relies on: perfect factors, and every spatial block
// starts a storage level (it sits on the outermost loop of the level below, or on the arithmetic).
// Nests from build_loop_nest with perfect factors always have it.
bool closed_form_applies(const NestShape& shape);

// The same analysis as the walk of `shape`'s nest (which must satisfy closed_form_applies), or
// nothing when a spatial block's offsets span more than 2^62 keys (then the walk is used).
std::optional<NestAnalysis> analyze_closed_form(const NestShape& shape, const Projection& projection);

}  // namespace claimcheck::timeloop
