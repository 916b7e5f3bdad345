#pragma once
// `claimcheck model timeloop-mapper FILE... [--format summary|json] [--threads N]
//  [--mapping-out FILE]`: searches the mapspace of Timeloop input files (the same files as
// timeloop-mapper takes) with the native model. Exit status: 0 a valid mapping was found;
// 1 none was; 2 usage or input error.

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/timeloop/mapper/mapper_inputs.hpp"
#include "adapters/timeloop/mapper/mapspace.hpp"
#include "adapters/timeloop/mapper/search.hpp"

namespace claimcheck::timeloop::mapper {

int mapper_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The search's report: mapspace sizes, counts, best mapping (figures and YAML), lower bound and
// gap, and the given mapping's figures when the inputs had one.
nlohmann::json search_to_json(const MapperInputs& in, const Mapspace& space, const SearchResult& r);

// EDP in J x cycles (energy in pJ).
double edp_j_cycles(const Result& r);

}  // namespace claimcheck::timeloop::mapper
