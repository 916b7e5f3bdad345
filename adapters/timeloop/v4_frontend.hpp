#pragma once
// The Timeloop v4 front end's input format (timeloopfe v4, as the Timeloop/Accelergy exercises
// write it), lowered to what Timeloop itself reads, the way the front end does it:
//
// - `architecture: {version: 0.4, nodes: [...]}` with `!Container`, `!Component`, `!Hierarchical`,
//   `!Parallel`, `!Pipelined` and `!Nothing` nodes is flattened in order, outermost first. A
//   container's attributes are inherited by the components after it; a container (or component)
//   with a `spatial: {meshX, meshY}` fanout multiplies the instances of everything below it and
//   gets a storage level of its own, `inter_<name>_spatial`, that keeps no data and holds the
//   spatial loops (mapping targets naming the container go to it). Components get the front
//   end's default attributes (cluster_size 1, n_banks 2, ...), as in its parsed-processed-input.
// - Attribute values and meshes may be expressions over `variables`, container attributes and the
//   component's own attributes (v4_expression.hpp lists the supported language).
// - `constraints` on nodes (and the top-level `constraints`/`mapspace_constraints` targets) are
//   collected per flattened level; for a model run they fill in the mapping where the given
//   mapping says nothing for that level and kind, as the front end passes them to the model.
//
// Inputs in Timeloop's own tree format (including parsed-processed-input.yaml) pass unchanged.

#include <optional>
#include <string>
#include <vector>

#include "adapters/timeloop/attributes.hpp"
#include "adapters/timeloop/input_parsers.hpp"
#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop {

struct V4Lowered {
  MergedRoot root;                            // the merged root maps of all files
  bool is_v4 = false;                         // the architecture is in the front end's `nodes` format
  std::string version;                        // the architecture's version
  std::optional<YNode> arch_node;             // `architecture:`
  std::vector<ComponentInput> components;     // flattened, outermost first
  std::vector<std::string> dummy_levels;      // inter_<name>_spatial levels added for fanouts
  std::vector<DirectiveInput> constraints;    // constraints on nodes, targets already flattened names
  std::vector<std::pair<std::string, std::string>> aliases;  // mapping target name -> flattened level
  std::vector<std::string> notes;
};

// Merges the files' roots and, when the architecture uses `nodes`, lowers it. Throws InputError
// (located) on malformed or unsupported v4 content.
V4Lowered lower_v4_inputs(const std::vector<YamlFile>& files, std::vector<std::string>& warnings,
                          IgnoredAttributes& ignored);

// The mapping directives of a run: the `mapping:` list (targets renamed through `aliases`) and, for
// v4 inputs, the node constraints behind them.
std::vector<DirectiveInput> v4_mapping_directives(const V4Lowered& v4, const std::optional<YNode>& mapping);

}  // namespace claimcheck::timeloop
