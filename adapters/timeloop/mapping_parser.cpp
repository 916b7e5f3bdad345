// `mapping:` directives (Timeloop v3.0.3 semantics) -> Mapping.

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/timeloop/input_parsers.hpp"
#include "adapters/timeloop/map_text.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

std::string hint_for(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : "did you mean \"" + best + "\"?";
}

struct Directive {
  std::optional<std::vector<Factor>> factors;
  std::optional<std::vector<int>> permutation;
  std::optional<std::size_t> split;
};

// Reads factors written at `n` ("C=16 M=8", "C16 M8", "C=8,6" for a residual, or a list of such);
// `items` overrides the text read from `n`. Dimensions not named are 1 (with a warning when
// `warn_missing`).
std::vector<Factor> parse_factors(const YNode& n, const Problem& problem, std::vector<std::string>& warnings,
                                  const std::string& level_name, bool warn_missing = true,
                                  const std::vector<std::string>* items_override = nullptr) {
  const auto& dims = problem.shape.dimensions;
  std::vector<std::optional<Factor>> got(dims.size());
  std::vector<std::string> items;
  if (items_override) {
    items = *items_override;
  } else if (n.node.IsSequence()) {
    items = as_string_list(n);
  } else {
    std::string text = as_string(n);
    text = text.substr(0, text.find('#'));
    items.push_back(text);
  }
  static const std::regex k_item(R"(([A-Za-z]+)\s*=?\s*([0-9]+)(,([0-9]+))?)");
  for (const auto& item : items) {
    std::string rest = item;
    std::smatch m;
    std::string leftover;
    while (std::regex_search(rest, m, k_item)) {
      leftover += m.prefix().str();
      const std::string dim = m[1].str();
      const int id = index_of(dims, dim);
      if (id < 0) fail_at(n, "factors name unknown dimension \"" + dim + "\"", hint_for(dim, dims));
      auto to_factor = [&](const std::string& digits) -> std::int64_t {
        try {
          return std::stoll(digits);
        } catch (const std::out_of_range&) {
          fail_at(n, "factor " + digits + " of \"" + dim + "\" is too large");
        }
      };
      std::int64_t end = to_factor(m[2].str());
      if (end == 0) {
        end = problem.bounds[static_cast<std::size_t>(id)];
        warnings.push_back(level_name + ": factor " + dim + "=0 read as the whole dimension (" + std::to_string(end) + ")");
      }
      std::int64_t residual = end;
      if (m[4].matched) residual = to_factor(m[4].str());
      if (residual <= 0 || residual > end) {
        fail_at(n, "residual factor of \"" + dim + "\" must be between 1 and " + std::to_string(end));
      }
      if (got[static_cast<std::size_t>(id)]) fail_at(n, "factor of dimension \"" + dim + "\" given twice");
      got[static_cast<std::size_t>(id)] = Factor{end, residual};
      rest = m.suffix().str();
    }
    leftover += rest;
    for (char c : leftover) {
      if (!std::isspace(static_cast<unsigned char>(c)) && c != ',') {
        fail_at(n, "cannot read factors \"" + item + "\"", "expected entries like \"C=16 M=8\" or \"C16 M8\"");
      }
    }
  }
  std::vector<Factor> out;
  bool missing = false;
  for (const auto& f : got) {
    out.push_back(f.value_or(Factor{1, 1}));
    missing = missing || !f;
  }
  if (missing && warn_missing) {
    warnings.push_back(level_name + ": factors not given for every dimension; missing ones set to 1");
  }
  return out;
}

// Factors of a v4 constraint on an architecture node: "C=1" pins a factor (as a mapping does);
// "C<=4" and "C>=2" bound the mapper's search and are not read here.
std::vector<Factor> parse_constraint_factors(const YNode& n, const Problem& problem, const std::string& level_name,
                                             std::set<std::string>& ignored) {
  std::vector<std::string> items;
  if (n.node.IsSequence()) {
    items = as_string_list(n);
  } else {
    std::istringstream in(as_string(n));
    std::string w;
    while (in >> w) items.push_back(w);
  }
  std::vector<std::string> exact;
  for (auto item : items) {
    for (auto& c : item) {
      if (c == ',') c = ' ';
    }
    std::istringstream in(item);
    std::string w;
    while (in >> w) {
      if (w.find("<=") != std::string::npos || w.find(">=") != std::string::npos) {
        ignored.insert("factor bounds (<=, >=)");
        continue;
      }
      exact.push_back(w);
    }
  }
  std::vector<std::string> unused;
  return parse_factors(n, problem, unused, level_name, false, &exact);
}

std::vector<int> parse_permutation(const YNode& n, const Problem& problem) {
  const auto& dims = problem.shape.dimensions;
  std::vector<std::string> letters;
  if (n.node.IsSequence()) {
    letters = as_string_list(n);
  } else {
    for (char c : as_string(n)) {
      if (!std::isspace(static_cast<unsigned char>(c))) letters.emplace_back(1, c);
    }
  }
  std::vector<int> out;
  for (const auto& l : letters) {
    const int id = index_of(dims, l);
    if (id < 0) fail_at(n, "permutation names unknown dimension \"" + l + "\"", hint_for(l, dims));
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      fail_at(n, "permutation names dimension \"" + l + "\" twice");
    }
    out.push_back(id);
  }
  return out;
}

std::vector<bool> parse_dataspace_list(const YNode& n, const Problem& problem, const std::string& what) {
  std::vector<std::string> names;
  for (const auto& d : problem.shape.data_spaces) names.push_back(d.name);
  std::vector<bool> out(names.size(), false);
  if (n.node.IsNull()) return out;
  require_sequence(n, what);
  for (std::size_t i = 0; i < n.node.size(); ++i) {
    const YNode e = element(n, i);
    const std::string name = as_string(e);
    const int id = index_of(names, name);
    if (id < 0) fail_at(e, "unknown data-space \"" + name + "\" in " + what, hint_for(name, names));
    out[static_cast<std::size_t>(id)] = true;
  }
  return out;
}

std::vector<int> complete_permutation(std::vector<int> perm, std::size_t num_dims) {
  for (std::size_t d = 0; d < num_dims; ++d) {
    if (std::find(perm.begin(), perm.end(), static_cast<int>(d)) == perm.end()) perm.push_back(static_cast<int>(d));
  }
  return perm;
}

}  // namespace

std::vector<DirectiveInput> directives_from_list(const YNode& node) {
  require_sequence(node, "mapping");
  std::vector<DirectiveInput> out;
  for (std::size_t i = 0; i < node.node.size(); ++i) {
    DirectiveInput in;
    in.node = element(node, i);
    require_map(in.node, "mapping directive");
    in.type_at = require(in.node, "type", "mapping directive");
    in.type = as_string(in.type_at);
    in.target_at = require(in.node, "target", "mapping directive");
    in.target = as_string(in.target_at);
    out.push_back(std::move(in));
  }
  return out;
}

Mapping parse_mapping(const YNode& node, const Architecture& arch, const Problem& problem,
                      std::vector<std::string>& warnings) {
  std::vector<std::string> notes;
  return parse_mapping_directives(directives_from_list(node), node, arch, problem, warnings, notes);
}

Mapping parse_mapping_directives(const std::vector<DirectiveInput>& directives, const YNode& node,
                                 const Architecture& arch, const Problem& problem, std::vector<std::string>& warnings,
                                 std::vector<std::string>& notes) {
  const std::size_t num_levels = arch.storage.size();
  const std::size_t num_dims = problem.shape.dimensions.size();
  const std::size_t num_ds = problem.shape.data_spaces.size();
  std::vector<std::string> level_names;
  for (const auto& s : arch.storage) level_names.push_back(s.name);
  auto fanout = [&](std::size_t i) {
    const auto in_x = i == 0 ? arch.arithmetic.mesh_x : arch.storage[i - 1].mesh_x;
    const auto in_y = i == 0 ? arch.arithmetic.mesh_y : arch.storage[i - 1].mesh_y;
    return (in_x / arch.storage[i].mesh_x) * (in_y / arch.storage[i].mesh_y);
  };

  std::vector<Directive> temporal(num_levels), spatial(num_levels);
  std::vector<std::vector<char>> keep(num_ds, std::vector<char>(num_levels, 'X'));
  Mapping mapping;
  mapping.levels.resize(num_levels);
  for (auto& l : mapping.levels) {
    l.no_multicast.assign(num_ds, false);
    l.no_temporal_reuse.assign(num_ds, false);
    l.no_link_transfer.assign(num_ds, false);
  }
  // v4: which (level, kind) a mapping directive (not a constraint on an architecture node) set;
  // there, constraints of the same kind give way to the mapping.
  std::set<std::pair<std::size_t, std::string>> from_mapping;
  std::set<std::string> constraint_keys_ignored;

  const std::vector<std::string> k_directive_keys = {"target", "type", "factors", "permutation", "split", "keep",
                                                     "bypass", "no_multicast_no_reduction", "no_link_transfer",
                                                     "no_temporal_reuse"};
  // Keys of v4 constraints that shape the mapper's search, not a mapping.
  const std::vector<std::string> k_search_only_keys = {
      "maximize_dims", "factors_only", "min_parallelism", "default_max_factor", "default_min_factor", "remainders",
      "no_reuse", "rmw_first_update", "no_coalesce", "no_iteration_over_dataspaces", "maximize_dims_capacity"};
  auto level_of = [&](const DirectiveInput& d) {
    const std::string& t = d.target;
    const int id = index_of(level_names, t);
    if (id >= 0) return static_cast<std::size_t>(id);
    if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      const std::size_t level = t.size() > 9 ? num_levels : std::stoull(t);
      if (level >= num_levels) fail_at(d.target_at, "target storage level id " + t + " out of range");
      return level;
    }
    fail_at(d.target_at, "target storage level not found: " + t, hint_for(t, level_names));
  };
  // Mapping directives first, so a constraint on the same level and kind can give way.
  std::vector<const DirectiveInput*> ordered;
  for (const auto& d : directives) if (!d.from_constraint) ordered.push_back(&d);
  for (const auto& d : directives) if (d.from_constraint) ordered.push_back(&d);

  for (const DirectiveInput* dp : ordered) {
    const DirectiveInput& din = *dp;
    const YNode& d = din.node;
    std::string type = din.type;
    if (type == "dataspace") type = "bypass";  // the v4 spelling
    const std::vector<std::string> types = {"temporal", "spatial", "datatype", "bypass", "dataspace", "skew"};
    if (index_of(types, din.type) < 0) {
      if (din.from_constraint && (din.type == "utilization" || din.type == "max_overbooked_proportion")) {
        constraint_keys_ignored.insert(din.type);
        continue;
      }
      fail_at(din.type_at, "unknown mapping directive type \"" + din.type + "\"", hint_for(din.type, types));
    }
    if (type == "skew") fail_at(din.type_at, "unsupported: skew directives");
    if (din.bypass_everything) {  // a v4 fanout level: keeps nothing unless the mapping says otherwise
      const std::size_t level = level_of(din);
      if (from_mapping.count({level, "bypass"})) continue;
      for (std::size_t p = 0; p < num_ds; ++p) keep[p][level] = '0';
      continue;
    }
    if (din.from_constraint) {
      std::vector<std::string> allowed = k_directive_keys;
      allowed.insert(allowed.end(), k_search_only_keys.begin(), k_search_only_keys.end());
      check_keys(d, allowed, std::string("constraint \"") + din.type + "\" of \"" + din.target + "\"");
      for (const auto& k : k_search_only_keys) {
        if (get(d, k)) constraint_keys_ignored.insert(k);
      }
    } else {
      check_keys(d, k_directive_keys, "mapping directive");
    }
    const std::size_t level = level_of(din);
    const std::string kind = type == "datatype" ? "bypass" : type;
    if (din.from_constraint) {
      if (from_mapping.count({level, kind})) continue;
    } else {
      from_mapping.insert({level, kind});
    }
    const std::string& lname = level_names[level];
    auto only_for = [&](const char* key, const std::string& allowed_type) {
      if (auto v = get(d, key); v && type != allowed_type) {
        fail_at(*v, std::string("\"") + key + "\" is not read in a " + type + " directive");
      }
    };
    only_for("split", "spatial");
    only_for("no_multicast_no_reduction", "spatial");
    only_for("no_link_transfer", "spatial");
    only_for("no_temporal_reuse", "temporal");
    if (type == "temporal" || type == "spatial") {
      for (const char* key : {"keep", "bypass"}) {
        if (auto v = get(d, key)) fail_at(*v, std::string("\"") + key + "\" belongs in a datatype (bypass) directive");
      }
      if (type == "spatial" && fanout(level) <= 1) {
        fail_at(din.type_at, "cannot find spatial tiling level associated with storage level " + lname,
                "level \"" + lname + "\" has no spatial fanout to the level below it");
      }
      Directive dir;
      if (auto f = get(d, "factors")) {
        if (din.from_constraint) {
          dir.factors = parse_constraint_factors(*f, problem, lname, constraint_keys_ignored);
        } else {
          // A printed mapping omits loops of one iteration: their factor is 1, nothing to warn about.
          const bool printed = d.file && is_map_text(d.file->path);
          dir.factors = parse_factors(*f, problem, warnings, lname, !printed);
        }
      }
      if (auto p = get(d, "permutation")) dir.permutation = parse_permutation(*p, problem);
      if (auto s = get(d, "split")) dir.split = static_cast<std::size_t>(as_uint(*s));
      auto& lm = mapping.levels[level];
      if (auto v = get(d, "no_multicast_no_reduction")) lm.no_multicast = parse_dataspace_list(*v, problem, "no_multicast_no_reduction");
      if (auto v = get(d, "no_link_transfer")) lm.no_link_transfer = parse_dataspace_list(*v, problem, "no_link_transfer");
      if (auto v = get(d, "no_temporal_reuse")) lm.no_temporal_reuse = parse_dataspace_list(*v, problem, "no_temporal_reuse");
      (type == "temporal" ? temporal : spatial)[level] = dir;
    } else {
      for (const char* key : {"factors", "permutation"}) {
        if (auto v = get(d, key)) fail_at(*v, std::string("\"") + key + "\" is not read in a " + type + " directive");
      }
      if (d.file && is_map_text(d.file->path)) {
        // A printed mapping lists every data space a level keeps: the others bypass it.
        for (std::size_t p = 0; p < num_ds; ++p) keep[p][level] = '0';
      }
      if (auto k = get(d, "keep")) {
        const auto ks = parse_dataspace_list(*k, problem, "keep");
        for (std::size_t p = 0; p < num_ds; ++p) if (ks[p]) keep[p][level] = '1';
      }
      if (auto b = get(d, "bypass")) {
        const auto bs = parse_dataspace_list(*b, problem, "bypass");
        for (std::size_t p = 0; p < num_ds; ++p) if (bs[p]) keep[p][level] = '0';
      }
    }
  }
  if (!constraint_keys_ignored.empty()) {
    std::string list;
    for (const auto& k : constraint_keys_ignored) list += (list.empty() ? "" : ", ") + k;
    notes.push_back("architecture constraints shape the mapper's search, not an evaluated mapping; ignored here: " +
                    list);
  }

  for (std::size_t l = 0; l < num_levels; ++l) {
    auto& lm = mapping.levels[l];
    const auto& t = temporal[l];
    // The v4 front end's fanout levels hold no temporal loops; nothing to warn about.
    const bool dummy = arch.storage[l].class_name == "dummy_storage";
    if (!t.permutation && !dummy) {
      warnings.push_back(level_names[l] + ": no temporal permutation; dimensions ordered arbitrarily");
    }
    if (!t.factors && !dummy) warnings.push_back(level_names[l] + ": no temporal factors; all set to 1");
    lm.temporal = t.factors.value_or(std::vector<Factor>(num_dims));
    lm.temporal_permutation = complete_permutation(t.permutation.value_or(std::vector<int>{}), num_dims);
    const auto& s = spatial[l];
    lm.spatial = s.factors.value_or(std::vector<Factor>(num_dims));
    lm.spatial_permutation = complete_permutation(s.permutation.value_or(std::vector<int>{}), num_dims);
    lm.split = s.split.value_or(num_dims);
    if (fanout(l) > 1 && !s.factors) {
      warnings.push_back(level_names[l] + ": no spatial factors for a level with fanout " + std::to_string(fanout(l)) +
                         "; all set to 1");
    }
    lm.keep.resize(num_ds);
    for (std::size_t p = 0; p < num_ds; ++p) lm.keep[p] = keep[p][l] != '0';
  }

  // Every dimension's factors must multiply up to its bound (residuals count as in Timeloop:
  // (((r_n - 1) * f_n-1 + (r_n-1 - 1)) * ... ) + 1, outermost first).
  for (std::size_t dim = 0; dim < num_dims; ++dim) {
    std::int64_t prod = 0;
    for (std::size_t l = num_levels; l-- > 0;) {
      const auto& lm = mapping.levels[l];
      prod = prod * lm.temporal[dim].end + lm.temporal[dim].residual_end - 1;
      if (fanout(l) > 1) prod = prod * lm.spatial[dim].end + lm.spatial[dim].residual_end - 1;
    }
    ++prod;
    if (prod != problem.bounds[dim]) {
      fail_at(node, "product of all factors of dimension " + problem.shape.dimensions[dim] + " is " +
                        std::to_string(prod) + ", which is not equal to the dimension size of the workload " +
                        std::to_string(problem.bounds[dim]));
    }
  }
  // Every data-space must be kept somewhere.
  for (std::size_t p = 0; p < num_ds; ++p) {
    bool any = false;
    for (const auto& lm : mapping.levels) any = any || lm.keep[p];
    if (!any) {
      fail_at(node, "data-space \"" + problem.shape.data_spaces[p].name + "\" is bypassed at every storage level");
    }
  }
  return mapping;
}

}  // namespace claimcheck::timeloop
