// Re-reading the real tool's outputs: stats.txt (model and mapper) and map+stats.xml.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "adapters/timeloop/stats_reader.hpp"
#include "adapters/timeloop/timeloop_adapter.hpp"
#include "core/diagnostics.hpp"
#include "support/support.hpp"

namespace claimcheck::timeloop {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() { return fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop"; }

std::vector<std::string> cases_with(const char* file) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(data_dir())) {
    if (fs::exists(e.path() / file)) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expect_matches(const ReportedStats& s, const nlohmann::json& expected, double energy_tolerance,
                    const std::string& where) {
  EXPECT_EQ(s.cycles, expected["summary"]["cycles"].get<std::uint64_t>()) << where;
  EXPECT_EQ(s.computes, expected["summary"]["computes"].get<std::uint64_t>()) << where;
  EXPECT_NEAR(s.energy(), expected["summary"]["energy_pJ"].get<double>(), energy_tolerance) << where;
  EXPECT_DOUBLE_EQ(s.utilization(), expected["summary"]["utilization"].get<double>()) << where;
  for (const auto& lv : expected["levels"]) {
    const ReportedLevel* l = s.level(lv["name"]);
    ASSERT_NE(l, nullptr) << where << " " << lv["name"];
    if (lv["type"] == "arithmetic") continue;
    EXPECT_EQ(l->data_spaces.size(), lv["dataspaces"].size()) << where << " " << l->name;
    for (const auto& [name, ds] : lv["dataspaces"].items()) {
      const auto it = std::find_if(l->data_spaces.begin(), l->data_spaces.end(),
                                   [&](const ReportedDataSpace& d) { return d.name == name; });
      ASSERT_NE(it, l->data_spaces.end()) << where << " " << l->name << "." << name;
      EXPECT_EQ(it->reads, ds["reads_per_instance"].get<std::uint64_t>());
      EXPECT_EQ(it->fills, ds["fills_per_instance"].get<std::uint64_t>());
      EXPECT_EQ(it->updates, ds["updates_per_instance"].get<std::uint64_t>());
      EXPECT_EQ(it->utilized_instances, ds["utilized_instances"].get<std::uint64_t>());
    }
  }
}

TEST(TimeloopStatsReader, ModelStatsTextOfEveryCase) {
  const auto names = cases_with("timeloop-model.stats.txt");
  ASSERT_EQ(names.size(), 15u);
  for (const auto& name : names) {
    const auto dir = data_dir() / name;
    const auto expected = nlohmann::json::parse(test::read_file(dir / "expected.json"));
    const auto s = parse_stats_text(name, test::read_file(dir / "timeloop-model.stats.txt"));
    // Each level/data-space energy is printed with 2 decimals: at most 0.005 pJ off per line.
    expect_matches(s, expected, 0.005 * 40, name);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", s.gflops());
    EXPECT_EQ(buf, expected["printed"]["GFLOPs@1GHz"].get<std::string>()) << name;
  }
}

TEST(TimeloopStatsReader, MapperStatsTextOfTheStoredMapping) {
  // The mapper's best mapping is the stored mapping.yaml, so its stats equal the model's.
  const auto names = cases_with("timeloop-mapper.stats.txt");
  ASSERT_EQ(names.size(), 3u);
  for (const auto& name : names) {
    const auto dir = data_dir() / name;
    const auto expected = nlohmann::json::parse(test::read_file(dir / "expected.json"));
    expect_matches(parse_stats_text(name, test::read_file(dir / "timeloop-mapper.stats.txt")), expected, 0.2, name);
  }
}

TEST(TimeloopStatsReader, FullPrecisionXml) {
  for (const auto& name : cases_with("timeloop-model.map+stats.xml")) {
    const auto dir = data_dir() / name;
    const auto expected = nlohmann::json::parse(test::read_file(dir / "expected.json"));
    std::vector<std::string> names = {"Weights", "Inputs", "Outputs"};
    if (name.find("custom_gemm") != std::string::npos) names = {"Lhs", "Out", "Rhs"};
    const auto s = parse_stats_xml(name, test::read_file(dir / "timeloop-model.map+stats.xml"), names);
    expect_matches(s, expected, 1e-9 * expected["summary"]["energy_pJ"].get<double>(), name);
  }
}

TEST(TimeloopStatsReader, MetricsFromAStatsText) {
  const auto dir = data_dir() / "simple_ws_resnet50_res3_1x1";
  const auto s = parse_stats_text("stats", test::read_file(dir / "timeloop-model.stats.txt"));
  std::string why;
  EXPECT_EQ(metric_value(s, "cycles", why)->value, 200704);
  EXPECT_EQ(metric_value(s, "accesses.DRAM.Weights.reads", why)->value, 262144);
  EXPECT_EQ(metric_value(s, "accesses_total.weight_reg.Weights.fills", why)->value, 1024.0 * 256);
  EXPECT_EQ(metric_value(s, "gflops", why)->unit, "GFLOP/s");
  EXPECT_FALSE(metric_value(s, "accesses.weight_reg.Inputs.reads", why));
  EXPECT_EQ(why, "level \"weight_reg\" keeps no data space \"Inputs\"");
  EXPECT_FALSE(metric_value(s, "energy.DRAN", why));
  EXPECT_EQ(why, "no level \"DRAN\"; did you mean \"DRAM\"?");
}

TEST(TimeloopStatsReader, RejectsOtherFiles) {
  try {
    parse_stats_text("x.txt", "hello\nworld\n");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().items().at(0).message,
              "not a Timeloop stats file (no \"Buffer and Arithmetic Levels\" / \"Summary Stats\")");
  }
}

}  // namespace
}  // namespace claimcheck::timeloop
