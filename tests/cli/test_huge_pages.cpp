// Huge pages for claimcheck's heap: the decision (io/huge_pages.hpp), and the real binary, which
// starts itself again with glibc's huge-page tunable and gives the programs it runs the
// environment it was given.

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/security_fixture.hpp"
#include "io/huge_pages.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

TEST(HugePages, TheModeIsTheWordInBrackets) {
  EXPECT_EQ(huge_pages_mode("always [madvise] never\n"), HugePages::on_request);
  EXPECT_EQ(huge_pages_mode("[always] madvise never\n"), HugePages::always);
  EXPECT_EQ(huge_pages_mode("always madvise [never]\n"), HugePages::never);
  EXPECT_EQ(huge_pages_mode(""), HugePages::never);  // no such file
  EXPECT_EQ(huge_pages_mode("always madvise never"), HugePages::never);
  EXPECT_EQ(huge_pages_mode("always [madvise"), HugePages::never);
}

TEST(HugePages, RestartsOnlyWhenPagesAreGivenOnRequestAndNoTunablesAreSet) {
  EXPECT_TRUE(restart_for_huge_pages(HugePages::on_request, nullptr, nullptr));
  EXPECT_TRUE(restart_for_huge_pages(HugePages::on_request, nullptr, "/usr/lib/libheaptrack_preload.so"));
  // The heap has them already, or cannot have them.
  EXPECT_FALSE(restart_for_huge_pages(HugePages::always, nullptr, nullptr));
  EXPECT_FALSE(restart_for_huge_pages(HugePages::never, nullptr, nullptr));
  // The user's own tunables, or none on purpose.
  EXPECT_FALSE(restart_for_huge_pages(HugePages::on_request, "glibc.malloc.arena_max=1", nullptr));
  EXPECT_FALSE(restart_for_huge_pages(HugePages::on_request, "", nullptr));
  // Valgrind would not follow the restart.
  EXPECT_FALSE(restart_for_huge_pages(HugePages::on_request, nullptr,
                                      "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so"));
}

std::string command_claim(const std::string& id, const std::string& script, const std::string& extra_options) {
  return R"j({"id": ")j" + id + R"j(", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "command",
    "mode": "run", "metric": "m", "options": {"argv": ["sh", "-c", )j" +
         nlohmann::json(script).dump() + "]" + extra_options + R"j(},
    "extract": {"regex": "v=(\\d+)"}, "expected": {"value": 0, "unit": "count"}})j";
}

// Runs an audit of two command claims, with `extra_environment` added to the tests' fixed one, and
// gives their measured values: the number of the claimcheck process's mappings that ask for huge
// pages (its /proc/PID/smaps lines with the "hg" flag), and whether GLIBC_TUNABLES reached the
// command (1) or not (0).
std::pair<double, double> audit_seen_by_commands(
    const std::vector<std::pair<std::string, std::string>>& extra_environment) {
  test::TempDir tmp;
  tmp.write("repo/claims/a.claim.json",
            "[" + command_claim("advised", "echo v=$(grep -c '^VmFlags:.* hg' /proc/$PPID/smaps)", "") + ",\n" +
                command_claim("tunables", "if [ -z \"${GLIBC_TUNABLES+x}\" ]; then echo v=0; else echo v=1; fi",
                              R"(, "env": {"GLIBC_TUNABLES": true})") +
                "]\n");
  const fs::path repo = tmp.path() / "repo";
  test::git_commit_all(repo);
  const fs::path record = tmp.path() / "record.json";
  const auto r = test::run_binary({"audit", "claims", "--no-cache", "--allow-commands", "--fail-on", "none", "--format",
                                   "json", "-o", record.string()},
                                  repo, std::chrono::milliseconds(120'000), extra_environment);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto parsed = nlohmann::json::parse(test::read_file(record));
  std::pair<double, double> seen{-1, -1};
  for (const auto& c : parsed["claims"]) {
    EXPECT_TRUE(c.contains("measured")) << c.dump();
    if (!c.contains("measured")) continue;
    (c["id"] == "advised" ? seen.first : seen.second) = c["measured"].get<double>();
  }
  return seen;
}

TEST(HugePages, AnAuditAsksForHugePagesAndItsCommandsSeeTheEnvironmentItWasGiven) {
  if (!huge_pages_restart_built_in()) GTEST_SKIP() << "a sanitizer's allocator: claimcheck does not restart";
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  const std::string mode{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (huge_pages_mode(mode) != HugePages::on_request) {
    GTEST_SKIP() << "this kernel gives huge pages " << (mode.empty() ? "never" : mode) << ", not on request";
  }
  const auto restarted = audit_seen_by_commands({});
  EXPECT_GT(restarted.first, 0) << "no mapping of the audit asks for huge pages";
  EXPECT_EQ(restarted.second, 0) << "the tunable leaked into a command's environment";

  // GLIBC_TUNABLES set, even to nothing, is left as it is: no restart, and commands see it.
  const auto kept = audit_seen_by_commands({{"GLIBC_TUNABLES", ""}});
  EXPECT_EQ(kept.first, 0);
  EXPECT_EQ(kept.second, 1);
}

}  // namespace
}  // namespace claimcheck
