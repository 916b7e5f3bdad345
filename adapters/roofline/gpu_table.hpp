#pragma once
// Peak rates of common GPUs, for roofline lower bounds. Every figure is the vendor datasheet's
// dense (no structured sparsity) peak at boost clock; each entry names its datasheet.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck::roofline {

// Number formats an operator computes in. fp32 means IEEE FP32 math on the CUDA cores; an
// operator that may have run on tensor cores in TF32 must say tf32.
enum class Precision { fp64, fp32, tf32, fp16, bf16, fp8, int8 };

std::string_view precision_name(Precision precision);
std::optional<Precision> parse_precision(std::string_view name);
std::vector<std::string> precision_names();

// Bytes one element occupies in memory.
double bytes_per_element(Precision precision);

struct PeakRate {
  Precision precision = Precision::fp16;
  double flop_per_s = 0.0;  // dense peak, FLOP/s (OP/s for int8)
};

struct GpuSpec {
  std::string name;                  // canonical name, e.g. "A100-SXM4-80GB"
  std::vector<std::string> aliases;  // other spellings accepted (compared ignoring case and punctuation)
  std::vector<PeakRate> peaks;       // per precision the GPU supports
  double memory_bytes_per_s = 0.0;   // DRAM (HBM/GDDR) bandwidth, B/s
  std::string source;                // the datasheet the numbers come from

  // The peak for `precision`, or nullopt when the GPU has no such arithmetic.
  std::optional<double> peak(Precision precision) const;
};

// Every GPU in the table, in a stable order.
const std::vector<GpuSpec>& gpu_table();

// The GPU named `name` (canonical or alias; case, spaces, '-' and '_' ignored), or null.
const GpuSpec* find_gpu(std::string_view name);

// Canonical names, for "did you mean" and error messages.
std::vector<std::string> gpu_names();

}  // namespace claimcheck::roofline
