// The VIDUR re-reader on small runs in VIDUR's layout (tests/data/vidur/README.md gives the numbers).

#include <gtest/gtest.h>

#include "adapters/vidur/statistics.hpp"
#include "adapters/vidur/vidur_adapter.hpp"
#include "adapters/vidur/vidur_metrics.hpp"
#include "support/outcomes.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::blocked;
using test::measured;

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_data = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "vidur";
const std::string k_run = "run-2024-06-01_12-00-00-000000";

Claim vidur_claim(const std::string& metric, const json& options, const std::string& artifact = k_run,
                  const std::string& mode = "reread") {
  json object = {{"id", "v1"},
                 {"title", "t"},
                 {"source", {{"paper", "p"}, {"where", "Fig. 1"}}},
                 {"tool", "vidur"},
                 {"mode", mode},
                 {"artifact", artifact},
                 {"metric", metric},
                 {"expected", {{"value", 1.0}, {"unit", "s"}}}};
  if (!options.is_null()) object["options"] = options;
  return test::claim_from_json(object, "v.claim.json");
}

Outcome measure(const Claim& claim, const fs::path& claim_dir = k_data) {
  const Sandbox sandbox(fs::path(CLAIMCHECK_TEST_DIR));
  return measure_safely(*make_vidur_adapter(), Job{claim, sandbox, claim_dir, {}});
}

double value_of(const std::string& metric, const std::string& statistic) {
  return measured(measure(vidur_claim(metric, statistic.empty() ? json() : json{{"statistic", statistic}}))).value;
}

std::vector<std::string> problems(const Claim& claim) {
  Diagnostics d;
  make_vidur_adapter()->validate(claim, d);
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(item.pointer + ": " + item.message);
  return out;
}

TEST(VidurStatistics, ParsesAndComputesLikePandas) {
  EXPECT_EQ(vidur::parse_statistic("p99.9")->percentile, 99.9);
  EXPECT_EQ(vidur::parse_statistic("max")->percentile, 100);
  EXPECT_FALSE(vidur::parse_statistic("p101").has_value());
  EXPECT_FALSE(vidur::parse_statistic("average").has_value());
  const std::vector<double> v = {5, 1, 3, 2};
  EXPECT_DOUBLE_EQ(vidur::compute_statistic(v, *vidur::parse_statistic("mean")), 2.75);
  EXPECT_DOUBLE_EQ(vidur::compute_statistic(v, *vidur::parse_statistic("median")), 2.5);
  EXPECT_DOUBLE_EQ(vidur::compute_statistic(v, *vidur::parse_statistic("p90")), 4.4);
  EXPECT_DOUBLE_EQ(vidur::compute_statistic(v, *vidur::parse_statistic("min")), 1);
}

TEST(VidurMetrics, AliasesAndDocsNamesResolveToTheFileColumns) {
  EXPECT_EQ(vidur::find_metric("ttft")->name, "prefill_e2e_time");
  EXPECT_EQ(vidur::find_metric("tpot")->name, "decode_time_execution_plus_preemption_normalized");
  EXPECT_EQ(vidur::find_metric("tbt")->name, "batch_execution_time");
  EXPECT_EQ(vidur::find_metric("prefill_time_e2e")->name, "prefill_e2e_time");
  EXPECT_EQ(vidur::find_metric("request_e2e_time_normalised")->name, "request_e2e_time_normalized");
  EXPECT_EQ(vidur::find_metric("nope"), nullptr);
}

TEST(VidurAdapter, RequestLatencyStatisticsInSeconds) {
  EXPECT_DOUBLE_EQ(value_of("request_e2e_time", "mean"), 2.75);
  EXPECT_DOUBLE_EQ(value_of("e2e_latency", "p50"), 2.5);
  EXPECT_DOUBLE_EQ(value_of("request_e2e_time", "p90"), 4.4);
  EXPECT_DOUBLE_EQ(value_of("ttft", "mean"), 0.25);
  EXPECT_NEAR(value_of("ttft", "p90"), 0.37, 1e-12);
  EXPECT_DOUBLE_EQ(value_of("tpot", "median"), 0.0275);
  EXPECT_DOUBLE_EQ(value_of("request_num_decode_tokens", "max"), 110);
  const auto m = measured(measure(vidur_claim("ttft", {{"statistic", "p90"}})));
  EXPECT_EQ(m.unit.symbol, "s");
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_EQ(m.files[0].filename(), "request_metrics.csv");
  EXPECT_EQ(m.details[1], (Detail{"statistic", "p90 of 4 rows"}));
}

TEST(VidurAdapter, EmptyCellsAreSkippedWithAWarning) {
  const auto m = measured(measure(vidur_claim("request_inter_arrival_delay", {{"statistic", "mean"}})));
  EXPECT_NEAR(m.value, 2.0 / 3.0, 1e-12);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_EQ(m.warnings[0], "1 rows of data/vidur/" + k_run +
                               "/request_metrics.csv have no request_inter_arrival_delay (skipped, as pandas does)");
}

TEST(VidurAdapter, BatchTimesComeFromBatchMetricsWhenKept) {
  EXPECT_DOUBLE_EQ(value_of("batch_execution_time", "mean"), 0.015);
  EXPECT_DOUBLE_EQ(value_of("tbt", "median"), 0.0125);
  EXPECT_NEAR(value_of("tbt", "p99"), 0.0292, 1e-12);
  EXPECT_DOUBLE_EQ(value_of("batch_size", "max"), 3);
}

TEST(VidurAdapter, WithoutBatchMetricsTheSketchGivesWholePercentilesOnly) {
  const auto m = measured(measure(vidur_claim("tbt", {{"statistic", "p50"}}, "run-sketch-only")));
  EXPECT_DOUBLE_EQ(m.value, 0.012 * 1.0004);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_EQ(m.warnings[0], "read from VIDUR's sketched CDF: within 0.1% of the exact p50");
  // cdf values such as 0.07000000000000001 (numpy.linspace) still match p7.
  EXPECT_DOUBLE_EQ(measured(measure(vidur_claim("tbt", {{"statistic", "p7"}}, "run-sketch-only"))).value, 0.010004);
  const auto b = blocked(measure(vidur_claim("tbt", {{"statistic", "mean"}}, "run-sketch-only")));
  EXPECT_EQ(b.kind, BlockKind::unsupported);
  EXPECT_TRUE(b.unblock.find("keep_individual_batch_metrics") != std::string::npos) << b.unblock;
}

TEST(VidurAdapter, ThroughputOverTheSimulatedMakespan) {
  const auto r = measured(measure(vidur_claim("request_throughput", nullptr)));
  EXPECT_DOUBLE_EQ(r.value, 4 / 7.2);
  EXPECT_EQ(r.unit.symbol, "req/s");
  const auto t = measured(measure(vidur_claim("output_token_throughput", nullptr)));
  EXPECT_DOUBLE_EQ(t.value, 340 / 7.2);
  EXPECT_EQ(t.unit.symbol, "tokens/s");
}

TEST(VidurAdapter, UtilizationIsTheMeanOfWeightedMeans) {
  const auto m = measured(measure(vidur_claim("mfu", nullptr)));
  EXPECT_DOUBLE_EQ(m.value, 40.0);
  EXPECT_EQ(m.unit.symbol, "%");
  EXPECT_EQ(m.files.size(), 2u);
  EXPECT_DOUBLE_EQ(measured(measure(vidur_claim("memory_usage", nullptr))).value, 72.25);
}

TEST(VidurAdapter, AFileInsideTheRunNamesTheRunToo) {
  EXPECT_DOUBLE_EQ(measured(measure(vidur_claim("tbt", {{"statistic", "mean"}}, k_run + "/plots/batch_execution_time.csv")))
                       .value,
                   0.015);
}

TEST(VidurAdapter, MissingArtifactAndMissingFilesAreBlocked) {
  EXPECT_EQ(blocked(measure(vidur_claim("ttft", {{"statistic", "mean"}}, "no-such-run"))).kind, BlockKind::input_missing);
  EXPECT_EQ(blocked(measure(vidur_claim("ttft", {{"statistic", "mean"}}, "run-sketch-only"))).kind,
            BlockKind::input_missing);
  EXPECT_EQ(blocked(measure(vidur_claim("decode_token_execution_plus_preemption_time", {{"statistic", "p50"}})))
                .kind,
            BlockKind::input_missing);
}

TEST(VidurAdapter, MalformedCsvIsInvalidInput) {
  test::TempDir repo;
  repo.write("run/request_metrics.csv", "Request Id,prefill_e2e_time\n0,0.1\n1,fast\n");
  const Sandbox sandbox(repo.path());
  const auto claim = vidur_claim("ttft", {{"statistic", "mean"}}, "run");
  const auto b = blocked(measure_safely(*make_vidur_adapter(), Job{claim, sandbox, repo.path(), {}}));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_TRUE(b.reason.find("run/request_metrics.csv:3") != std::string::npos) << b.reason;
  EXPECT_TRUE(b.reason.find("cell \"fast\"") != std::string::npos) << b.reason;
}

TEST(VidurAdapter, OutputTokenThroughputRefusesIncompleteRuns) {
  test::TempDir repo;
  repo.write("run/request_metrics.csv",
             "Request Id,request_e2e_time,request_num_decode_tokens\n0,1.0,10\n1,,20\n");
  repo.write("run/plots/request_completion_time_series.csv", ",Time (sec),request_completion\n0,1.5,1\n");
  const Sandbox sandbox(repo.path());
  const auto claim = vidur_claim("output_token_throughput", nullptr, "run");
  const auto b = blocked(measure_safely(*make_vidur_adapter(), Job{claim, sandbox, repo.path(), {}}));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_TRUE(b.reason.find("1 requests did not complete") != std::string::npos) << b.reason;
}

TEST(VidurAdapter, RooflineRatioFlagsALatencyFasterThanTheHardware) {
  // A decode step reading 13.5 GB of fp16 weights on A100-SXM4-80GB (2039 GB/s): the fastest
  // batch (10 ms) clears the bound; twice the weights (13.26 ms bound) it cannot.
  const json roofline = {{"gpu", "A100-SXM4-80GB"},
                         {"precision", "fp16"},
                         {"operators", {{{"op", "gemm"}, {"m", 1}, {"n", 6750}, {"k", 1000}, {"count", 1000}}}}};
  // bytes per GEMM = 2 * (1000 + 6750000 + 6750) = 13515500; x1000 = 13.5155e9 B -> 6.62849 ms.
  const auto m = measured(measure(vidur_claim("roofline_ratio", {{"latency_metric", "tbt"}, {"statistic", "min"}, {"roofline", roofline}})));
  EXPECT_NEAR(m.value, 0.010 / (13515500000.0 / 2039e9), 1e-9);
  EXPECT_EQ(m.unit.symbol, "x");
  EXPECT_TRUE(m.warnings.empty());
  json slow = roofline;
  slow["operators"][0]["count"] = 2000;  // twice the bytes: bound 13.257 ms > 10 ms
  const auto bad = measured(measure(vidur_claim("roofline_ratio", {{"latency_metric", "tbt"}, {"statistic", "min"}, {"roofline", slow}})));
  EXPECT_LT(bad.value, 1);
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_TRUE(bad.warnings[0].find("faster than the hardware allows") != std::string::npos) << bad.warnings[0];
}

TEST(VidurValidate, NamesEveryProblem) {
  EXPECT_EQ(problems(vidur_claim("ttf", nullptr)),
            (std::vector<std::string>{"/metric: unknown VIDUR metric \"ttf\""}));
  EXPECT_EQ(problems(vidur_claim("ttft", nullptr)),
            (std::vector<std::string>{"/options: \"prefill_e2e_time\" is a distribution: say which statistic the paper reports"}));
  EXPECT_EQ(problems(vidur_claim("ttft", {{"statistc", "p99"}, {"statistic", "p999"}})),
            (std::vector<std::string>{"/options/statistc: unknown option \"statistc\" for the vidur adapter",
                                      "/options/statistic: unknown statistic \"p999\""}));
  EXPECT_EQ(problems(vidur_claim("request_throughput", {{"statistic", "mean"}})),
            (std::vector<std::string>{"/options/statistic: \"request_throughput\" is one number per run; remove \"statistic\""}));
  EXPECT_EQ(problems(vidur_claim("roofline_ratio", {{"latency_metric", "batch_size"}})),
            (std::vector<std::string>{
                "/options: roofline_ratio needs \"roofline\": {\"gpu\": ..., \"precision\": ..., \"operators\": [...]}",
                "/options/latency_metric: \"batch_size\" is not a time; roofline_ratio needs a latency"}));
  EXPECT_EQ(problems(vidur_claim("ttft", {{"statistic", "p99"}}, k_run, "run")),
            (std::vector<std::string>{"/mode: the vidur adapter re-reads a VIDUR run: mode must be \"reread\""}));
}

}  // namespace
}  // namespace claimcheck
