#include "adapters/roofline/roofline_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/json_locator.hpp"

namespace claimcheck::roofline {
namespace {

using nlohmann::json;

const std::vector<std::string> k_workload_keys = {"precision", "memory_bound", "operators"};
const std::vector<std::string> k_gemm_keys = {"op", "name", "count", "precision", "m", "n", "k", "batch"};
const std::vector<std::string> k_attention_keys = {"op",      "name",   "count",    "precision", "batch",
                                                   "heads",   "kv_heads", "seq_len", "kv_len",   "head_dim",
                                                   "causal"};

std::string list(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
  return text;
}

void unknown_keys(const json& object, const std::string& pointer, const std::vector<std::string>& allowed,
                  Diagnostics& out) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string close = closest_match(key, allowed);
    out.add({}, pointer + "/" + pointer_token(key), "unknown key \"" + key + "\"",
            close.empty() ? "allowed keys here: " + list(allowed) : "did you mean \"" + close + "\"?");
  }
}

std::optional<Precision> precision_at(const json& object, const std::string& pointer, Diagnostics& out) {
  if (!object.contains("precision")) return std::nullopt;
  const json& value = object.at("precision");
  if (value.is_string()) {
    if (auto p = parse_precision(value.get<std::string>())) return p;
  }
  std::string hint = "one of " + list(precision_names());
  if (value.is_string()) {
    if (auto close = closest_match(value.get<std::string>(), precision_names()); !close.empty()) {
      hint = "did you mean \"" + close + "\"?";
    }
  }
  out.add({}, pointer + "/precision", "unknown precision " + value.dump(), hint);
  return std::nullopt;
}

// A positive whole number at object[key] (required unless a default is given).
double count_at(const json& object, const std::string& pointer, const std::string& key, std::optional<double> fallback,
                Diagnostics& out) {
  if (!object.contains(key)) {
    if (fallback) return *fallback;
    out.add({}, pointer, "missing \"" + key + "\"");
    return 0;
  }
  const json& value = object.at(key);
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0 ||
      std::floor(value.get<double>()) != value.get<double>()) {
    out.add({}, pointer + "/" + key, "\"" + key + "\" must be a positive whole number, not " + value.dump());
    return 0;
  }
  return value.get<double>();
}

std::optional<Operator> parse_operator(const json& object, const std::string& pointer, Precision fallback,
                                       bool has_fallback, Diagnostics& out) {
  const std::size_t before = out.size();
  if (!object.is_object()) {
    out.add({}, pointer, std::string("an operator must be an object, not ") + object.type_name());
    return std::nullopt;
  }
  Operator op;
  const std::string kind = object.contains("op") && object.at("op").is_string() ? object.at("op").get<std::string>() : "";
  if (kind == "gemm") {
    op.kind = OperatorKind::gemm;
    unknown_keys(object, pointer, k_gemm_keys, out);
    op.gemm.m = count_at(object, pointer, "m", std::nullopt, out);
    op.gemm.n = count_at(object, pointer, "n", std::nullopt, out);
    op.gemm.k = count_at(object, pointer, "k", std::nullopt, out);
    op.gemm.batch = count_at(object, pointer, "batch", 1.0, out);
  } else if (kind == "attention") {
    op.kind = OperatorKind::attention;
    unknown_keys(object, pointer, k_attention_keys, out);
    auto& a = op.attention;
    a.batch = count_at(object, pointer, "batch", 1.0, out);
    a.heads = count_at(object, pointer, "heads", std::nullopt, out);
    a.kv_heads = count_at(object, pointer, "kv_heads", a.heads, out);
    a.seq_len = count_at(object, pointer, "seq_len", std::nullopt, out);
    a.kv_len = count_at(object, pointer, "kv_len", a.seq_len, out);
    a.head_dim = count_at(object, pointer, "head_dim", std::nullopt, out);
    if (object.contains("causal")) {
      if (object.at("causal").is_boolean()) {
        a.causal = object.at("causal").get<bool>();
      } else {
        out.add({}, pointer + "/causal", "\"causal\" must be true or false");
      }
    }
    if (a.causal && a.seq_len > a.kv_len) {
      out.add({}, pointer + "/seq_len", "a causal attention cannot have more queries (seq_len) than keys (kv_len)");
    }
  } else {
    out.add({}, object.contains("op") ? pointer + "/op" : pointer,
            object.contains("op") ? "unknown operator " + object.at("op").dump() : "missing \"op\"",
            "\"op\" is \"gemm\" or \"attention\"");
    return std::nullopt;
  }
  if (object.contains("name")) {
    if (object.at("name").is_string()) {
      op.name = object.at("name").get<std::string>();
    } else {
      out.add({}, pointer + "/name", "\"name\" must be a string");
    }
  }
  if (op.name.empty()) op.name = kind;
  op.count = count_at(object, pointer, "count", 1.0, out);
  if (auto p = precision_at(object, pointer, out)) {
    op.precision = *p;
  } else if (!object.contains("precision")) {
    if (has_fallback) {
      op.precision = fallback;
    } else {
      out.add({}, pointer, "missing \"precision\"", "give it here or once for all operators: " + list(precision_names()));
    }
  }
  if (out.size() != before) return std::nullopt;
  return op;
}

std::optional<RooflineWorkload> parse_workload_keys(const json& object, const std::string& pointer, Diagnostics& out) {
  const std::size_t before = out.size();
  RooflineWorkload workload;
  const auto fallback = precision_at(object, pointer, out);
  if (object.contains("memory_bound")) {
    if (object.at("memory_bound").is_boolean()) {
      workload.memory_bound = object.at("memory_bound").get<bool>();
    } else {
      out.add({}, pointer + "/memory_bound", "\"memory_bound\" must be true or false");
    }
  }
  if (!object.contains("operators") || !object.at("operators").is_array() || object.at("operators").empty()) {
    out.add({}, object.contains("operators") ? pointer + "/operators" : pointer,
            "\"operators\" must be a non-empty array of {\"op\": \"gemm\" | \"attention\", ...}");
  } else {
    const json& ops = object.at("operators");
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (auto op = parse_operator(ops[i], pointer + "/operators/" + std::to_string(i), fallback.value_or(Precision::fp16),
                                   fallback.has_value(), out)) {
        workload.operators.push_back(*op);
      }
    }
  }
  if (out.size() != before) return std::nullopt;
  return workload;
}

std::string time_text(double seconds) {
  char buffer[64];
  if (seconds >= 1) {
    std::snprintf(buffer, sizeof buffer, "%.4g s", seconds);
  } else if (seconds >= 1e-3) {
    std::snprintf(buffer, sizeof buffer, "%.4g ms", seconds * 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g us", seconds * 1e6);
  }
  return buffer;
}

}  // namespace

const GpuSpec* parse_gpu(const json& hardware, const std::string& pointer, Diagnostics& out) {
  if (!hardware.is_object() || !hardware.contains("gpu") || !hardware.at("gpu").is_string()) {
    out.add({}, pointer, "needs \"gpu\": the name of a GPU in the roofline table", "known GPUs: " + list(gpu_names()));
    return nullptr;
  }
  const std::string name = hardware.at("gpu").get<std::string>();
  if (const GpuSpec* gpu = find_gpu(name)) return gpu;
  const std::string close = closest_match(name, gpu_names());
  out.add({}, pointer + "/gpu", "unknown GPU \"" + name + "\"",
          close.empty() ? "known GPUs: " + list(gpu_names()) : "did you mean \"" + close + "\"?");
  return nullptr;
}

std::optional<RooflineWorkload> parse_workload(const json& workload, const std::string& pointer, Diagnostics& out) {
  if (!workload.is_object()) {
    out.add({}, pointer, "needs an object {\"precision\": ..., \"operators\": [...]}");
    return std::nullopt;
  }
  unknown_keys(workload, pointer, k_workload_keys, out);
  return parse_workload_keys(workload, pointer, out);
}

std::optional<RooflineSpec> parse_roofline_option(const json& object, const std::string& pointer, Diagnostics& out) {
  if (!object.is_object()) {
    out.add({}, pointer, "\"roofline\" must be an object {\"gpu\": ..., \"precision\": ..., \"operators\": [...]}");
    return std::nullopt;
  }
  std::vector<std::string> keys = k_workload_keys;
  keys.push_back("gpu");
  unknown_keys(object, pointer, keys, out);
  RooflineSpec spec;
  spec.gpu = parse_gpu(object, pointer, out);
  auto workload = parse_workload_keys(object, pointer, out);
  if (!spec.gpu || !workload) return std::nullopt;
  spec.workload = std::move(*workload);
  // Every operator's precision must exist on the GPU.
  for (std::size_t i = 0; i < spec.workload.operators.size(); ++i) {
    const auto& op = spec.workload.operators[i];
    if (!spec.gpu->peak(op.precision)) {
      out.add({}, pointer + "/operators/" + std::to_string(i),
              spec.gpu->name + " has no " + std::string(precision_name(op.precision)) + " arithmetic");
      return std::nullopt;
    }
  }
  return spec;
}

std::string describe_bound(const Bound& bound, const GpuSpec& gpu) {
  return "roofline bound " + time_text(bound.min_latency) + " on " + gpu.name + " (compute " +
         time_text(bound.compute_time) + ", memory " + time_text(bound.memory_time) + ")";
}

}  // namespace claimcheck::roofline
