// The roofline model on hand-computed cases, its spec parser and its adapter.

#include <gtest/gtest.h>

#include "adapters/roofline/gpu_table.hpp"
#include "adapters/roofline/roofline_adapter.hpp"
#include "adapters/roofline/roofline_model.hpp"
#include "adapters/roofline/roofline_spec.hpp"
#include "io/claim_loader.hpp"
#include "support/support.hpp"

namespace claimcheck::roofline {
namespace {

using nlohmann::json;

const GpuSpec& gpu(const std::string& name) {
  const GpuSpec* found = find_gpu(name);
  EXPECT_NE(found, nullptr) << name;
  return *found;
}

Operator gemm(double m, double n, double k, Precision p = Precision::fp16, double count = 1) {
  Operator op;
  op.name = "gemm";
  op.kind = OperatorKind::gemm;
  op.gemm = Gemm{m, n, k, 1};
  op.precision = p;
  op.count = count;
  return op;
}

Operator attention(Attention a, Precision p = Precision::fp16) {
  Operator op;
  op.name = "attention";
  op.kind = OperatorKind::attention;
  op.attention = a;
  op.precision = p;
  return op;
}

TEST(GpuTable, FindsCanonicalNamesAndAliasesIgnoringCaseAndPunctuation) {
  EXPECT_EQ(gpu("h100 sxm").name, "H100-SXM5-80GB");
  EXPECT_EQ(gpu("A100_SXM4_80GB").name, "A100-SXM4-80GB");
  EXPECT_EQ(gpu("Tesla V100-PCIE-32GB").name, "V100-PCIe");
  EXPECT_EQ(find_gpu("A200"), nullptr);
  EXPECT_EQ(find_gpu(""), nullptr);
}

TEST(GpuTable, EveryEntryHasASourceBandwidthAndFp16OrFp32Peak) {
  for (const auto& g : gpu_table()) {
    EXPECT_FALSE(g.source.empty()) << g.name;
    EXPECT_GT(g.memory_bytes_per_s, 0) << g.name;
    EXPECT_TRUE(g.peak(Precision::fp32).has_value()) << g.name;
    EXPECT_TRUE(g.peak(Precision::fp16).has_value()) << g.name;
  }
  // Datasheet figures (dense): A100 FP16 312 TFLOP/s and 2039 GB/s (80GB SXM); H100 SXM 1979/2.
  EXPECT_EQ(*gpu("A100-SXM4-80GB").peak(Precision::fp16), 312e12);
  EXPECT_EQ(gpu("A100-SXM4-80GB").memory_bytes_per_s, 2039e9);
  EXPECT_EQ(*gpu("H100-SXM5-80GB").peak(Precision::bf16), 989.5e12);
  EXPECT_FALSE(gpu("A100-SXM4-80GB").peak(Precision::fp8).has_value());
}

TEST(RooflineModel, SquareGemmOnA100IsComputeBound) {
  // 2*4096^3 = 137438953472 FLOP; 2 B * 3 * 4096^2 = 100663296 B.
  const Work work = operator_work(gemm(4096, 4096, 4096));
  EXPECT_EQ(work.flops, 137438953472.0);
  EXPECT_EQ(work.bytes, 100663296.0);
  const Bound b = roofline_bound({gemm(4096, 4096, 4096)}, gpu("A100-SXM4-80GB"));
  EXPECT_NEAR(b.compute_time, 137438953472.0 / 312e12, 1e-15);  // 440.509 us
  EXPECT_NEAR(b.compute_time, 440.5094e-6, 1e-10);
  EXPECT_NEAR(b.memory_time, 49.3689e-6, 1e-10);                // 100663296 / 2039e9
  EXPECT_EQ(b.min_latency, b.compute_time);
}

TEST(RooflineModel, GemvOnH100IsMemoryBound) {
  // 1 x 8192 x 8192: 134217728 FLOP; 2 B * (8192 + 8192^2 + 8192) = 134250496 B.
  const Bound b = roofline_bound({gemm(1, 8192, 8192)}, gpu("H100-SXM5-80GB"));
  EXPECT_EQ(b.flops, 134217728.0);
  EXPECT_EQ(b.bytes, 134250496.0);
  EXPECT_NEAR(b.memory_time, 40.0748e-6, 1e-10);  // 134250496 / 3.35e12
  EXPECT_NEAR(b.compute_time, 0.135642e-6, 1e-11);
  EXPECT_EQ(b.min_latency, b.memory_time);
}

TEST(RooflineModel, AttentionCountsTwoMatrixProductsPerPair) {
  // B=1, H=32, S=2048, D=128: 4*32*128*2048^2 = 68719476736 FLOP;
  // bytes 2 * 128 * (2*32*2048 + 2*32*2048) = 67108864.
  Attention a;
  a.heads = 32;
  a.seq_len = 2048;
  a.head_dim = 128;
  const Work full = operator_work(attention(a));
  EXPECT_EQ(full.flops, 68719476736.0);
  EXPECT_EQ(full.bytes, 67108864.0);
  // Causal: 2048*2049/2 = 2098176 pairs -> 4*32*128*2098176 = 34376515584 FLOP; same bytes.
  a.causal = true;
  const Work causal = operator_work(attention(a));
  EXPECT_EQ(causal.flops, 34376515584.0);
  EXPECT_EQ(causal.bytes, full.bytes);
  const Bound b = roofline_bound({attention(a)}, gpu("A100-SXM4-80GB"));
  EXPECT_NEAR(b.min_latency, 34376515584.0 / 312e12, 1e-15);  // 110.18 us
}

TEST(RooflineModel, DecodeAttentionWithGroupedKvHeads) {
  // B=8, H=32, kv_heads=8, one query over 4096 keys, D=128, bf16:
  // 4*8*32*128*4096 = 536870912 FLOP; 2 * 8 * 128 * (2*32*1 + 2*8*4096) = 134348800 B.
  Attention a;
  a.batch = 8;
  a.heads = 32;
  a.kv_heads = 8;
  a.seq_len = 1;
  a.kv_len = 4096;
  a.head_dim = 128;
  a.causal = true;  // one query sees every key: causal changes nothing
  const Work work = operator_work(attention(a, Precision::bf16));
  EXPECT_EQ(work.flops, 536870912.0);
  EXPECT_EQ(work.bytes, 134348800.0);
  const Bound b = roofline_bound({attention(a, Precision::bf16)}, gpu("H100-SXM5-80GB"));
  EXPECT_NEAR(b.min_latency, 40.1041e-6, 1e-10);  // memory bound: 134348800 / 3.35e12
}

TEST(RooflineModel, SeveralOperatorsTakeTheMaxOfSumsNotTheSumOfMaxes) {
  // On A100: GEMM 4096^3 (compute 440.5094 us, memory 49.3689 us) + GEMV 1x8192x8192
  // (compute 0.430185 us, memory 65.8413 us). Max of sums = 440.9396 us; sum of maxes would be 506.35 us.
  const Bound b = roofline_bound({gemm(4096, 4096, 4096), gemm(1, 8192, 8192)}, gpu("A100-SXM4-80GB"));
  EXPECT_NEAR(b.compute_time, 440.9396e-6, 1e-10);
  EXPECT_NEAR(b.memory_time, 115.2102e-6, 1e-10);
  EXPECT_EQ(b.min_latency, b.compute_time);
}

TEST(RooflineModel, CountMultipliesAndMemoryBoundCanBeDropped) {
  const Bound once = roofline_bound({gemm(1, 8192, 8192)}, gpu("A100-SXM4-80GB"));
  const Bound many = roofline_bound({gemm(1, 8192, 8192, Precision::fp16, 32)}, gpu("A100-SXM4-80GB"));
  EXPECT_NEAR(many.min_latency, 32 * once.min_latency, 1e-15);
  const Bound compute_only = roofline_bound({gemm(1, 8192, 8192)}, gpu("A100-SXM4-80GB"), false);
  EXPECT_EQ(compute_only.memory_time, 0);
  EXPECT_EQ(compute_only.min_latency, once.compute_time);
}

TEST(RooflineModel, MissingPrecisionThrowsNamingTheOperator) {
  EXPECT_THROW(roofline_bound({gemm(8, 8, 8, Precision::fp8)}, gpu("A100-SXM4-80GB")), std::invalid_argument);
}

std::vector<std::string> messages(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(item.pointer + ": " + item.message + (item.hint.empty() ? "" : " | " + item.hint));
  return out;
}

TEST(RooflineSpec, ParsesOperatorsWithDefaults) {
  Diagnostics d;
  const auto w = parse_workload(json::parse(R"({"precision": "bf16", "operators": [
      {"op": "gemm", "name": "qkv", "m": 4096, "n": 7680, "k": 2560, "count": 32},
      {"op": "attention", "heads": 32, "seq_len": 2048, "head_dim": 80, "causal": true, "precision": "fp16"}]})"),
                                "/workload/spec", d);
  ASSERT_TRUE(w.has_value()) << (d.empty() ? "" : d.items()[0].message);
  ASSERT_EQ(w->operators.size(), 2u);
  EXPECT_EQ(w->operators[0].name, "qkv");
  EXPECT_EQ(w->operators[0].precision, Precision::bf16);
  EXPECT_EQ(w->operators[0].count, 32);
  EXPECT_EQ(w->operators[0].gemm, (Gemm{4096, 7680, 2560, 1}));
  EXPECT_EQ(w->operators[1].precision, Precision::fp16);
  EXPECT_EQ(w->operators[1].attention.kv_heads, 32);
  EXPECT_EQ(w->operators[1].attention.kv_len, 2048);
  EXPECT_TRUE(w->operators[1].attention.causal);
  EXPECT_TRUE(w->memory_bound);
}

TEST(RooflineSpec, NamesEveryProblem) {
  Diagnostics d;
  parse_workload(json::parse(R"({"precison": "fp16", "operators": [
      {"op": "gemm", "m": 0, "n": 1.5, "kk": 3},
      {"op": "conv"},
      {"op": "attention", "heads": 2, "seq_len": 8, "kv_len": 4, "head_dim": 4, "causal": true, "precision": "fp61"}]})"),
                 "/w", d);
  EXPECT_EQ(messages(d), (std::vector<std::string>{
                             "/w/precison: unknown key \"precison\" | did you mean \"precision\"?",
                             "/w/operators/0/kk: unknown key \"kk\" | did you mean \"k\"?",
                             "/w/operators/0/m: \"m\" must be a positive whole number, not 0",
                             "/w/operators/0/n: \"n\" must be a positive whole number, not 1.5",
                             "/w/operators/0: missing \"k\"",
                             "/w/operators/0: missing \"precision\" | give it here or once for all operators: fp64, "
                             "fp32, tf32, fp16, bf16, fp8, int8",
                             "/w/operators/1/op: unknown operator \"conv\" | \"op\" is \"gemm\" or \"attention\"",
                             "/w/operators/2/seq_len: a causal attention cannot have more queries (seq_len) than keys "
                             "(kv_len)",
                             "/w/operators/2/precision: unknown precision \"fp61\" | did you mean \"fp64\"?",
                         }));
}

TEST(RooflineSpec, UnknownGpuSuggestsTheClosest) {
  Diagnostics d;
  EXPECT_EQ(parse_gpu(json{{"gpu", "H100-SXM5-80G"}}, "/hardware/spec", d), nullptr);
  EXPECT_EQ(messages(d), (std::vector<std::string>{
                             "/hardware/spec/gpu: unknown GPU \"H100-SXM5-80G\" | did you mean \"H100-SXM5-80GB\"?"}));
}

TEST(RooflineSpec, TheOptionFormChecksPrecisionsAgainstTheGpu) {
  Diagnostics d;
  EXPECT_FALSE(parse_roofline_option(
                   json::parse(R"({"gpu": "T4", "precision": "bf16", "operators": [{"op": "gemm", "m": 1, "n": 1, "k": 1}]})"),
                   "/options/roofline", d)
                   .has_value());
  EXPECT_EQ(messages(d), (std::vector<std::string>{"/options/roofline/operators/0: T4 has no bf16 arithmetic"}));
}

Claim roofline_claim(const std::string& metric, const json& hardware, const json& workload) {
  const json object = {{"id", "r1"},
                       {"title", "t"},
                       {"source", {{"paper", "p"}, {"where", "Table 1"}}},
                       {"tool", "roofline"},
                       {"metric", metric},
                       {"hardware", {{"name", "gpu"}, {"spec", hardware}}},
                       {"workload", {{"name", "ops"}, {"spec", workload}}},
                       {"expected", {{"at_most", 1.0}, {"unit", "ms"}}}};
  const auto loaded = parse_claim_text(object.dump(), "r.claim.json");
  EXPECT_TRUE(loaded.diagnostics.empty());
  return loaded.claims.empty() ? Claim{} : loaded.claims.front();
}

TEST(RooflineAdapter, MeasuresTheBoundInSeconds) {
  test::TempDir repo;
  Sandbox sandbox(repo.path());
  const auto adapter = make_roofline_adapter();
  const auto claim = roofline_claim("min_latency", {{"gpu", "A100-SXM4-80GB"}},
                                    {{"precision", "fp16"}, {"operators", {{{"op", "gemm"}, {"m", 4096}, {"n", 4096}, {"k", 4096}}}}});
  Diagnostics d;
  adapter->validate(claim, d);
  EXPECT_TRUE(d.empty());
  const auto outcome = measure_safely(*adapter, Job{claim, sandbox, repo.path(), {}});
  ASSERT_TRUE(std::holds_alternative<Measurement>(outcome)) << std::get<Blocked>(outcome).reason;
  const auto& m = std::get<Measurement>(outcome);
  EXPECT_NEAR(m.value, 440.5094e-6, 1e-10);
  EXPECT_EQ(m.unit.symbol, "s");
  EXPECT_EQ(m.details[0], (Detail{"gpu", "A100-SXM4-80GB"}));
  EXPECT_EQ(m.details[7], (Detail{"bound", "compute"}));
}

TEST(RooflineAdapter, ReadsSpecsFromFilesAndReportsFlops) {
  test::TempDir repo;
  repo.write("specs/gpu.json", R"({"gpu": "H100 SXM"})");
  repo.write("claims/.keep", "");
  repo.write("specs/ops.json", R"({"precision": "fp16", "operators": [{"op": "gemm", "m": 1, "n": 8192, "k": 8192}]})");
  Sandbox sandbox(repo.path());
  const auto claim = roofline_claim("flops", "../specs/gpu.json", "../specs/ops.json");
  const auto outcome = measure_safely(*make_roofline_adapter(), Job{claim, sandbox, repo.path() / "claims", {}});
  ASSERT_TRUE(std::holds_alternative<Measurement>(outcome)) << std::get<Blocked>(outcome).reason;
  const auto& m = std::get<Measurement>(outcome);
  EXPECT_EQ(m.value, 134217728.0);
  EXPECT_EQ(m.unit.symbol, "FLOP");
  EXPECT_EQ(m.files.size(), 2u);
}

TEST(RooflineAdapter, APrecisionTheGpuLacksIsUnsupported) {
  test::TempDir repo;
  Sandbox sandbox(repo.path());
  const auto claim = roofline_claim("min_latency", {{"gpu", "V100-SXM2"}},
                                    {{"precision", "bf16"}, {"operators", {{{"op", "gemm"}, {"m", 8}, {"n", 8}, {"k", 8}}}}});
  const auto outcome = measure_safely(*make_roofline_adapter(), Job{claim, sandbox, repo.path(), {}});
  ASSERT_TRUE(std::holds_alternative<Blocked>(outcome));
  EXPECT_EQ(std::get<Blocked>(outcome).kind, BlockKind::unsupported);
  EXPECT_EQ(std::get<Blocked>(outcome).reason, "V100-SXM2 has no bf16 arithmetic (operator \"gemm\")");
}

TEST(RooflineAdapter, ValidateRejectsUnknownMetricsAndOptions) {
  auto claim = roofline_claim("min_latncy", {{"gpu", "A100"}}, {{"operators", json::array()}});
  claim.options = json{{"x", 1}};
  Diagnostics d;
  make_roofline_adapter()->validate(claim, d);
  const auto lines = messages(d);
  // Options are checked against the adapter's (empty) options table by the loader, not here.
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "/metric: unknown roofline metric \"min_latncy\" | did you mean \"min_latency\"?");
  EXPECT_TRUE(lines[1].starts_with("/hardware/spec/gpu: unknown GPU \"A100\"")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("/workload/spec/operators: \"operators\" must be a non-empty array")) << lines[2];
}

}  // namespace
}  // namespace claimcheck::roofline
