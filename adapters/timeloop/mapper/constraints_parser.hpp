#pragma once
// Reading mapspace constraints and mapper settings from Timeloop input files. Accepts the v3
// spellings (`architecture_constraints`/`arch_constraints`/`mapspace_constraints`/`mapspace` with
// `targets` lists, `architecture: constraints:`) and the v4 ones (`constraints:` attached to
// architecture nodes with `spatial`/`temporal`/`dataspace` entries; underscore keys). Every error
// names file:line:col; unknown keys are rejected with a "did you mean" hint.

#include <vector>

#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/spec.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop::mapper {

// Collects every constraint in the merged root (any of the v3 and v4 places) into one set; a
// factor, permutation, split or keep/bypass flag given twice for one level is an error, as in the
// real mapper.
Constraints parse_constraints(const MergedRoot& root, const Architecture& arch, const Problem& problem,
                              std::vector<std::string>& warnings);

// `mapper:` (or its absence: defaults).
MapperSettings parse_mapper_settings(const MergedRoot& root, const Architecture& arch,
                                     std::vector<std::string>& warnings);

}  // namespace claimcheck::timeloop::mapper
