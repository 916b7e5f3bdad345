#pragma once
// Parsers for Timeloop's input sections (v3.0.3 semantics) into the typed values of spec.hpp.
// Each throws InputError naming file:line:col for malformed, misspelt or unsupported content.

#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/attributes.hpp"
#include "adapters/timeloop/spec.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop {

// One architecture component as both input formats describe it.
struct ComponentInput {
  std::string name;            // without a [a..b] range
  std::string class_name;      // `class` as written
  std::uint64_t elements = 1;  // instances implied by the name ranges (tree) or the containers' meshes (v4)
  YNode where;                 // the component (for messages)
  YNode name_at;               // its `name`
  AttributeSet attributes;
};

// The architecture from its components, outermost first (storage levels, then the arithmetic).
// Unknown attributes that Timeloop does not read are recorded in `ignored`.
Architecture architecture_from_components(const std::vector<ComponentInput>& components, const std::string& version,
                                         const YNode& root, std::vector<std::string>& warnings,
                                         IgnoredAttributes& ignored);

// Whether Timeloop reads an attribute of that name on some component (storage or arithmetic).
bool timeloop_reads_attribute(const std::string& key);

// `architecture:` in the tree format (version 0.2 to 0.4, including the v4 front end's
// parsed-processed-input.yaml).
Architecture parse_architecture(const YNode& node, std::vector<std::string>& warnings, IgnoredAttributes& ignored);

// `problem:` (inline shape, or the built-in CNN-Layer shape when none is given).
// Keys of the instance that are neither dimensions nor coefficients are noted in `notes`.
Problem parse_problem(const YNode& node, std::vector<std::string>& warnings, std::vector<std::string>& notes);

// `mapping:` directives, checked against the architecture and problem.
Mapping parse_mapping(const YNode& node, const Architecture& arch, const Problem& problem,
                      std::vector<std::string>& warnings);

// One mapping directive as read: the node holding its keys, and its target and type (read from the
// node, or given by the v4 front end for a constraint written on an architecture node).
struct DirectiveInput {
  YNode node;
  std::string target;
  YNode target_at;
  std::string type;              // temporal, spatial, datatype, bypass or dataspace
  YNode type_at;
  bool from_constraint = false;  // v4: a constraint on an architecture node; the mapping's own
                                 // directive of the same kind for the same level takes precedence
  bool bypass_everything = false;  // a v4 front-end dummy level: keeps no data space
};

// The directives of a `mapping:` list.
std::vector<DirectiveInput> directives_from_list(const YNode& list);

// Mapping from directives; `where` locates errors about the mapping as a whole. Notes what
// constraints carry that a mapping does not read.
Mapping parse_mapping_directives(const std::vector<DirectiveInput>& directives, const YNode& where,
                                 const Architecture& arch, const Problem& problem, std::vector<std::string>& warnings,
                                 std::vector<std::string>& notes);

// `ERT:` (versions 0.2 to 0.4).
Ert parse_ert(const YNode& node);

// Energy per action for every level: ERT where a table matches a level, the built-in (PAT)
// energy model otherwise, user overrides first. `ert_node` locates errors about missing actions.
EnergyModel resolve_energy(const Architecture& arch, const std::optional<Ert>& ert, Semantics semantics,
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
