// The NeuSight re-reader on small files in NeuSight's layout (tests/data/neusight/README.md).

#include <gtest/gtest.h>

#include "adapters/neusight/neusight_adapter.hpp"
#include "adapters/neusight/neusight_results.hpp"
#include "support/outcomes.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::blocked;
using test::measured;

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_data = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "neusight";
const std::string k_summary = "summary/summary.csv";
const std::string k_prediction = "results/prediction/NVIDIA_H100_80GB_HBM3/neusight/gpt3_27-inf-2048-2";

Claim neusight_claim(const std::string& metric, const json& options, const std::string& artifact = k_summary,
                     const std::string& unit = "%") {
  json object = {{"id", "n1"},
                 {"title", "t"},
                 {"source", {{"paper", "p"}, {"where", "Table 1"}}},
                 {"tool", "neusight"},
                 {"mode", "reread"},
                 {"artifact", artifact},
                 {"metric", metric},
                 {"expected", {{"value", 1.0}, {"unit", unit}}}};
  if (!options.is_null()) object["options"] = options;
  return test::claim_from_json(object, "n.claim.json");
}

Outcome measure(const Claim& claim) {
  const Sandbox sandbox(fs::path(CLAIMCHECK_TEST_DIR));
  return measure_safely(*make_neusight_adapter(), Job{claim, sandbox, k_data, {}});
}

const json k_h100_gpt3 = {{"device", "NVIDIA_H100_80GB_HBM3"}, {"model_name", {"gpt3_xl", "gpt3_27"}}, {"option", ""}};
const json k_one_run = {{"device", "NVIDIA_H100_80GB_HBM3"}, {"model_name", "gpt3_27"}, {"mode", "inf"}, {"batch", 2}, {"option", ""}};

TEST(NeusightResults, PercentageErrorIsNeuSightsApe) {
  EXPECT_DOUBLE_EQ(neusight::percentage_error(800, 796), 0.5);
  EXPECT_DOUBLE_EQ(neusight::percentage_error(600, 630), 5.0);
}

TEST(NeusightAdapter, MeanErrorOverSelectedRunsIsRecomputedFromTheLatencies) {
  const auto m = measured(measure(neusight_claim("relative_error", {{"where", k_h100_gpt3}, {"statistic", "mean"}})));
  EXPECT_DOUBLE_EQ(m.value, 2.125);  // (5 + 1 + 0.5 + 2) / 4; the tp4 row is excluded by option ""
  EXPECT_EQ(m.unit.symbol, "%");
  EXPECT_TRUE(m.warnings.empty());
  EXPECT_EQ(m.details[1], (Detail{"columns", "label/neusight_all_e2e_latency"}));
  EXPECT_EQ(m.details[2], (Detail{"statistic", "mean of 4 runs"}));
}

TEST(NeusightAdapter, OneRunGivesPredictedMeasuredAndError) {
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("relative_error", {{"where", k_one_run}}))).value, 0.5);
  const auto p = measured(measure(neusight_claim("predicted_latency", {{"where", k_one_run}}, k_summary, "ms")));
  EXPECT_DOUBLE_EQ(p.value, 796);
  EXPECT_EQ(p.unit.symbol, "ms");
  EXPECT_EQ(p.details[2], (Detail{"run", "gpt3_27 inf 2048 2 NVIDIA_H100_80GB_HBM3 (line 4)"}));
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("measured_latency", {{"where", k_one_run}}, k_summary, "ms"))).value, 800);
}

TEST(NeusightAdapter, OtherPredictorsOpsAndPhases) {
  json where = k_one_run;
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("relative_error", {{"where", where}, {"ops", "BMM"}}))).value, 2.0);
  EXPECT_DOUBLE_EQ(
      measured(measure(neusight_claim("predicted_latency", {{"where", where}, {"predictor", "roofline"}}, k_summary, "ms")))
          .value,
      560);
  where["mode"] = "train";
  where["model_name"] = "gpt3_xl";
  where["batch"] = 1;
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("relative_error", {{"where", where}, {"phase", "fw"}}))).value, 1.0);
}

TEST(NeusightAdapter, SeveralRowsWithoutAStatisticAreAnError) {
  const auto b = blocked(measure(neusight_claim("relative_error", {{"where", k_h100_gpt3}})));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_NE(b.reason.find("4 rows match the selection, expected exactly one"), std::string::npos) << b.reason;
}

TEST(NeusightAdapter, RowsWithoutValuesAreSkippedInAStatisticAndRefusedAlone) {
  const json h100 = {{"device", "NVIDIA_H100_80GB_HBM3"}, {"option", ""}, {"mode", "inf"}};
  const auto m = measured(measure(neusight_claim("relative_error", {{"where", h100}, {"statistic", "max"}})));
  EXPECT_DOUBLE_EQ(m.value, 5.0);
  EXPECT_EQ(m.warnings, (std::vector<std::string>{"1 selected runs have no value and were skipped"}));
  const auto b = blocked(measure(neusight_claim("relative_error", {{"where", {{"model_name", "gpt2_large"}}}})));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_NE(b.reason.find("has no value for relative_error"), std::string::npos) << b.reason;
}

TEST(NeusightAdapter, AStatedErrorThatDisagreesWithTheLatenciesIsAWarning) {
  const auto m = measured(measure(neusight_claim("relative_error", {{"where", {{"device", "NVIDIA_L4"}}}})));
  EXPECT_DOUBLE_EQ(m.value, 20.0);
  EXPECT_EQ(m.warnings, (std::vector<std::string>{"data/neusight/summary/summary.csv line 8 states 18%, its latencies give 20%"}));
}

TEST(NeusightAdapter, UnknownColumnsSuggestTheClosest) {
  const auto b = blocked(measure(neusight_claim("relative_error", {{"where", {{"devise", "x"}}}})));
  EXPECT_EQ(b.kind, BlockKind::invalid_input);
  EXPECT_NE(b.reason.find("no column \"devise\""), std::string::npos) << b.reason;
  EXPECT_NE(b.reason.find("did you mean \"device\"?"), std::string::npos) << b.reason;
}

TEST(NeusightAdapter, PredictionJsonWithItsLabel) {
  const json options = {{"label", "label/NVIDIA_H100_80GB_HBM3/gpt3_27-inf-2048-2.json"}};
  const auto e = measured(measure(neusight_claim("relative_error", options, k_prediction + ".json")));
  EXPECT_NEAR(e.value, 11.0 / 660.0 * 100.0, 1e-12);
  EXPECT_EQ(e.files.size(), 2u);
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("predicted_latency", nullptr, k_prediction + ".json", "ms"))).value, 671);
  const auto b = blocked(measure(neusight_claim("relative_error", nullptr, k_prediction + ".json")));
  EXPECT_EQ(b.kind, BlockKind::unsupported);
  EXPECT_NE(b.unblock.find("\"label\""), std::string::npos) << b.unblock;
}

TEST(NeusightAdapter, PerOperatorPredictionsSum) {
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("predicted_latency", nullptr, k_prediction + ".csv", "ms"))).value, 3.85);
  EXPECT_DOUBLE_EQ(measured(measure(neusight_claim("predicted_latency", {{"op_names", {"Linear", "BMM"}}},
                                                   k_prediction + ".csv", "ms")))
                       .value,
                   3.75);
  EXPECT_EQ(blocked(measure(neusight_claim("relative_error", nullptr, k_prediction + ".csv"))).kind,
            BlockKind::unsupported);
}

TEST(NeusightAdapter, RooflineRatioOfThePrediction) {
  // 32 layers of a 4096 x 7680 x 2560 fp16 GEMM on H100-SXM5-80GB: 2*4096*7680*2560*32 FLOP
  // = 5153960755200 FLOP / 989.5e12 = 5.20865 ms; the prediction is 796 ms.
  const json roofline = {{"gpu", "H100-SXM5-80GB"},
                         {"precision", "fp16"},
                         {"operators", {{{"op", "gemm"}, {"m", 4096}, {"n", 7680}, {"k", 2560}, {"count", 32}}}}};
  const auto m = measured(measure(neusight_claim("roofline_ratio", {{"where", k_one_run}, {"roofline", roofline}}, k_summary, "x")));
  EXPECT_NEAR(m.value, 0.796 / (5153960755200.0 / 989.5e12), 1e-9);
  EXPECT_EQ(m.unit.symbol, "x");
}

TEST(NeusightValidate, NamesEveryProblem) {
  Diagnostics d;
  make_neusight_adapter()->validate(
      neusight_claim("relative_eror", {{"predictor", "neusigth"}, {"phase", "bw"}, {"wher", {}}, {"statistic", "avg"}}), d);
  std::vector<std::string> lines;
  for (const auto& item : d.items()) lines.push_back(item.pointer + ": " + item.message + " | " + item.hint);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "/metric: unknown NeuSight metric \"relative_eror\" | did you mean \"relative_error\"?",
                       "/options/wher: unknown option \"wher\" for the neusight adapter | did you mean \"where\"?",
                       "/options/predictor: unknown predictor \"neusigth\" | did you mean \"neusight\"?",
                       "/options/phase: unknown phase \"bw\" | did you mean \"fw\"?",
                       "/options/statistic: unknown statistic \"avg\" | use mean, median, min, max or pNN (e.g. p90)",
                   }));
}

}  // namespace
}  // namespace claimcheck
