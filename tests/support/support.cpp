#include "support/support.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/cli.hpp"
#include "core/diagnostics.hpp"
#include "report/record_json.hpp"

namespace claimcheck::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  m_path = fs::temp_directory_path() / ("claimcheck-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(m_path);
  m_path = fs::canonical(m_path);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

fs::path TempDir::write(const std::string& relative, const std::string& content) const {
  const fs::path p = m_path / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

CliResult run(const std::vector<std::string>& args, const fs::path& cwd) {
  const fs::path previous = fs::current_path();
  fs::current_path(cwd);
  std::vector<const char*> argv{"claimcheck"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliResult result;
  result.exit_code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  fs::current_path(previous);
  result.out = out.str();
  result.err = err.str();
  return result;
}

void sh(const std::string& command, const fs::path& cwd) {
  const std::string full = "cd '" + cwd.string() + "' && (" + command + ") >/dev/null 2>&1";
  ASSERT_EQ(std::system(full.c_str()), 0) << command;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json full_record(const std::string& text) {
  try {
    return record_to_json(record_from_json(text, "record.json"));
  } catch (const InputError&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

void expect_golden(const std::string& name, const std::string& actual) {
  const fs::path path = fs::path(CLAIMCHECK_TEST_DIR) / "golden" / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << "missing golden file " << path << "; run the tests with UPDATE_GOLDEN=1";
  EXPECT_EQ(read_file(path), actual) << "golden file " << path << " differs; UPDATE_GOLDEN=1 refreshes it";
}

ScopedEnv::ScopedEnv(const char* name, const std::optional<std::string>& value) : m_name(name) {
  if (const char* old = std::getenv(name)) m_old = old;
  if (value) {
    ::setenv(name, value->c_str(), 1);
  } else {
    ::unsetenv(name);
  }
}

ScopedEnv::~ScopedEnv() {
  if (m_old) {
    ::setenv(m_name, m_old->c_str(), 1);
  } else {
    ::unsetenv(m_name);
  }
}

}  // namespace claimcheck::test
