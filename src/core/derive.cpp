#include "core/derive.hpp"

#include <fnmatch.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>

namespace claimcheck {
namespace {

struct OpRow {
  DerivedOp op;
  std::string_view name;
  std::size_t operands;  // 0: one or more
};

constexpr std::array<OpRow, 5> k_ops = {{
    {DerivedOp::ratio, "ratio", 2},
    {DerivedOp::difference, "difference", 2},
    {DerivedOp::percent_change, "percent_change", 2},
    {DerivedOp::relative_error, "relative_error", 2},
    {DerivedOp::mean, "mean", 0},
}};

const OpRow& row_of(DerivedOp op) { return k_ops[static_cast<std::size_t>(op)]; }

constexpr std::size_t k_max_derivation_depth = 64;

bool is_glob(const std::string& operand) { return operand.find_first_of("*?[") != std::string::npos; }

std::string of_pointer(const Claim& claim, std::size_t index) {
  return claim.location.pointer + "/derived/of/" + std::to_string(index);
}

void add(Diagnostics& out, const Claim& claim, std::string pointer, std::string message, std::string hint = {}) {
  out.add(Diagnostic{claim.location.file, 0, 0, std::move(pointer), std::move(message), std::move(hint), {}});
}

}  // namespace

std::string_view derived_op_name(DerivedOp op) { return row_of(op).name; }

std::optional<DerivedOp> parse_derived_op(std::string_view name) {
  for (const auto& row : k_ops) {
    if (row.name == name) return row.op;
  }
  return std::nullopt;
}

std::vector<std::string> derived_op_names() {
  std::vector<std::string> out;
  for (const auto& row : k_ops) out.emplace_back(row.name);
  return out;
}

std::size_t operand_count(DerivedOp op) { return row_of(op).operands; }

Dimension derived_dimension(DerivedOp op, Dimension operands) {
  switch (op) {
    case DerivedOp::ratio:
    case DerivedOp::percent_change:
    case DerivedOp::relative_error: return Dimension::ratio;
    case DerivedOp::difference:
    case DerivedOp::mean: return operands;
  }
  return operands;
}

std::string derived_metric(const Derivation& d) {
  std::string out = std::string(derived_op_name(d.op)) + "(";
  for (std::size_t i = 0; i < d.operands.size(); ++i) out += (i ? ", " : "") + d.operands[i];
  return out + ")";
}

std::vector<std::size_t> match_operand(const std::string& operand, const std::vector<Claim>& claims) {
  std::vector<std::size_t> out;
  const bool glob = is_glob(operand);
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const bool match = glob ? fnmatch(operand.c_str(), claims[i].id.c_str(), 0) == 0 : claims[i].id == operand;
    if (match) out.push_back(i);
  }
  return out;
}

void check_derivations(const std::vector<Claim>& claims, Diagnostics& out) {
  std::vector<std::string> ids;
  ids.reserve(claims.size());
  for (const auto& c : claims) ids.push_back(c.id);
  // Operands of each derived claim (indices), for the cycle check below.
  std::map<std::size_t, std::vector<std::size_t>> uses;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const Claim& claim = claims[i];
    if (!claim.derived) continue;
    const Derivation& d = *claim.derived;
    const std::size_t wanted = operand_count(d.op);
    bool complete = true;
    std::vector<std::size_t> operands;
    for (std::size_t k = 0; k < d.operands.size(); ++k) {
      const std::string& name = d.operands[k];
      const auto matched = match_operand(name, claims);
      if (matched.empty()) {
        complete = false;
        std::string hint;
        if (auto close = closest_match(name, ids); !close.empty()) hint = "did you mean \"" + close + "\"?";
        add(out, claim, of_pointer(claim, k),
            std::string(is_glob(name) ? "no claim id matches \"" : "no claim has the id \"") + name + "\"",
            hint.empty() ? "an operand is the id of another claim of the same audit" : hint);
        continue;
      }
      if (wanted != 0 && is_glob(name)) {
        complete = false;
        add(out, claim, of_pointer(claim, k),
            std::string(derived_op_name(d.op)) + " takes claim ids, not a pattern (\"" + name + "\")",
            "only mean takes patterns");
        continue;
      }
      operands.insert(operands.end(), matched.begin(), matched.end());
    }
    if (wanted != 0 && d.operands.size() != wanted) {
      add(out, claim, claim.location.pointer + "/derived/of",
          std::string(derived_op_name(d.op)) + " takes " + std::to_string(wanted) + " operands, not " +
              std::to_string(d.operands.size()));
      continue;
    }
    uses[i] = operands;
    if (!complete || operands.empty()) continue;
    const Unit& first = claims[operands.front()].expected.unit;
    bool same = true;
    for (std::size_t k = 1; k < operands.size() && same; ++k) {
      const Unit& u = claims[operands[k]].expected.unit;
      if (u.dimension == first.dimension) continue;
      same = false;
      add(out, claim, claim.location.pointer + "/derived/of",
          "operands of different dimensions: \"" + claims[operands.front()].id + "\" is " +
              std::string(dimension_name(first.dimension)) + " (" + first.symbol + "), \"" + claims[operands[k]].id +
              "\" is " + std::string(dimension_name(u.dimension)) + " (" + u.symbol + ")",
          std::string(derived_op_name(d.op)) + " compares numbers of one kind");
    }
    if (!same) continue;
    const Dimension result = derived_dimension(d.op, first.dimension);
    if (result != claim.expected.unit.dimension) {
      add(out, claim, claim.location.pointer + "/expected/unit",
          std::string(derived_op_name(d.op)) + " of " + std::string(dimension_name(first.dimension)) + " gives " +
              std::string(dimension_name(result)) + ", but the claim expects " +
              std::string(dimension_name(claim.expected.unit.dimension)) + " (" + claim.expected.unit.symbol + ")",
          result == Dimension::ratio ? "use a ratio unit: \"x\", \"%\" or \"ratio\""
                                     : "use a unit of " + std::string(dimension_name(result)) + ", e.g. \"" +
                                           first.symbol + "\"");
    }
  }
  // A claim that depends on itself, directly or through others, can never be measured: one
  // depth-first walk; an operand still on the walk's path closes a cycle.
  // Chains are bounded so that the walk's recursion is (claims are untrusted).
  enum class Mark { none, visiting, done };
  std::vector<Mark> mark(claims.size(), Mark::none);
  std::function<void(std::size_t, std::size_t)> visit = [&](std::size_t i, std::size_t depth) {
    mark[i] = Mark::visiting;
    if (depth > k_max_derivation_depth) {
      add(out, claims[i], claims[i].location.pointer + "/derived/of",
          "derived claims nest deeper than " + std::to_string(k_max_derivation_depth) + " levels here");
      mark[i] = Mark::done;
      return;
    }
    if (auto it = uses.find(i); it != uses.end()) {
      for (std::size_t j : it->second) {
        if (mark[j] == Mark::visiting) {
          add(out, claims[j], claims[j].location.pointer + "/derived/of",
              "\"" + claims[j].id + "\" depends on itself through its operands",
              "a derived claim uses measured claims, or derived claims that do not use it");
        } else if (mark[j] == Mark::none) {
          visit(j, depth + 1);
        }
      }
    }
    mark[i] = Mark::done;
  };
  for (const auto& entry : uses) {
    if (mark[entry.first] == Mark::none) visit(entry.first, 0);
  }
}

std::vector<std::size_t> derivation_order(const std::vector<Claim>& claims) {
  std::vector<std::size_t> order;
  std::vector<bool> placed(claims.size(), false);
  std::function<void(std::size_t)> place = [&](std::size_t i) {
    if (placed[i]) return;
    placed[i] = true;
    for (const auto& operand : claims[i].derived->operands) {
      for (std::size_t j : match_operand(operand, claims)) {
        if (claims[j].derived) place(j);
      }
    }
    order.push_back(i);
  };
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].derived) place(i);
  }
  return order;
}

std::optional<Quantity> derive_value(DerivedOp op, const std::vector<Quantity>& operands, std::string& why) {
  if (operands.empty()) {
    why = "no operands";
    return std::nullopt;
  }
  const Unit& unit = operands.front().unit;
  std::vector<double> values;
  for (const auto& q : operands) {
    const auto v = convert(q.value, q.unit, unit);
    if (!v) {
      why = "operands of different dimensions (" + unit.symbol + ", " + q.unit.symbol + ")";
      return std::nullopt;
    }
    values.push_back(*v);
  }
  const Unit ratio = *parse_unit("ratio");
  const auto needs_divisor = [&](double b) {
    if (b != 0.0) return true;
    why = std::string(derived_op_name(op)) + " divides by the second operand, which is 0";
    return false;
  };
  switch (op) {
    case DerivedOp::ratio:
      if (!needs_divisor(values[1])) return std::nullopt;
      return Quantity{values[0] / values[1], ratio};
    case DerivedOp::difference: return Quantity{values[0] - values[1], unit};
    case DerivedOp::percent_change:
      if (!needs_divisor(values[1])) return std::nullopt;
      return Quantity{(values[0] - values[1]) / std::fabs(values[1]), ratio};
    case DerivedOp::relative_error:
      if (!needs_divisor(values[1])) return std::nullopt;
      return Quantity{std::fabs(values[0] - values[1]) / std::fabs(values[1]), ratio};
    case DerivedOp::mean: {
      double total = 0;
      for (double v : values) total += v;
      return Quantity{total / static_cast<double>(values.size()), unit};
    }
  }
  return std::nullopt;
}

}  // namespace claimcheck
