#include "cli/security_fixture.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <gtest/gtest.h>

extern char** environ;

namespace claimcheck::test {
namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::string>> child_environment() {
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}, {"NO_COLOR", "1"}};
  for (const char* name : {"HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) env.emplace_back(name, value);
  }
  return env;
}

}  // namespace

std::string csv_claim(const std::string& id, const std::string& artifact, double expected_ms,
                      const std::string& extra_fields) {
  return R"({"id": ")" + id + R"(", "title": "Claim )" + id +
         R"(", "source": {"paper": "P", "where": "Table 1"}, "tool": "artifact", "mode": "reread",
  "metric": "latency", "artifact": ")" + artifact +
         R"(", "extract": {"csv_column": "value"},
  "expected": {"value": )" + std::to_string(expected_ms) + R"(, "unit": "ms"}, "tolerance": {"relative": 0.05})" +
         extra_fields + "}";
}

std::string hostile_claim(const std::string& id, const std::string& artifact, const std::string& text) {
  const std::string t = nlohmann::json(text).dump();
  return R"({"id": ")" + id + R"(", "title": )" + t + R"(, "source": {"paper": )" + t + R"(, "where": )" + t +
         R"(, "quote": )" + t + R"(, "url": )" + t + R"(, "doi": )" + t + R"(}, "tool": "artifact", "mode": "reread",
  "workload": {"name": )" + t + R"(}, "hardware": {"name": )" + t + R"(}, "metric": )" + t + R"(, "artifact": ")" +
         artifact + R"(", "extract": {"csv_column": "value"}, "tags": [)" + t + R"(],
  "expected": {"value": 1.0, "unit": "ms"}, "tolerance": {"relative": 0.05}})";
}

void git_commit_all(const fs::path& dir) {
  sh("git init -q -b main . && git add -A && git -c user.email=audit@example.invalid -c user.name=audit "
     "-c commit.gpgsign=false commit -q -m claims",
     dir);
}

ProcessResult run_binary(const std::vector<std::string>& args, const fs::path& cwd, std::chrono::milliseconds timeout,
                         const std::vector<std::pair<std::string, std::string>>& extra_environment) {
  ProcessRequest request;
  request.argv = {CLAIMCHECK_BINARY};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.working_dir = cwd;
  request.environment = child_environment();
  request.environment.insert(request.environment.end(), extra_environment.begin(), extra_environment.end());
  request.search_path = "/usr/bin:/bin";
  request.timeout = timeout;
  return system_process_runner().run(request);
}

pid_t spawn_binary(const std::vector<std::string>& args, const fs::path& cwd) {
  std::vector<std::string> argv_strings = {CLAIMCHECK_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : child_environment()) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << CLAIMCHECK_BINARY;
  return rc == 0 ? pid : -1;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

nlohmann::json without_times(nlohmann::json record) {
  if (record.contains("provenance")) record["provenance"].erase("started_at");
  record.erase("duration_ms");
  if (record.contains("claims")) {
    for (auto& c : record["claims"]) c.erase("duration_ms");
  }
  return record;
}

}  // namespace claimcheck::test
