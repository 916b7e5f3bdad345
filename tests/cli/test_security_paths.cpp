// SECURITY.md, rule "a claim reads files inside the repository only": claims that try to read
// outside it through the real CLI (absolute paths, `..`, symbolic links to files and folders)
// are blocked with the reason, and nothing of the outside file reaches a report or record.

#include <algorithm>
#include <filesystem>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/security_fixture.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using test::TempDir;


struct Audit {
  int exit_code = 0;
  nlohmann::json record;
  std::string report;
  std::string err;
};

// A scratch area: `repo/` is the audit root, `outside/` holds a secret next to it.
class SandboxEscape : public ::testing::Test {
 protected:
  void SetUp() override {
    m_tmp.write("outside/secret.csv", "value,note\n1.5,TOP-SECRET-7f3a\n");
    m_tmp.write("outside/dir/secret.csv", "value,note\n1.5,TOP-SECRET-7f3a\n");
    m_tmp.write("repo/data/ok.csv", "value\n1.5\n");
    repo = m_tmp.path() / "repo";
  }

  Audit audit(const std::string& artifact) {
    m_tmp.write("repo/claims/c.claim.json", test::csv_claim("escape", artifact, 1.5));
    const fs::path out = m_tmp.path() / "out";
    const auto r = test::run_binary({"audit", "claims", "--root", ".", "-j", "1", "--record", (out / "r.json").string(),
                                     "-o", (out / "report.md").string()},
                                    repo);
    Audit a;
    a.exit_code = r.exit_code;
    a.err = r.err;
    a.record = test::full_record(test::read_file(out / "r.json"));
    a.report = test::read_file(out / "report.md");
    return a;
  }

  void expect_outside(const Audit& a, const std::string& reason_part) {
    ASSERT_TRUE(a.record.is_object()) << a.err;
    const auto& c = a.record["claims"][0];
    EXPECT_EQ(c["verdict"], "blocked");
    EXPECT_EQ(c["block_kind"], "outside repository");
    EXPECT_NE(c["reason"].get<std::string>().find(reason_part), std::string::npos) << c["reason"];
    EXPECT_TRUE(c["measured"].is_null());
    EXPECT_TRUE(c["evidence"].empty()) << "a file outside the repository was recorded as evidence";
    EXPECT_EQ(a.record.dump().find("TOP-SECRET"), std::string::npos) << "the outside file was read";
    EXPECT_EQ(a.report.find("TOP-SECRET"), std::string::npos) << "the outside file was read";
  }

  TempDir m_tmp;
  fs::path repo;
};

TEST_F(SandboxEscape, AbsolutePathIsBlocked) {
  const Audit a = audit((m_tmp.path() / "outside/secret.csv").string());
  expect_outside(a, "absolute path");
  EXPECT_NE(a.report.find("absolute path"), std::string::npos);
}

TEST_F(SandboxEscape, AbsolutePathToSystemFileIsBlocked) {
  const Audit a = audit("/etc/passwd");
  expect_outside(a, "absolute path \"/etc/passwd\" is not allowed");
  EXPECT_EQ(a.report.find("root:"), std::string::npos);
}

TEST_F(SandboxEscape, DotDotIsBlockedEvenWhenTheFileExists) {
  expect_outside(audit("../../outside/secret.csv"), "leaves the repository");
}

TEST_F(SandboxEscape, DotDotThroughAnExistingFolderIsBlocked) {
  expect_outside(audit("../data/../../outside/secret.csv"), "leaves the repository");
}

TEST_F(SandboxEscape, SymlinkToAFileOutsideIsBlocked) {
  fs::create_symlink(m_tmp.path() / "outside/secret.csv", repo / "data/link.csv");
  expect_outside(audit("../data/link.csv"), "resolves through a symbolic link");
}

TEST_F(SandboxEscape, RelativeSymlinkOutsideIsBlocked) {
  fs::create_symlink("../../outside/secret.csv", repo / "data/rel-link.csv");
  expect_outside(audit("../data/rel-link.csv"), "resolves through a symbolic link");
}

TEST_F(SandboxEscape, SymlinkedFolderOutsideIsBlocked) {
  fs::create_directory_symlink(m_tmp.path() / "outside/dir", repo / "data/linked-dir");
  expect_outside(audit("../data/linked-dir/secret.csv"), "resolves through a symbolic link");
}

TEST_F(SandboxEscape, SymlinkChainEndingOutsideIsBlocked) {
  fs::create_symlink(m_tmp.path() / "outside/secret.csv", repo / "data/hop2.csv");
  fs::create_symlink("hop2.csv", repo / "data/hop1.csv");
  expect_outside(audit("../data/hop1.csv"), "resolves through a symbolic link");
}

// The control: the same claim through a symlink that stays inside is measured and verified,
// so the tests above fail if the sandbox stops refusing (not because nothing works).
TEST_F(SandboxEscape, SymlinkInsideTheRepositoryIsAllowed) {
  fs::create_symlink("ok.csv", repo / "data/inside-link.csv");
  const Audit a = audit("../data/inside-link.csv");
  ASSERT_TRUE(a.record.is_object()) << a.err;
  EXPECT_EQ(a.record["claims"][0]["verdict"], "verified") << a.record["claims"][0].dump(2);
  EXPECT_EQ(a.exit_code, 0);
}

// A claim file outside the root still cannot read next to itself when that is outside the root.
TEST_F(SandboxEscape, ClaimFileOutsideTheRootCannotReadBesideIt) {
  m_tmp.write("outside/c.claim.json", test::csv_claim("outside-claim", "secret.csv", 1.5));
  const fs::path out = m_tmp.path() / "out2";
  const auto r = test::run_binary({"audit", (m_tmp.path() / "outside/c.claim.json").string(), "--root", ".", "-j", "1",
                                   "--record", (out / "r.json").string(), "-o", (out / "report.md").string()},
                                  repo);
  const auto record = test::full_record(test::read_file(out / "r.json"));
  ASSERT_TRUE(record.is_object()) << r.err;
  EXPECT_EQ(record["claims"][0]["verdict"], "blocked");
  EXPECT_EQ(record["claims"][0]["block_kind"], "outside repository");
}

// Outputs go only where the command line says: an audit writes the report and record named
// with -o/--record and nothing else (the lock is taken on their folder, leaving no file).
TEST_F(SandboxEscape, AuditWritesOnlyTheNamedOutputs) {
  auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(m_tmp.path())) {
      names.push_back(fs::relative(e.path(), m_tmp.path()).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  m_tmp.write("repo/claims/c.claim.json", test::csv_claim("ok", "../data/ok.csv", 1.5));
  const auto before = listing();
  auto audit = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"audit", "claims", "--root", ".", "-j", "2", "--record",
                                     (m_tmp.path() / "out/r.json").string(), "-o",
                                     (m_tmp.path() / "out/report.md").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = test::run_binary(args, repo);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto after = listing();
    std::vector<std::string> added;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    return added;
  };
  EXPECT_EQ(audit({"--no-cache"}), (std::vector<std::string>{"out", "out/r.json", "out/report.md"}));
  // The result cache, by default, and only it besides the outputs: in its folder under the root.
  const auto added = audit({});
  EXPECT_GT(added.size(), 3u);
  for (const auto& path : added) {
    const bool output = path == "out" || path == "out/r.json" || path == "out/report.md";
    EXPECT_TRUE(output || path.rfind("repo/.claimcheck", 0) == 0) << path;
  }
}

}  // namespace
}  // namespace claimcheck
