// README.md's "Your first claim in five minutes": its commands, run as they are written on a
// fresh clone of this repository (with the test build as build/release/claimcheck), give a
// verified claim linked to the LaTeX paper, and the drift the README describes.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/process.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

const fs::path k_repo = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
constexpr std::string_view k_marker = "<!-- the walkthrough: tests/cli/test_readme.cpp runs this block -->";

// The shell block right after the marker.
std::string walkthrough() {
  const std::string readme = test::read_file(k_repo / "README.md");
  const auto marker = readme.find(k_marker);
  if (marker == std::string::npos) return {};
  const auto open = readme.find("```sh\n", marker);
  const auto close = readme.find("\n```", open + 6);
  if (open == std::string::npos || close == std::string::npos) return {};
  return readme.substr(open + 6, close - open - 6) + "\n";
}

ProcessResult bash(const std::string& script, const fs::path& cwd) {
  ProcessRequest request;
  request.argv = {"bash", "-euo", "pipefail", "-c", script};
  request.working_dir = cwd;
  request.environment = {{"PATH", "/usr/bin:/bin"},         {"LC_ALL", "C"},
                         {"HOME", cwd.string()},            {"GIT_AUTHOR_NAME", "Reader"},
                         {"GIT_AUTHOR_EMAIL", "r@example.com"}, {"GIT_COMMITTER_NAME", "Reader"},
                         {"GIT_COMMITTER_EMAIL", "r@example.com"}, {"GIT_CONFIG_NOSYSTEM", "1"}};
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) request.environment.emplace_back(name, value);
  }
  request.search_path = "/usr/bin:/bin";
  request.timeout = std::chrono::minutes(3);
  return system_process_runner().run(request);
}

TEST(Readme, TheFirstClaimWalkthroughWorksOnAFreshClone) {
  const std::string script = walkthrough();
  ASSERT_FALSE(script.empty()) << "README.md has no walkthrough block after " << k_marker;
  test::TempDir dir;
  const fs::path clone = dir.path() / "claimcheck";
  test::sh("git clone -q --depth 1 file://" + k_repo.string() + " " + clone.string(), dir.path());
  // "Build claimcheck once": this test's build stands in for build/release.
  fs::create_directories(clone / "build/release");
  fs::create_symlink(CLAIMCHECK_BINARY, clone / "build/release/claimcheck");

  const ProcessResult r = bash(script, clone);
  ASSERT_EQ(r.end, ProcessEnd::exited);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("verified   my-gemm-cycles  expected 32768 cycles  measured 32768 cycles"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("claimcheck: cover: 0 drifted, 1 linked"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("timeloop (adapter version "), std::string::npos);

  const auto claim = nlohmann::json::parse(test::read_file(clone / "claims/mine/gemm.claim.json"));
  EXPECT_EQ(claim.at("expected"), nlohmann::json({{"value", 32768}, {"unit", "cycles"}}));
  EXPECT_EQ(claim.at("source").at("file"), "../../paper/paper.tex");
  const auto record = test::full_record(test::read_file(clone / "reports/mine.json"));
  EXPECT_EQ(record.at("claims").at(0).at("verdict"), "verified");
  EXPECT_FALSE(record.at("claims").at(0).at("evidence_uncommitted").get<bool>());
  EXPECT_NE(test::read_file(clone / "paper/claims.tex").find("\\@namedef{claimcheck@value@my-gemm-cycles}{32768\\,cycles}"),
            std::string::npos);

  // What the README says happens when the paper is edited.
  const ProcessResult drift = bash(
      "export PATH=\"$PWD/build/release:$PATH\"; sed -i 's/32{,}768/33{,}000/' paper/paper.tex; claimcheck cover claims/mine",
      clone);
  EXPECT_EQ(drift.exit_code, 1);
  EXPECT_EQ(drift.err.rfind("drift      my-gemm-cycles  paper/paper.tex:3: the paper now says 33000 cycles where the "
                            "quote says 32768; ",
                            0),
            0u)
      << drift.err;
  EXPECT_NE(test::read_file(k_repo / "README.md")
                .find("`drift      my-gemm-cycles\n  paper/paper.tex:3: the paper now says 33000 cycles where the quote "
                      "says 32768; ...`"),
            std::string::npos);
}

}  // namespace
}  // namespace claimcheck
