// SECURITY.md limits through the real CLI: file sizes, nesting depth, number of claims,
// untrusted regular expressions, and programs a claim may not run. Each hostile input must be
// refused quickly with a clear message, never crash, hang or yield a number.

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapter/registry.hpp"
#include "cli/security_fixture.hpp"
#include "io/claim_loader.hpp"
#include "io/json_limits.hpp"
#include "io/sandbox.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using Clock = std::chrono::steady_clock;

// Audits `claims/` in `repo`, returning the record's single claim (or null) and the process result.
std::pair<nlohmann::json, ProcessResult> audit_one(const fs::path& repo, std::vector<std::string> extra = {}) {
  const fs::path out = repo / ".." / "out";
  std::vector<std::string> args = {"audit", "claims", "--root", ".", "-j", "1", "--record", (out / "r.json").string(),
                                   "-o", (out / "report.md").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const ProcessResult r = test::run_binary(args, repo);
  const auto record = test::full_record(test::read_file(out / "r.json"));
  if (!record.is_object() || record["claims"].size() != 1) return {nlohmann::json(), r};
  return {record["claims"][0], r};
}

// True when `pid` no longer runs (gone, or a zombie waiting for its parent to reap it).
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  const auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(SecurityLimits, ClaimFileOverTheSizeLimitIsRefusedBeforeReading) {
  TempDir tmp;
  const fs::path claim = tmp.write("big.claim.json", "");
  fs::resize_file(claim, k_max_claim_file_bytes + 1);  // sparse: nothing is written to disk
  const auto r = test::run_binary({"lint", "big.claim.json"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "claimcheck: error: big.claim.json: claim file has " + std::to_string(k_max_claim_file_bytes + 1) +
                       " bytes, over the limit of " + std::to_string(k_max_claim_file_bytes) +
                       "\nclaimcheck: 1 error\n");
}

TEST(SecurityLimits, ArtifactOverTheSizeLimitBlocksItsClaimWithoutReadingIt) {
  TempDir tmp;
  const fs::path artifact = tmp.write("repo/data/huge.csv", "value\n1.5\n");
  fs::resize_file(artifact, Sandbox::k_default_max_file_bytes + 1);  // sparse
  tmp.write("repo/claims/c.claim.json", test::csv_claim("huge", "../data/huge.csv", 1.5));
  const auto start = Clock::now();
  const auto [claim, r] = audit_one(tmp.path() / "repo");
  ASSERT_TRUE(claim.is_object()) << r.err;
  EXPECT_LT(seconds_since(start), 20.0);
  EXPECT_EQ(claim["verdict"], "blocked");
  EXPECT_EQ(claim["block_kind"], "invalid input");
  EXPECT_NE(claim["reason"].get<std::string>().find("over the limit of " +
                                                    std::to_string(Sandbox::k_default_max_file_bytes)),
            std::string::npos)
      << claim["reason"];
}

TEST(SecurityLimits, DeeplyNestedClaimIsRefusedWithItsPosition) {
  TempDir tmp;
  tmp.write("deep.claim.json", std::string(200'000, '[') + std::string(200'000, ']'));
  const auto r = test::run_binary({"lint", "deep.claim.json"}, tmp.path());
  EXPECT_EQ(r.end, ProcessEnd::exited);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("claimcheck: error: deep.claim.json:1:" + std::to_string(k_max_json_depth + 1) +
                       ": JSON nests deeper than " + std::to_string(k_max_json_depth) + " levels"),
            std::string::npos)
      << r.err;
}

TEST(SecurityLimits, DeeplyNestedArtifactBlocksItsClaim) {
  TempDir tmp;
  tmp.write("repo/data/deep.json", "{\"a\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}");
  tmp.write("repo/claims/c.claim.json",
            R"({"id": "deep", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "artifact",
                "mode": "reread", "metric": "m", "artifact": "../data/deep.json", "extract": {"json_pointer": "/a"},
                "expected": {"value": 1, "unit": "ms"}})");
  const auto [claim, r] = audit_one(tmp.path() / "repo");
  ASSERT_TRUE(claim.is_object()) << r.err;
  EXPECT_EQ(claim["verdict"], "blocked");
  EXPECT_NE(claim["reason"].get<std::string>().find("JSON nests deeper than 64 levels"), std::string::npos);
}

TEST(SecurityLimits, DeeplyNestedRecordIsRefusedByRender) {
  TempDir tmp;
  tmp.write("record.json", "{\"claims\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}");
  const auto r = test::run_binary({"render", "record.json"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("record.json:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("JSON nests deeper than 64 levels"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// More claims than k_max_claims in one audit: refused at load, before anything runs.
TEST(SecurityLimits, TooManyClaimsAreRefused) {
  TempDir tmp;
  const std::string one = R"({"id":"c","title":"t","source":{"paper":"p","where":"w"},"tool":"artifact",)"
                          R"("mode":"reread","metric":"m","artifact":"x.csv","extract":{"csv_column":"v"},)"
                          R"("expected":{"value":1,"unit":"ms"}})";
  // Files under the size limit, together over the claim limit.
  const std::size_t per_file = (k_max_claim_file_bytes - 16) / (one.size() + 12);
  std::size_t written = 0;
  for (int f = 0; written <= k_max_claims; ++f) {
    std::string text = "[";
    for (std::size_t i = 0; i < per_file && written <= k_max_claims; ++i, ++written) {
      if (i > 0) text += ",\n";
      std::string claim = one;
      claim.replace(claim.find("\"c\""), 3, "\"c" + std::to_string(written) + "\"");
      text += claim;
    }
    text += "]";
    tmp.write("claims/f" + std::to_string(f) + ".claim.json", text);
  }
  const auto r = test::run_binary({"lint", "claims"}, tmp.path(), std::chrono::minutes(5));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("more than " + std::to_string(k_max_claims) + " claims in one audit"), std::string::npos)
      << r.err.substr(0, 2000);
}

// RE2 runs in linear time: the classic exponential patterns finish at once on a 1 MiB line.
TEST(SecurityLimits, CatastrophicRegexFinishesQuickly) {
  TempDir tmp;
  tmp.write("repo/data/a.log", std::string(1 << 20, 'a') + "!\n");
  const std::vector<std::string> patterns = {"^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "(.*a){20}(x)?$", "^((a*)*b)"};
  for (const auto& pattern : patterns) {
    SCOPED_TRACE(pattern);
    // Patterns with two groups are rejected at lint; make each have exactly one.
    std::string one_group = pattern;
    if (pattern == "(.*a){20}(x)?$") one_group = "(?:.*a){20}(x)?$";
    if (pattern == "^((a*)*b)") one_group = "^((?:a*)*b)";
    tmp.write("repo/claims/c.claim.json",
              R"({"id": "re", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "artifact",
                  "mode": "reread", "metric": "m", "artifact": "../data/a.log", "extract": {"regex": )" +
                  nlohmann::json(one_group).dump() + R"(}, "expected": {"value": 1, "unit": "ms"}})");
    const auto start = Clock::now();
    const auto [claim, r] = audit_one(tmp.path() / "repo");
    ASSERT_TRUE(claim.is_object()) << r.err;
    EXPECT_LT(seconds_since(start), 20.0);
    EXPECT_EQ(claim["verdict"], "blocked");
    EXPECT_TRUE(claim["measured"].is_null());
  }
}

TEST(SecurityLimits, BackreferencesAreRejectedAtLint) {
  TempDir tmp;
  tmp.write("c.claim.json", R"({"id": "re", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "artifact",
      "mode": "reread", "metric": "m", "artifact": "a.log", "extract": {"regex": "(a+)\\1"},
      "expected": {"value": 1, "unit": "ms"}})");
  const auto r = test::run_binary({"lint", "c.claim.json"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("(/extract/regex): invalid regex: invalid escape sequence: \\1"),
            std::string::npos)
      << r.err;
}

// --- programs: only with --allow-commands, and a timeout ends the whole process group ---

class CommandClaims : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_adapter("command")) GTEST_SKIP() << "the command adapter is not in the registry yet";
  }
  void write_command_claim(const std::string& argv_json, const std::string& extra = "") {
    m_tmp.write("repo/claims/c.claim.json",
                R"({"id": "cmd", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "command",
                    "mode": "run", "metric": "m", "options": {"argv": )" +
                    argv_json + R"j(}, "extract": {"regex": "v=(\\d+)"}, "expected": {"value": 1, "unit": "ms"})j" + extra +
                    "}");
  }
  TempDir m_tmp;
};

TEST_F(CommandClaims, CommandDoesNotRunWithoutTheFlag) {
  write_command_claim(R"(["sh", "-c", "touch ../pwned; echo v=1"])");
  const auto [claim, r] = audit_one(m_tmp.path() / "repo");
  ASSERT_TRUE(claim.is_object()) << r.err;
  EXPECT_EQ(claim["verdict"], "blocked");
  EXPECT_EQ(claim["block_kind"], "command not allowed");
  EXPECT_FALSE(fs::exists(m_tmp.path() / "repo/pwned")) << "the command ran without --allow-commands";
  // The control: with the flag the same claim runs (so the check above can fail).
  const auto [allowed, r2] = audit_one(m_tmp.path() / "repo", {"--allow-commands"});
  ASSERT_TRUE(allowed.is_object()) << r2.err;
  EXPECT_TRUE(fs::exists(m_tmp.path() / "repo/pwned")) << allowed.dump(2);
}

TEST_F(CommandClaims, TimeoutKillsTheWholeProcessGroup) {
  // The command leaves a background grandchild and records its pid; the timeout must end both.
  write_command_claim(R"(["sh", "-c", "sleep 300 & echo $! > ../grandchild.pid; sleep 300"])");
  const auto start = Clock::now();
  const auto [claim, r] = audit_one(m_tmp.path() / "repo", {"--allow-commands", "--timeout", "1"});
  ASSERT_TRUE(claim.is_object()) << r.err;
  EXPECT_LT(seconds_since(start), 30.0);
  EXPECT_EQ(claim["verdict"], "blocked");
  EXPECT_EQ(claim["block_kind"], "timeout");
  const std::string pid_text = test::read_file(m_tmp.path() / "repo/grandchild.pid");
  ASSERT_FALSE(pid_text.empty());
  const pid_t grandchild = static_cast<pid_t>(std::stol(pid_text));
  // Reaped by init soon after the kill; allow a moment.
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = process_gone(grandchild);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!gone) ::kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "the background process " << grandchild << " outlived the timeout";
}

}  // namespace
}  // namespace claimcheck
