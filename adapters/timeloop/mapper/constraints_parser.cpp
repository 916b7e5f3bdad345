#include "adapters/timeloop/mapper/constraints_parser.hpp"

#include <algorithm>
#include <regex>

#include "core/diagnostics.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

std::string hint_for(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : "did you mean \"" + best + "\"?";
}

// Keys with '-' and '_' read alike (v3 uses dashes in mapper settings, v4 underscores).
std::string normalized(std::string key) {
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

enum class Kind { temporal, spatial, bypass, utilization, max_overbooked };

class Collector {
 public:
  Collector(const Architecture& arch, const Problem& problem, std::vector<std::string>& warnings)
      : m_arch(arch), m_problem(problem), m_layout(make_layout(arch)), m_warnings(warnings) {
    const std::size_t levels = arch.storage.size();
    for (std::size_t p = 0; p < problem.shape.data_spaces.size(); ++p) {
      std::string s(levels, 'X');
      s.back() = '1';
      m_out.bypass.push_back(s);
    }
    for (const auto& s : arch.storage) m_level_names.push_back(s.name);
  }

  Constraints take() { return std::move(m_out); }

  // A v3 list of targets (or the map holding it).
  void v3_section(const YNode& section) {
    YNode list = section;
    if (section.node.IsMap()) {
      check_keys(section, {"targets", "constraints", "version"}, section.path);
      auto t = get_any(section, {"targets", "constraints"});
      if (!t) return;
      list = *t;
    }
    require_sequence(list, list.path);
    for (std::size_t i = 0; i < list.node.size(); ++i) {
      const YNode target = element(list, i);
      require_map(target, target.path);
      if (auto inner = get(target, "constraints"); inner && inner->node.IsSequence()) {
        for (std::size_t j = 0; j < inner->node.size(); ++j) single(target, element(*inner, j));
      } else {
        single(target, target);
      }
    }
  }

  // v4: one lowered constraint (`kind` temporal, spatial, dataspace, bypass or utilization) on the
  // flattened level `level`.
  void v4_constraint(const DirectiveInput& d) {
    const std::string& kind = d.type;
    if (kind == "max_overbooked_proportion") fail_at(d.type_at, "unsupported: max_overbooked_proportion (sparse mapping)");
    const int level = index_of(m_level_names, d.target);
    if (level < 0) {
      if (d.target == m_arch.arithmetic.name) return;  // the compute level has no tiling level
      fail_at(d.target_at, "constraint on \"" + d.target + "\", which is not a storage level",
              hint_for(d.target, m_level_names));
    }
    const auto s = static_cast<std::size_t>(level);
    if (d.bypass_everything) {
      for (auto& b : m_out.bypass) b[s] = '0';
      return;
    }
    const YNode& c = d.node;
    if (get(c, "type") || get(c, "target")) {  // a top-level target list entry, v3-shaped
      single(c, c);
      return;
    }
    if (kind == "temporal") {
      check_keys(c, {"factors", "permutation", "no_reuse", "no_temporal_reuse", "default_max_factor",
                     "default_min_factor", "remainders"},
                 "temporal constraint");
      loop_constraint(Kind::temporal, s, c, c);
      if (auto nr = get_any(c, {"no_reuse", "no_temporal_reuse"})) m_out.no_temporal_reuse[static_cast<unsigned>(s)] = data_space_flags(*nr);
    } else if (kind == "spatial") {
      check_keys(c, {"factors", "permutation", "split", "no_reuse", "no_link_transfer", "no_multicast_no_reduction",
                     "default_max_factor", "default_min_factor", "remainders", "min_parallelism"},
                 "spatial constraint");
      loop_constraint(Kind::spatial, s, c, c);
      if (auto n = get(c, "no_link_transfer")) m_out.no_link_transfer[static_cast<unsigned>(s)] = data_space_flags(*n);
      if (auto n = get_any(c, {"no_multicast_no_reduction", "no_reuse"})) m_out.no_multicast[static_cast<unsigned>(s)] = data_space_flags(*n);
      if (auto mp = get(c, "min_parallelism")) set_min_parallelism(*mp);
    } else if (kind == "dataspace" || kind == "bypass" || kind == "datatype") {
      check_keys(c, {"keep", "bypass", "keep_only", "bypass_only"}, "dataspace constraint");
      keep_bypass(s, c);
    } else if (kind == "utilization") {
      check_keys(c, {"min"}, "utilization constraint");
      set_min_parallelism(require(c, "min", "utilization constraint"));
    } else {
      fail_at(d.type_at, "unknown constraint kind \"" + kind + "\"",
              hint_for(kind, {"temporal", "spatial", "dataspace", "utilization"}));
    }
  }

 private:
  void single(const YNode& target, const YNode& c) {
    check_keys(c,
               {"target", "name", "type", "factors", "permutation", "split", "keep", "bypass", "min", "attributes",
                "no_multicast_no_reduction", "no_link_transfer", "no_temporal_reuse", "remainders",
                "default_max_factor", "default_min_factor", "proportion", "constraints", "keep_only", "bypass_only"},
               "constraint");
    const YNode type_node = require(c, "type", "constraint");
    const std::string type = as_string(type_node);
    const YNode attrs = get(c, "attributes").value_or(c);
    auto name_node = get_any(target, {"target", "name"});
    if (!name_node) name_node = get_any(c, {"target", "name"});
    if (!name_node) fail_at(c, "constraint without `target`");
    std::size_t s = 0;
    const std::string name = as_string(*name_node);
    if (!name.empty() && std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      s = static_cast<std::size_t>(as_uint(*name_node));
      if (s >= m_level_names.size()) fail_at(*name_node, "target level " + name + " does not exist");
    } else {
      const int level = index_of(m_level_names, name);
      if (level < 0) fail_at(*name_node, "target storage level \"" + name + "\" not found", hint_for(name, m_level_names));
      s = static_cast<std::size_t>(level);
    }
    if (type == "temporal" || type == "spatial") {
      const Kind kind = type == "temporal" ? Kind::temporal : Kind::spatial;
      loop_constraint(kind, s, c, attrs);
      auto flags = [&](const char* key, std::map<unsigned, std::vector<bool>>& table) {
        if (auto n = get(c, key)) {
          if (table.count(static_cast<unsigned>(s)) != 0) fail_at(*n, std::string("re-specification of ") + key);
          table[static_cast<unsigned>(s)] = data_space_flags(*n);
        }
      };
      if (kind == Kind::spatial) {
        flags("no_link_transfer", m_out.no_link_transfer);
        flags("no_multicast_no_reduction", m_out.no_multicast);
      } else {
        flags("no_temporal_reuse", m_out.no_temporal_reuse);
      }
    } else if (type == "datatype" || type == "bypass" || type == "bypassing" || type == "dataspace") {
      keep_bypass(s, attrs);
    } else if (type == "utilization" || type == "parallelism") {
      if (s != 0) fail_at(*name_node, "parallelism can only be constrained at the innermost storage level");
      set_min_parallelism(require(attrs, "min", "utilization constraint"));
    } else if (type == "max_overbooked_proportion") {
      fail_at(type_node, "unsupported: max_overbooked_proportion (sparse mapping)");
    } else {
      fail_at(type_node, "unknown constraint type \"" + type + "\"",
              hint_for(type, {"temporal", "spatial", "datatype", "dataspace", "bypass", "utilization", "parallelism"}));
    }
  }

  void set_min_parallelism(const YNode& n) {
    if (m_min_parallelism_set) fail_at(n, "re-specification of min parallelism/utilization");
    m_out.min_parallelism = as_double(n);
    m_min_parallelism_set = true;
  }

  std::vector<bool> data_space_flags(const YNode& n) {
    std::vector<bool> out(m_problem.shape.data_spaces.size(), false);
    for (const auto& name : as_string_list(n)) out[static_cast<std::size_t>(data_space(n, name))] = true;
    return out;
  }

  int data_space(const YNode& at, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& d : m_problem.shape.data_spaces) names.push_back(d.name);
    const int p = index_of(names, name);
    if (p < 0) fail_at(at, "data space \"" + name + "\" not found in the problem shape", hint_for(name, names));
    return p;
  }

  int dimension(const YNode& at, const std::string& name) {
    const int d = index_of(m_problem.shape.dimensions, name);
    if (d < 0) fail_at(at, "dimension \"" + name + "\" not found in the problem shape", hint_for(name, m_problem.shape.dimensions));
    return d;
  }

  void loop_constraint(Kind kind, std::size_t s, const YNode& c, const YNode& attrs) {
    int level = 0;
    if (kind == Kind::temporal) {
      level = m_layout.temporal_level[s];
    } else {
      level = m_layout.spatial_level[s];
      if (level < 0) {
        fail_at(c, "no spatial fanout below storage level \"" + m_level_names[s] + "\" to constrain",
                "the next inner level has as many instances as this one");
      }
    }
    TilingConstraint& t = m_out.tiling[static_cast<unsigned>(level)];
    if (auto f = get(attrs, "factors")) factors(*f, t);
    auto default_factor = [&](const char* key, std::map<int, std::int64_t>& table) {
      if (auto n = get(attrs, key)) {
        const auto v = as_int(*n);
        if (v <= 0) fail_at(*n, std::string(key) + " must be positive");
        for (std::size_t d = 0; d < m_problem.shape.dimensions.size(); ++d) table.try_emplace(static_cast<int>(d), v);
      }
    };
    default_factor("default_max_factor", t.max_factors);
    default_factor("default_min_factor", t.min_factors);
    if (auto p = get(attrs, "permutation")) permutation(*p, t);
    if (auto sp = get(c, "split")) {
      if (kind != Kind::spatial) fail_at(*sp, "`split` applies to spatial constraints only");
      if (t.split) fail_at(*sp, "re-specification of spatial split");
      t.split = static_cast<std::uint32_t>(as_uint(*sp));
    }
    if (auto r = get(c, "remainders")) {
      fail_at(*r, "unsupported: remainders (imperfect factorization needs the ruby mapspace)");
    }
  }

  void factors(const YNode& n, TilingConstraint& t) {
    std::vector<std::string> items;
    if (n.node.IsSequence()) {
      items = as_string_list(n);
    } else {
      std::string text = as_string(n);
      items.push_back(text.substr(0, text.find('#')));
    }
    static const std::regex k_item(R"(([A-Za-z]+)\s*(<=|>=|=)?\s*([0-9]+))");
    for (const auto& item : items) {
      std::string rest = item;
      std::smatch m;
      std::string leftover;
      while (std::regex_search(rest, m, k_item)) {
        leftover += m.prefix().str();
        const int d = dimension(n, m[1].str());
        const auto ud = static_cast<std::size_t>(d);
        std::int64_t v = 0;
        try {
          v = std::stoll(m[3].str());
        } catch (const std::out_of_range&) {
          fail_at(n, "factor " + m[3].str() + " is too large");
        }
        const std::string op = m[2].str();
        const std::int64_t bound = m_problem.bounds[ud];
        if (op == "<=" || op == ">=") {
          if (v <= 0) fail_at(n, std::string(op == "<=" ? "max" : "min") + " factor must be positive");
          auto& table = op == "<=" ? t.max_factors : t.min_factors;
          if (table.count(d) != 0) fail_at(n, "re-specification of " + std::string(op == "<=" ? "max" : "min") + " factor for " + m[1].str());
          table[d] = v;
        } else {
          if (v == 0) {
            v = bound;
            m_warnings.push_back("constraint factor " + m[1].str() + "=0 read as the whole dimension (" +
                                 std::to_string(bound) + ")");
          }
          if (v > bound) {
            m_warnings.push_back("constraint factor " + m[1].str() + "=" + std::to_string(v) +
                                 " exceeds the problem dimension " + std::to_string(bound) + ", ignored");
          } else {
            if (t.factors.count(d) != 0) {
              fail_at(n, "re-specification of factor for dimension " + m[1].str(),
                      "architecture and mapspace constraints may conflict");
            }
            t.factors[d] = v;
          }
        }
        rest = m.suffix().str();
      }
      leftover += rest;
      if (leftover.find_first_not_of(" \t,") != std::string::npos) {
        fail_at(n, "cannot read factors \"" + item + "\"", "expected items like C=4, C4, C<=16 or C>=2");
      }
    }
  }

  void permutation(const YNode& n, TilingConstraint& t) {
    std::vector<std::string> tokens;
    if (n.node.IsSequence()) {
      tokens = as_string_list(n);
    } else {
      std::string text = as_string(n);
      text = text.substr(0, text.find('#'));
      for (char ch : text) {
        if (ch == ' ' || ch == '\t' || ch == ',') continue;
        tokens.emplace_back(1, ch);
      }
    }
    if (!t.permutation_prefix.empty() || !t.permutation_suffix.empty()) {
      fail_at(n, "re-specification of permutation", "architecture and mapspace constraints may conflict");
    }
    bool suffix = false;
    std::vector<int> seen;
    for (const auto& tok : tokens) {
      if (tok == "_") {
        suffix = true;
        continue;
      }
      const int d = dimension(n, tok);
      if (std::find(seen.begin(), seen.end(), d) != seen.end()) fail_at(n, "permutation names dimension \"" + tok + "\" twice");
      seen.push_back(d);
      (suffix ? t.permutation_suffix : t.permutation_prefix).push_back(d);
    }
  }

  void keep_bypass(std::size_t s, const YNode& attrs) {
    const bool outermost = s + 1 == m_level_names.size();
    auto apply = [&](const char* key, char value) {
      auto n = get(attrs, key);
      if (!n) return;
      for (const auto& name : as_string_list(*n)) {
        const auto p = static_cast<std::size_t>(data_space(*n, name));
        char& slot = m_out.bypass[p][s];
        if (!outermost && slot != 'X') {
          fail_at(*n, "re-specification of the keep/bypass flag of " + name + " at " + m_level_names[s],
                  "architecture and mapspace constraints may conflict");
        }
        slot = value;
      }
    };
    apply("keep", '1');
    apply("bypass", '0');
    // v4: keep_only / bypass_only set every data space.
    auto only = [&](const char* key, char listed, char others) {
      auto n = get(attrs, key);
      if (!n) return;
      std::vector<bool> in(m_problem.shape.data_spaces.size(), false);
      for (const auto& name : as_string_list(*n)) in[static_cast<std::size_t>(data_space(*n, name))] = true;
      for (std::size_t p = 0; p < in.size(); ++p) m_out.bypass[p][s] = in[p] ? listed : others;
    };
    only("keep_only", '1', '0');
    only("bypass_only", '0', '1');
  }

  const Architecture& m_arch;
  const Problem& m_problem;
  TilingLayout m_layout;
  std::vector<std::string>& m_warnings;
  std::vector<std::string> m_level_names;
  Constraints m_out;
  bool m_min_parallelism_set = false;
};

}  // namespace

Constraints parse_constraints(const MergedRoot& root, const std::vector<DirectiveInput>& v4_constraints,
                              const Architecture& arch, const Problem& problem, std::vector<std::string>& warnings) {
  Collector c(arch, problem, warnings);
  for (const auto& d : v4_constraints) c.v4_constraint(d);
  if (!v4_constraints.empty()) return c.take();  // the lowering already read the top-level lists
  // Like the real mapper: one architecture-constraints section (the architecture's own
  // `constraints`, else `arch_constraints`, else `architecture_constraints`) and one mapspace
  // section (`mapspace`, else `mapspace_constraints`).
  auto arch_node = root.find("architecture");
  if (!arch_node) arch_node = root.find("arch");
  std::optional<YNode> arch_section;
  if (arch_node) {
    if (auto inner = get(*arch_node, "constraints"); inner && !inner->node.IsNull()) arch_section = inner;
  }
  if (!arch_section) arch_section = root.find("arch_constraints");
  if (!arch_section) arch_section = root.find("architecture_constraints");
  std::optional<YNode> mapspace_section = root.find("mapspace");
  if (!mapspace_section) mapspace_section = root.find("mapspace_constraints");
  for (const auto& n : {mapspace_section, arch_section}) {
    if (!n || n->node.IsNull()) continue;
    if (n->node.IsMap()) {
      check_keys(*n, {"targets", "constraints", "version", "template"}, n->path);
      if (auto tmpl = get(*n, "template"); tmpl && as_string(*tmpl) != "uber") {
        fail_at(*tmpl, "unsupported mapspace template \"" + as_string(*tmpl) + "\"", "claimcheck implements uber");
      }
      auto list = get_any(*n, {"targets", "constraints"});
      if (!list || list->node.IsNull()) continue;
      c.v3_section(*list);
    } else {
      c.v3_section(*n);
    }
  }
  return c.take();
}

MapperSettings parse_mapper_settings(const MergedRoot& root, const Architecture& arch,
                                     std::vector<std::string>& warnings) {
  MapperSettings s;
  const auto m = root.find("mapper");
  if (!m || m->node.IsNull()) return s;
  require_map(*m, "mapper");
  const std::vector<std::string> known = {
      "algorithm", "optimization_metric", "optimization_metrics", "num_threads", "search_size", "timeout",
      "heartbeat", "victory_condition", "sync_interval", "log_interval", "log_stats", "log_suboptimal", "log_all",
      "live_status", "diagnostics", "penalize_consecutive_bypass_fails", "emit_whoop_nest", "out_prefix",
      "max_permutations_per_if_visit", "log_oaves", "log_oaves_mappings", "seed", "version"};
  for (auto it = m->node.begin(); it != m->node.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    if (index_of(known, normalized(key)) < 0) {
      YNode at{it->first, m->file, "mapper." + key};
      fail_at(at, "unknown mapper setting \"" + key + "\"", hint_for(normalized(key), known));
    }
  }
  auto setting = [&](const std::string& name) -> std::optional<YNode> {
    for (auto it = m->node.begin(); it != m->node.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      if (normalized(key) == name) return YNode{it->second, m->file, "mapper." + key};
    }
    return std::nullopt;
  };
  if (auto a = setting("algorithm")) {
    std::string name = as_string(*a);
    std::replace(name.begin(), name.end(), '_', '-');  // v4 spells linear_pruned
    const std::vector<std::string> names = {"exhaustive", "linear-pruned", "random-pruned", "random", "best-first"};
    const int i = index_of(names, name);
    if (i < 0) {
      if (name == "hybrid") {
        fail_at(*a, "unsupported algorithm \"hybrid\"", "use best-first (claimcheck's default), linear-pruned or random-pruned");
      }
      fail_at(*a, "unknown algorithm \"" + name + "\"", hint_for(name, names));
    }
    s.algorithm = static_cast<Algorithm>(i);
  }
  std::vector<std::string> raw;
  std::optional<YNode> metric_node;
  // Either key takes one metric or a list (the v4 exercises write `optimization_metric: [delay, energy]`).
  if (auto n = setting("optimization_metric") ? setting("optimization_metric") : setting("optimization_metrics")) {
    raw = n->node.IsSequence() ? as_string_list(*n) : std::vector<std::string>{as_string(*n)};
    metric_node = n;
  } else {
    warnings.push_back("no optimization metric given, using edp");
  }
  if (metric_node) {
    s.metrics.clear();
    for (const auto& r : raw) {
      if (r == "edp") {
        s.metrics.push_back(Metric::edp);
      } else if (r == "energy") {
        s.metrics.push_back(Metric::energy);
      } else if (r == "delay") {
        s.metrics.push_back(Metric::delay);
      } else if (r == "last-level-accesses") {
        s.metrics.push_back(Metric::last_level_accesses);
      } else {
        fail_at(*metric_node, "unsupported optimization metric \"" + r + "\"",
                hint_for(r, {"edp", "energy", "delay", "last-level-accesses"}));
      }
    }
    if (s.metrics.empty()) fail_at(*metric_node, "no optimization metric");
  }
  (void)arch;
  if (auto n = setting("num_threads")) {
    s.num_threads = static_cast<unsigned>(std::clamp<std::uint64_t>(as_uint(*n), 1, 256));
  }
  if (auto n = setting("search_size")) s.search_size = as_uint(*n);
  if (auto n = setting("timeout")) s.timeout = as_uint(*n);
  if (auto n = setting("heartbeat")) s.timeout = as_uint(*n);
  if (auto n = setting("victory_condition")) s.victory_condition = as_uint(*n);
  if (auto n = setting("max_permutations_per_if_visit")) s.max_permutations_per_if_visit = std::max<std::uint64_t>(1, as_uint(*n));
  if (auto n = setting("penalize_consecutive_bypass_fails")) s.penalize_consecutive_bypass_fails = as_bool(*n);
  if (auto n = setting("seed")) s.seed = as_uint(*n);
  if (auto n = setting("sync_interval"); n && as_uint(*n) != 0) {
    warnings.push_back("mapper.sync-interval ignored: the search gives the same result at any thread count");
  }
  return s;
}

const char* algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::exhaustive: return "exhaustive";
    case Algorithm::linear_pruned: return "linear-pruned";
    case Algorithm::random_pruned: return "random-pruned";
    case Algorithm::random: return "random";
    case Algorithm::best_first: return "best-first";
  }
  return "?";
}

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::edp: return "edp";
    case Metric::energy: return "energy";
    case Metric::delay: return "delay";
    case Metric::last_level_accesses: return "last-level-accesses";
  }
  return "?";
}

}  // namespace claimcheck::timeloop::mapper
