#pragma once
// Parsers for Timeloop's input sections (v3.0.3 semantics) into the typed values of spec.hpp.
// Each throws InputError naming file:line:col for malformed, misspelt or unsupported content.

#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/spec.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop {

// `architecture:` in the tree format (version 0.2 to 0.4).
Architecture parse_architecture(const YNode& node, std::vector<std::string>& warnings);

// `problem:` (inline shape, or the built-in CNN-Layer shape when none is given).
Problem parse_problem(const YNode& node, std::vector<std::string>& warnings);

// `mapping:` directives, checked against the architecture and problem.
Mapping parse_mapping(const YNode& node, const Architecture& arch, const Problem& problem,
                      std::vector<std::string>& warnings);

// `ERT:` (versions 0.2 to 0.4).
Ert parse_ert(const YNode& node);

// Energy per action for every level: ERT where a table matches a level, the built-in (PAT)
// energy model otherwise, user overrides first. `ert_node` locates errors about missing actions.
EnergyModel resolve_energy(const Architecture& arch, const std::optional<Ert>& ert,
                           std::vector<std::string>& warnings);

// Splits "PE[0..167]" into ("PE", 168); a name without a range has count 1.
struct NameRange {
  std::string name;
  std::uint64_t count = 1;
};
std::optional<NameRange> parse_name_range(const std::string& text);

// The built-in energy model of Timeloop v3.0.3 (pat-public), per vector access / per compute, pJ.
double pat_sram_energy(std::uint64_t height_blocks, std::uint64_t width_bits);
double pat_dram_energy(std::uint64_t width_bits);
double pat_mac_energy(std::uint64_t word_bits);

}  // namespace claimcheck::timeloop
