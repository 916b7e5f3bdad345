// End-to-end: claimcheck audit / lint / render / adapters on temporary repositories.

#include <regex>

#include <gtest/gtest.h>

#include "report/record_json.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

std::string claim(const std::string& id, double expected, const std::string& extra = "") {
  return R"({"id": ")" + id + R"(", "title": "Cycles of )" + id + R"(", "source": {"paper": "Paper", "where": "Table 2"},
  "tool": "artifact", "mode": "reread", "metric": "cycles", "artifact": "out/stats.json",
  "extract": {"json_pointer": "/)" + id + R"("}, "expected": {"value": )" + std::to_string(expected) +
         R"(, "unit": "cycles"}, "tolerance": {"relative": 0.01})" + extra + "}";
}

// A repository with three claims: one verified, one discrepant, one blocked (missing artifact).
struct Audited {
  test::TempDir dir;
  Audited() {
    dir.write("claims/out/stats.json", R"({"a": 1000, "b": 2000})");
    dir.write("claims/a.claim.json", claim("a", 1005));
    dir.write("claims/b.claim.json", claim("b", 1000));
    std::string blocked = claim("c", 10);
    blocked.replace(blocked.find("out/stats.json"), 14, "out/missing.json");
    dir.write("claims/c.claim.json", blocked);
    test::sh(std::string("git init -q -b main . && ") + k_git + "add -A && " + k_git + "commit -q -m claims",
             dir.path());
  }
};

TEST(AuditCommand, PrintsOneLinePerClaimAndASummary) {
  Audited repo;
  const auto r = test::run({"audit", "-o", "reports/audit.md", "--record", "reports/audit.json"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err,
            "verified   a  expected 1005 cycles  measured 1000 cycles  error -0.498%  tolerance \u00b11%\n"
            "discrepant b  expected 1000 cycles  measured 2000 cycles  error +100%  tolerance \u00b11%\n"
            "blocked    c  expected 10 cycles  blocked (input missing): file \"out/missing.json\" does not exist "
            "(looked for " + (repo.dir.path() / "claims/out/missing.json").string() + ")\n"
            "3 claims: 1 verified, 1 discrepant, 1 blocked\n"
            "claimcheck: 1 claim fails the policy (--fail-on discrepant)\n");
  EXPECT_EQ(r.out, "");
  const std::string md = test::read_file(repo.dir.path() / "reports/audit.md");
  EXPECT_NE(md.find("## claimcheck: 3 claims: 1 verified, 1 discrepant, 1 blocked"), std::string::npos);
  EXPECT_NE(md.find("| \u274c discrepant | `b` Cycles of b | Paper, Table 2 | 1000 cycles | 2000 cycles | +100% | \u00b11% |"),
            std::string::npos);
  EXPECT_NE(md.find("- Error: +1000 cycles (+100%), measured is higher than claimed"), std::string::npos);
  EXPECT_NE(md.find("- To unblock: commit the file, or correct the path in the claim (relative to the claim file)"),
            std::string::npos);
}

TEST(AuditCommand, FailOnPolicy) {
  Audited repo;
  EXPECT_EQ(test::run({"audit", "--fail-on", "none"}, repo.dir.path()).exit_code, 0);
  EXPECT_EQ(test::run({"audit", "--only", "a"}, repo.dir.path()).exit_code, 0);
  EXPECT_EQ(test::run({"audit", "--only", "c", "--fail-on", "blocked"}, repo.dir.path()).exit_code, 1);
  EXPECT_EQ(test::run({"audit", "--only", "c", "--fail-on", "none"}, repo.dir.path()).exit_code, 0);
  const auto bad = test::run({"audit", "--fail-on", "slow"}, repo.dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "claimcheck: error: unknown --fail-on value \"slow\"; expected a list of discrepant, blocked, stale, or none\n");
}

TEST(AuditCommand, RecordRoundTripsThroughRender) {
  Audited repo;
  test::run({"audit", "-o", "r.md", "--record", "r.json"}, repo.dir.path());
  const auto rendered = test::run({"render", "r.json"}, repo.dir.path());
  EXPECT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(rendered.out, test::read_file(repo.dir.path() / "r.md"));
  const auto json = test::run({"render", "r.json", "--format", "json"}, repo.dir.path());
  EXPECT_EQ(json.out, test::read_file(repo.dir.path() / "r.json"));
}

TEST(AuditCommand, TheRecordAndTheReportNeedAFileEach) {
  Audited repo;
  // The two are written at once: one file for both would hold either.
  for (const auto& [record, report] : {std::pair{"out.json", "out.json"}, std::pair{"out.json", "./reports/../out.json"}}) {
    const auto r = test::run({"audit", "--record", record, "-o", report}, repo.dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, std::string("claimcheck: error: --record and --output name the same file (") + record +
                         "); the record and the report need a file each\n");
    EXPECT_FALSE(fs::exists(repo.dir.path() / "out.json"));
  }
  fs::create_directories(repo.dir.path() / "reports");
  const auto ok = test::run({"audit", "--record", "out.json", "-o", "reports/out.json"}, repo.dir.path());
  EXPECT_EQ(ok.exit_code, 1) << ok.err;
  EXPECT_TRUE(test::full_record(test::read_file(repo.dir.path() / "out.json")).contains("claims"));
  EXPECT_NE(test::read_file(repo.dir.path() / "reports/out.json").find("## claimcheck: 3 claims"), std::string::npos);
}

// A second audit reads the claim files from the cache; the claims, and so the results, are the
// same, and an edited claim file is read again.
TEST(AuditCommand, ClaimFilesReadFromTheCacheGiveTheSameAudit) {
  Audited repo;
  const auto first = test::run({"audit", "--record", "r1.json", "-o", "r1.md"}, repo.dir.path());
  EXPECT_EQ(first.exit_code, 1) << first.err;
  std::size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(repo.dir.path() / ".claimcheck/cache/claims")) {
    entries += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(entries, 3u);
  const auto second = test::run({"audit", "--record", "r2.json", "-o", "r2.md"}, repo.dir.path());
  EXPECT_EQ(second.exit_code, 1) << second.err;
  nlohmann::json a = test::full_record(test::read_file(repo.dir.path() / "r1.json"));
  nlohmann::json b = test::full_record(test::read_file(repo.dir.path() / "r2.json"));
  ASSERT_EQ(a["claims"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    for (auto* c : {&a["claims"][i], &b["claims"][i]}) {
      c->erase("duration_ms");
      c->erase("cache");
    }
    EXPECT_EQ(a["claims"][i], b["claims"][i]);
  }
  repo.dir.write("claims/b.claim.json", claim("b", 2000));
  const auto edited = test::run({"audit", "--only", "b"}, repo.dir.path());
  EXPECT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_NE(edited.err.find("verified   b  expected 2000 cycles"), std::string::npos) << edited.err;
}

TEST(AuditCommand, ResultsDoNotDependOnJobs) {
  Audited repo;
  for (int i = 0; i < 20; ++i) {
    std::string c = claim("m" + std::to_string(i), 1000);
    c.replace(c.find("\"/m"), 3 + std::to_string(i).size(), "\"/a");
    repo.dir.write("claims/m" + std::to_string(i) + ".claim.json", c);
  }
  test::TempDir outputs;  // outside the repository, so the first audit's record does not dirty the second's
  // Without the result cache, which would give the second audit the first one's measurements.
  test::run({"audit", "-j", "1", "--no-cache", "--record", (outputs.path() / "one.json").string(), "--fail-on", "none"},
            repo.dir.path());
  test::run({"audit", "-j", "8", "--no-cache", "--record", (outputs.path() / "eight.json").string(), "--fail-on", "none"},
            repo.dir.path());
  auto strip = [&](const char* name) {
    std::string text = test::read_file(outputs.path() / name);
    text = std::regex_replace(text, std::regex(R"re("(duration_ms|started_at)": ?[^,\n}]*)re"), "\"$1\": 0");
    return text;
  };
  EXPECT_EQ(strip("one.json"), strip("eight.json"));
  EXPECT_NE(strip("one.json").find("\"id\":\"m19\""), std::string::npos);
  EXPECT_NE(strip("one.json").find("\"verified\":21"), std::string::npos);
}

TEST(AuditCommand, FlagsUncommittedEvidence) {
  Audited repo;
  repo.dir.write("claims/out/stats.json", R"({"a": 1001, "b": 2000})");
  const auto r = test::run({"audit", "--only", "a", "--format", "json"}, repo.dir.path());
  const AuditRecord record = record_from_json(r.out, "stdout");
  ASSERT_EQ(record.claims.size(), 1u);
  EXPECT_TRUE(record.claims[0].evidence_uncommitted);
  ASSERT_EQ(record.claims[0].evidence.size(), 1u);
  EXPECT_EQ(record.claims[0].evidence[0].path, "claims/out/stats.json");
  EXPECT_EQ(record.claims[0].evidence[0].state, EvidenceState::modified);
  EXPECT_TRUE(record.provenance.git.dirty);
  EXPECT_EQ(record.provenance.git.dirty_paths, std::vector<std::string>{"claims/out/stats.json"});
  EXPECT_NE(r.err.find("[uncommitted evidence]"), std::string::npos);
}

TEST(AuditCommand, StaleArtifactIsBlocked) {
  Audited repo;
  std::string stale = claim("s", 1000, R"(, "inputs": ["inputs/config.yml"])");
  stale.replace(stale.find("\"/s\""), 4, "\"/a\"");
  repo.dir.write("claims/s.claim.json", stale);
  repo.dir.write("claims/inputs/config.yml", "bandwidth: 50\n");
  test::sh(std::string("GIT_COMMITTER_DATE='2030-01-01T00:00:00Z' ") + k_git + "add -A && GIT_COMMITTER_DATE='2030-01-01T00:00:00Z' " + k_git + "commit -q -m input", repo.dir.path());
  const auto r = test::run({"audit", "--only", "s", "--fail-on", "stale"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("blocked    s  expected 1000 cycles  blocked (artifact stale): the artifact is older than its inputs"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(1 stale)"), std::string::npos);
}

TEST(AuditCommand, NoClaimsIsAnErrorNotAPass) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "claims");
  const auto r = test::run({"audit"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "claimcheck: error: claims: no claim files (*.claim.json) found under claims\n"
            "  hint: an audit that measures nothing is not a pass; name a claim file or a folder holding some\n"
            "claimcheck: 1 error\n");
}

TEST(LintCommand, ReportsEveryProblemWithExitTwo) {
  test::TempDir dir;
  std::string c = claim("x", 1);
  c.replace(c.find("\"tool\": \"artifact\""), 18, "\"tool\": \"artefact\"");
  dir.write("claims/x.claim.json", c);
  dir.write("claims/y.claim.json", claim("x", 1));
  const auto r = test::run({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("claimcheck: error: claims/x.claim.json:2:11 (/tool): unknown tool \"artefact\"\n"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  hint: did you mean \"artifact\"?\n"), std::string::npos);
  EXPECT_NE(r.err.find("claimcheck: 1 error\n"), std::string::npos);
  dir.write("claims/x.claim.json", claim("x", 1));
  const auto dup = test::run({"lint"}, dir.path());
  EXPECT_NE(dup.err.find("claimcheck: error: claims/y.claim.json:1:1 (/id): duplicate id \"x\"\n"
                         "  hint: first used at claims/x.claim.json:1\n"),
            std::string::npos) << dup.err;
  dir.write("claims/y.claim.json", claim("y", 1));
  dir.write("claims/out/stats.json", R"({"x": 1, "y": 1})");
  const auto ok = test::run({"lint"}, dir.path());
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.err, "claimcheck: 2 claims valid\n");
}

TEST(AdaptersCommand, ListsTheArtifactAdapter) {
  const auto r = test::run({"adapters"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("artifact 1  (modes: reread)\n"), std::string::npos) << r.out;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(test::run({"audit", "--format", "pdf"}).exit_code, 2);
  EXPECT_EQ(test::run({"frobnicate"}).exit_code, 2);
  const auto help = test::run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("audit"), std::string::npos);
  // The environment variables claimcheck reads of its own accord.
  for (const char* name : {"GITHUB_TOKEN", "CLAIMCHECK_TIMELOOP_MODEL", "GLIBC_TUNABLES"}) {
    EXPECT_NE(help.out.find(std::string("\n  ") + name + " "), std::string::npos) << name << "\n" << help.out;
  }
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

TEST(RenderCommand, BadRecordNamesFieldAndLine) {
  test::TempDir dir;
  dir.write("r.json", "{\n  \"schema_version\": 1,\n  \"provenance\": {\"git\": {\"in_repository\": \"yes\"}},\n  \"claims\": []\n}\n");
  const auto r = test::run({"render", "r.json"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "claimcheck: error: r.json:3:43 (/provenance/git/in_repository): \"in_repository\" must be true or false\n"
            "      \"provenance\": {\"git\": {\"in_repository\": \"yes\"}},\n"
            "                                              ^\n"
            "claimcheck: 1 error\n");
  const auto missing = test::run({"render", "nope.json"}, dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "claimcheck: error: nope.json: cannot read the audit record\n"
            "  hint: write one with `claimcheck audit --record FILE`\nclaimcheck: 1 error\n");
}

TEST(ModelCommand, UnknownToolIsAUsageError) {
  const auto r = test::run({"model", "gem5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("claimcheck: error: no native model for \"gem5\"; models: ", 0), 0u) << r.err;
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

TEST(ModelCommand, PassesEveryArgumentToTheTool) {
  // Options with separate values must reach the tool's own parser intact.
  const auto r = test::run({"model", "astra-sim", "--network", "missing.yml", "--system", "s.json", "--workload", "w"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.yml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace claimcheck
