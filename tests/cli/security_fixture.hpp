#pragma once
// Helpers for the tests that try to break SECURITY.md through the real CLI: a scratch
// repository with claim files, the claimcheck binary run as a child process, and records
// compared without their timestamps and durations.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/process.hpp"
#include "support/support.hpp"

namespace claimcheck::test {

// One artifact claim reading `artifact` (relative to the claim file) by CSV column "value".
std::string csv_claim(const std::string& id, const std::string& artifact, double expected_ms,
                      const std::string& extra_fields = "");

// A claim object with every free-text field set to `text`.
std::string hostile_claim(const std::string& id, const std::string& artifact, const std::string& text);

// `git init` + commit everything in `dir` (identity fixed so commits are reproducible).
void git_commit_all(const std::filesystem::path& dir);

// Runs the built claimcheck binary with `args` in `cwd`, with a minimal fixed environment plus
// `extra_environment`.
ProcessResult run_binary(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(120'000),
                         const std::vector<std::pair<std::string, std::string>>& extra_environment = {});

// Starts the binary without waiting (stdout/stderr to /dev/null); returns its pid.
pid_t spawn_binary(const std::vector<std::string>& args, const std::filesystem::path& cwd);

// Waits for `pid`; returns its wait status.
int wait_for(pid_t pid);

// The record with "started_at" and every "duration_ms" removed.
nlohmann::json without_times(nlohmann::json record);

}  // namespace claimcheck::test
