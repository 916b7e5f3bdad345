#include "io/sandbox.hpp"

#include <gtest/gtest.h>

#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;

std::string error_of(const Sandbox& sandbox, const fs::path& base, const std::string& written) {
  try {
    sandbox.resolve(base, written);
  } catch (const PathError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Sandbox, ResolvesInsideTheRoot) {
  test::TempDir dir;
  dir.write("repo/claims/data/a.json", "{}");
  const Sandbox sandbox(dir.path() / "repo");
  const fs::path resolved = sandbox.resolve(dir.path() / "repo/claims", "data/a.json");
  EXPECT_EQ(resolved, dir.path() / "repo/claims/data/a.json");
  EXPECT_EQ(sandbox.relative(resolved), "claims/data/a.json");
  EXPECT_EQ(sandbox.resolve(dir.path() / "repo/claims/data", "../data/./a.json"), resolved);
}

TEST(Sandbox, RefusesPathsOutsideTheRoot) {
  test::TempDir dir;
  dir.write("repo/claims/a.json", "{}");
  dir.write("secret.txt", "token");
  const Sandbox sandbox(dir.path() / "repo");
  const fs::path base = dir.path() / "repo/claims";
  EXPECT_EQ(error_of(sandbox, base, "/etc/passwd"),
            "absolute path \"/etc/passwd\" is not allowed; write it relative to the claim file");
  EXPECT_EQ(error_of(sandbox, base, "../../secret.txt"),
            "path \"../../secret.txt\" leaves the repository " + (dir.path() / "repo").string());
  fs::create_symlink(dir.path() / "secret.txt", dir.path() / "repo/claims/link.txt");
  EXPECT_EQ(error_of(sandbox, base, "link.txt"),
            "path \"link.txt\" resolves through a symbolic link to " + (dir.path() / "secret.txt").string() +
                ", outside the repository " + (dir.path() / "repo").string());
  EXPECT_EQ(error_of(sandbox, base, "missing.json"),
            "file \"missing.json\" does not exist (looked for " + (base / "missing.json").string() + ")");
}

TEST(Sandbox, RefusesFilesOverTheSizeLimit) {
  test::TempDir dir;
  const fs::path big = dir.write("big.txt", std::string(2048, 'x'));
  const Sandbox sandbox(dir.path(), 1024);
  try {
    sandbox.read(big);
    FAIL() << "no error";
  } catch (const PathError& e) {
    EXPECT_EQ(e.kind(), PathError::Kind::too_large);
    EXPECT_EQ(std::string(e.what()), big.string() + " has 2048 bytes, over the limit of 1024");
  }
}

}  // namespace
}  // namespace claimcheck
