// The shipped claims over published Timeloop numbers (claims/timeloop/published: the reference
// outputs of the Timeloop/Accelergy tutorial exercises and example designs, measured by the native
// model on the exercises' own input files). The exercises live in the git-ignored third_party/
// folder: with them (claims/timeloop/published/fetch.sh), an audit of the folder verifies every
// claim, each measured value within its stated tolerance of the published one; without them, every
// claim is blocked as "input missing" with the fetch step as the way to unblock it.

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

constexpr std::size_t k_published_claims = 491;

fs::path repo_root() { return fs::path(CLAIMCHECK_TEST_DIR).parent_path(); }

nlohmann::json audit_published() {
  const fs::path folder = repo_root() / "claims" / "timeloop" / "published";
  EXPECT_TRUE(fs::is_directory(folder)) << folder;
  const test::CliResult r =
      test::run({"audit", folder.string(), "--format", "json", "--fail-on", "none", "-j", "2"}, repo_root());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return test::full_record(r.out);
}

bool exercises_fetched() { return fs::is_directory(repo_root() / "third_party" / "timeloop-accelergy-exercises"); }

TEST(TimeloopPublishedClaims, EveryClaimIsVerifiedByTheNativeModel) {
  if (!exercises_fetched()) GTEST_SKIP() << "fetch the exercises: claims/timeloop/published/fetch.sh";
  const auto record = audit_published();
  const auto& claims = record.at("claims");
  ASSERT_EQ(claims.size(), k_published_claims);
  std::map<std::string, int> per_metric_kind;
  for (const auto& c : claims) {
    const std::string id = c.at("id");
    EXPECT_EQ(c.at("tool").get<std::string>(), "timeloop") << id;
    EXPECT_EQ(c.at("verdict").get<std::string>(), "verified") << id << ": " << c.value("reason", std::string());
    const std::string metric = c.at("metric");
    ++per_metric_kind[c.at("mode").get<std::string>() + " " + metric.substr(0, metric.find('.'))];
    if (c.at("mode") == "run") {
      EXPECT_NE(c.at("tool_version").get<std::string>().find("Timeloop v4 semantics"), std::string::npos) << id;
    }
  }
  // 17 published runs (9 timeloop-model runs of tutorial exercises 0-4, 4 timeloop-mapper results of
  // exercises 5-6, 4 of the example designs): cycles, computes, utilization and the fJ/Compute
  // total each; every nonzero per-instance access count; every level's fJ/Compute row; every
  // nonzero printed leakage; the MAC energy and every storage level's dynamic energy at full
  // precision; and the printed total re-read from each stats text.
  EXPECT_EQ(per_metric_kind["run cycles"], 17);
  EXPECT_EQ(per_metric_kind["run computes"], 17);
  EXPECT_EQ(per_metric_kind["run utilization"], 17);
  EXPECT_EQ(per_metric_kind["run accesses"], 202);
  EXPECT_EQ(per_metric_kind["reread energy_per_compute"], 17);
  // Exercise 05's three mapper results against the best EDP of their mapspaces (native search).
  EXPECT_EQ(per_metric_kind["run search"], 3);
  EXPECT_EQ(record.at("summary").at("verified").get<std::size_t>(), k_published_claims);
}

TEST(TimeloopPublishedClaims, WithoutTheExercisesEveryClaimSaysHowToFetchThem) {
  if (exercises_fetched()) GTEST_SKIP() << "the exercises are fetched; the verified case is tested";
  const auto record = audit_published();
  const auto& claims = record.at("claims");
  ASSERT_EQ(claims.size(), k_published_claims);
  for (const auto& c : claims) {
    const std::string id = c.at("id");
    EXPECT_EQ(c.at("verdict").get<std::string>(), "blocked") << id;
    EXPECT_EQ(c.at("block_kind").get<std::string>(), "input missing") << id;
    EXPECT_EQ(c.at("unblock").get<std::string>(),
              "the file belongs to another project and is not committed (third_party/ is git-ignored): fetch it "
              "with claims/timeloop/published/fetch.sh")
        << id;
  }
}

}  // namespace
}  // namespace claimcheck
