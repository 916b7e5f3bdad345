// The shipped search claims (claims/timeloop/mapper): an audit with the native mapper verifies
// every one of them.

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

TEST(TimeloopMapperClaims, EverySearchClaimIsVerified) {
  const fs::path root = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
  const fs::path folder = root / "claims" / "timeloop" / "mapper";
  const test::CliResult r = test::run({"audit", folder.string(), "--format", "json", "--fail-on", "none", "-j", "2"}, root);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto record = nlohmann::json::parse(r.out);
  const auto& claims = record.at("claims");
  ASSERT_EQ(claims.size(), 6u);
  for (const auto& c : claims) {
    EXPECT_EQ(c.at("verdict").get<std::string>(), "verified") << c.at("id") << ": " << c.value("reason", std::string());
    EXPECT_EQ(c.at("metric").get<std::string>().rfind("search.", 0), 0u) << c.at("id");
  }
}

}  // namespace
}  // namespace claimcheck
