// `problem:` (Timeloop v3.0.3) -> Problem.

#include <algorithm>

#include "adapters/timeloop/input_parsers.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// Timeloop's bundled problem-shapes/cnn-layer.yaml (output channels named K).
ProblemShape builtin_cnn_layer() {
  ProblemShape s;
  s.name = "CNN-Layer";
  s.dimensions = {"R", "S", "P", "Q", "C", "K", "N"};
  s.coefficients = {{"Wstride", 1}, {"Hstride", 1}, {"Wdilation", 1}, {"Hdilation", 1}};
  enum { R, S, P, Q, C, K, N };
  enum { Wstride, Hstride, Wdilation, Hdilation };
  auto t = [](int d, int c = -1) { return ProjectionTerm{d, c}; };
  s.data_spaces.push_back({"Weights", {{t(C)}, {t(K)}, {t(R)}, {t(S)}}, false});
  s.data_spaces.push_back({"Inputs", {{t(N)}, {t(C)}, {t(R, Wdilation), t(P, Wstride)}, {t(S, Hdilation), t(Q, Hstride)}}, false});
  s.data_spaces.push_back({"Outputs", {{t(N)}, {t(K)}, {t(Q)}, {t(P)}}, true});
  return s;
}

// The value of a key Timeloop accepts in two spellings (v3.0.3 hyphens, v4 underscores).
std::optional<YNode> either(const YNode& map, const std::string& hyphen, const std::string& underscore) {
  const auto a = get(map, hyphen);
  const auto b = get(map, underscore);
  if (a && b) fail_at(*b, "both \"" + hyphen + "\" and \"" + underscore + "\" are given", "they are one key; keep one");
  return a ? a : b;
}

ProblemShape parse_shape(const YNode& node) {
  if (auto f = get(node, "flatten")) fail_at(*f, "unsupported: flattened problem dimensions");
  check_keys(node, {"name", "dimensions", "coefficients", "data-spaces", "data_spaces"}, "problem shape");
  ProblemShape s;
  if (auto n = get(node, "name")) s.name = as_string(*n);
  const YNode dims = require(node, "dimensions", "problem shape");
  s.dimensions = as_string_list(dims);
  if (s.dimensions.size() > 16) fail_at(dims, "unsupported: more than 16 problem dimensions");
  for (std::size_t i = 0; i < s.dimensions.size(); ++i) {
    if (s.dimensions[i].size() != 1) {
      fail_at(element(dims, i), "dimension name \"" + s.dimensions[i] + "\" must be one character (as in Timeloop)");
    }
    if (index_of(s.dimensions, s.dimensions[i]) != static_cast<int>(i)) {
      fail_at(element(dims, i), "dimension \"" + s.dimensions[i] + "\" is listed twice");
    }
  }
  if (auto coefs = get(node, "coefficients")) {
    require_sequence(*coefs, "coefficients");
    for (std::size_t i = 0; i < coefs->node.size(); ++i) {
      const YNode c = element(*coefs, i);
      check_keys(c, {"name", "default"}, "coefficient");
      Coefficient co;
      co.name = as_string(require(c, "name", "coefficient"));
      co.default_value = as_int(require(c, "default", "coefficient \"" + co.name + "\""));
      s.coefficients.push_back(co);
    }
  }
  std::vector<std::string> coef_names;
  for (const auto& c : s.coefficients) coef_names.push_back(c.name);
  const auto spaces_opt = either(node, "data-spaces", "data_spaces");
  if (!spaces_opt) fail_at(node, "problem shape has no \"data_spaces\" (or \"data-spaces\")");
  const YNode spaces = *spaces_opt;
  require_sequence(spaces, "data-spaces");
  for (std::size_t d = 0; d < spaces.node.size(); ++d) {
    const YNode ds = element(spaces, d);
    check_keys(ds, {"name", "projection", "read-write", "read_write"}, "data-space");
    DataSpace space;
    space.name = as_string(require(ds, "name", "data-space"));
    if (auto rw = either(ds, "read-write", "read_write")) space.read_write = as_bool(*rw);
    const YNode proj = require(ds, "projection", "data-space \"" + space.name + "\"");
    require_sequence(proj, "projection");
    auto dim_id = [&](const YNode& at, const std::string& name) {
      const int id = index_of(s.dimensions, name);
      if (id < 0) {
        const std::string best = closest_match(name, s.dimensions);
        fail_at(at, "projection of \"" + space.name + "\" names unknown dimension \"" + name + "\"",
                best.empty() ? std::string() : "did you mean \"" + best + "\"?");
      }
      return id;
    };
    for (std::size_t k = 0; k < proj.node.size(); ++k) {
      const YNode rank = element(proj, k);
      std::vector<ProjectionTerm> expr;
      if (rank.node.IsScalar()) {  // flat form: projection: [ M, K ]
        expr.push_back({dim_id(rank, as_string(rank)), -1});
      } else {
        require_sequence(rank, "projection rank");
        for (std::size_t t = 0; t < rank.node.size(); ++t) {
          const YNode term = element(rank, t);
          const auto parts = as_string_list(term);
          if (parts.size() == 1) {
            expr.push_back({dim_id(term, parts[0]), -1});
          } else if (parts.size() == 2) {
            const int c = index_of(coef_names, parts[1]);
            if (c < 0) {
              const std::string best = closest_match(parts[1], coef_names);
              fail_at(term, "projection of \"" + space.name + "\" names unknown coefficient \"" + parts[1] + "\"",
                      best.empty() ? std::string() : "did you mean \"" + best + "\"?");
            }
            expr.push_back({dim_id(term, parts[0]), c});
          } else {
            fail_at(term, "a projection term is [DIMENSION] or [DIMENSION, COEFFICIENT]");
          }
        }
        if (expr.empty()) fail_at(rank, "empty projection rank");
      }
      space.projection.push_back(std::move(expr));
    }
    if (space.projection.size() > 8) fail_at(proj, "unsupported: a data-space of more than 8 ranks");
    if (space.projection.empty()) fail_at(proj, "a data-space needs at least one projection rank");
    s.data_spaces.push_back(std::move(space));
  }
  if (s.data_spaces.empty()) fail_at(spaces, "the problem shape has no data-spaces");
  int rw = 0;
  for (const auto& d : s.data_spaces) rw += d.read_write ? 1 : 0;
  if (rw > 1) fail_at(spaces, "more than one read-write data-space is not supported");
  return s;
}

const char* const k_sparse_hint =
    "sparse (Sparseloop) workloads are out of scope: claimcheck models dense Timeloop runs only";

// `densities` is accepted when every data space is dense (density 1); anything else is sparse.
void check_dense(const YNode& densities, const ProblemShape& shape) {
  if (densities.node.IsNull()) return;
  require_map(densities, "densities");
  std::vector<std::string> names;
  for (const auto& d : shape.data_spaces) names.push_back(d.name);
  for (auto it = densities.node.begin(); it != densities.node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YNode v{it->second, densities.file, densities.path + "." + key};
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      const std::string best = closest_match(key, names);
      fail_at(v, "densities name unknown data space \"" + key + "\"",
              best.empty() ? std::string() : "did you mean \"" + best + "\"?");
    }
    std::optional<YNode> density = v;
    if (v.node.IsMap()) {
      check_keys(v, {"distribution", "density", "band_width", "ratio", "distribution_type"}, "density");
      density = get(v, "density");
    }
    if (!density || as_double(*density) != 1.0) {
      fail_at(v, "unsupported: a sparse density for \"" + key + "\"", k_sparse_hint);
    }
  }
}

}  // namespace

Problem parse_problem(const YNode& node, std::vector<std::string>& warnings, std::vector<std::string>& notes) {
  require_map(node, "problem");
  Problem p;
  const auto shape_node = get(node, "shape");
  if (!shape_node) {
    warnings.push_back("problem: no shape given; assuming the built-in CNN-Layer shape (dimensions R S P Q C K N)");
    p.shape = builtin_cnn_layer();
  } else if (shape_node->node.IsScalar()) {
    const std::string name = as_string(*shape_node);
    if (name != "cnn-layer" && name != "CNN-Layer" && name != "cnn_layer") {
      fail_at(*shape_node, "unsupported: problem shape \"" + name + "\" by name",
              "give the shape inline, or use \"cnn-layer\"");
    }
    p.shape = builtin_cnn_layer();
  } else {
    p.shape = parse_shape(*shape_node);
  }
  const auto& sh = p.shape;
  std::optional<YNode> inst = get(node, "instance");
  std::vector<std::string> allowed = sh.dimensions;
  for (const auto& c : sh.coefficients) allowed.push_back(c.name);
  if (inst) {
    check_keys(node, {"shape", "instance", "version"}, "problem");
    require_map(*inst, "problem instance");
    if (auto d = get(*inst, "densities")) check_dense(*d, sh);
    if (auto d = get(*inst, "commonDensity")) fail_at(*d, "unsupported: commonDensity (sparse workloads)", k_sparse_hint);
    // Keys other than dimensions and coefficients (the v4 front end's problem files carry H, W,
    // Hpad, ... for its own expressions) are not read by Timeloop. Single-letter dimension names
    // leave no way to tell a misspelling apart, except for coefficient names.
    std::vector<std::string> coef_names;
    for (const auto& c : sh.coefficients) coef_names.push_back(c.name);
    std::vector<std::string> extra;
    for (auto it = inst->node.begin(); it != inst->node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "densities" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      const std::string best = key.size() > 1 ? closest_match(key, coef_names) : std::string();
      if (!best.empty()) {
        fail_at(YNode{it->first, inst->file, inst->path + "." + key}, "unknown key \"" + key + "\" in problem instance",
                "did you mean \"" + best + "\"?");
      }
      extra.push_back(key);
    }
    if (!extra.empty()) {
      std::string list;
      for (const auto& e : extra) list += (list.empty() ? "" : ", ") + e;
      notes.push_back("problem instance: " + list + " not read by Timeloop (not dimensions or coefficients of shape \"" +
                      sh.name + "\"); ignored");
    }
  } else {
    std::vector<std::string> with_shape = allowed;
    with_shape.push_back("shape");
    check_keys(node, with_shape, "problem");
    inst = node;
  }
  for (const auto& dim : sh.dimensions) {
    auto v = get(*inst, dim);
    if (!v) fail_at(*inst, "problem instance has no bound for dimension \"" + dim + "\"");
    const std::int64_t b = as_int(*v);
    if (b <= 0) fail_at(*v, "the bound of \"" + dim + "\" must be positive");
    p.bounds.push_back(b);
  }
  for (const auto& c : sh.coefficients) {
    auto v = get(*inst, c.name);
    p.coefficients.push_back(v ? as_int(*v) : c.default_value);
  }
  return p;
}

}  // namespace claimcheck::timeloop
