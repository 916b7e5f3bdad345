// Audits at scale: one measurement per distinct run, the result cache across audits, sharded
// audits and their merge. Measurements are counted from the record ("measuring", each claim's
// "cache") and, for a program the command adapter runs, by the program itself.

#include <algorithm>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/claim_checks.hpp"
#include "cli/pipeline.hpp"
#include "io/result_cache.hpp"
#include "report/record_json.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

// The shipped Timeloop reference claims of two runs (a 32^3 and a 64^3 GEMM on one PE), with
// their inputs, and two artifact claims reading one JSON file.
constexpr const char* k_runs[] = {"toy_1pe_gemm_32x32x32", "toy_1pe_gemm_64x64x64_tiled"};

std::string artifact_claim(const std::string& id, double expected) {
  return R"({"id": ")" + id + R"(", "title": "t", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
  "mode": "reread", "metric": "cycles", "artifact": "out/stats.json", "extract": {"json_pointer": "/)" + id +
         R"("}, "expected": {"value": )" + std::to_string(expected) + R"(, "unit": "cycles"}, "tolerance": {"relative": 0.01}})";
}

struct Repo {
  test::TempDir dir;
  std::size_t timeloop_claims[2] = {0, 0};  // claims of each run

  Repo() {
    const fs::path shipped = fs::path(CLAIMCHECK_TEST_DIR).parent_path() / "claims/timeloop";
    std::ifstream in(shipped / "reference_cases.claim.json");
    const json all = json::parse(in);
    json mine = json::array();
    for (int r = 0; r < 2; ++r) {
      fs::create_directories(dir.path() / "claims" / k_runs[r]);
      fs::copy(shipped / k_runs[r], dir.path() / "claims" / k_runs[r], fs::copy_options::recursive);
      for (const auto& c : all) {
        if (c.value("mode", "") != "run" || !c.contains("inputs")) continue;
        if (c["inputs"][0].get<std::string>().rfind(std::string(k_runs[r]) + "/", 0) != 0) continue;
        json copy = c;
        copy.erase("$schema");
        mine.push_back(copy);
        ++timeloop_claims[r];
      }
    }
    dir.write("claims/timeloop.claim.json", mine.dump(1));
    dir.write("claims/out/stats.json", R"({"a": 1000, "b": 2000})");
    dir.write("claims/artifact.claim.json", "[" + artifact_claim("a", 1005) + ",\n" + artifact_claim("b", 2000) + "]");
    commit("claims");
  }
  std::size_t claims() const { return timeloop_claims[0] + timeloop_claims[1] + 2; }
  void commit(const std::string& message) const {
    test::sh(std::string("git init -q -b main . 2>/dev/null; ") + k_git + "add -A && " + k_git + "commit -q -m " +
                 message,
             dir.path());
  }
  // Audits with `extra` arguments, writing the record to `record`; returns the record.
  json audit(const std::vector<std::string>& extra, const std::string& record = "record.json",
             int* exit_code = nullptr) const {
    std::vector<std::string> args = {"audit", "claims", "--root", ".", "-o", record + ".md", "--record", record};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "-j") == extra.end()) args.insert(args.end(), {"-j", "2"});
    const auto r = test::run(args, dir.path());
    if (exit_code) *exit_code = r.exit_code;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    return test::full_record(test::read_file(dir.path() / record));
  }
};

// The claim of that id in a record.
const json& by_id(const json& record, const std::string& id) {
  for (const auto& c : record["claims"]) {
    if (c["id"] == id) return c;
  }
  static const json none;
  ADD_FAILURE() << "no claim " << id;
  return none;
}

// A report without its provenance (the shards ran after the full audit, beside its outputs).
std::string without_provenance(std::string report) {
  const auto at = report.find("<details><summary>Provenance");
  EXPECT_NE(at, std::string::npos);
  return report.substr(0, at);
}

// What a claim's result says, without how it was obtained (cache use, timing).
json verdicts(const json& record) {
  json out = json::array();
  for (json c : record["claims"]) {
    c.erase("cache");
    c.erase("duration_ms");
    c.erase("position");
    out.push_back(c);
  }
  return out;
}

std::size_t count_status(const json& record, const std::string& status) {
  std::size_t n = 0;
  for (const auto& c : record["claims"]) n += c.contains("cache") && c["cache"]["status"] == status ? 1 : 0;
  return n;
}

TEST(MeasureOnce, ClaimsOfOneRunShareOneEvaluation) {
  Repo repo;
  ASSERT_GT(repo.timeloop_claims[0], 5u);
  ASSERT_GT(repo.timeloop_claims[1], 5u);
  const json record = repo.audit({"--no-cache"});
  // Two Timeloop runs for all their claims; the artifact adapter reads its file per claim.
  EXPECT_EQ(record["measuring"], json({{"reused", 0}, {"measured", repo.claims()}, {"runs", 2}}));
  EXPECT_EQ(count_status(record, "hit") + count_status(record, "miss"), 0u);
  // Every reference claim is verified, as when each was evaluated on its own.
  for (const auto& c : record["claims"]) {
    if (c["id"] == "a") continue;
    if (c["id"] == "b") continue;
    EXPECT_EQ(c["verdict"], "verified") << c["id"];
  }
  // One evaluation, whatever -j.
  const json serial = repo.audit({"--no-cache", "-j", "1"}, "serial.json");
  EXPECT_EQ(verdicts(serial), verdicts(record));
  EXPECT_EQ(serial["measuring"]["runs"], 2);
}

// Claims that differ only in id, title or expected value share one measurement, and hold one
// copy of its details and evidence, whatever -j.
TEST(MeasureOnce, ClaimsOfOneMeasurementShareTheirDetailsAndEvidence) {
  Repo repo;
  json copies = json::parse(test::read_file(repo.dir.path() / "claims/timeloop.claim.json"));
  for (auto& c : copies) c["id"] = c["id"].get<std::string>() + "-copy";
  repo.dir.write("claims/timeloop.copy.claim.json", copies.dump(1));
  for (const int jobs : {1, 2}) {
    AuditSettings settings;
    settings.root = repo.dir.path();
    settings.jobs = jobs;
    AuditObserver quiet;
    const AuditRecord record = run_audit(load_claim_paths({(repo.dir.path() / "claims").string()}), settings, quiet);
    ASSERT_EQ(record.claims.size(), repo.claims() + copies.size());
    std::map<std::string, const ClaimResult*> by_id;
    for (const auto& c : record.claims) by_id[c.id] = &c;
    for (const auto& copy : copies) {
      const std::string id = copy["id"];
      const ClaimResult& mine = *by_id.at(id);
      const ClaimResult& original = *by_id.at(id.substr(0, id.size() - 5));
      ASSERT_FALSE(mine.details.empty()) << id;
      ASSERT_FALSE(mine.evidence.empty()) << id;
      EXPECT_TRUE(mine.details.shares_items_with(original.details)) << id;
      EXPECT_TRUE(mine.evidence.shares_items_with(original.evidence)) << id;
      EXPECT_EQ(mine.verdict, original.verdict) << id;
    }
    // Claims of other metrics of one run read the same files.
    EXPECT_EQ(by_id.at("timeloop-toy-1pe-gemm-32x32x32-cycles")->evidence,
              by_id.at("timeloop-toy-1pe-gemm-32x32x32-computes")->evidence);
  }
}

TEST(ResultCache, WarmAuditMeasuresNothing) {
  Repo repo;
  const json cold = repo.audit({"--cache", "cache"}, "cold.json");
  EXPECT_EQ(cold["measuring"], json({{"reused", 0}, {"measured", repo.claims()}, {"runs", 2}}));
  EXPECT_EQ(count_status(cold, "miss"), repo.claims());
  const json warm = repo.audit({"--cache", "cache"}, "warm.json");
  EXPECT_EQ(warm["measuring"], json({{"reused", repo.claims()}, {"measured", 0}, {"runs", 0}}));
  EXPECT_EQ(count_status(warm, "hit"), repo.claims());
  EXPECT_EQ(verdicts(warm), verdicts(cold));
  // A hit names the key the cold audit stored the measurement under.
  for (std::size_t i = 0; i < repo.claims(); ++i) {
    EXPECT_EQ(warm["claims"][i]["cache"]["key"], cold["claims"][i]["cache"]["key"]) << i;
    EXPECT_EQ(warm["claims"][i]["cache"]["key"].get<std::string>().size(), 40u);
  }
  // The cache is git-ignored: it adds no untracked path to the repository.
  for (const auto& path : warm["provenance"]["git"]["untracked_paths"]) {
    EXPECT_EQ(path.get<std::string>().find("cache"), std::string::npos) << path;
  }
}

TEST(ResultCache, DefaultFolderIsInTheRepositoryAndNoCacheBypassesIt) {
  Repo repo;
  repo.audit({});
  EXPECT_TRUE(fs::exists(repo.dir.path() / ".claimcheck/cache/CACHEDIR.TAG"));
  EXPECT_EQ(repo.audit({})["measuring"]["reused"], repo.claims());
  const json bypassed = repo.audit({"--no-cache"});
  EXPECT_EQ(bypassed["measuring"]["reused"], 0);
  EXPECT_EQ(bypassed["measuring"]["measured"], repo.claims());
}

TEST(ResultCache, FolderWithCommittedFilesIsNotUsed) {
  Repo repo;
  repo.audit({});
  // A pull request commits the cache's entries (which it could have forged).
  test::sh(std::string(k_git) + "add -f .claimcheck && " + k_git + "commit -q -m cache", repo.dir.path());
  const auto r = test::run({"audit", "claims", "--root", ".", "--record", "again.json", "-o", "again.md"},
                           repo.dir.path());
  EXPECT_NE(r.err.find("holds files committed to git, so a commit could forge results there: it is not used"),
            std::string::npos)
      << r.err;
  const json record = test::full_record(test::read_file(repo.dir.path() / "again.json"));
  EXPECT_EQ(record["measuring"]["reused"], 0);
  EXPECT_EQ(count_status(record, "hit") + count_status(record, "miss"), 0u);
}

TEST(ResultCache, EditedExpectedValueIsJudgedAgainWithoutMeasuring) {
  Repo repo;
  const json cold = repo.audit({"--cache", "cache"});
  EXPECT_EQ(by_id(cold, "a")["verdict"], "verified");
  // Claim "a" now claims 2000 cycles: the same measurement (1000) is judged against it.
  repo.dir.write("claims/artifact.claim.json", "[" + artifact_claim("a", 2000) + ",\n" + artifact_claim("b", 2000) + "]");
  const json edited = repo.audit({"--cache", "cache"});
  EXPECT_EQ(edited["measuring"], json({{"reused", repo.claims()}, {"measured", 0}, {"runs", 0}}));
  const json& a = by_id(edited, "a");
  EXPECT_EQ(a["verdict"], "discrepant");
  EXPECT_EQ(a["measured"], 1000);
  EXPECT_EQ(a["expected"]["value"], 2000);
}

TEST(ResultCache, EditedInputRemeasuresOnlyItsReaders) {
  Repo repo;
  repo.audit({"--cache", "cache"});
  // The artifact both artifact claims read.
  repo.dir.write("claims/out/stats.json", R"({"a": 1001, "b": 2000})");
  json edited = repo.audit({"--cache", "cache"});
  EXPECT_EQ(edited["measuring"], json({{"reused", repo.claims() - 2}, {"measured", 2}, {"runs", 0}}));
  EXPECT_EQ(by_id(edited, "a")["measured"], 1001);
  EXPECT_EQ(by_id(edited, "a")["cache"]["status"], "miss");
  EXPECT_EQ(by_id(edited, "b")["cache"]["status"], "miss");
  // One input of the second Timeloop run (a comment: same figures, other content).
  const fs::path mapping = repo.dir.path() / "claims" / k_runs[1] / "mapping.yaml";
  std::ofstream(mapping, std::ios::app) << "\n# edited\n";
  edited = repo.audit({"--cache", "cache"});
  EXPECT_EQ(edited["measuring"], json({{"reused", repo.claims() - repo.timeloop_claims[1]},
                                       {"measured", repo.timeloop_claims[1]},
                                       {"runs", 1}}));
  for (const auto& c : edited["claims"]) {
    const bool reads_it = c["evidence"].dump().find(std::string(k_runs[1]) + "/mapping.yaml") != std::string::npos;
    EXPECT_EQ(c["cache"]["status"], reads_it ? "miss" : "hit") << c["id"];
  }
  // Changed back, the earlier measurement is found again.
  test::sh("git checkout -q -- claims", repo.dir.path());
  EXPECT_EQ(repo.audit({"--cache", "cache"})["measuring"]["measured"], 0);
}

TEST(ResultCache, DamagedEntriesAreIgnoredAndReplaced) {
  Repo repo;
  const json cold = repo.audit({"--cache", "cache"});
  // Truncate one entry, flip one byte in another, empty a third: each is a miss, never a hit.
  std::vector<fs::path> entries;
  for (const auto& e : fs::recursive_directory_iterator(repo.dir.path() / "cache")) {
    if (e.is_regular_file() && e.path().parent_path() != repo.dir.path() / "cache") entries.push_back(e.path());
  }
  std::sort(entries.begin(), entries.end());
  ASSERT_GE(entries.size(), 3u);
  std::string text = test::read_file(entries[0]);
  std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << text.substr(0, text.size() / 2);
  text = test::read_file(entries[1]);
  text[text.size() / 2] ^= 1;
  std::ofstream(entries[1], std::ios::binary | std::ios::trunc) << text;
  std::ofstream(entries[2], std::ios::binary | std::ios::trunc);
  const json damaged = repo.audit({"--cache", "cache"});
  EXPECT_EQ(verdicts(damaged), verdicts(cold));
  EXPECT_GE(damaged["measuring"]["measured"].get<int>(), 3);
  EXPECT_LT(damaged["measuring"]["measured"].get<int>(), static_cast<int>(repo.claims()));
  // Measured again, the entries are whole again.
  EXPECT_EQ(repo.audit({"--cache", "cache"})["measuring"]["measured"], 0);
}

TEST(ResultCache, EntryFramingDetectsDamage) {
  const std::string entry = frame_cache_entry("12 payload bytes\n");
  EXPECT_EQ(cache_entry_payload(entry), "12 payload bytes\n");
  for (std::size_t cut = 0; cut < entry.size(); ++cut) {
    EXPECT_EQ(cache_entry_payload(entry.substr(0, cut)), std::nullopt) << cut;
  }
  for (std::size_t i = 0; i < entry.size(); ++i) {
    std::string flipped = entry;
    flipped[i] ^= 0x20;
    EXPECT_EQ(cache_entry_payload(flipped), std::nullopt) << i;
  }
}

// A command claim whose program counts its runs in runs.txt.
void write_counting_claim(const Repo& repo, const std::string& cache_field) {
  repo.dir.write("claims/cmd/count.sh", "echo run >> runs.txt\necho v=5\n");
  repo.dir.write("claims/cmd/c.claim.json",
                 R"j({"id": "cmd", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "command",
  "mode": "run", "metric": "m", "options": {"argv": ["sh", "count.sh"]}, "inputs": ["count.sh"],
  "extract": {"regex": "v=(\\d+)"}, "expected": {"value": 5, "unit": "ms"})j" +
                     cache_field + "}");
}

std::size_t runs_of(const Repo& repo) {
  const fs::path log = repo.dir.path() / "claims/cmd/runs.txt";
  if (!fs::exists(log)) return 0;
  const std::string text = test::read_file(log);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ResultCache, CommandClaimsRunEveryAuditUnlessTheyOptIn) {
  Repo repo;
  write_counting_claim(repo, "");
  for (int i = 0; i < 2; ++i) {
    const json record = repo.audit({"--cache", "cache", "--allow-commands"});
    EXPECT_EQ(by_id(record, "cmd")["verdict"], "verified");
    EXPECT_FALSE(by_id(record, "cmd").contains("cache"));
  }
  EXPECT_EQ(runs_of(repo), 2u);
  write_counting_claim(repo, R"(, "cache": true)");
  repo.audit({"--cache", "cache", "--allow-commands"});
  const json reused = repo.audit({"--cache", "cache", "--allow-commands"});
  EXPECT_EQ(by_id(reused, "cmd")["cache"]["status"], "hit");
  EXPECT_EQ(runs_of(repo), 3u);
  // "cache": false: never reused, even where it could be.
  repo.dir.write("claims/out/stats.json", R"({"a": 1000, "b": 2000})");
  std::string claims = "[" + artifact_claim("a", 1005) + ",\n" + artifact_claim("b", 2000) + "]";
  claims.insert(claims.find("\"tolerance\""), "\"cache\": false, ");
  repo.dir.write("claims/artifact.claim.json", claims);
  repo.audit({"--cache", "cache", "--allow-commands"});
  const json never = repo.audit({"--cache", "cache", "--allow-commands"});
  EXPECT_FALSE(by_id(never, "a").contains("cache"));
  EXPECT_EQ(by_id(never, "b")["cache"]["status"], "hit");
}

TEST(Shards, MergedShardsEqualTheFullAudit) {
  Repo repo;
  int full_status = -1;
  const json full = repo.audit({"--no-cache"}, "full.json", &full_status);
  std::size_t held = 0;
  for (int k = 1; k <= 2; ++k) {
    const std::string name = "shard" + std::to_string(k) + ".json";
    const json shard = repo.audit({"--no-cache", "--shard", std::to_string(k) + "/2"}, name);
    EXPECT_EQ(shard["shard"]["index"], k);
    EXPECT_EQ(shard["shard"]["total"], repo.claims());
    EXPECT_GT(shard["claims"].size(), 0u) << k;
    held += shard["claims"].size();
  }
  EXPECT_EQ(held, repo.claims());
  // The order of the records given does not matter.
  const auto merged = test::run({"merge", "shard2.json", "shard1.json", "--record", "merged.json", "-o", "merged.md"},
                                repo.dir.path());
  EXPECT_EQ(merged.exit_code, full_status) << merged.err;
  const json record = test::full_record(test::read_file(repo.dir.path() / "merged.json"));
  EXPECT_EQ(verdicts(record), verdicts(full));
  EXPECT_EQ(record["summary"], full["summary"]);
  EXPECT_FALSE(record.contains("shard"));
  EXPECT_EQ(record["measuring"]["measured"], full["measuring"]["measured"]);
  // The reports differ only in their provenance.
  const std::string merged_report = without_provenance(test::read_file(repo.dir.path() / "merged.md"));
  EXPECT_TRUE(merged_report == without_provenance(test::read_file(repo.dir.path() / "full.json.md")));
}

TEST(Shards, MergeRefusesRecordsOfAnotherAudit) {
  Repo repo;
  repo.audit({"--no-cache", "--shard", "1/2"}, "s1.json");
  repo.audit({"--no-cache", "--shard", "2/2"}, "s2.json");
  repo.audit({"--no-cache", "--shard", "1/3"}, "t1.json");
  repo.audit({"--no-cache"}, "full.json");
  auto merge = [&](const std::vector<std::string>& records) {
    std::vector<std::string> args = {"merge"};
    args.insert(args.end(), records.begin(), records.end());
    return test::run(args, repo.dir.path());
  };
  auto r = merge({"s1.json", "s1.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shard 1 given twice"), std::string::npos) << r.err;
  r = merge({"s1.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shard 2 of 2 is missing"), std::string::npos) << r.err;
  r = merge({"s1.json", "t1.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("one of 2"), std::string::npos) << r.err;
  r = merge({"full.json", "s2.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not the record of a shard"), std::string::npos) << r.err;
  // Another commit, or other settings.
  repo.dir.write("claims/notes.txt", "x");
  repo.commit("more");
  repo.audit({"--no-cache", "--shard", "2/2"}, "s2-later.json");
  r = merge({"s1.json", "s2-later.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("of commit"), std::string::npos) << r.err;
  repo.audit({"--no-cache", "--shard", "1/2", "--allow-commands"}, "s1-commands.json");
  r = merge({"s1-commands.json", "s2-later.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("commands allowed"), std::string::npos) << r.err;
  // A bad shard argument.
  for (const char* bad : {"0/2", "3/2", "1", "a/b", "1/0"}) {
    const auto usage = test::run({"audit", "claims", "--root", ".", "--shard", bad}, repo.dir.path());
    EXPECT_EQ(usage.exit_code, 2) << bad;
    EXPECT_NE(usage.err.find("is not K/N"), std::string::npos) << usage.err;
  }
}

TEST(Shards, ClaimsOfOneRunStayTogether) {
  Repo repo;
  for (int n : {2, 3, 5}) {
    std::map<std::string, int> shard_of_run;
    for (int k = 1; k <= n; ++k) {
      const json shard = repo.audit({"--no-cache", "--shard", std::to_string(k) + "/" + std::to_string(n)});
      for (const auto& c : shard["claims"]) {
        const std::string run = c["tool"] == "timeloop" ? c["evidence"][0]["path"].get<std::string>() : "artifact";
        auto [it, added] = shard_of_run.emplace(run, k);
        EXPECT_EQ(it->second, k) << run << " in shards " << it->second << " and " << k << " of " << n;
      }
      EXPECT_LE(shard["measuring"]["runs"].get<int>(), 2);
    }
  }
}

// A claim with an option that only picks a number from the run (the NPU) and one without options
// read one run: the shards keep them together, so the merged record counts the run once, as a
// single audit does.
TEST(Shards, OptionsThatPickANumberDoNotSplitARun) {
  test::TempDir dir;
  const fs::path inputs = fs::path(CLAIMCHECK_TEST_DIR).parent_path() / "claims/astrasim/inputs/ar_sw16_64MiB_dbt";
  fs::create_directories(dir.path() / "claims/run");
  fs::copy(inputs, dir.path() / "claims/run", fs::copy_options::recursive);
  const auto claim = [](const std::string& id, const std::string& options) {
    return R"({"id": ")" + id + R"(", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "astra-sim",
      "mode": "run", "workload": {"name": "AR", "spec": "run/workload/wl"},
      "hardware": {"name": "sw16", "spec": {"network": "run/network.yml", "system": "run/system.json",
                                            "remote_memory": "run/remote_memory.json"}},
      "metric": "finish_time", "expected": {"value": 1, "unit": "ms"}, "tolerance": {"relative": 0.5})" +
           options + "}";
  };
  std::string claims = "[";
  for (int i = 0; i < 6; ++i) {
    claims += (i ? ",\n" : "") + claim("last" + std::to_string(i), "") + ",\n" +
              claim("npu" + std::to_string(i), R"(, "options": {"npu": )" + std::to_string(i) + "}");
  }
  dir.write("claims/c.claim.json", claims + "]");
  test::sh(std::string("git init -q -b main . && ") + k_git + "add -A && " + k_git + "commit -q -m c", dir.path());
  int runs = 0;
  std::size_t held = 0;
  for (int k = 1; k <= 2; ++k) {
    const std::string record = "shard" + std::to_string(k) + ".json";
    const auto r = test::run({"audit", "claims", "--root", ".", "--no-cache", "--fail-on", "none", "-o", record + ".md",
                              "--record", record, "--shard", std::to_string(k) + "/2"},
                             dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const AuditRecord shard = record_from_json(test::read_file(dir.path() / record), record);
    runs += shard.measuring.runs;
    held += shard.claims.size();
  }
  EXPECT_EQ(held, 12u);
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace claimcheck
