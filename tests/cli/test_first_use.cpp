// What a new user tripped on (issue 11, "Why"): each case failed before it was fixed.

#include <gtest/gtest.h>

#include "adapter/registry.hpp"
#include "cli/claim_checks.hpp"
#include "io/claim_loader.hpp"
#include "report/markdown.hpp"
#include "report/record_json.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

const fs::path k_repo = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

void commit_all(const fs::path& dir) {
  test::sh(std::string("git init -q -b main . && ") + k_git + "add -A && " + k_git + "commit -q -m c", dir);
}

std::string artifact_claim(const std::string& id, const std::string& artifact, const std::string& extract) {
  return R"({"id": ")" + id + R"(", "title": "T", "source": {"paper": "P", "where": "Table 1"}, "tool": "artifact",
  "mode": "reread", "metric": "latency", "artifact": ")" + artifact + R"(", "extract": )" + extract + R"(,
  "expected": {"value": 21031, "unit": "us"}})";
}

TEST(FirstUse, AnUnknownCommandIsNamed) {
  const auto r = test::run({"nwe", "timeloop"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "claimcheck: error: unknown command \"nwe\"\n  hint: did you mean \"new\"? (claimcheck --help lists "
                   "them)\n");
  const auto far = test::run({"frobnicate"});
  EXPECT_EQ(far.err, "claimcheck: error: unknown command \"frobnicate\"\n  hint: commands: audit, merge, lint, render, "
                     "adapters, model, new, cover, diff, publish (claimcheck --help lists them)\n");
}

TEST(FirstUse, ModelHelpIsTheTools) {
  const auto astra = test::run({"model", "astra-sim", "--help"});
  EXPECT_EQ(astra.exit_code, 0);
  EXPECT_EQ(astra.out.rfind("usage: claimcheck model astra-sim --network FILE --system FILE --workload PREFIX|FILE", 0),
            0u)
      << astra.out;
  const auto timeloop = test::run({"model", "timeloop", "-h"});
  EXPECT_EQ(timeloop.out.rfind("usage: claimcheck model timeloop FILE...", 0), 0u) << timeloop.out;
  const auto none = test::run({"model", "--help"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "usage: claimcheck model TOOL ARGS...\nRuns a tool's native model directly on the tool's own "
                      "input files. Tools:\n  astra-sim  (claimcheck model astra-sim --help)\n  timeloop  (claimcheck "
                      "model timeloop --help)\n");
}

// `claimcheck adapters TOOL`: every metric and option, from the tables the loader checks.
TEST(FirstUse, EveryAdapterDocumentsItsClaimsOptionsAndAnExample) {
  for (const auto& entry : registry()) {
    const std::string tool = entry.adapter->name();
    SCOPED_TRACE(tool);
    const auto r = test::run({"adapters", tool});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    test::expect_golden("adapters/" + tool + ".txt", r.out);
    for (const auto& option : entry.adapter->options()) {
      EXPECT_NE(r.out.find("  " + option.name + ": "), std::string::npos) << option.name;
    }
    // The example is a claim the loader and the adapter accept.
    const LoadResult example = parse_claim_text(entry.adapter->doc().example, "example.claim.json");
    ASSERT_TRUE(example.diagnostics.empty()) << format_diagnostic(example.diagnostics.items().front());
    Diagnostics problems;
    validate_with_adapter(example.claims.at(0), problems);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : format_diagnostic(problems.items().front()));
  }
  // Every metric the docs list is one the loader accepts, in the unit they give.
  for (const auto& entry : registry()) {
    const Adapter& adapter = *entry.adapter;
    LoadResult example = parse_claim_text(adapter.doc().example, "example.claim.json");
    ASSERT_FALSE(example.claims.empty());
    for (const auto& metric : adapter.metrics()) {
      if (metric.name == "*") continue;
      Claim claim = example.claims.front();
      // "<level>" stands for any word, "<reads|fills|updates>" for one of its words.
      std::string name;
      for (std::size_t i = 0; i < metric.name.size(); ++i) {
        if (metric.name[i] != '<') {
          name += metric.name[i];
          continue;
        }
        const std::size_t close = metric.name.find('>', i);
        const std::string inner = metric.name.substr(i + 1, close - i - 1);
        name += inner.find('|') == std::string::npos ? "X" : inner.substr(0, inner.find('|'));
        i = close;
      }
      claim.metric = name;
      claim.expected.unit = *parse_unit(metric.unit);
      Diagnostics problems;
      validate_with_adapter(claim, problems);
      for (const auto& d : problems.items()) {
        EXPECT_NE(d.pointer, "/metric") << adapter.name() << " " << name << ": " << d.message;
        EXPECT_NE(d.pointer, "/expected/unit") << adapter.name() << " " << name << ": " << d.message;
      }
    }
  }
  const auto unknown = test::run({"adapters", "astrasim"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "claimcheck: error: no adapter named \"astrasim\"\n  hint: did you mean \"astra-sim\"?\n"
                         "claimcheck: 1 error\n");
}

// lint rejects what audit would: a unit of the wrong dimension, a path leaving the repository, an
// NPU the run does not have.
TEST(FirstUse, LintFindsWhatTheAuditWouldReject) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "claims");
  fs::copy(k_repo / "claims/astrasim/inputs/ar_ring8_64MiB", dir.path() / "claims/ring8", fs::copy_options::recursive);
  fs::copy(k_repo / "claims/timeloop/toy_1pe_gemm_32x32x32", dir.path() / "claims/toy", fs::copy_options::recursive);
  dir.write("claims/a.claim.json", R"([
  {"id": "ms-of-cycles", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "timeloop",
   "inputs": ["toy/arch.yaml", "toy/problem.yaml", "toy/mapping.yaml", "toy/ERT.yaml"],
   "metric": "cycles", "expected": {"value": 32.768, "unit": "ms"}},
  {"id": "outside", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact", "mode": "reread",
   "metric": "m", "artifact": "../../outside.json", "extract": {"json_pointer": "/a"}, "expected": {"value": 1, "unit": "ms"}},
  {"id": "npu-9", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "astra-sim",
   "workload": {"spec": "ring8/workload/wl"}, "hardware": {"spec": {"network": "ring8/network.yml", "system": "ring8/system.json"}},
   "metric": "finish_time", "options": {"npu": 9}, "expected": {"value": 2326112, "unit": "ns"}}
])");
  commit_all(dir.path());
  // The unit's dimension is a claim error for audit too; the other two audit would block.
  // The repository's place on this machine prints as $REPO.
  const auto golden = [&](const std::string& name, std::string text) {
    const std::string root = fs::canonical(dir.path()).string();
    for (auto at = text.find(root); at != std::string::npos; at = text.find(root)) text.replace(at, root.size(), "$REPO");
    test::expect_golden(name, text);
  };
  const auto lint = test::run({"lint"}, dir.path());
  EXPECT_EQ(lint.exit_code, 2);
  golden("lint/unit-dimension.txt", lint.err);
  auto text = test::read_file(dir.path() / "claims/a.claim.json");
  text.replace(text.find("32.768, \"unit\": \"ms\""), 20, "32768, \"unit\": \"cycles\"");
  dir.write("claims/a.claim.json", text);
  const auto files = test::run({"lint"}, dir.path());
  EXPECT_EQ(files.exit_code, 2);
  golden("lint/files-and-inputs.txt", files.err);
  const auto audit = test::run({"audit", "--format", "json"}, dir.path());
  const AuditRecord record = record_from_json(audit.out, "record");
  EXPECT_EQ(record.claims[1].verdict, Verdict::blocked);
  EXPECT_EQ(record.claims[2].verdict, Verdict::blocked);
}

TEST(FirstUse, AMissingFileInAFetchedFolderIsANote) {
  test::TempDir dir;
  dir.write(".gitignore", "/third_party/\n");
  dir.write("claims/a.claim.json", artifact_claim("fetched", "../third_party/runs/out.json", R"({"json_pointer": "/a"})"));
  commit_all(dir.path());
  const auto lint = test::run({"lint"}, dir.path());
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_EQ(lint.err, "claimcheck: note: 1 claim names files under third_party/runs/, a git-ignored folder where they "
                      "are not (fetched, not committed): the audit blocks it until they are fetched (fetched)\n"
                      "claimcheck: 1 claim valid\n");
}

// The expected value edited, the title left behind: lint says so.
TEST(FirstUse, ATitleLeftBehindIsAWarning) {
  test::TempDir dir;
  dir.write("claims/out.json", R"({"a": 2.41})");
  dir.write("claims/a.claim.json", R"({"id": "a", "title": "The all-reduce finishes in 2.33 ms on 8 NPUs",
    "source": {"paper": "P", "where": "Table 1"}, "tool": "artifact", "mode": "reread", "metric": "time",
    "artifact": "out.json", "extract": {"json_pointer": "/a"}, "expected": {"value": 2.41, "unit": "ms"}})");
  commit_all(dir.path());
  const auto r = test::run({"lint"}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "claimcheck: warning: claims/a.claim.json:1:22 (/title): the title says 2.33 ms, but the claim expects 2.41 ms\n"
            "    {\"id\": \"a\", \"title\": \"The all-reduce finishes in 2.33 ms on 8 NPUs\",\n"
            "                         ^\n"
            "  hint: say in the title what the claim expects (was the expected value edited?)\n"
            "claimcheck: 1 claim valid, 1 warning\n");
}

// The unblock step names the claim's field when the file was read as it is.
TEST(FirstUse, UnblockAdviceNamesTheClaimsOwnField) {
  test::TempDir dir;
  dir.write("claims/run.log", "total latency: 21'031 us\n");
  dir.write("claims/runs.csv", "case,latency_us\nring,21031\nring,21044\n");
  dir.write("claims/a.claim.json", "[" + artifact_claim("regex", "run.log", R"({"regex": "latency: ([0-9']+) us"})") +
                                       ",\n" +
                                       artifact_claim("csv", "runs.csv", R"({"csv_column": "latency_us", "where": {"case": "ring"}})") +
                                       "]");
  commit_all(dir.path());
  const auto r = test::run({"audit", "--format", "json", "--fail-on", "none"}, dir.path());
  const AuditRecord record = record_from_json(r.out, "record");
  ASSERT_EQ(record.claims.size(), 2u);
  EXPECT_EQ(record.claims[0].reason, "claims/run.log: regex captured \"21'031\", which is not a number");
  EXPECT_EQ(record.claims[0].unblock,
            "correct \"extract.regex\" in the claim (claims/a.claim.json:1): the file is read as it is");
  EXPECT_EQ(record.claims[1].unblock,
            "correct \"extract.where\" in the claim (claims/a.claim.json:4): the file is read as it is");
  const std::string md = render_markdown(record);
  EXPECT_NE(md.find("- To unblock: correct \"extract.regex\" in the claim"), std::string::npos) << md;
}

// Run from outside the repository, the claims' own git work tree is the root, and it says so.
TEST(FirstUse, TheRootIsTheClaimsRepositoryAndItSaysSo) {
  test::TempDir outer;
  outer.write("paper/claims/out.json", R"({"a": 21031})");
  outer.write("paper/claims/a.claim.json", artifact_claim("a", "out.json", R"({"json_pointer": "/a"})"));
  commit_all(outer.path() / "paper");
  const auto r = test::run({"audit", "paper/claims", "--format", "json"}, outer.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const fs::path root = fs::canonical(outer.path() / "paper");
  EXPECT_EQ(r.err.rfind("claimcheck: note: the root is " + root.string() +
                            ", the git work tree holding the claims (--root DIR chooses another)\n",
                        0),
            0u)
      << r.err;
  const AuditRecord record = record_from_json(r.out, "record");
  EXPECT_TRUE(record.provenance.git.in_repository);
  EXPECT_FALSE(record.claims[0].evidence_uncommitted);  // not every claim flagged for want of git
  EXPECT_EQ(record.claims[0].file, "claims/a.claim.json");
  // No git anywhere: said, with the way out.
  test::TempDir bare;
  bare.write("claims/out.json", R"({"a": 21031})");
  bare.write("claims/a.claim.json", artifact_claim("a", "out.json", R"({"json_pointer": "/a"})"));
  const auto plain = test::run({"audit", "-o", "/dev/null"}, bare.path());
  EXPECT_EQ(plain.err.rfind("claimcheck: warning: " + fs::canonical(bare.path()).string() +
                                " is not in a git repository: no evidence can be checked against a commit, so every "
                                "claim is flagged as resting on uncommitted evidence; pass --root DIR, the repository "
                                "of the claims and their files\n",
                            0),
            0u)
      << plain.err;
}

// An audit in which every claim was blocked measured nothing: under the default policy it fails.
TEST(FirstUse, AnAuditThatMeasuredNothingFails) {
  test::TempDir dir;
  dir.write("claims/a.claim.json", artifact_claim("a", "missing.json", R"({"json_pointer": "/a"})"));
  commit_all(dir.path());
  const auto r = test::run({"audit", "-o", "/dev/null"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 claim: 0 verified, 0 discrepant, 1 blocked\nclaimcheck: the audit fails: no claim was measured "
                       "(1 blocked): an audit that measures nothing is not a pass; unblock them, or pass --fail-on none\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::run({"audit", "-o", "/dev/null", "--fail-on", "none"}, dir.path()).exit_code, 0);
}

}  // namespace
}  // namespace claimcheck
