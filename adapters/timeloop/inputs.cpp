#include "adapters/timeloop/inputs.hpp"

#include <fstream>
#include <sstream>

#include "adapters/timeloop/input_parsers.hpp"
#include "adapters/timeloop/map_text.hpp"
#include "adapters/timeloop/v4_frontend.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

// Top-level keys Timeloop's model reads.
const std::vector<std::string> k_model_keys = {"architecture", "arch", "problem", "mapping", "ERT", "model"};
// Top-level keys of the other tools of the ecosystem: the mapper, Accelergy and the v4 front end.
// Accepted; the model does not read them (listed once in the run's notes).
const std::vector<std::string> k_other_keys = {
    "ART", "ERT_summary", "ART_summary", "mapper", "architecture_constraints", "arch_constraints",
    "mapspace_constraints", "mapspace", "constraints", "compound_components", "components", "globals",
    "variables", "dumped_by_timeloop_front_end", "extra_mapping_constraints", "sparse_optimizations"};

bool contains(const std::vector<std::string>& list, const std::string& key) {
  for (const auto& k : list) {
    if (k == key) return true;
  }
  return false;
}

// The Jinja2 templates of the v4 front end ({{ ... }}, {% ... %}) are not YAML yet; claimcheck does
// not render them. Refused before YAML parsing, which would give a confusing syntax error.
void refuse_templates(const InputText& t) {
  std::istringstream in(t.text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto hash = line.find('#');
    const std::string code = hash == std::string::npos ? line : line.substr(0, hash);
    for (const auto& [open, close] : {std::pair<const char*, const char*>{"{{", "}}"}, {"{%", "%}"}}) {
      const auto at = code.find(open);
      if (at == std::string::npos) continue;
      Diagnostic d;
      d.file = t.path;
      d.line = n;
      d.column = static_cast<int>(at) + 1;
      d.message = std::string("unsupported: a Jinja2 template (`") + open + " ... " + close +
                  "`); claimcheck reads YAML, it does not render templates";
      d.hint = "pass the rendered YAML files, or the front end's own output parsed-processed-input.yaml "
               "(written beside timeloop-model.stats.txt)";
      if (!line.empty() && line.back() == '\r') line.pop_back();
      d.source_line = line;
      Diagnostics ds;
      ds.add(std::move(d));
      throw InputError(std::move(ds));
    }
  }
}

}  // namespace

Spec load_spec(const std::vector<InputText>& texts, const LoadOptions& options) {
  std::vector<YamlFile> files;
  files.reserve(texts.size());
  for (const auto& t : texts) {
    if (is_map_text(t.path)) {  // a printed mapping: read back as mapping directives
      files.push_back(parse_yaml_text(t.path, map_text_to_yaml(t.path, t.text)));
      continue;
    }
    refuse_templates(t);
    files.push_back(parse_yaml_text(t.path, t.text));
  }
  const std::string first_file = texts.empty() ? std::string("<no input>") : texts.front().path;

  Spec spec;
  IgnoredAttributes ignored;
  // The v4 front end's own input format (`architecture: {nodes: [...]}`) is lowered to the tree
  // format Timeloop reads, the way the front end does it; everything after that is shared.
  const V4Lowered v4 = lower_v4_inputs(files, spec.warnings, ignored);
  const MergedRoot& root = v4.root;

  std::vector<std::string> other_present;
  for (const auto& [key, node] : root.entries) {
    if (contains(k_model_keys, key)) continue;
    if (contains(k_other_keys, key)) {
      other_present.push_back(key);
      continue;
    }
    std::vector<std::string> all = k_model_keys;
    all.insert(all.end(), k_other_keys.begin(), k_other_keys.end());
    const std::string best = closest_match(key, all);
    fail_at(node, "unknown top-level key \"" + key + "\"", best.empty() ? std::string() : "did you mean \"" + best + "\"?");
  }
  if (auto sp = root.find("sparse_optimizations"); sp && !sp->node.IsNull() && sp->node.size() > 0) {
    bool any = true;
    if (auto targets = get(*sp, "targets"); targets && targets->node.IsSequence() && targets->node.size() == 0) {
      any = false;
    }
    if (any) {
      fail_at(*sp, "unsupported: sparse_optimizations (Sparseloop)",
              "sparse architectures and workloads are out of scope: claimcheck models dense Timeloop runs only");
    }
  }
  if (auto m = root.find("model")) {
    check_keys(*m, {"verbose", "out_prefix", "auto_bypass_on_failure", "version"}, "model");
    if (auto ab = get(*m, "auto_bypass_on_failure"); ab && as_bool(*ab)) {
      fail_at(*ab, "unsupported: auto_bypass_on_failure");
    }
  }

  auto arch_node = root.find("architecture");
  if (!arch_node) arch_node = root.find("arch");
  if (!arch_node) throw InputError(first_file, 0, 0, "no `architecture:` in the input files");
  spec.arch = v4.is_v4 ? architecture_from_components(v4.components, v4.version, *arch_node, spec.warnings, ignored)
                       : parse_architecture(*arch_node, spec.warnings, ignored);
  spec.semantics = options.semantics.value_or(spec.arch.version == "0.4" ? Semantics::v4 : Semantics::v3_0_3);
  const auto problem_node = root.find("problem");
  if (!problem_node) throw InputError(first_file, 0, 0, "no `problem:` in the input files");
  spec.problem = parse_problem(*problem_node, spec.warnings, spec.notes);
  const auto mapping_node = root.find("mapping");
  if (!mapping_node || (mapping_node->node.IsSequence() && mapping_node->node.size() == 0)) {
    throw InputError(mapping_node ? mapping_node->file->path : first_file,
                     mapping_node ? position(*mapping_node).line : 0, mapping_node ? position(*mapping_node).column : 0,
                     "no mapping in the input files",
                     "claimcheck evaluates a given mapping: add the mapping file (for a mapper run, the "
                     "timeloop-mapper.map.yaml it wrote next to its stats)");
  }
  require_sequence(*mapping_node, "mapping");
  spec.mapping = parse_mapping_directives(v4_mapping_directives(v4, mapping_node), *mapping_node, spec.arch,
                                          spec.problem, spec.warnings, spec.notes);
  std::optional<Ert> ert;
  if (auto e = root.find("ERT")) ert = parse_ert(*e);
  spec.energy = resolve_energy(spec.arch, ert, spec.semantics, spec.warnings);

  if (!other_present.empty()) {
    std::string list;
    for (const auto& k : other_present) list += (list.empty() ? "" : ", ") + k;
    spec.notes.push_back("top-level keys not read by the model (mapper, energy-estimator or front-end input): " + list);
  }
  if (const std::string n = ignored.note(); !n.empty()) spec.notes.push_back(n);
  for (const auto& n : v4.notes) spec.notes.push_back(n);
  if (mapping_node->file && is_map_text(mapping_node->file->path)) {
    spec.notes.push_back("mapping read from the printed " + mapping_node->file->path +
                         ": a printout does not record no_multicast_no_reduction, no_link_transfer or "
                         "no_temporal_reuse, which are taken as unset");
  }
  return spec;
}

Spec load_spec_files(const std::vector<std::string>& paths, const LoadOptions& options) {
  std::vector<InputText> texts;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p, 0, 0, "cannot read the file");
    std::ostringstream s;
    s << in.rdbuf();
    texts.push_back({p, s.str()});
  }
  return load_spec(texts, options);
}

}  // namespace claimcheck::timeloop
