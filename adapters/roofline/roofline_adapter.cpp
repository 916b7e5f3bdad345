#include "adapters/roofline/roofline_adapter.hpp"

#include <algorithm>
#include <cstdio>

#include "adapters/roofline/roofline_spec.hpp"
#include "io/json_limits.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;
using namespace roofline;

const std::vector<MetricInfo>& metric_table() {
  static const std::vector<MetricInfo> metrics = {
      {"min_latency", "s", "roofline lower bound: max(sum of FLOP/peak, sum of bytes/bandwidth)"},
      {"compute_time", "s", "sum over operators of FLOP / peak FLOP/s at their precision"},
      {"memory_time", "s", "compulsory DRAM traffic / memory bandwidth"},
      {"flops", "FLOP", "arithmetic of all operators times their counts"},
      {"bytes", "B", "compulsory DRAM traffic of all operators times their counts"},
  };
  return metrics;
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

// The spec object: inline, or a JSON file (relative to the claim file) read through the sandbox.
json spec_json(const Spec& spec, const Job& job) {
  if (!spec.path) return spec.inline_spec;
  const auto path = job.sandbox.resolve(job.claim_dir, *spec.path);
  return parse_json_bounded(job.sandbox.read(path), job.sandbox.relative(path));
}

class RooflineAdapter final : public Adapter {
 public:
  std::string name() const override { return "roofline"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override { return metric_table(); }
  std::vector<Mode> modes() const override { return {Mode::run}; }
  AdapterDoc doc() const override {
    return {"a roofline lower bound for GEMM and attention on a named GPU (datasheet peaks)",
            "\"hardware\": {\"spec\": {\"gpu\": NAME}} and \"workload\": {\"spec\": {\"precision\": ..., \"operators\": [...]}},\n"
            "inline or as paths of JSON files holding those objects. Operators: {\"op\": \"gemm\", \"m\", \"n\", \"k\", "
            "\"batch\", \"count\"}\nor {\"op\": \"attention\", \"batch\", \"heads\", \"kv_heads\", \"seq_len\", "
            "\"kv_len\", \"head_dim\", \"causal\", \"count\"}.",
            R"({
  "id": "gemm-4096-a100-bound",
  "title": "A 4096^3 fp16 GEMM on A100 takes at least 440.5 us",
  "source": {"paper": "Our paper", "where": "Section 2"},
  "tool": "roofline",
  "workload": {"name": "GEMM 4096^3 fp16",
               "spec": {"precision": "fp16", "operators": [{"op": "gemm", "m": 4096, "n": 4096, "k": 4096}]}},
  "hardware": {"name": "A100 SXM4 80GB", "spec": {"gpu": "A100-SXM4-80GB"}},
  "metric": "min_latency",
  "expected": {"value": 440.51, "unit": "us"},
  "tolerance": {"absolute": 0.01}
})"};
  }
  std::vector<NewSlot> new_slots(Mode) const override {
    return {{"HARDWARE", "/hardware/spec", false, true, true}, {"WORKLOAD", "/workload/spec", false, true, true}};
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.mode != Mode::run) out.add({}, "/mode", "the roofline adapter computes its bound: mode must be \"run\"");
    std::vector<std::string> names;
    for (const auto& m : metric_table()) names.push_back(m.name);
    if (std::find(names.begin(), names.end(), claim.metric) == names.end()) {
      const std::string close = closest_match(claim.metric, names);
      out.add({}, "/metric", "unknown roofline metric \"" + claim.metric + "\"",
              close.empty() ? "metrics: min_latency, compute_time, memory_time, flops, bytes"
                            : "did you mean \"" + close + "\"?");
    }
    if (claim.extract.kind != Extract::Kind::none) out.add({}, "/extract", "the roofline adapter computes its value; remove \"extract\"");
    if (!claim.hardware.path && claim.hardware.inline_spec.is_null()) {
      out.add({}, "/hardware", "needs \"spec\": {\"gpu\": ...}", "known GPUs: see `claimcheck adapters` or adapters/roofline/gpu_table.cpp");
    } else if (!claim.hardware.path) {
      parse_gpu(claim.hardware.inline_spec, "/hardware/spec", out);
    }
    if (!claim.workload.path && claim.workload.inline_spec.is_null()) {
      out.add({}, "/workload", "needs \"spec\": {\"precision\": ..., \"operators\": [...]}");
    } else if (!claim.workload.path) {
      parse_workload(claim.workload.inline_spec, "/workload/spec", out);
    }
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    Diagnostics problems;
    const json hardware = spec_json(claim.hardware, job);
    const json workload_json = spec_json(claim.workload, job);
    const GpuSpec* gpu = parse_gpu(hardware, "/hardware/spec", problems);
    const auto workload = parse_workload(workload_json, "/workload/spec", problems);
    if (!gpu || !workload) {
      for (auto& d : problems.items()) d.file = claim.location.file;
      throw InputError(problems);
    }
    for (const auto& op : workload->operators) {
      if (!gpu->peak(op.precision)) {
        return Blocked{BlockKind::unsupported,
                       gpu->name + " has no " + std::string(precision_name(op.precision)) + " arithmetic (operator \"" +
                           op.name + "\")",
                       "use a precision the GPU supports, or another GPU", {}};
      }
    }
    const Bound bound = roofline_bound(workload->operators, *gpu, workload->memory_bound);
    Measurement m;
    if (claim.metric == "flops") {
      m.value = bound.flops;
      m.unit = *parse_unit("FLOP");
    } else if (claim.metric == "bytes") {
      m.value = bound.bytes;
      m.unit = *parse_unit("B");
    } else {
      m.value = claim.metric == "compute_time" ? bound.compute_time
                : claim.metric == "memory_time" ? bound.memory_time
                                                : bound.min_latency;
      m.unit = *parse_unit("s");
    }
    m.tool_version = "native roofline model 1";
    m.details.push_back({"gpu", gpu->name});
    m.details.push_back({"peaks from", gpu->source});
    m.details.push_back({"memory bandwidth", number(gpu->memory_bytes_per_s / 1e9) + " GB/s"});
    m.details.push_back({"flops", number(bound.flops) + " FLOP"});
    m.details.push_back({"bytes", number(bound.bytes) + " B"});
    m.details.push_back({"compute_time", number(bound.compute_time) + " s"});
    m.details.push_back({"memory_time", number(bound.memory_time) + " s"});
    m.details.push_back({"bound", bound.compute_time >= bound.memory_time ? "compute" : "memory"});
    for (const auto& op : workload->operators) {
      const Work work = operator_work(op);
      m.details.push_back({"operator " + op.name,
                           number(op.count) + " x (" + number(work.flops) + " FLOP, " + number(work.bytes) + " B, " +
                               std::string(precision_name(op.precision)) + " at " +
                               number(*gpu->peak(op.precision) / 1e12) + " TFLOP/s)"});
    }
    if (!workload->memory_bound) {
      m.warnings.push_back("memory_bound is false: only the compute term bounds the latency");
    }
    if (claim.hardware.path) m.files.push_back(job.sandbox.resolve(job.claim_dir, *claim.hardware.path));
    if (claim.workload.path) m.files.push_back(job.sandbox.resolve(job.claim_dir, *claim.workload.path));
    return m;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_roofline_adapter() { return std::make_unique<RooflineAdapter>(); }

}  // namespace claimcheck
