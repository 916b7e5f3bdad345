#include "adapters/astrasim/metrics.hpp"

#include <algorithm>
#include <limits>

namespace claimcheck::astrasim {
namespace {

const std::vector<std::string> k_per_npu = {"finish_time", "exposed_comm", "comm_time", "compute_time"};

std::uint64_t npu_value(const NpuResult& r, const std::string& base) {
  if (base == "finish_time") return r.finish_ns;
  if (base == "exposed_comm") return r.exposed_comm_ns;
  if (base == "comm_time") return r.comm_ns;
  return r.compute_ns;
}

std::string describe(const NodeRef& ref) {
  if (const auto* id = std::get_if<std::uint64_t>(&ref)) return "node id " + std::to_string(*id);
  return "node \"" + std::get<std::string>(ref) + "\"";
}

bool matches(const NodeTiming& t, const NodeRef& ref) {
  if (const auto* id = std::get_if<std::uint64_t>(&ref)) return t.node_id == *id;
  return t.name == std::get<std::string>(ref);
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = k_per_npu;
    for (const auto& b : k_per_npu) {
      for (const char* agg : {".max", ".min", ".mean"}) out.push_back(b + agg);
    }
    for (const char* m : {"collective_time", "collective.start", "collective.end", "collective.duration", "send_time"}) {
      out.push_back(m);
    }
    return out;
  }();
  return names;
}

bool is_metric(const std::string& name) {
  return std::find(metric_names().begin(), metric_names().end(), name) != metric_names().end();
}

bool metric_needs_node(const std::string& name) { return name.starts_with("collective.") || name == "send_time"; }

bool metric_in_log(const std::string& name) { return is_metric(name) && name != "collective_time" && !metric_needs_node(name); }

MetricValue evaluate_metric(const std::string& metric, const std::map<int, NpuResult>& npus,
                            const std::vector<NodeTiming>& nodes, std::optional<int> npu,
                            const std::optional<NodeRef>& node) {
  MetricValue out;
  if (npu && !npus.count(*npu)) {
    out.error = "options.npu is " + std::to_string(*npu) + " but the run has " + std::to_string(npus.size()) + " NPUs";
    return out;
  }
  const auto dot = metric.find('.');
  const std::string base = metric.substr(0, dot);
  if (std::find(k_per_npu.begin(), k_per_npu.end(), base) != k_per_npu.end()) {
    const std::string agg = dot == std::string::npos ? "" : metric.substr(dot + 1);
    if (agg.empty() && npu) {
      out.value = static_cast<double>(npu_value(npus.at(*npu), base));
      return out;
    }
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
    long double sum = 0;
    for (const auto& [id, r] : npus) {
      const std::uint64_t v = npu_value(r, base);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += static_cast<long double>(v);
    }
    out.value = agg == "min" ? static_cast<double>(lo)
                : agg == "mean" ? static_cast<double>(sum / static_cast<long double>(npus.size()))
                                : static_cast<double>(hi);
    return out;
  }
  if (metric == "collective_time") {
    std::map<int, std::pair<std::uint64_t, std::uint64_t>> span;
    for (const auto& c : nodes) {
      if (c.kind != NodeType::coll || (npu && c.npu != *npu)) continue;
      auto [it, fresh] = span.try_emplace(c.npu, c.start_ns, c.end_ns);
      if (!fresh) {
        it->second.first = std::min(it->second.first, c.start_ns);
        it->second.second = std::max(it->second.second, c.end_ns);
      }
    }
    if (span.empty()) {
      out.error = "the workload has no collective on the NPUs measured";
      return out;
    }
    std::uint64_t longest = 0;
    for (const auto& [id, s] : span) longest = std::max(longest, s.second - s.first);
    out.value = static_cast<double>(longest);
    return out;
  }
  // Node metrics.
  const bool want_coll = metric.starts_with("collective.");
  std::vector<const NodeTiming*> found;
  for (const auto& t : nodes) {
    const bool kind_ok = want_coll ? t.kind == NodeType::coll : (t.kind == NodeType::send || t.kind == NodeType::recv);
    if (kind_ok && matches(t, *node) && (!npu || t.npu == *npu)) found.push_back(&t);
  }
  if (found.empty()) {
    out.error = "no " + std::string(want_coll ? "collective" : "send or recv") + " " + describe(*node) +
                (npu ? " on NPU " + std::to_string(*npu) : std::string(" on any NPU"));
    return out;
  }
  std::uint64_t value = metric == "collective.start" ? std::numeric_limits<std::uint64_t>::max() : 0;
  for (const NodeTiming* t : found) {
    if (metric == "collective.start") {
      value = std::min(value, t->start_ns);
    } else if (metric == "collective.end") {
      value = std::max(value, t->end_ns);
    } else {
      value = std::max(value, t->end_ns - t->start_ns);
    }
  }
  out.value = static_cast<double>(value);
  return out;
}

}  // namespace claimcheck::astrasim
