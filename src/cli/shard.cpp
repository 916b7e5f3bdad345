#include "cli/shard.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "adapter/registry.hpp"
#include "cli/reuse.hpp"
#include "core/derive.hpp"
#include "io/digest.hpp"

namespace claimcheck {
namespace {

// The cost of judging and recording one claim, relative to a typical model run (1).
constexpr double k_claim_cost = 0.05;
constexpr int k_max_shards = 10'000;

// What decides a claim's run: everything a measurement depends on but the metric and the
// options that only pick a number from the run.
std::string run_identity(const Claim& claim, const std::string& folder) {
  Sha256 d;
  d.field(claim.tool).field(folder);
  if (claim.derived) return d.field("derived").field(claim.id).hex();
  const Adapter* adapter = find_adapter(claim.tool);
  // No options and options that only pick a number ({"npu": 0}) name the same run.
  nlohmann::json options = claim.options.is_null() ? nlohmann::json::object() : claim.options;
  if (adapter && options.is_object()) {
    for (const auto& name : adapter->metric_options()) options.erase(name);
  }
  d.field(claim.mode == Mode::run ? "run" : "reread");
  d.field(claim.workload.path.value_or(claim.workload.inline_spec.dump()));
  d.field(claim.hardware.path.value_or(claim.hardware.inline_spec.dump()));
  d.field(claim.artifact.value_or(""));
  for (const auto& input : claim.inputs) d.field(input);
  d.field(options.dump());
  return d.hex();
}

// Union-find over claim indexes.
struct Units {
  std::vector<std::size_t> parent;
  explicit Units(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t root(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) { parent[root(a)] = root(b); }
};

}  // namespace

std::string parse_shard(const std::string& text, ShardSpec& out) {
  const auto slash = text.find('/');
  auto number = [](const std::string& s) -> std::optional<int> {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    return std::stoi(s);
  };
  const auto k = slash == std::string::npos ? std::nullopt : number(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *n > k_max_shards || *k < 1 || *k > *n) {
    return "--shard \"" + text + "\" is not K/N with 1 <= K <= N <= " + std::to_string(k_max_shards) +
           " (e.g. 2/4: the second of four shards)";
  }
  out = ShardSpec{*k, *n};
  return {};
}

std::vector<std::size_t> shard_claims(const std::vector<Claim>& claims, const ShardSpec& spec, const Sandbox& sandbox) {
  ClaimFiles files(sandbox);
  std::vector<std::string> runs(claims.size());
  Units units(claims.size());
  std::map<std::string, std::size_t> first_of_run;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    runs[i] = run_identity(claims[i], files.folder(claims[i]));
    auto [it, added] = first_of_run.emplace(runs[i], i);
    if (!added) units.join(i, it->second);
    if (!claims[i].derived) continue;
    for (const auto& operand : claims[i].derived->operands) {
      for (std::size_t j : match_operand(operand, claims)) units.join(i, j);
    }
  }
  // Each unit: its smallest run identity (its place in the order) and its expected cost.
  struct CutUnit {
    std::string key;
    double cost = 0.0;
  };
  std::map<std::size_t, CutUnit> by_root;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    CutUnit& u = by_root[units.root(i)];
    if (u.key.empty() || runs[i] < u.key) u.key = runs[i];
    u.cost += k_claim_cost;
    if (first_of_run.at(runs[i]) == i && !claims[i].derived) {
      const Adapter* adapter = find_adapter(claims[i].tool);
      u.cost += adapter ? std::max(0.0, adapter->expected_cost(claims[i])) : 1.0;
    }
  }
  std::vector<std::pair<std::string, std::size_t>> order;
  double total = 0.0;
  for (const auto& [root, unit] : by_root) {
    order.emplace_back(unit.key, root);
    total += unit.cost;
  }
  std::sort(order.begin(), order.end());
  // A unit belongs to the shard its middle falls in, along the order of units.
  std::map<std::size_t, int> shard_of_root;
  double before = 0.0;
  for (const auto& [key, root] : order) {
    const double cost = by_root.at(root).cost;
    const double middle = (before + cost / 2) / total;
    shard_of_root[root] = std::min(spec.count, static_cast<int>(std::floor(middle * spec.count)) + 1);
    before += cost;
  }
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (shard_of_root.at(units.root(i)) == spec.index) selected.push_back(i);
  }
  return selected;
}

std::string selection_digest(const std::vector<Claim>& claims) {
  Sha256 d;
  for (const auto& claim : claims) d.field(claim.id);
  return d.hex().substr(0, 40);
}

}  // namespace claimcheck
