#pragma once
// Test helpers: temporary folders, running the CLI in-process, golden files.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace claimcheck::test {

// A fresh folder removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  // Writes `content` to `relative` (creating folders) and returns the absolute path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs `claimcheck ARGS...` in-process with the working directory set to `cwd`.
CliResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd = std::filesystem::current_path());

// Runs a shell command (for git setup in tests); fails the test on a non-zero status.
void sh(const std::string& command, const std::filesystem::path& cwd);

std::string read_file(const std::filesystem::path& path);

// An audit record's text (schema version 1 or 2) as JSON with every claim written out in full, so a
// test can look at a claim's fields in one place; a text that is not a record gives a discarded
// value (is_discarded()).
nlohmann::json full_record(const std::string& text);

// Sets (or, with nullopt, removes) an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// Compares `actual` with tests/golden/NAME; with UPDATE_GOLDEN=1 in the environment, rewrites it.
void expect_golden(const std::string& name, const std::string& actual);

}  // namespace claimcheck::test
