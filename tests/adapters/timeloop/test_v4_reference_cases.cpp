// The Timeloop v4 reference cases (tests/data/timeloop-v4): inputs authored for claimcheck in the
// v4 front end's format and in the tree format, with the real Timeloop v4's outputs on them. The
// native model must reproduce them from both forms and from the printed mapping; re-reading the
// outputs must give the published figures.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/stats_reader.hpp"
#include "adapters/timeloop/timeloop_adapter.hpp"
#include "v4_reference.hpp"

namespace claimcheck::timeloop {
namespace {

namespace fs = std::filesystem;

fs::path data(const std::string& c) { return fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop-v4" / c; }

std::vector<std::string> files(const fs::path& dir, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back((dir / n).string());
  return out;
}

class V4ReferenceCase : public ::testing::TestWithParam<std::string> {};

TEST_P(V4ReferenceCase, FrontEndFilesReproduceTheRealTool) {
  const fs::path dir = data(GetParam());
  check_against_timeloop_v4(load_spec_files(files(dir, {"arch.yaml", "problem.yaml", "mapping.yaml", "ERT.yaml"})),
                            dir, "timeloop-model", dir / "ERT.yaml", GetParam() + " from the front end's format");
}

TEST_P(V4ReferenceCase, TreeFormatReproducesTheRealTool) {
  const fs::path dir = data(GetParam());
  // tree.yaml carries the mapping when it targets the flattened levels; otherwise mapping.yaml does.
  std::vector<std::string> names = {"tree.yaml", "problem.yaml"};
  if (GetParam() == "conv1d_1level") names.push_back("mapping.yaml");
  names.push_back("ERT.yaml");
  check_against_timeloop_v4(load_spec_files(files(dir, names)), dir, "timeloop-model", dir / "ERT.yaml",
                            GetParam() + " from the tree format");
}

TEST_P(V4ReferenceCase, PrintedMappingReproducesTheRealTool) {
  const fs::path dir = data(GetParam());
  check_against_timeloop_v4(
      load_spec_files(files(dir, {"arch.yaml", "problem.yaml", "timeloop-model.map.txt", "ERT.yaml"})), dir,
      "timeloop-model", dir / "ERT.yaml", GetParam() + " from the printed mapping");
}

INSTANTIATE_TEST_SUITE_P(TimeloopV4, V4ReferenceCase, ::testing::Values("conv1d_1level", "mv_fanout_power_gating"));

// ------------------------------------------------------------------ the v3.0.3 cases under v4

std::vector<std::string> v3_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(data("v3-cases"))) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class V3CaseUnderV4 : public ::testing::TestWithParam<std::string> {};

TEST_P(V3CaseUnderV4, NativeModelWithV4SemanticsReproducesTimeloopV4) {
  const fs::path inputs = fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop" / GetParam();
  std::vector<std::string> names;
  for (const char* f : {"arch.yaml", "problem.yaml", "mapping.yaml", "ERT.yaml"}) {
    if (fs::exists(inputs / f)) names.push_back(f);
  }
  LoadOptions v4;
  v4.semantics = Semantics::v4;
  const Spec spec = load_spec_files(files(inputs, names), v4);
  if (GetParam() == "toy_1pe_gemm_50x30x20_imperfect_residual") {
    const Evaluation ev = evaluate(spec);
    EXPECT_FALSE(ev.result);
    EXPECT_NE(ev.unsupported.find("residual (imperfect) factors under Timeloop v4 semantics"), std::string::npos);
    return;
  }
  check_against_timeloop_v4(spec, data("v3-cases") / GetParam(), "timeloop-model", inputs / "ERT.yaml",
                            GetParam() + " under v4");
}

INSTANTIATE_TEST_SUITE_P(TimeloopV4, V3CaseUnderV4, ::testing::ValuesIn(v3_cases()));

// ------------------------------------------------------------------ re-reading v4 outputs

MetricValue reread(const std::string& file, const std::string& metric) {
  const fs::path p = data("mv_fanout_power_gating") / file;
  const ReportedStats s = p.extension() == ".xml"
                              ? parse_stats_xml(p.string(), v4ref_read(p), {"A", "B", "Z"})
                              : parse_stats_text(p.string(), v4ref_read(p));
  std::string why;
  const auto v = metric_value(s, metric, why);
  if (!v) throw std::runtime_error(why);
  return *v;
}

TEST(TimeloopV4Reread, StatsTextGivesThePrintedTotalsWithLeakage) {
  // "Total = 5937.50" and the level rows of the fJ/Compute table, exactly as printed.
  const MetricValue total = reread("timeloop-model.stats.txt", "energy_per_compute");
  EXPECT_EQ(total.value, 5937.50);
  EXPECT_EQ(total.unit, "fJ/compute");
  EXPECT_EQ(reread("timeloop-model.stats.txt", "energy_per_compute.AB").value, 1250.00);
  // "Leakage energy (total) : 8.00 pJ" of AB: 0.125 pJ x 4 cycles x 16 powered instances.
  EXPECT_EQ(reread("timeloop-model.stats.txt", "leakage_energy.AB").value, 8.00);
  EXPECT_EQ(reread("timeloop-model.stats.txt", "leakage_energy").value, 18.00);
  // "Utilization: 50.00%" (8 of 16 MACs): the exact ratio.
  EXPECT_EQ(reread("timeloop-model.stats.txt", "utilization").value, 0.5);
  // AB's energy: its data spaces' printed energies (A 2.00, B 2.00... as printed) plus leakage.
  const MetricValue ab = reread("timeloop-model.stats.txt", "energy.AB");
  EXPECT_NEAR(ab.value, 1250.00 * 32 / 1000, 0.02);
  EXPECT_NEAR(reread("timeloop-model.stats.txt", "dynamic_energy.AB").value, ab.value - 8.00, 1e-9);
}

TEST(TimeloopV4Reread, TheXmlHasNoLeakageSoEnergiesWithLeakageAreRefused) {
  EXPECT_NEAR(reread("timeloop-model.map+stats.xml", "dynamic_energy.AB").value, 1250.00 * 32 / 1000 - 8.0, 1e-9);
  for (const char* metric : {"energy", "energy.AB", "energy_per_compute", "leakage_energy", "leakage_energy.AB"}) {
    try {
      reread("timeloop-model.map+stats.xml", metric);
      ADD_FAILURE() << metric << " was read from an XML without leakage";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()),
                "a Timeloop v4 map+stats.xml records no leakage energy, so its energies with leakage are unknown; "
                "claim dynamic_energy (what the XML records), or re-read the stats.txt, which prints leakage")
          << metric;
    }
  }
}

}  // namespace
}  // namespace claimcheck::timeloop
