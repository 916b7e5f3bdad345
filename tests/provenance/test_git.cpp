#include "provenance/git.hpp"

#include <gtest/gtest.h>

#include "provenance/environment.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

struct Repo {
  test::TempDir dir;
  Repo() {
    test::sh("git init -q -b main .", dir.path());
    dir.write("a.txt", "hello\n");
    dir.write(".gitignore", "*.log\n");
    test::sh(std::string(k_git) + "add -A && " + k_git + "commit -q -m first", dir.path());
  }
};

TEST(Git, BlobIdMatchesGitHashObject) {
  // `printf 'hello\n' | git hash-object --stdin`
  EXPECT_EQ(git_blob_id("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
  EXPECT_EQ(git_blob_id(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

TEST(Git, CleanRepository) {
  Repo repo;
  const GitInfo info = GitRepository(repo.dir.path()).info();
  EXPECT_TRUE(info.in_repository);
  EXPECT_EQ(info.root, repo.dir.path().string());
  EXPECT_EQ(info.head.size(), 40u);
  EXPECT_EQ(info.branch, "main");
  EXPECT_FALSE(info.detached);
  EXPECT_FALSE(info.dirty);
  EXPECT_EQ(info.describe, info.head.substr(0, 7));
}

TEST(Git, DirtyAndUntrackedPaths) {
  Repo repo;
  repo.dir.write("a.txt", "changed\n");
  repo.dir.write("sub/new.txt", "x");
  repo.dir.write("run.log", "ignored");
  const GitInfo info = GitRepository(repo.dir.path() / "sub").info();
  EXPECT_TRUE(info.dirty);
  EXPECT_EQ(info.dirty_paths, std::vector<std::string>{"a.txt"});
  EXPECT_EQ(info.untracked_paths, std::vector<std::string>{"sub/new.txt"});
  EXPECT_EQ(info.describe, info.head.substr(0, 7) + "-dirty");
}

TEST(Git, DetachedHeadAndTags) {
  Repo repo;
  test::sh(std::string(k_git) + "tag -a v1.0 -m v1 && git checkout -q --detach", repo.dir.path());
  const GitInfo info = GitRepository(repo.dir.path()).info();
  EXPECT_TRUE(info.detached);
  EXPECT_EQ(info.branch, "");
  EXPECT_EQ(info.describe, "v1.0");
}

TEST(Git, NotARepositoryIsRecordedNotAnError) {
  test::TempDir dir;
  const GitRepository git(dir.path());
  EXPECT_FALSE(git.found());
  EXPECT_FALSE(git.info().in_repository);
  const fs::path file = dir.write("x.txt", "hello\n");
  const Evidence e = git.evidence(file, dir.path());
  EXPECT_EQ(e.state, EvidenceState::not_in_git);
  EXPECT_EQ(e.path, "x.txt");
  EXPECT_EQ(e.blob, "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(Git, EvidenceStates) {
  Repo repo;
  repo.dir.write("b.txt", "b\n");
  repo.dir.write("c.log", "c\n");
  const GitRepository git(repo.dir.path());
  EXPECT_EQ(git.evidence(repo.dir.path() / "a.txt", repo.dir.path()).state, EvidenceState::clean);
  EXPECT_EQ(git.evidence(repo.dir.path() / "b.txt", repo.dir.path()).state, EvidenceState::untracked);
  EXPECT_EQ(git.evidence(repo.dir.path() / "c.log", repo.dir.path()).state, EvidenceState::ignored);
  repo.dir.write("a.txt", "changed\n");
  const Evidence modified = git.evidence(repo.dir.path() / "a.txt", repo.dir.path());
  EXPECT_EQ(modified.state, EvidenceState::modified);
  EXPECT_EQ(modified.blob, git_blob_id("changed\n"));
}

// A fetched clone in an ignored folder: git's status stops at the clone's folder, yet each file in
// it is ignored, not untracked (a single lookup and the batched one agree).
TEST(Git, FilesOfAnIgnoredNestedCloneAreIgnored) {
  Repo repo;
  repo.dir.write(".gitignore", "/third_party/\n");
  repo.dir.write("notes/new.txt", "n\n");
  const fs::path inner = repo.dir.write("third_party/tool/inputs/arch.yaml", "a\n");
  test::sh(std::string("git init -q . && ") + k_git + "add -A && " + k_git + "commit -q -m c",
           repo.dir.path() / "third_party/tool");
  const GitRepository git(repo.dir.path());
  EXPECT_EQ(git.evidence(inner, repo.dir.path()).state, EvidenceState::ignored);
  const auto batch = git.evidence(std::vector<fs::path>{inner, repo.dir.path() / "notes/new.txt", repo.dir.path() / "a.txt"},
                                  repo.dir.path(), {"", "", ""});
  EXPECT_EQ(batch[0].state, EvidenceState::ignored);
  EXPECT_EQ(batch[1].state, EvidenceState::untracked);
  EXPECT_EQ(batch[2].state, EvidenceState::clean);
}

TEST(Git, LastCommitTimeFollowsChanges) {
  Repo repo;
  test::sh(std::string("GIT_COMMITTER_DATE='2030-01-01T00:00:00Z' ") + k_git + "commit -q --allow-empty -m empty",
           repo.dir.path());
  repo.dir.write("b.txt", "b\n");
  test::sh(std::string("GIT_COMMITTER_DATE='2031-01-01T00:00:00Z' ") + k_git + "add b.txt && " +
               "GIT_COMMITTER_DATE='2031-01-01T00:00:00Z' " + k_git + "commit -q -m b",
           repo.dir.path());
  const GitRepository git(repo.dir.path());
  EXPECT_EQ(git.last_commit_time("b.txt"), 1924992000);  // 2031-01-01T00:00:00Z
  EXPECT_LT(*git.last_commit_time("a.txt"), 1893456000);  // before 2030: the empty commit did not touch it
  EXPECT_FALSE(git.last_commit_time("missing.txt").has_value());
}

TEST(Git, RemoteUrlDropsCredentials) {
  EXPECT_EQ(strip_credentials("https://user:secret@github.com/o/r.git"), "https://github.com/o/r.git");
  EXPECT_EQ(strip_credentials("git@github.com:o/r.git"), "git@github.com:o/r.git");
  Repo repo;
  test::sh("git remote add origin https://x-access-token:abc@example.com/o/r.git", repo.dir.path());
  EXPECT_EQ(GitRepository(repo.dir.path()).info().remote_url, "https://example.com/o/r.git");
}

TEST(CiInfo, PullRequestRecordsHeadAndMergeCommits) {
  test::TempDir dir;
  const fs::path event = dir.write("event.json", R"({"pull_request":{"head":{"sha":"abc123"}}})");
  const std::map<std::string, std::string> vars = {
      {"GITHUB_ACTIONS", "true"},        {"GITHUB_EVENT_NAME", "pull_request"}, {"GITHUB_SHA", "merge999"},
      {"GITHUB_EVENT_PATH", event.string()}, {"GITHUB_REF", "refs/pull/7/merge"}, {"GITHUB_SERVER_URL", "https://github.com"},
      {"GITHUB_REPOSITORY", "o/r"},      {"GITHUB_RUN_ID", "42"}};
  const CiInfo ci = read_ci_info([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
  EXPECT_EQ(ci.provider, "github-actions");
  EXPECT_EQ(ci.sha, "merge999");
  EXPECT_EQ(ci.head_sha, "abc123");
  EXPECT_EQ(ci.run_url, "https://github.com/o/r/actions/runs/42");
  EXPECT_EQ(read_ci_info([](const char*) -> const char* { return nullptr; }).provider, "");
}

}  // namespace
}  // namespace claimcheck
