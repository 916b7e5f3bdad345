#pragma once
// Writes a mapping as a Timeloop `mapping:` YAML (the layout of timeloop-mapper.map.yaml), which
// both `claimcheck model timeloop` and the real timeloop-model accept.

#include <string>

#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop::mapper {

// Per storage level: a datatype directive, then its spatial directive (levels with a fanout) and
// its temporal directive. Non-unit loops are listed innermost first, then the unit ones.
std::string mapping_yaml(const Architecture& arch, const Problem& problem, const Mapping& mapping);

}  // namespace claimcheck::timeloop::mapper
