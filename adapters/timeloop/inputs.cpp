#include "adapters/timeloop/inputs.hpp"

#include <fstream>
#include <sstream>

#include "adapters/timeloop/input_parsers.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {

Spec load_spec(const std::vector<InputText>& texts) {
  std::vector<YamlFile> files;
  files.reserve(texts.size());
  for (const auto& t : texts) files.push_back(parse_yaml_text(t.path, t.text));
  const MergedRoot root = merge_roots(files);

  const std::vector<std::string> known = {
      "architecture", "arch", "problem", "mapping", "ERT", "ART", "ERT_summary", "ART_summary", "model", "mapper",
      "architecture_constraints", "arch_constraints", "mapspace_constraints", "mapspace", "sparse_optimizations",
      "compound_components", "constraints"};
  for (const auto& [key, node] : root.entries) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == key;
    if (!ok) {
      YNode at = node;
      const std::string best = closest_match(key, known);
      fail_at(at, "unknown top-level key \"" + key + "\"", best.empty() ? std::string() : "did you mean \"" + best + "\"?");
    }
  }
  if (auto sp = root.find("sparse_optimizations"); sp && !sp->node.IsNull() && sp->node.size() > 0) {
    fail_at(*sp, "unsupported: sparse_optimizations");
  }
  if (auto m = root.find("model")) {
    check_keys(*m, {"verbose", "out_prefix", "auto_bypass_on_failure"}, "model");
    if (auto ab = get(*m, "auto_bypass_on_failure"); ab && as_bool(*ab)) {
      fail_at(*ab, "unsupported: auto_bypass_on_failure");
    }
  }

  Spec spec;
  auto arch_node = root.find("architecture");
  if (!arch_node) arch_node = root.find("arch");
  if (!arch_node) {
    const std::string file = texts.empty() ? std::string("<no input>") : texts.front().path;
    throw InputError(file, 0, 0, "no `architecture:` in the input files");
  }
  spec.arch = parse_architecture(*arch_node, spec.warnings);
  const auto problem_node = root.find("problem");
  if (!problem_node) throw InputError(texts.front().path, 0, 0, "no `problem:` in the input files");
  spec.problem = parse_problem(*problem_node, spec.warnings);
  const auto mapping_node = root.find("mapping");
  if (!mapping_node) {
    throw InputError(texts.front().path, 0, 0, "no `mapping:` in the input files",
                     "claimcheck evaluates a given mapping; run timeloop-mapper to find one");
  }
  spec.mapping = parse_mapping(*mapping_node, spec.arch, spec.problem, spec.warnings);
  std::optional<Ert> ert;
  if (auto e = root.find("ERT")) ert = parse_ert(*e);
  spec.energy = resolve_energy(spec.arch, ert, spec.warnings);
  return spec;
}

Spec load_spec_files(const std::vector<std::string>& paths) {
  std::vector<InputText> texts;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p, 0, 0, "cannot read the file");
    std::ostringstream s;
    s << in.rdbuf();
    texts.push_back({p, s.str()});
  }
  return load_spec(texts);
}

}  // namespace claimcheck::timeloop
