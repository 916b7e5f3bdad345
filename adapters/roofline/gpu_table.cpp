#include "adapters/roofline/gpu_table.hpp"

#include <cctype>

namespace claimcheck::roofline {
namespace {

constexpr double k_tera = 1e12;
constexpr double k_giga = 1e9;

std::string normalized(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::vector<GpuSpec> make_table() {
  using P = Precision;
  // A100: NVIDIA A100 Tensor Core GPU datasheet (2021). FP64 uses the FP64 Tensor Core peak
  // (19.5), the highest rate FP64 math can reach; TF32/FP16/BF16/INT8 are the dense figures
  // (the datasheet's starred figures are with sparsity, twice these).
  const std::vector<PeakRate> a100 = {{P::fp64, 19.5 * k_tera}, {P::fp32, 19.5 * k_tera}, {P::tf32, 156 * k_tera},
                                      {P::fp16, 312 * k_tera},  {P::bf16, 312 * k_tera},  {P::int8, 624 * k_tera}};
  const std::string a100_source = "NVIDIA A100 Tensor Core GPU datasheet (2021), dense peaks";
  // H100: NVIDIA H100 Tensor Core GPU datasheet; its tensor figures are "with sparsity" and the
  // footnote says dense is one half, so TF32 989/2, FP16/BF16 1979/2, FP8/INT8 3958/2 (SXM);
  // 756/2, 1513/2, 3026/2 (PCIe).
  const std::string h100_source =
      "NVIDIA H100 Tensor Core GPU datasheet, dense peaks (the sparsity figures halved, per its footnote)";
  return {
      {"A100-SXM4-80GB", {"A100-SXM-80GB", "A100 80GB SXM", "A100-80GB-SXM4"}, a100, 2039 * k_giga, a100_source},
      {"A100-SXM4-40GB", {"A100-SXM-40GB", "A100 40GB SXM", "A100-40GB-SXM4"}, a100, 1555 * k_giga, a100_source},
      {"A100-PCIe-80GB", {"A100 80GB PCIe", "A100-80GB-PCIe"}, a100, 1935 * k_giga, a100_source},
      {"A100-PCIe-40GB", {"A100 40GB PCIe", "A100-40GB-PCIe", "A100-PCIE-40GB"}, a100, 1555 * k_giga, a100_source},
      {"H100-SXM5-80GB",
       {"H100-SXM", "H100 SXM", "H100-SXM-80GB", "H100 80GB HBM3"},
       {{P::fp64, 67 * k_tera},
        {P::fp32, 67 * k_tera},
        {P::tf32, 494.5 * k_tera},
        {P::fp16, 989.5 * k_tera},
        {P::bf16, 989.5 * k_tera},
        {P::fp8, 1979 * k_tera},
        {P::int8, 1979 * k_tera}},
       3350 * k_giga,
       h100_source},
      {"H100-PCIe-80GB",
       {"H100-PCIe", "H100 PCIe"},
       {{P::fp64, 51 * k_tera},
        {P::fp32, 51 * k_tera},
        {P::tf32, 378 * k_tera},
        {P::fp16, 756.5 * k_tera},
        {P::bf16, 756.5 * k_tera},
        {P::fp8, 1513 * k_tera},
        {P::int8, 1513 * k_tera}},
       2000 * k_giga,
       h100_source},
      {"V100-SXM2",
       {"V100 SXM2", "V100-SXM2-16GB", "V100-SXM2-32GB", "Tesla V100-SXM2"},
       {{P::fp64, 7.8 * k_tera}, {P::fp32, 15.7 * k_tera}, {P::fp16, 125 * k_tera}},
       900 * k_giga,
       "NVIDIA Tesla V100 GPU datasheet (2020), SXM2 column; FP16 is the Tensor Core peak"},
      {"V100-PCIe",
       {"V100 PCIe", "V100-PCIE-32GB", "V100-PCIe-16GB", "Tesla V100-PCIE-32GB"},
       {{P::fp64, 7 * k_tera}, {P::fp32, 14 * k_tera}, {P::fp16, 112 * k_tera}},
       900 * k_giga,
       "NVIDIA Tesla V100 GPU datasheet (2020), PCIe column; FP16 is the Tensor Core peak"},
      {"L4",
       {"NVIDIA L4"},
       {{P::fp32, 30.3 * k_tera},
        {P::tf32, 60 * k_tera},
        {P::fp16, 121 * k_tera},
        {P::bf16, 121 * k_tera},
        {P::fp8, 242.5 * k_tera},
        {P::int8, 242.5 * k_tera}},
       300 * k_giga,
       "NVIDIA L4 Tensor Core GPU datasheet, dense peaks (the sparsity figures halved, per its footnote)"},
      {"T4",
       {"Tesla T4", "NVIDIA T4"},
       {{P::fp32, 8.1 * k_tera}, {P::fp16, 65 * k_tera}, {P::int8, 130 * k_tera}},
       320 * k_giga,
       "NVIDIA T4 Tensor Core GPU datasheet; FP16 is the mixed-precision Tensor Core peak"},
  };
}

}  // namespace

std::string_view precision_name(Precision precision) {
  switch (precision) {
    case Precision::fp64: return "fp64";
    case Precision::fp32: return "fp32";
    case Precision::tf32: return "tf32";
    case Precision::fp16: return "fp16";
    case Precision::bf16: return "bf16";
    case Precision::fp8: return "fp8";
    case Precision::int8: return "int8";
  }
  return "?";
}

std::optional<Precision> parse_precision(std::string_view name) {
  for (Precision p : {Precision::fp64, Precision::fp32, Precision::tf32, Precision::fp16, Precision::bf16,
                      Precision::fp8, Precision::int8}) {
    if (precision_name(p) == name) return p;
  }
  return std::nullopt;
}

std::vector<std::string> precision_names() { return {"fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"}; }

double bytes_per_element(Precision precision) {
  switch (precision) {
    case Precision::fp64: return 8;
    case Precision::fp32:
    case Precision::tf32: return 4;
    case Precision::fp16:
    case Precision::bf16: return 2;
    case Precision::fp8:
    case Precision::int8: return 1;
  }
  return 0;
}

std::optional<double> GpuSpec::peak(Precision precision) const {
  for (const auto& rate : peaks) {
    if (rate.precision == precision) return rate.flop_per_s;
  }
  return std::nullopt;
}

const std::vector<GpuSpec>& gpu_table() {
  static const std::vector<GpuSpec> table = make_table();
  return table;
}

const GpuSpec* find_gpu(std::string_view name) {
  const std::string wanted = normalized(name);
  if (wanted.empty()) return nullptr;
  for (const auto& gpu : gpu_table()) {
    if (normalized(gpu.name) == wanted) return &gpu;
    for (const auto& alias : gpu.aliases) {
      if (normalized(alias) == wanted) return &gpu;
    }
  }
  return nullptr;
}

std::vector<std::string> gpu_names() {
  std::vector<std::string> names;
  for (const auto& gpu : gpu_table()) names.push_back(gpu.name);
  return names;
}

}  // namespace claimcheck::roofline
