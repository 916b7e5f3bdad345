#pragma once
// Reading mapspace constraints and mapper settings from Timeloop input files. Accepts the v3
// spellings (`architecture_constraints`/`arch_constraints`/`mapspace_constraints`/`mapspace` with
// `targets` lists, `architecture: constraints:`) and the v4 ones (`constraints:` attached to
// architecture nodes with `spatial`/`temporal`/`dataspace` entries, lists, underscore keys), as
// the v4 front end lowering (v4_frontend.hpp) hands them over. Every error names file:line:col;
// unknown keys are rejected with a "did you mean" hint.

#include <vector>

#include "adapters/timeloop/input_parsers.hpp"
#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/spec.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop::mapper {

// Collects every constraint into one set: the v3 places in the merged root, and `v4_constraints`,
// the node constraints (and top-level target lists) the v4 front end lowering collected, their
// targets already the flattened level names. A factor, permutation, split or keep/bypass flag
// given twice for one level is an error, as in the real mapper.
Constraints parse_constraints(const MergedRoot& root, const std::vector<DirectiveInput>& v4_constraints,
                              const Architecture& arch, const Problem& problem, std::vector<std::string>& warnings);

// `mapper:` (or its absence: defaults).
MapperSettings parse_mapper_settings(const MergedRoot& root, const Architecture& arch,
                                     std::vector<std::string>& warnings);

}  // namespace claimcheck::timeloop::mapper
