// Every reference case run through the real timeloop-model v3.0.3 (tests/data/timeloop): the
// native model must agree exactly on cycles, computes and every per-level, per-data-space read,
// fill and update count, and within 1e-9 relative on energies.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "adapters/timeloop/inputs.hpp"
#include "case_inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "support/support.hpp"

namespace claimcheck::timeloop {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() { return fs::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop"; }

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(data_dir())) {
    if (e.is_directory() && fs::exists(e.path() / "expected.json")) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expect_close(double got, double expected, const std::string& what) {
  const double tol = 1e-9 * std::max(1.0, std::abs(expected));
  EXPECT_NEAR(got, expected, tol) << what;
}

class ReferenceCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceCase, MatchesRealTimeloop) {
  const fs::path dir = data_dir() / GetParam();
  const auto expected = nlohmann::json::parse(test::read_file(dir / "expected.json"));
  const Spec spec = load_spec_files(case_inputs(dir));
  const Evaluation ev = evaluate(spec);

  if (expected.value("expected_outcome", "") == "error") {
    ASSERT_TRUE(ev.error.has_value());
    const std::string line = expected["stderr_error_lines"][0].get<std::string>();
    EXPECT_EQ("ERROR: " + ev.error->message(), line);
    return;
  }
  ASSERT_TRUE(ev.result.has_value()) << (ev.error ? ev.error->message() : "");
  const Result& r = *ev.result;
  const auto& s = expected["summary"];
  EXPECT_EQ(r.cycles, s["cycles"].get<std::uint64_t>());
  EXPECT_EQ(r.computes, s["computes"].get<std::uint64_t>());
  expect_close(r.energy, s["energy_pJ"].get<double>(), "total energy");
  EXPECT_DOUBLE_EQ(r.utilization, s["utilization"].get<double>());

  std::size_t storage_seen = 0;
  for (const auto& lv : expected["levels"]) {
    const std::string name = lv["name"];
    if (lv["type"] == "arithmetic") {
      EXPECT_EQ(r.arithmetic.name, name);
      EXPECT_EQ(r.arithmetic.computes, lv["computes"].get<std::uint64_t>());
      EXPECT_EQ(r.arithmetic.cycles, lv["cycles"].get<std::uint64_t>());
      EXPECT_EQ(r.arithmetic.utilized_instances, lv["utilized_instances"].get<std::uint64_t>());
      expect_close(r.arithmetic.energy, lv["energy_pJ"].get<double>(), name + " energy");
      continue;
    }
    ASSERT_LT(storage_seen, r.storage.size());
    const StorageStats& st = r.storage[storage_seen++];
    EXPECT_EQ(st.name, name);
    EXPECT_EQ(st.cycles, lv["cycles"].get<std::uint64_t>()) << name;
    EXPECT_DOUBLE_EQ(st.slowdown, lv["bandwidth_throttling"].get<double>()) << name;
    expect_close(st.energy, lv["energy_pJ"].get<double>(), name + " energy");
    std::size_t kept = 0;
    for (const auto& d : st.data_spaces) kept += d.keep ? 1 : 0;
    EXPECT_EQ(kept, lv["dataspaces"].size()) << name;
    for (const auto& [ds_name, ds] : lv["dataspaces"].items()) {
      const auto it = std::find_if(st.data_spaces.begin(), st.data_spaces.end(),
                                   [&](const DataSpaceStats& d) { return d.name == ds_name; });
      ASSERT_NE(it, st.data_spaces.end()) << name << "." << ds_name;
      const std::string at = name + "." + ds_name;
      EXPECT_TRUE(it->keep) << at;
      EXPECT_EQ(it->reads, ds["reads_per_instance"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->fills, ds["fills_per_instance"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->updates, ds["updates_per_instance"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->utilized_capacity, ds["utilized_capacity"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->partition_size, ds["partition_size"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->utilized_instances, ds["utilized_instances"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->temporal_reductions, ds["temporal_reductions_per_instance"].get<std::uint64_t>()) << at;
      EXPECT_EQ(it->address_generations, ds["address_generations_per_cluster"].get<std::uint64_t>()) << at;
      expect_close(it->energy, ds["energy_pJ"].get<double>(), at + " energy");
    }
  }
  EXPECT_EQ(storage_seen, r.storage.size());
}

// The mapping the real tool printed (timeloop-model.map.txt), read back as the mapping, gives the
// same evaluation as the mapping it was given.
TEST_P(ReferenceCase, PrintedMappingGivesTheSameEvaluation) {
  const fs::path dir = data_dir() / GetParam();
  if (!fs::exists(dir / "timeloop-model.map.txt")) GTEST_SKIP() << "the tool printed no mapping (an error case)";
  std::vector<std::string> printed;
  for (const auto& f : case_inputs(dir)) {
    printed.push_back(fs::path(f).filename() == "mapping.yaml" ? (dir / "timeloop-model.map.txt").string() : f);
  }
  const Evaluation given = evaluate(load_spec_files(case_inputs(dir)));
  const Evaluation back = evaluate(load_spec_files(printed));
  ASSERT_TRUE(given.result && back.result);
  EXPECT_EQ(*back.result, *given.result);
}

INSTANTIATE_TEST_SUITE_P(Timeloop, ReferenceCase, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(ReferenceCases, AllSixteenArePresent) { EXPECT_EQ(case_names().size(), 16u); }

// The printed GFLOPs of every case: (computes + reduction ops) / cycles, 2 decimals.
TEST(ReferenceCases, GflopsAsPrinted) {
  for (const auto& name : case_names()) {
    const fs::path dir = data_dir() / name;
    const auto expected = nlohmann::json::parse(test::read_file(dir / "expected.json"));
    if (!expected.contains("printed")) continue;
    const Evaluation ev = evaluate(load_spec_files(case_inputs(dir)));
    ASSERT_TRUE(ev.result) << name;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", ev.result->gflops);
    EXPECT_EQ(buf, expected["printed"]["GFLOPs@1GHz"].get<std::string>()) << name;
  }
}

}  // namespace
}  // namespace claimcheck::timeloop
