#pragma once
// The machine, the build and the CI run an audit happened on.

#include <functional>
#include <string>

#include "core/record.hpp"

namespace claimcheck {

// Reads an environment variable; null when unset. A seam so tests can supply their own.
using EnvLookup = std::function<const char*(const char*)>;

// The process environment.
EnvLookup process_env();

EnvironmentInfo read_environment();
ToolInfo read_tool_info();

// The GNU build id of the running executable (hex; changes with every change to the code it was
// linked from), or, when it has none, the SHA-256 of the executable file; "" when neither is
// readable. The result cache keys on it, so a rebuilt claimcheck never reuses another build's
// measurements.
std::string executable_build_id();

// GitHub Actions facts when GITHUB_ACTIONS=true. On pull_request events GITHUB_SHA is the merge
// commit, so the PR head commit is read from the event payload (GITHUB_EVENT_PATH).
CiInfo read_ci_info(const EnvLookup& env);

// The current time in UTC, ISO 8601 with seconds ("2026-11-22T03:15:44Z").
std::string utc_now();

}  // namespace claimcheck
