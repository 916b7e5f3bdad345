#pragma once
// Loading the files `timeloop-mapper` takes (architecture, problem, constraints, mapper settings,
// ERT; root maps merged in order) into typed values.

#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/mapper/constraints.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop::mapper {

struct MapperInputs {
  Spec base;                         // architecture, problem, energy; mapping empty
  Constraints constraints;
  MapperSettings settings;
  std::optional<Mapping> given;      // a `mapping:` in the files (e.g. a published one), if any
  std::vector<std::string> warnings;
};

// Throws InputError naming file:line:col on malformed, misspelt or unsupported content.
MapperInputs load_mapper_inputs(const std::vector<InputText>& files);
MapperInputs load_mapper_input_files(const std::vector<std::string>& paths);

}  // namespace claimcheck::timeloop::mapper
