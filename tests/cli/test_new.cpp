// `claimcheck new`: for every adapter, a claim scaffolded from one run lints and audits as
// verified; the expected values are checked against numbers known independently (by hand, from
// a published formula, or from the real tool's output).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/record_json.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_repo = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

// A fresh git repository with copies of the shipped inputs a test needs.
struct Repo {
  test::TempDir dir;
  Repo() { test::sh("git init -q -b main .", dir.path()); }
  void copy(const fs::path& from, const std::string& to) const {
    fs::create_directories((dir.path() / to).parent_path());
    fs::copy(k_repo / from, dir.path() / to, fs::copy_options::recursive);
  }
  void commit() const {
    test::sh(std::string(k_git) + "add -A && " + k_git + "commit -q --allow-empty -m inputs", dir.path());
  }
  json claim_file(const std::string& relative) const { return json::parse(test::read_file(dir.path() / relative)); }
};

// Runs `new`, then lint and audit on what it wrote; returns the written claim and its audit.
struct Made {
  json claim;
  ClaimResult result;
};

Made make(const Repo& repo, std::vector<std::string> args, const std::string& file = "claims/new.claim.json") {
  args.insert(args.begin(), {"new", "-o", file});
  const auto made = test::run(args, repo.dir.path());
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(made.out, "");
  const auto lint = test::run({"lint", file}, repo.dir.path());
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  const auto audit = test::run({"audit", file, "--format", "json", "--allow-commands"}, repo.dir.path());
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  Made out;
  out.claim = repo.claim_file(file);
  if (out.claim.is_array()) out.claim = out.claim.back();
  const AuditRecord record = record_from_json(audit.out, "record");
  EXPECT_FALSE(record.claims.empty());
  if (!record.claims.empty()) out.result = record.claims.back();
  EXPECT_EQ(out.result.verdict, Verdict::verified) << out.result.reason;
  return out;
}

TEST(NewCommand, TimeloopRunWithTodoMarkers) {
  Repo repo;
  repo.copy("claims/timeloop/toy_1pe_gemm_32x32x32", "inputs/toy");
  repo.commit();
  const Made m = make(repo, {"timeloop", "inputs/toy/arch.yaml", "inputs/toy/problem.yaml", "inputs/toy/mapping.yaml",
                             "inputs/toy/ERT.yaml", "--metric", "cycles", "--id", "toy-cycles"});
  // 32 x 32 x 32 MACs on one PE, one per cycle.
  EXPECT_EQ(m.claim.at("expected"), json({{"value", 32768}, {"unit", "cycles"}}));
  EXPECT_FALSE(m.claim.contains("tolerance"));  // an exact integer is claimed exactly
  EXPECT_EQ(m.claim.at("inputs").at(0), "../inputs/toy/arch.yaml");
  EXPECT_EQ(m.claim.at("title"), "TODO: one line saying what the paper claims");
  EXPECT_EQ(m.claim.at("source").at("where"), "TODO: where the paper says it (Table 3, Fig. 9, Section 5.2)");
  EXPECT_EQ(m.result.measured, 32768);
  // lint warns about the TODO markers, without failing.
  const auto lint = test::run({"lint", "claims/new.claim.json"}, repo.dir.path());
  EXPECT_NE(lint.err.find("claimcheck: warning: claims/new.claim.json:3:12 (/title): still a TODO\n"), std::string::npos)
      << lint.err;
  EXPECT_NE(lint.err.find("claimcheck: 1 claim valid, 3 warnings\n"), std::string::npos) << lint.err;
}

TEST(NewCommand, AstraSimRunPrintedAsThePaperPrintsIt) {
  Repo repo;
  repo.copy("claims/astrasim/inputs/ar_ring8_64MiB", "runs/ring8");
  repo.dir.write("paper.tex", "The all-reduce finishes in 2.33~ms.\n");
  repo.commit();
  // The real ASTRA-sim finished this all-reduce at 2,326,112 ns (its stdout.log, copied too).
  const Made m = make(repo, {"astra-sim", "runs/ring8/network.yml", "runs/ring8/system.json", "runs/ring8/workload/wl",
                             "--metric", "finish_time", "--id", "ring8-ar", "--unit", "ms", "--paper", "paper.tex",
                             "--quote", "finishes in 2.33 ms"},
                      "claims/ring8.claim.json");
  EXPECT_EQ(m.claim.at("hardware").at("spec"), json({{"network", "../runs/ring8/network.yml"},
                                                     {"system", "../runs/ring8/system.json"}}));
  EXPECT_EQ(m.claim.at("workload").at("spec"), "../runs/ring8/workload/wl");
  EXPECT_EQ(m.claim.at("source").at("file"), "../paper.tex");
  EXPECT_FALSE(m.claim.at("source").contains("where"));
  const std::string text = test::read_file(repo.dir.path() / "claims/ring8.claim.json");
  EXPECT_NE(text.find("\"value\": 2.33,"), std::string::npos) << text;
  EXPECT_EQ(m.claim.at("tolerance"), json({{"absolute", 0.005}}));
  EXPECT_DOUBLE_EQ(*m.result.measured, 2.326112);
}

TEST(NewCommand, AstraSimRereadOfTheRealToolsLog) {
  Repo repo;
  repo.copy("claims/astrasim/inputs/ar_ring8_64MiB/stdout.log", "runs/ring8.log");
  repo.commit();
  const Made m = make(repo, {"astra-sim", "--mode", "reread", "runs/ring8.log", "--metric", "finish_time", "--id",
                             "ring8-log", "--option", "npu=3"});
  EXPECT_EQ(m.claim.at("mode"), "reread");
  EXPECT_EQ(m.claim.at("options"), json({{"npu", 3}}));
  EXPECT_EQ(m.claim.at("expected").at("value"), 2326112);
}

TEST(NewCommand, ArtifactReadsAndSaysHowManyRows) {
  Repo repo;
  repo.dir.write("runs/latency.csv", "run,latency_ms\na,1.25\nb,1.5\nc,2.0\n");
  repo.commit();
  const Made m = make(repo, {"artifact", "runs/latency.csv", "--metric", "latency", "--id", "mean-latency",
                             "--csv-column", "latency_ms", "--aggregate", "mean", "--unit", "ms", "--digits", "4"});
  EXPECT_EQ(m.claim.at("extract"), json({{"csv_column", "latency_ms"}, {"aggregate", "mean"}}));
  // (1.25 + 1.5 + 2.0) / 3 = 1.58333...
  const std::string text = test::read_file(repo.dir.path() / "claims/new.claim.json");
  EXPECT_NE(text.find("\"value\": 1.583,"), std::string::npos) << text;
  EXPECT_EQ(m.result.measured_basis, "mean of 3 rows of runs/latency.csv");
}

TEST(NewCommand, CommandRunsOnlyWhenAllowed) {
  Repo repo;
  repo.commit();
  const auto refused = test::run({"new", "command", "--metric", "v", "--id", "c", "--json-pointer", "/v", "--unit",
                                  "ms", "--", "printf", "{\"v\": 2.5}"},
                                 repo.dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("cannot measure the claim (command not allowed)"), std::string::npos) << refused.err;
  const Made m = make(repo, {"command", "--metric", "v", "--id", "c", "--json-pointer", "/v", "--unit", "ms",
                             "--allow-commands", "--", "printf", "{\"v\": 2.5}"});
  EXPECT_EQ(m.claim.at("options").at("argv"), json({"printf", "{\"v\": 2.5}"}));
  EXPECT_EQ(m.claim.at("expected").at("value"), 2.5);
  EXPECT_FALSE(m.claim.contains("tolerance"));
}

TEST(NewCommand, VidurNeusightAndRoofline) {
  Repo repo;
  repo.copy("tests/data/vidur/run-2024-06-01_12-00-00-000000", "runs/vidur");
  repo.copy("tests/data/neusight/summary", "runs/neusight/summary");
  repo.dir.write("specs/a100.json", R"({"gpu": "A100-SXM4-80GB"})");
  repo.dir.write("specs/gemm.json", R"({"precision": "fp16", "operators": [{"op": "gemm", "m": 4096, "n": 4096, "k": 4096}]})");
  repo.commit();
  // TTFT 0.1, 0.2, 0.4, 0.3 s: p90 0.37 s (tests/data/vidur/README.md).
  const Made v = make(repo, {"vidur", "runs/vidur", "--metric", "ttft", "--id", "ttft-p90", "--option", "statistic=p90"},
                      "claims/vidur.claim.json");
  EXPECT_EQ(v.claim.at("expected"), json({{"value", 0.37}, {"unit", "s"}}));
  // GPT3-2.7B inference, batch 2: measured 800, predicted 796 ms, so 0.5 %.
  const Made n = make(repo, {"neusight", "runs/neusight/summary/summary.csv", "--metric", "relative_error", "--id",
                             "err", "--option",
                             R"(where={"device": "NVIDIA_H100_80GB_HBM3", "model_name": "gpt3_27", "mode": "inf", "batch": 2, "option": ""})"},
                      "claims/neusight.claim.json");
  EXPECT_EQ(n.claim.at("expected"), json({{"value", 0.5}, {"unit", "%"}}));
  // 2 * 4096^3 FLOP / 312 TFLOP/s = 440.5 us.
  const Made r = make(repo, {"roofline", "specs/a100.json", "specs/gemm.json", "--metric", "min_latency", "--id",
                             "gemm-bound", "--unit", "us", "--digits", "5"},
                      "claims/roofline.claim.json");
  EXPECT_EQ(r.claim.at("hardware").at("spec"), "../specs/a100.json");
  const std::string text = test::read_file(repo.dir.path() / "claims/roofline.claim.json");
  EXPECT_NE(text.find("\"value\": 440.51,"), std::string::npos) << text;
}

TEST(NewCommand, NeverRewritesAClaimFileUnasked) {
  Repo repo;
  repo.dir.write("runs/a.json", R"({"a": 7, "b": 9})");
  const std::string existing = "[\n  {\"id\": \"a\", \"title\": \"A\", \"source\": {\"paper\": \"P\", \"where\": \"W\"},"
                               " \"tool\": \"artifact\", \"mode\": \"reread\", \"metric\": \"m\", \"artifact\": \"../runs/a.json\","
                               " \"extract\": {\"json_pointer\": \"/a\"}, \"expected\": {\"value\": 7, \"unit\": \"count\"}}\n]\n";
  repo.dir.write("claims/c.claim.json", existing);
  repo.commit();
  const std::vector<std::string> args = {"new", "artifact", "runs/a.json", "--metric", "m", "--id", "b",
                                         "--json-pointer", "/b", "--unit", "count", "-o", "claims/c.claim.json"};
  const auto refused = test::run(args, repo.dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err,
            "claimcheck: error: claims/c.claim.json exists; claimcheck never rewrites a claim file unasked\n"
            "  hint: pass --append to add the claim to it, or choose another -o FILE\n"
            "claimcheck: 1 error\n");
  EXPECT_EQ(test::read_file(repo.dir.path() / "claims/c.claim.json"), existing);
  auto append = args;
  append.push_back("--append");
  const auto added = test::run(append, repo.dir.path());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string now = test::read_file(repo.dir.path() / "claims/c.claim.json");
  // The existing claim's text is kept as it was; the new one follows it.
  EXPECT_EQ(now.rfind(existing.substr(0, existing.size() - 3), 0), 0u) << now;
  EXPECT_EQ(json::parse(now).size(), 2u);
  const auto again = test::run(append, repo.dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("claims/c.claim.json already has a claim \"b\""), std::string::npos) << again.err;
  EXPECT_EQ(test::run({"lint", "claims"}, repo.dir.path()).exit_code, 0);
}

TEST(NewCommand, ProblemsNameTheFieldOfTheClaimBeingMade) {
  Repo repo;
  repo.copy("claims/timeloop/toy_1pe_gemm_32x32x32", "toy");
  const auto r = test::run({"new", "timeloop", "toy/arch.yaml", "--metric", "cyles", "--id", "x", "-o",
                            "claims/x.claim.json"},
                           repo.dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "claimcheck: error: new claim (/metric): unknown timeloop metric \"cyles\"\n"
            "  hint: did you mean \"cycles\"?\n"
            "claimcheck: 1 error\n");
  EXPECT_FALSE(fs::exists(repo.dir.path() / "claims"));  // nothing written, no folder left behind
  const auto usage = test::run({"new", "astra-sim", "net.yml", "--metric", "finish_time", "--id", "x"}, repo.dir.path());
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("claimcheck: error: missing SYSTEM\n  hint: usage: claimcheck new astra-sim NETWORK SYSTEM "
                           "WORKLOAD [REMOTE_MEMORY] --metric M --id ID [-o FILE]\n"),
            std::string::npos)
      << usage.err;
  const auto outside = test::run({"new", "artifact", "/etc/hostname", "--metric", "m", "--id", "x", "--unit", "ms",
                                  "--regex", "(\\d+)"},
                                 repo.dir.path());
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("\"/etc/hostname\" is outside the repository"), std::string::npos) << outside.err;
}

TEST(NewCommand, WithoutAFileItPrintsTheClaim) {
  Repo repo;
  repo.dir.write("a.json", R"({"x": 0.123456})");
  const auto r = test::run({"new", "artifact", "a.json", "--metric", "m", "--id", "x", "--json-pointer", "/x", "--unit",
                            "ratio"},
                           repo.dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json claim = json::parse(r.out);
  EXPECT_EQ(claim.at("artifact"), "a.json");
  EXPECT_EQ(claim.at("expected").at("value"), 0.123);
  EXPECT_EQ(claim.at("tolerance").at("absolute"), 0.0005);
  EXPECT_EQ(r.err, "claimcheck: measured 0.123456 ratio; the claim expects 0.123 ratio \u00b10.0005 ratio\n");
}

}  // namespace
}  // namespace claimcheck
