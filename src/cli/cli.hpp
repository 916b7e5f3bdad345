#pragma once
// The command line. run_cli is the one place that turns errors into messages and exit codes:
// 0 success, 1 a claim failed the policy, 2 usage or input error, 3 internal error.

#include <iosfwd>

namespace claimcheck {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_input = 2;
inline constexpr int k_exit_internal = 3;

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace claimcheck
