#include "adapters/astrasim/system_config.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/astrasim/json_locate.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

const std::vector<std::string> k_known_keys = {
    "scheduling-policy", "collective-optimization", "endpoint-delay", "local-reduction-delay",
    "active-chunks-per-dimension", "preferred-dataset-splits", "local-mem-bw", "peak-perf",
    "roofline-enabled", "all-reduce-implementation", "all-gather-implementation",
    "reduce-scatter-implementation", "all-to-all-implementation", "all-reduce-implementation-custom",
    "all-gather-implementation-custom", "reduce-scatter-implementation-custom",
    "all-to-all-implementation-custom", "per-node-custom-implementation", "L", "o", "g", "G",
    "model-shared-bus", "trace-enabled", "replay-only", "track-local-mem", "local-mem-trace-filename",
    "boost-mode", "intra-dimension-scheduling", "inter-dimension-scheduling"};

// Keys the 2.x system layer does not read at all.
const std::vector<std::string> k_ignored_keys = {"boost-mode", "intra-dimension-scheduling",
                                                 "inter-dimension-scheduling"};

struct Reader {
  const std::filesystem::path& file;
  const std::string& text;
  const nlohmann::json& root;

  [[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& hint = {}) const {
    throw InputError(file, json_key_line(text, key), 0, message, hint);
  }

  double number(const std::string& key) const {
    const auto& v = root.at(key);
    if (!v.is_number()) fail(key, "\"" + key + "\" must be a number, not " + v.dump());
    return v.get<double>();
  }

  std::string string(const std::string& key) const {
    const auto& v = root.at(key);
    if (!v.is_string()) fail(key, "\"" + key + "\" must be a string, not " + v.dump());
    return v.get<std::string>();
  }

  std::vector<CollectiveImpl> impls(const std::string& key) const {
    std::vector<CollectiveImpl> out;
    if (!root.contains(key)) return out;
    const auto& v = root.at(key);
    if (!v.is_array() || v.empty()) fail(key, "\"" + key + "\" must be a non-empty list, one entry per dimension");
    for (const auto& item : v) {
      if (!item.is_string()) fail(key, "\"" + key + "\" entries must be strings, not " + item.dump());
      out.push_back(parse_impl(key, item.get<std::string>()));
    }
    return out;
  }

  CollectiveImpl parse_impl(const std::string& key, const std::string& name) const {
    static const std::vector<std::string> names = {"ring", "oneRing", "direct", "oneDirect", "halvingDoubling",
                                                   "oneHalvingDoubling", "doubleBinaryTree"};
    if (name == "ring") return {ImplKind::ring, -1};
    if (name == "oneRing") return {ImplKind::one_ring, -1};
    if (name == "halvingDoubling") return {ImplKind::halving_doubling, -1};
    if (name == "oneHalvingDoubling") return {ImplKind::one_halving_doubling, -1};
    if (name == "doubleBinaryTree") return {ImplKind::double_binary_tree, -1};
    for (const auto& [prefix, kind] : {std::pair{std::string("oneDirect"), ImplKind::one_direct},
                                       std::pair{std::string("direct"), ImplKind::direct}}) {
      if (name.rfind(prefix, 0) != 0) continue;
      if (name == prefix) return {kind, -1};
      const std::string digits = name.substr(prefix.size());
      if (!digits.empty() && digits.size() <= 5 && std::all_of(digits.begin(), digits.end(), ::isdigit) &&
          std::stoi(digits) > 0) {
        return {kind, std::stoi(digits)};
      }
      fail(key, "unknown collective implementation \"" + name + "\" in \"" + key + "\"",
           "write " + prefix + " or " + prefix + "N with a window N > 0, e.g. " + prefix + "4");
    }
    const std::string near = closest_match(name, names);
    fail(key, "unknown collective implementation \"" + name + "\" in \"" + key + "\"",
         near.empty() ? "use ring, oneRing, direct, directN, oneDirect, halvingDoubling, oneHalvingDoubling or "
                        "doubleBinaryTree"
                      : "did you mean \"" + near + "\"?");
  }
};

}  // namespace

std::string_view impl_name(ImplKind kind) {
  switch (kind) {
    case ImplKind::ring: return "ring";
    case ImplKind::one_ring: return "oneRing";
    case ImplKind::direct: return "direct";
    case ImplKind::one_direct: return "oneDirect";
    case ImplKind::halving_doubling: return "halvingDoubling";
    case ImplKind::one_halving_doubling: return "oneHalvingDoubling";
    case ImplKind::double_binary_tree: return "doubleBinaryTree";
  }
  return "?";
}

SystemConfig parse_system_config(const std::filesystem::path& file, const std::string& text) {
  const nlohmann::json root = parse_json_file(file, text);
  if (!root.is_object()) throw InputError(file, 1, 1, "the system configuration must be a JSON object");
  const Reader r{file, text, root};
  SystemConfig config;
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    if (std::find(k_known_keys.begin(), k_known_keys.end(), key) == k_known_keys.end()) {
      const std::string near = closest_match(key, k_known_keys);
      r.fail(key, "unknown key \"" + key + "\"", near.empty() ? "" : "did you mean \"" + near + "\"?");
    }
    if (std::find(k_ignored_keys.begin(), k_ignored_keys.end(), key) != k_ignored_keys.end()) {
      config.warnings.push_back(file.filename().string() + ": \"" + key +
                                "\" is ignored by ASTRA-sim 2.x and by this model");
    }
  }
  for (const auto& [key, type] : {std::pair{"all-reduce-implementation-custom", CommType::all_reduce},
                                  std::pair{"all-gather-implementation-custom", CommType::all_gather},
                                  std::pair{"reduce-scatter-implementation-custom", CommType::reduce_scatter},
                                  std::pair{"all-to-all-implementation-custom", CommType::all_to_all}}) {
    if (!root.contains(key)) continue;
    const auto& v = root.at(key);
    if (!v.is_array() || v.size() != 1 || !v[0].is_string()) {
      r.fail(key, std::string("\"") + key + "\" must be a list of one Chakra ET prefix",
             "the real tool takes exactly one ET (PREFIX.<rank>.et) covering every dimension");
    }
    config.custom_impl[type] = v[0].get<std::string>();
  }
  if (root.contains("per-node-custom-implementation")) {
    config.per_node_custom_impl = r.string("per-node-custom-implementation");
  }
  if (root.contains("model-shared-bus") && r.number("model-shared-bus") == 1) {
    r.fail("model-shared-bus", "\"model-shared-bus\": 1 (the LogGP shared-bus model) is unsupported",
           "set it to 0 or remove it");
  }

  if (!root.contains("scheduling-policy")) {
    throw InputError(file, 1, 1, "missing key \"scheduling-policy\"; the tool leaves it uninitialised",
                     "add \"scheduling-policy\": \"LIFO\" (or FIFO, EXPLICIT)");
  }
  const std::string policy = r.string("scheduling-policy");
  if (policy == "LIFO") {
    config.scheduling_policy = SchedulingPolicy::lifo;
  } else if (policy == "FIFO") {
    config.scheduling_policy = SchedulingPolicy::fifo;
  } else if (policy == "EXPLICIT") {
    config.scheduling_policy = SchedulingPolicy::explicit_priority;
  } else {
    r.fail("scheduling-policy", "unknown scheduling-policy \"" + policy + "\"", "use LIFO, FIFO or EXPLICIT");
  }
  config.collective_optimization_set = root.contains("collective-optimization");
  const std::string optimization =
      config.collective_optimization_set ? r.string("collective-optimization") : "localBWAware";
  if (optimization == "localBWAware") {
    config.collective_optimization = CollectiveOptimization::local_bw_aware;
  } else if (optimization == "baseline") {
    config.collective_optimization = CollectiveOptimization::baseline;
  } else {
    const std::string near = closest_match(optimization, {"localBWAware", "baseline"});
    r.fail("collective-optimization", "unknown collective-optimization \"" + optimization + "\"",
           near.empty() ? "use localBWAware or baseline" : "did you mean \"" + near + "\"?");
  }
  if (root.contains("endpoint-delay")) {
    const double v = r.number("endpoint-delay");
    if (v < 0) r.fail("endpoint-delay", "\"endpoint-delay\" must be 0 or more (ns)");
    config.endpoint_delay_ns = static_cast<int>(v);
    config.endpoint_delay_set = true;
  }
  if (root.contains("active-chunks-per-dimension")) {
    const double v = r.number("active-chunks-per-dimension");
    if (v < 1) r.fail("active-chunks-per-dimension", "\"active-chunks-per-dimension\" must be 1 or more");
    config.active_chunks_per_dimension = static_cast<int>(v);
  }
  if (!root.contains("preferred-dataset-splits")) {
    throw InputError(file, 1, 1,
                     "missing key \"preferred-dataset-splits\"; the tool divides by it (default 0)",
                     "add \"preferred-dataset-splits\": 4 (chunks per collective)");
  }
  const double splits = r.number("preferred-dataset-splits");
  if (splits < 1) {
    r.fail("preferred-dataset-splits", "\"preferred-dataset-splits\" must be 1 or more; the tool divides by it");
  }
  config.preferred_dataset_splits = static_cast<int>(splits);
  if (!root.contains("local-mem-bw")) {
    throw InputError(file, 1, 1,
                     "missing key \"local-mem-bw\"; the tool divides by it (default 0), making every reduction "
                     "infinitely slow",
                     "add \"local-mem-bw\": 1600 (GB/s)");
  }
  config.local_mem_bw_gbps = r.number("local-mem-bw");
  if (!(config.local_mem_bw_gbps > 0)) {
    r.fail("local-mem-bw", "\"local-mem-bw\" must be larger than 0 (GB/s); the tool divides by it");
  }
  if (root.contains("peak-perf")) config.peak_perf_tflops = r.number("peak-perf");
  if (root.contains("roofline-enabled")) config.roofline_enabled = r.number("roofline-enabled") != 0;
  if (config.roofline_enabled && !(config.peak_perf_tflops > 0)) {
    r.fail("roofline-enabled", "\"roofline-enabled\" needs \"peak-perf\" larger than 0 (TFLOP/s)");
  }
  if (root.contains("replay-only")) config.replay_only = r.number("replay-only") != 0;
  config.all_reduce = r.impls("all-reduce-implementation");
  config.all_gather = r.impls("all-gather-implementation");
  config.reduce_scatter = r.impls("reduce-scatter-implementation");
  config.all_to_all = r.impls("all-to-all-implementation");
  return config;
}

}  // namespace claimcheck::astrasim
