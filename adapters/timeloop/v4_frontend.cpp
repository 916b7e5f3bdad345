#include "adapters/timeloop/v4_frontend.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "adapters/timeloop/v4_expression.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

const std::vector<std::string> k_storage_classes = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> k_compute_classes = {"mac", "intmac", "fpmac", "compute"};
const std::vector<std::string> k_network_classes = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast"};

bool class_has(const std::string& cls, const std::vector<std::string>& list) {
  for (const auto& s : list) {
    if (cls.find(s) != std::string::npos) return true;
  }
  return false;
}

// The front end's default attributes of every storage component (its StorageAttributes), which
// it writes into parsed-processed-input.yaml and Timeloop then reads: cluster_size in particular
// changes how a given block_size is checked against the width.
const std::vector<std::pair<std::string, std::string>> k_storage_defaults = {
    {"n_banks", "2"},          {"cluster_size", "1"},    {"reduction_supported", "true"},
    {"multiple_buffering", "1"}, {"min_utilization", "0"}, {"allow_overbooking", "false"}};

struct Scope;

// One attribute being evaluated, for cycle detection.
struct Evaluating {
  const Scope* scope;
  std::string key;
};

// Names visible to an expression: own attributes (evaluated on demand), the attributes inherited
// from the containers before it, and the top-level variables.
struct Scope {
  std::string owner;                                   // "variables", or the node's name
  std::vector<std::pair<std::string, YNode>> own;      // raw attribute nodes
  std::map<std::string, Attribute> done;               // evaluated own attributes
  const std::map<std::string, Scope*>* inherited = nullptr;  // key -> the container that set it last
  Scope* variables = nullptr;
  bool has(const std::string& key) const {
    for (const auto& [k, v] : own) {
      if (k == key) return true;
    }
    return false;
  }
};

class Evaluator {
 public:
  // The evaluated attribute `key` of `scope` (which must hold it).
  Attribute evaluate(Scope& scope, const std::string& key) {
    if (auto it = scope.done.find(key); it != scope.done.end()) return it->second;
    const YNode* raw = nullptr;
    for (const auto& [k, v] : scope.own) {
      if (k == key) raw = &v;
    }
    Attribute a;
    a.key = key;
    a.at = *raw;
    for (const auto& e : m_stack) {
      if (e.scope == &scope && e.key == key) {
        fail_at(*raw, "the value of \"" + key + "\" depends on itself", "check the names its expression uses");
      }
    }
    if (m_stack.size() > 256) fail_at(*raw, "expressions refer to each other more than 256 levels deep");
    const YAML::Node& n = raw->node;
    if (!n.IsScalar()) {
      a.is_scalar = n.IsNull();
      scope.done[key] = a;
      return a;
    }
    a.text = n.Scalar();
    // A quoted YAML string is a string; a plain one is a literal or an expression.
    if (n.Tag() != "!") {
      if (auto lit = v4_literal(a.text)) {
        a.text = lit->is_none() ? std::string() : literal_text(*lit, a.text);
      } else if (is_text_attribute(key) && !evaluates(scope, a.text)) {
        // A name-valued attribute (technology, power_gated_at, ...) written without quotes.
      } else {
        m_stack.push_back({&scope, key});
        const V4Value v = evaluate_expression(scope, *raw, a.text);
        m_stack.pop_back();
        a.expression = a.text;
        a.text = v.is_none() ? std::string() : v.text();
      }
    }
    scope.done[key] = a;
    return a;
  }

  // A value written at `at` (not an attribute of a scope, e.g. a mesh), evaluated in `scope`.
  V4Value evaluate_value(Scope& scope, const YNode& at) {
    if (!at.node.IsScalar()) fail_at(at, "expected a number or an expression");
    const std::string text = at.node.Scalar();
    if (at.node.Tag() == "!") return V4Value{text};
    if (auto lit = v4_literal(text)) return *lit;
    return evaluate_expression(scope, at, text);
  }

 private:
  std::vector<Evaluating> m_stack;

  // Attributes whose value is a name rather than a number.
  static bool is_text_attribute(const std::string& key) {
    return key == "technology" || key == "power_gated_at" || key == "network-type" || key.rfind("network_", 0) == 0;
  }

  // Whether `text` evaluates in `scope` (a plain word that names nothing is then a string).
  bool evaluates(Scope& scope, const std::string& text) {
    try {
      V4Resolver resolve = [&](const std::string& name) -> std::optional<V4Value> {
        for (const auto& [k, v] : scope.own) {
          if (k == name) return V4Value{};
        }
        if (scope.inherited && scope.inherited->count(name)) return V4Value{};
        if (scope.variables) {
          for (const auto& [k, v] : scope.variables->own) {
            if (k == name) return V4Value{};
          }
        }
        return std::nullopt;
      };
      (void)evaluate_v4_expression(text, resolve);
      return true;
    } catch (const V4ExpressionError&) {
      return false;
    }
  }

  static std::string literal_text(const V4Value& v, const std::string& raw) {
    // Keep integers and reals as written (so "1e-9" stays what the file says).
    if (std::holds_alternative<bool>(v.v)) return std::get<bool>(v.v) ? "true" : "false";
    return raw;
  }

  V4Value evaluate_expression(Scope& scope, const YNode& at, const std::string& text) {
    V4Resolver resolve = [&](const std::string& name) -> std::optional<V4Value> {
      for (const auto& [k, v] : scope.own) {
        if (k == name) return as_value(evaluate(scope, k));
      }
      if (scope.inherited) {
        if (auto it = scope.inherited->find(name); it != scope.inherited->end()) {
          return as_value(evaluate(*it->second, name));
        }
      }
      if (scope.variables && scope.variables != &scope) {
        for (const auto& [k, v] : scope.variables->own) {
          if (k == name) return as_value(evaluate(*scope.variables, k));
        }
      }
      return std::nullopt;
    };
    try {
      return evaluate_v4_expression(text, resolve);
    } catch (const V4ExpressionError& e) {
      fail_at(at, "cannot evaluate `" + text + "`: " + e.message,
              e.hint.empty() ? std::string("write the value, or an expression of the supported subset (`claimcheck "
                                           "model timeloop --help` lists it); quote a string meant literally")
                             : e.hint);
    }
  }

  static V4Value as_value(const Attribute& a) {
    if (!a.is_scalar) return V4Value{a.text};
    if (a.text.empty()) return V4Value{};
    if (a.at.node.IsScalar() && a.at.node.Tag() == "!" && a.expression.empty()) return V4Value{a.text};
    if (auto lit = v4_literal(a.text)) return *lit;
    return V4Value{a.text};
  }
};

// One flattened node of the architecture, in order, and whether its parent branch is !Parallel.
struct FlatNode {
  YNode node;
  std::string tag;  // "!Container", "!Component", "!Nothing"
  bool parallel = false;
};

void flatten(const YNode& list, bool parallel, std::vector<FlatNode>& out, int depth) {
  if (depth > 32) fail_at(list, "architecture branches nest deeper than 32 levels");
  require_sequence(list, "nodes");
  for (std::size_t i = 0; i < list.node.size(); ++i) {
    const YNode n = element(list, i);
    const std::string tag = n.node.Tag();
    if (tag == "!Parallel" || tag == "!Hierarchical" || tag == "!Pipelined") {
      check_keys(n, {"nodes"}, tag + " branch");
      const YNode children = require(n, "nodes", tag + " branch");
      flatten(children, tag == "!Parallel", out, depth + 1);
      continue;
    }
    if (tag != "!Container" && tag != "!Component" && tag != "!Nothing") {
      fail_at(n, tag.empty() || tag == "?" ? "an architecture node without a tag"
                                           : "unknown architecture node tag \"" + tag + "\"",
              "v4 architecture nodes are tagged !Component, !Container, !Hierarchical, !Parallel, !Pipelined or "
              "!Nothing");
    }
    out.push_back({n, tag, parallel});
  }
}

// The merge keys of the front end's YAML loader (Accelergy's): `<<` adds the keys a map lacks from
// another map (or a list of maps), `<<<` does so recursively (maps merged, lists concatenated);
// a value tagged !nomerge is left alone. yaml-cpp keeps them as plain keys, so they are resolved
// here, in place, before the files are read.
void merge_into(YAML::Node into, const YAML::Node& from, bool deep, int depth) {
  if (depth > 64) return;
  for (auto it = from.begin(); it != from.end(); ++it) {
    const std::string key = it->first.Scalar();
    YAML::Node mine = into[key];
    if (!mine.IsDefined() || mine.IsNull()) {
      into[key] = it->second;
      continue;
    }
    if (!deep || mine.Tag() == "!nomerge") continue;
    if (mine.IsMap() && it->second.IsMap()) {
      merge_into(mine, it->second, deep, depth + 1);
    } else if (mine.IsSequence() && it->second.IsSequence()) {
      for (const auto& e : it->second) mine.push_back(e);
    }
  }
}

void resolve_merge_keys(const YamlFile& file, YAML::Node node, const std::string& path, int depth) {
  if (depth > 64) return;
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) resolve_merge_keys(file, node[i], path, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::string merge_key;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (key == "<<" || key == "<<<") {
      if (!merge_key.empty()) {
        fail_at(YNode{it->first, &file, path}, "a map may have one merge key (\"<<\" or \"<<<\")");
      }
      merge_key = key;
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == merge_key) continue;
    resolve_merge_keys(file, it->second, path, depth + 1);
  }
  if (merge_key.empty()) return;
  const YAML::Node source = node[merge_key];
  node.remove(merge_key);
  std::vector<YAML::Node> sources;
  if (source.IsSequence()) {
    for (const auto& e : source) sources.push_back(e);
  } else {
    sources.push_back(source);
  }
  for (const auto& src : sources) {
    if (!src.IsMap()) {
      fail_at(YNode{src, &file, path + "." + merge_key}, "the value of \"" + merge_key + "\" must be a map or a list of maps");
    }
    merge_into(node, src, merge_key == "<<<", depth + 1);
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

V4Lowered lower_v4_inputs(const std::vector<YamlFile>& files, std::vector<std::string>& warnings,
                          IgnoredAttributes& ignored) {
  V4Lowered out;
  out.root = merge_roots(files);
  auto arch = out.root.find("architecture");
  if (!arch || !arch->node.IsMap() || !get(*arch, "nodes")) return out;
  out.is_v4 = true;
  for (const auto& f : files) resolve_merge_keys(f, f.root, "", 0);
  out.root = merge_roots(files);
  arch = out.root.find("architecture");
  out.arch_node = arch;
  check_keys(*arch, {"version", "nodes"}, "architecture");
  const YNode version_node = require(*arch, "version", "architecture");
  out.version = as_string(version_node);
  if (out.version != "0.4") {
    fail_at(version_node, "unsupported architecture version \"" + out.version + "\" for the `nodes` format",
            "the v4 front end's format is version 0.4");
  }

  // Top-level variables (their expressions may use one another).
  Scope variables;
  variables.owner = "variables";
  if (auto v = out.root.find("variables"); v && !v->node.IsNull()) {
    require_map(*v, "variables");
    for (auto it = v->node.begin(); it != v->node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "version") continue;
      variables.own.emplace_back(key, YNode{it->second, v->file, v->path + "." + key});
    }
  }
  variables.variables = &variables;
  Evaluator eval;

  std::vector<FlatNode> flat;
  flatten(require(*arch, "nodes", "architecture"), false, flat, 0);

  std::deque<Scope> container_scopes;        // stable addresses
  std::map<std::string, Scope*> inherited;   // container attributes so far: key -> container
  std::uint64_t mesh_x = 1, mesh_y = 1;
  std::set<std::string> names;
  std::vector<std::string> dropped_container_constraints;
  const YNode* last_placed = nullptr;
  std::string last_class;

  auto add_constraints = [&](const YNode& node, const std::string& level, bool spatial_only, bool skip_spatial) {
    auto c = get(node, "constraints");
    if (!c || c->node.IsNull()) return;
    require_map(*c, "constraints");
    check_keys(*c, {"spatial", "temporal", "dataspace", "max_overbooked_proportion", "utilization"}, "constraints");
    for (auto it = c->node.begin(); it != c->node.end(); ++it) {
      const std::string kind = it->first.Scalar();
      const YNode body{it->second, c->file, c->path + "." + kind};
      if (body.node.IsNull() || (body.node.IsMap() && body.node.size() == 0)) continue;
      if (spatial_only && kind != "spatial") continue;
      if (skip_spatial && kind == "spatial") continue;
      require_map(body, "constraint");
      DirectiveInput d;
      d.node = body;
      d.target = level;
      d.target_at = YNode{it->first, c->file, body.path};
      d.type = kind;
      d.type_at = d.target_at;
      d.from_constraint = true;
      out.constraints.push_back(std::move(d));
    }
  };

  for (const auto& fn : flat) {
    const YNode& n = fn.node;
    if (fn.tag == "!Nothing") continue;
    const bool container = fn.tag == "!Container";
    if (container) {
      check_keys(n, {"name", "attributes", "spatial", "constraints", "networks", "sparse_optimizations", "description"},
                 "container");
    } else {
      check_keys(n, {"name", "class", "subclass", "attributes", "spatial", "constraints", "sparse_optimizations",
                     "required_actions", "area_scale", "energy_scale", "enabled", "actions", "description"},
                 "component");
    }
    const YNode name_node = require(n, "name", container ? "container" : "component");
    const std::string name = as_string(name_node);
    if (name.empty() || name.find_first_of("[]. ") != std::string::npos) {
      fail_at(name_node, "malformed node name \"" + name + "\"", "a name has no spaces, dots or brackets");
    }
    if (!names.insert(name).second) fail_at(name_node, "two architecture nodes are named \"" + name + "\"");
    if (auto en = get(n, "enabled"); en && !as_bool(*en)) continue;
    if (auto sp = get(n, "sparse_optimizations"); sp && !sp->node.IsNull() && sp->node.size() > 0) {
      fail_at(*sp, "unsupported: sparse_optimizations (Sparseloop)",
              "sparse architectures are out of scope: claimcheck models dense Timeloop runs only");
    }
    if (auto nets = get(n, "networks"); nets && !nets->node.IsNull() && nets->node.size() > 0) {
      fail_at(*nets, "unsupported: explicit networks", "claimcheck models the inferred (legacy) networks only");
    }

    Scope scope;
    scope.owner = name;
    scope.inherited = &inherited;
    scope.variables = &variables;
    if (auto attrs = get(n, "attributes"); attrs && !attrs->node.IsNull()) {
      require_map(*attrs, "attributes");
      for (auto it = attrs->node.begin(); it != attrs->node.end(); ++it) {
        const std::string key = it->first.Scalar();
        scope.own.emplace_back(key, YNode{it->second, attrs->file, attrs->path + "." + key});
      }
    }

    // Fanout.
    std::uint64_t fan_x = 1, fan_y = 1;
    if (auto sp = get(n, "spatial"); sp && !sp->node.IsNull()) {
      check_keys(*sp, {"meshX", "meshY"}, "spatial");
      for (const char* key : {"meshX", "meshY"}) {
        auto v = get(*sp, key);
        if (!v) continue;
        const V4Value val = eval.evaluate_value(scope, *v);
        if (!val.is_number() || val.number() != static_cast<double>(static_cast<long long>(val.number())) ||
            val.number() <= 0 || val.number() > 1e9) {
          fail_at(*v, std::string(key) + " must be a positive integer, got " + val.text());
        }
        (std::string(key) == "meshX" ? fan_x : fan_y) = static_cast<std::uint64_t>(val.number());
      }
    }
    const bool fanout = fan_x * fan_y != 1;

    std::string cls;
    if (!container) {
      // Classified as the front end does: storage, then compute, then network, then "nothing".
      cls = as_string(require(n, "class", "component \"" + name + "\""));
      if (!class_has(cls, k_storage_classes) && !class_has(cls, k_compute_classes)) {
        if (class_has(cls, k_network_classes)) {
          fail_at(n, "unsupported: explicit network component \"" + name + "\" (class " + cls + ")",
                  "claimcheck models the inferred (legacy) networks only");
        }
        if (cls.find("nothing") != std::string::npos) continue;
        fail_at(n, "unknown component class \"" + cls + "\"",
                "the v4 front end accepts classes containing DRAM, SRAM, regfile, smartbuffer or storage (storage), "
                "mac, intmac, fpmac or compute (arithmetic)");
      }
    }

    if (container) {
      // Its attributes are inherited by every component after it (evaluated when used).
      container_scopes.push_back(scope);
      Scope* kept = &container_scopes.back();
      for (const auto& [key, raw] : kept->own) inherited[key] = kept;
    }
    if ((container || fanout) && fn.parallel) {
      fail_at(n, container ? "unsupported: a container inside a !Parallel branch"
                           : "unsupported: a component with a spatial fanout inside a !Parallel branch",
              "a !Parallel branch holds components side by side at one level; put the container (or the fanout) "
              "before the branch, as the v4 front end requires");
    }

    if (fanout) {
      // The front end's dummy level for the fanout: keeps nothing, holds the spatial loops.
      ComponentInput dummy;
      dummy.name = "inter_" + name + "_spatial";
      dummy.class_name = "dummy_storage";
      dummy.elements = mesh_x * mesh_y;
      dummy.where = n;
      dummy.name_at = name_node;
      dummy.attributes.where = n;
      auto add = [&](const std::string& key, const std::string& text) {
        Attribute a;
        a.key = key;
        a.at = n;
        a.key_at = n;
        a.text = text;
        dummy.attributes.items.push_back(a);
      };
      add("width", "1");
      add("depth", "1");
      add("datawidth", "1");
      add("technology", "-1");
      for (const auto& [k, v] : k_storage_defaults) add(k, v);
      add("meshX", std::to_string(mesh_x));
      add("meshY", std::to_string(mesh_y));
      out.components.push_back(dummy);
      out.dummy_levels.push_back(dummy.name);
      DirectiveInput bypass;
      bypass.node = n;
      bypass.target = dummy.name;
      bypass.target_at = name_node;
      bypass.type = "bypass";
      bypass.type_at = name_node;
      bypass.from_constraint = true;
      bypass.bypass_everything = true;
      out.constraints.push_back(bypass);
      add_constraints(n, dummy.name, true, false);
      out.aliases.emplace_back(name, dummy.name);
      mesh_x *= fan_x;
      mesh_y *= fan_y;
      last_placed = &n;
      last_class = dummy.class_name;
    }
    if (container) {
      if (auto c = get(n, "constraints"); c && c->node.IsMap()) {
        for (const char* kind : {"temporal", "dataspace"}) {
          if (auto k = get(*c, kind); k && !k->node.IsNull() && k->node.size() > 0) {
            dropped_container_constraints.push_back(name + "." + kind);
          }
        }
      }
      continue;
    }

    ComponentInput ci;
    ci.name = name;
    ci.class_name = cls;
    ci.elements = mesh_x * mesh_y;
    ci.where = n;
    ci.name_at = name_node;
    ci.attributes.where = get(n, "attributes").value_or(n);
    const bool storage = class_has(cls, k_storage_classes);
    std::set<std::string> have;
    for (const auto& [key, raw] : scope.own) {
      if (key == "meshX" || key == "meshY") continue;  // the front end sets these from the containers
      Attribute a;
      if (timeloop_reads_attribute(key)) {
        a = eval.evaluate(scope, key);
      } else {
        a.key = key;
        a.at = raw;
        a.is_scalar = raw.node.IsScalar() || raw.node.IsNull();
        if (raw.node.IsScalar()) a.text = raw.node.Scalar();
      }
      // The key's own node, for "unknown key" messages.
      if (auto attrs = get(n, "attributes")) {
        for (auto it = attrs->node.begin(); it != attrs->node.end(); ++it) {
          if (it->first.Scalar() == key) a.key_at = YNode{it->first, attrs->file, a.at.path};
        }
      }
      have.insert(key);
      ci.attributes.items.push_back(a);
    }
    auto add_default = [&](const std::string& key, const std::string& text) {
      if (have.count(key)) return;
      Attribute a;
      a.key = key;
      a.at = n;
      a.key_at = n;
      a.text = text;
      ci.attributes.items.push_back(a);
      have.insert(key);
    };
    if (storage) {
      for (const auto& [k, v] : k_storage_defaults) add_default(k, v);
    }
    {
      Attribute mx;
      mx.key = "meshX";
      mx.at = n;
      mx.key_at = n;
      mx.text = std::to_string(mesh_x);
      ci.attributes.items.push_back(mx);
      Attribute my = mx;
      my.key = "meshY";
      my.text = std::to_string(mesh_y);
      ci.attributes.items.push_back(my);
      have.insert("meshX");
      have.insert("meshY");
    }
    for (const auto& [key, from] : inherited) {
      if (have.count(key)) continue;
      Attribute a;
      if (timeloop_reads_attribute(key)) {
        a = eval.evaluate(*from, key);
      } else {
        for (const auto& [k, raw] : from->own) {
          if (k != key) continue;
          a.key = key;
          a.at = raw;
          a.is_scalar = raw.node.IsScalar() || raw.node.IsNull();
          if (raw.node.IsScalar()) a.text = raw.node.Scalar();
        }
      }
      a.inherited_from = from->owner;
      ci.attributes.items.push_back(a);
    }
    out.components.push_back(ci);
    add_constraints(n, name, false, fanout);
    last_placed = &n;
    last_class = cls;
  }

  if (!last_placed) fail_at(*arch, "the architecture has no components");
  if (!class_has(last_class, k_compute_classes)) {
    fail_at(*last_placed, "the last node of a v4 architecture must be the compute (MAC) component",
            "the v4 front end requires it; move the compute component to the end");
  }
  if (!dropped_container_constraints.empty()) {
    warnings.push_back("temporal and dataspace constraints on containers are dropped by the v4 front end (only "
                       "the spatial ones reach its fanout level): " + join(dropped_container_constraints));
  }

  // Constraints written as top-level target lists (`constraints`, `mapspace_constraints`, ...).
  for (const auto& [key, node] : out.root.entries) {
    if (key.find("constraints") == std::string::npos || node.node.IsNull()) continue;
    require_map(node, key);
    check_keys(node, {"version", "targets"}, key);
    auto targets = get(node, "targets");
    if (!targets || targets->node.IsNull()) continue;
    for (auto d : directives_from_list(*targets)) {
      d.from_constraint = true;
      for (const auto& [from, to] : out.aliases) {
        if (d.target == from && d.type == "spatial") d.target = to;
      }
      out.constraints.push_back(std::move(d));
    }
  }
  (void)ignored;
  return out;
}

std::vector<DirectiveInput> v4_mapping_directives(const V4Lowered& v4, const std::optional<YNode>& mapping) {
  std::vector<DirectiveInput> out;
  if (mapping && !mapping->node.IsNull()) {
    out = directives_from_list(*mapping);
    for (auto& d : out) {
      for (const auto& [from, to] : v4.aliases) {
        // A container names its fanout level; a component with a fanout keeps its own name for
        // temporal and dataspace directives, and its spatial loops go to the fanout level.
        if (d.target == from && (d.type == "spatial" || std::find_if(v4.components.begin(), v4.components.end(),
                                                                      [&](const ComponentInput& c) {
                                                                        return c.name == from;
                                                                      }) == v4.components.end())) {
          d.target = to;
        }
      }
    }
  }
  if (v4.is_v4) out.insert(out.end(), v4.constraints.begin(), v4.constraints.end());
  return out;
}

}  // namespace claimcheck::timeloop
