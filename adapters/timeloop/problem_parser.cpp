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

ProblemShape parse_shape(const YNode& node) {
  if (get(node, "data_spaces")) {
    fail_at(*get(node, "data_spaces"), "unknown key \"data_spaces\" in problem shape",
            "Timeloop v3.0.3 spells it \"data-spaces\" (with \"read-write\")");
  }
  if (auto f = get(node, "flatten")) fail_at(*f, "unsupported: flattened problem dimensions");
  check_keys(node, {"name", "dimensions", "coefficients", "data-spaces"}, "problem shape");
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
  const YNode spaces = require(node, "data-spaces", "problem shape");
  require_sequence(spaces, "data-spaces");
  for (std::size_t d = 0; d < spaces.node.size(); ++d) {
    const YNode ds = element(spaces, d);
    if (auto rw = get(ds, "read_write")) {
      fail_at(*rw, "unknown key \"read_write\" in data-space", "Timeloop v3.0.3 spells it \"read-write\"");
    }
    check_keys(ds, {"name", "projection", "read-write"}, "data-space");
    DataSpace space;
    space.name = as_string(require(ds, "name", "data-space"));
    if (auto rw = get(ds, "read-write")) space.read_write = as_bool(*rw);
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

}  // namespace

Problem parse_problem(const YNode& node, std::vector<std::string>& warnings) {
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
    if (auto d = get(*inst, "densities")) fail_at(*d, "unsupported: densities (sparse workloads)");
    if (auto d = get(*inst, "commonDensity")) fail_at(*d, "unsupported: commonDensity (sparse workloads)");
    check_keys(*inst, allowed, "problem instance");
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
