// `mapping:` directives (Timeloop v3.0.3 semantics) -> Mapping.

#include <algorithm>
#include <regex>

#include "adapters/timeloop/input_parsers.hpp"
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

std::vector<Factor> parse_factors(const YNode& n, const Problem& problem, std::vector<std::string>& warnings,
                                  const std::string& level_name) {
  const auto& dims = problem.shape.dimensions;
  std::vector<std::optional<Factor>> got(dims.size());
  std::vector<std::string> items;
  if (n.node.IsSequence()) {
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
  if (missing) warnings.push_back(level_name + ": factors not given for every dimension; missing ones set to 1");
  return out;
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

Mapping parse_mapping(const YNode& node, const Architecture& arch, const Problem& problem,
                      std::vector<std::string>& warnings) {
  require_sequence(node, "mapping");
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

  for (std::size_t i = 0; i < node.node.size(); ++i) {
    const YNode d = element(node, i);
    check_keys(d, {"target", "type", "factors", "permutation", "split", "keep", "bypass",
                   "no_multicast_no_reduction", "no_link_transfer", "no_temporal_reuse"},
               "mapping directive");
    const YNode type_node = require(d, "type", "mapping directive");
    const std::string type = as_string(type_node);
    const std::vector<std::string> types = {"temporal", "spatial", "datatype", "bypass", "skew"};
    if (index_of(types, type) < 0) {
      fail_at(type_node, "unknown mapping directive type \"" + type + "\"", hint_for(type, types));
    }
    if (type == "skew") fail_at(type_node, "unsupported: skew directives");
    const YNode target_node = require(d, "target", "mapping directive");
    std::size_t level = 0;
    {
      const std::string t = as_string(target_node);
      const int id = index_of(level_names, t);
      if (id >= 0) {
        level = static_cast<std::size_t>(id);
      } else if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        level = t.size() > 9 ? num_levels : std::stoull(t);
        if (level >= num_levels) fail_at(target_node, "target storage level id " + t + " out of range");
      } else {
        fail_at(target_node, "target storage level not found: " + t, hint_for(t, level_names));
      }
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
        fail_at(type_node, "cannot find spatial tiling level associated with storage level " + lname,
                "level \"" + lname + "\" has no spatial fanout to the level below it");
      }
      Directive dir;
      if (auto f = get(d, "factors")) dir.factors = parse_factors(*f, problem, warnings, lname);
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

  for (std::size_t l = 0; l < num_levels; ++l) {
    auto& lm = mapping.levels[l];
    const auto& t = temporal[l];
    if (!t.permutation) warnings.push_back(level_names[l] + ": no temporal permutation; dimensions ordered arbitrarily");
    if (!t.factors) warnings.push_back(level_names[l] + ": no temporal factors; all set to 1");
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
