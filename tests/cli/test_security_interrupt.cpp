// SECURITY.md, rule "outputs are never lost or interleaved", and determinism, with the real
// binary as a child process:
// - an audit of many claims SIGKILLed at many points leaves the previous report and record
//   intact (byte for byte) or replaced by a complete new one, never half of either;
// - a second audit on the same outputs while one runs is refused with a clear message;
// - two audits of the same commit with -j1 and -j8 give the same record apart from timestamps
//   and durations.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/security_fixture.hpp"
#include "io/atomic_file.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// A repository with `count` claims over a few artifacts: verified, discrepant and blocked ones.
void write_many_claims(const TempDir& tmp, int count) {
  tmp.write("repo/data/a.csv", "value\n1.5\n");
  tmp.write("repo/data/b.csv", "value\n2.5\n");
  for (int file = 0; file * 100 < count; ++file) {
    std::string text = "[";
    for (int i = file * 100; i < std::min(count, (file + 1) * 100); ++i) {
      if (i > file * 100) text += ",\n";
      const char* artifact = i % 3 == 0 ? "../data/a.csv" : i % 3 == 1 ? "../data/b.csv" : "../data/missing.csv";
      text += test::csv_claim("claim-" + std::to_string(i), artifact, 1.5);
    }
    tmp.write("repo/claims/part" + std::to_string(file) + ".claim.json", text + "]");
  }
}

// True when some process holds a flock on `path` (read from /proc/locks by inode).
bool flock_held(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::ifstream locks("/proc/locks");
  const std::string inode = ":" + std::to_string(st.st_ino) + " ";
  for (std::string line; std::getline(locks, line);) {
    if (line.find("FLOCK") != std::string::npos && line.find(inode) != std::string::npos) return true;
  }
  return false;
}

TEST(Interrupted, SigkillNeverLeavesAHalfWrittenOutput) {
  TempDir tmp;
  constexpr int k_claims = 3000;
  write_many_claims(tmp, k_claims);
  const fs::path repo = tmp.path() / "repo";
  const fs::path report = tmp.path() / "out/report.md";
  const fs::path record = tmp.path() / "out/record.json";
  const std::vector<std::string> args = {"audit", "claims", "--root", ".", "-j", "2", "--fail-on", "none",
                                         "-o", report.string(), "--record", record.string()};
  // A first, complete audit: the outputs a later crash must not destroy.
  const auto first = test::run_binary(args, repo, std::chrono::minutes(5));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string old_report = test::read_file(report);
  const std::string old_record = test::read_file(record);
  ASSERT_FALSE(old_report.empty());

  // Kill later and later, until the audit finishes before the kill.
  int killed = 0;
  int replaced = 0;
  bool finished = false;
  for (int delay_ms = 0; !finished && delay_ms < 120'000; delay_ms = delay_ms < 50 ? delay_ms + 7 : delay_ms * 3 / 2) {
    const pid_t pid = test::spawn_binary(args, repo);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    const int status = test::wait_for(pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      ++killed;
    } else {
      finished = true;
    }
    const std::string now_report = test::read_file(report);
    const std::string now_record = test::read_file(record);
    SCOPED_TRACE("killed after " + std::to_string(delay_ms) + " ms");
    if (now_record != old_record) {
      // A new record may only be a complete one.
      const auto parsed = nlohmann::json::parse(now_record, nullptr, false);
      ASSERT_FALSE(parsed.is_discarded()) << "half-written record after SIGKILL";
      ASSERT_EQ(parsed["claims"].size(), static_cast<std::size_t>(k_claims));
      ++replaced;
    }
    if (now_report != old_report) {
      ASSERT_NE(now_report.find("claim-" + std::to_string(k_claims - 1)), std::string::npos)
          << "half-written report after SIGKILL";
    }
  }
  EXPECT_GE(killed, 3) << "the audit finished too fast to be interrupted";
  EXPECT_TRUE(finished);
  // A lock left by a killed audit never blocks the next one (flock ends with the process).
  const auto again = test::run_binary(args, repo, std::chrono::minutes(5));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  std::cout << "SIGKILLed " << killed << " audits of " << k_claims << " claims; outputs replaced " << replaced
            << " times, never half-written\n";
}

TEST(Concurrent, SecondAuditOnTheSameOutputsIsRefused) {
  TempDir tmp;
  write_many_claims(tmp, 10);
  const fs::path repo = tmp.path() / "repo";
  const fs::path report = tmp.path() / "out/report.md";
  fs::create_directories(report.parent_path());
  // Another audit holds the lock (taken here as that audit would).
  OutputLock held(report);
  ASSERT_TRUE(held.try_lock());
  const auto r = test::run_binary({"audit", "claims", "--root", ".", "-o", report.string()}, repo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "claimcheck: error: another claimcheck is writing into " + report.parent_path().string() +
                       "; wait for it to finish or choose another output folder\n");
  EXPECT_FALSE(fs::exists(report)) << "the refused audit wrote the report";
}

// Outputs that are not files (/dev/null) take no lock: audits sending their reports there run side
// by side, and the device stays a device.
TEST(Concurrent, AuditsWritingToDevNullNeverRefuseEachOther) {
  if (!fs::is_character_file("/dev/null")) GTEST_SKIP() << "/dev/null is not a device here";
  TempDir tmp;
  write_many_claims(tmp, 3);
  const fs::path repo = tmp.path() / "repo";
  OutputLock held("/dev/null");  // another audit, writing to /dev/null now
  ASSERT_TRUE(held.try_lock());
  const auto r = test::run_binary({"audit", "claims", "--root", ".", "--fail-on", "none", "-o", "/dev/null", "--record", "/dev/null"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(Concurrent, TwoRealAuditsNeverInterleave) {
  TempDir tmp;
  constexpr int k_claims = 3000;
  write_many_claims(tmp, k_claims);
  const fs::path repo = tmp.path() / "repo";
  // One claim runs a command that takes two seconds, so the first audit holds its lock for at
  // least that long however fast it loads and judges the others.
  tmp.write("repo/claims/slow.claim.json",
            R"j({"id": "slow", "title": "t", "source": {"paper": "p", "where": "w"}, "tool": "command",
                "mode": "run", "metric": "m", "options": {"argv": ["sh", "-c", "sleep 2; echo v=1"]},
                "extract": {"regex": "v=(\\d+)"}, "expected": {"value": 1, "unit": "ms"}})j");
  const fs::path report = tmp.path() / "out/report.md";
  const fs::path record = tmp.path() / "out/record.json";
  const std::vector<std::string> args = {"audit", "claims", "--root", ".", "-j", "1", "--fail-on", "none",
                                         "--allow-commands", "-o", report.string(), "--record", record.string()};
  const pid_t first = test::spawn_binary(args, repo);
  ASSERT_GT(first, 0);
  // Wait until the first audit holds its lock (seen in /proc/locks, without touching the lock).
  bool held_by_first = false;
  for (int i = 0; i < 5000 && !held_by_first; ++i) {
    held_by_first = flock_held(report.parent_path().string());
    if (!held_by_first) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(held_by_first) << "the first audit never took its lock";
  const auto second = test::run_binary(args, repo);
  const int status = test::wait_for(first);
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find("another claimcheck is writing into " + report.parent_path().string()), std::string::npos)
      << second.err;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const auto parsed = nlohmann::json::parse(test::read_file(record), nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["claims"].size(), static_cast<std::size_t>(k_claims) + 1);
}

TEST(Determinism, RecordsAreTheSameForAnyJobCount) {
  TempDir tmp;
  write_many_claims(tmp, 300);
  const fs::path repo = tmp.path() / "repo";
  test::git_commit_all(repo);
  auto audit = [&](const std::string& jobs) {
    const fs::path out = tmp.path() / ("record-j" + jobs + ".json");
    // Without the result cache, which would give the second audit the first one's measurements.
    const auto r = test::run_binary({"audit", "claims", "-j", jobs, "--no-cache", "--fail-on", "none", "--format",
                                     "json", "-o", out.string()},
                                    repo);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(test::read_file(out));
  };
  const auto one = audit("1");
  const auto eight = audit("8");
  ASSERT_EQ(one["claims"].size(), 300u);
  // Sanity: the audit saw all three outcomes, so the comparison covers each.
  EXPECT_EQ(one["summary"]["verified"], 100);
  EXPECT_EQ(one["summary"]["discrepant"], 100);
  EXPECT_EQ(one["summary"]["blocked"], 100);
  EXPECT_FALSE(one["provenance"]["git"]["head"].get<std::string>().empty());
  EXPECT_EQ(test::without_times(one).dump(2), test::without_times(eight).dump(2));
}

}  // namespace
}  // namespace claimcheck
