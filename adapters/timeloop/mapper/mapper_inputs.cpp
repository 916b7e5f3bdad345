#include "adapters/timeloop/mapper/mapper_inputs.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/timeloop/input_parsers.hpp"
#include "adapters/timeloop/mapper/constraints_parser.hpp"
#include "adapters/timeloop/v4_frontend.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop::mapper {

MapperInputs load_mapper_inputs(const std::vector<InputText>& texts) {
  std::vector<YamlFile> files;
  files.reserve(texts.size());
  for (const auto& t : texts) files.push_back(parse_yaml_text(t.path, t.text));
  const std::string first = texts.empty() ? std::string("<no input>") : texts.front().path;

  MapperInputs in;
  IgnoredAttributes ignored;
  // The v4 front end's format is lowered as for a model run (v4_frontend.hpp); its node
  // constraints come back as directives on the flattened levels.
  const V4Lowered v4 = lower_v4_inputs(files, in.warnings, ignored);
  const MergedRoot& root = v4.root;
  const std::vector<std::string> known = {
      "architecture", "arch", "problem", "mapping", "ERT", "ART", "ERT_summary", "ART_summary", "model", "mapper",
      "architecture_constraints", "arch_constraints", "mapspace_constraints", "mapspace", "sparse_optimizations",
      "compound_components", "constraints", "variables", "globals", "components", "dumped_by_timeloop_front_end",
      "extra_mapping_constraints"};
  for (const auto& [key, node] : root.entries) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const std::string best = closest_match(key, known);
      fail_at(node, "unknown top-level key \"" + key + "\"", best.empty() ? std::string() : "did you mean \"" + best + "\"?");
    }
  }
  if (auto sp = root.find("sparse_optimizations"); sp && !sp->node.IsNull() && sp->node.size() > 0) {
    fail_at(*sp, "unsupported: sparse_optimizations");
  }
  auto arch_node = root.find("architecture");
  if (!arch_node) arch_node = root.find("arch");
  if (!arch_node) throw InputError(first, 0, 0, "no `architecture:` in the input files");
  in.base.arch = v4.is_v4 ? architecture_from_components(v4.components, v4.version, *arch_node, in.warnings, ignored)
                          : parse_architecture(*arch_node, in.warnings, ignored);
  in.base.semantics = in.base.arch.version == "0.4" ? Semantics::v4 : Semantics::v3_0_3;
  const auto problem_node = root.find("problem");
  if (!problem_node) throw InputError(first, 0, 0, "no `problem:` in the input files");
  in.base.problem = parse_problem(*problem_node, in.warnings, in.base.notes);
  std::optional<Ert> ert;
  if (auto e = root.find("ERT")) ert = parse_ert(*e);
  in.base.energy = resolve_energy(in.base.arch, ert, in.base.semantics, in.warnings);
  in.constraints = parse_constraints(root, v4.is_v4 ? v4.constraints : std::vector<DirectiveInput>{}, in.base.arch,
                                     in.base.problem, in.warnings);
  in.settings = parse_mapper_settings(root, in.base.arch, in.warnings);
  if (auto m = root.find("mapping"); m && !m->node.IsNull() && !(m->node.IsSequence() && m->node.size() == 0)) {
    require_sequence(*m, "mapping");
    std::vector<DirectiveInput> directives = directives_from_list(*m);
    if (v4.is_v4) directives = v4_mapping_directives(v4, m);
    in.given = parse_mapping_directives(directives, *m, in.base.arch, in.base.problem, in.warnings, in.base.notes);
  }
  return in;
}

MapperInputs load_mapper_input_files(const std::vector<std::string>& paths) {
  std::vector<InputText> texts;
  for (const auto& p : paths) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw InputError(p, 0, 0, "cannot read the file");
    std::ostringstream s;
    s << f.rdbuf();
    texts.push_back({p, s.str()});
  }
  return load_mapper_inputs(texts);
}

}  // namespace claimcheck::timeloop::mapper
