// The shipped claims over published Timeloop numbers (claims/timeloop/published: the reference
// outputs of the Timeloop/Accelergy tutorial exercises and example designs): an audit of that
// folder with the native model must verify every one of them, each measured value equal to the
// published one.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_published_claims = 288;

fs::path repo_root() { return fs::path(CLAIMCHECK_TEST_DIR).parent_path(); }

TEST(TimeloopPublishedClaims, EveryClaimIsVerifiedByTheNativeModel) {
  const fs::path folder = repo_root() / "claims" / "timeloop" / "published";
  ASSERT_TRUE(fs::is_directory(folder)) << folder;
  const test::CliResult r =
      test::run({"audit", folder.string(), "--format", "json", "--fail-on", "none", "-j", "1"}, repo_root());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto record = nlohmann::json::parse(r.out);

  const auto& claims = record.at("claims");
  ASSERT_EQ(claims.size(), k_published_claims);
  std::map<std::string, int> per_metric_kind;
  for (const auto& c : claims) {
    const std::string id = c.at("id");
    EXPECT_EQ(c.at("tool").get<std::string>(), "timeloop") << id;
    EXPECT_EQ(c.at("mode").get<std::string>(), "run") << id;
    EXPECT_EQ(c.at("verdict").get<std::string>(), "verified") << id << ": " << c.value("reason", std::string());
    const std::string metric = c.at("metric");
    ++per_metric_kind[metric.substr(0, metric.find('.'))];
    if (!c.at("measured").is_number()) continue;  // a blocked claim has no measurement
    const double expected = c.at("expected").at("value");
    const double measured = c.at("measured");
    if (metric.rfind("energy.", 0) == 0 || metric == "utilization") {
      // Full-precision energies from the published map+stats.xml, and utilizations (utilized /
      // total MAC instances): tolerance 1e-12 relative.
      EXPECT_NEAR(measured, expected, 1e-12 * std::abs(expected)) << id;
    } else {
      EXPECT_EQ(measured, expected) << id;  // counts: exact
    }
  }
  // 17 published runs (9 timeloop-model runs of tutorial exercises 0-4, 4 timeloop-mapper results of
  // exercises 5-6, 4 of the example designs): cycles, computes and utilization each, 202 nonzero
  // per-level, per-data-space access counts, and 35 energies of levels without leakage (the MAC of
  // every run, DRAMs, zero-leakage registers).
  EXPECT_EQ(per_metric_kind["cycles"], 17);
  EXPECT_EQ(per_metric_kind["computes"], 17);
  EXPECT_EQ(per_metric_kind["utilization"], 17);
  EXPECT_EQ(per_metric_kind["accesses"], 202);
  EXPECT_EQ(per_metric_kind["energy"], 35);
  EXPECT_EQ(record.at("summary").at("verified").get<std::size_t>(), k_published_claims);
}

}  // namespace
}  // namespace claimcheck
