#pragma once
// The command line. run_cli is the one place that turns errors into messages and exit codes:
// 0 success, 1 a claim failed the policy, 2 usage or input error, 3 internal error.

#include <iosfwd>
#include <string>

#include "core/record.hpp"

namespace claimcheck {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_input = 2;
inline constexpr int k_exit_internal = 3;

// The result cache's folder under the repository root when --cache is not given.
inline constexpr const char* k_default_cache = ".claimcheck/cache";

// What run_cli does with an audit's results once they are written. A process that exits right
// after (main) leaves them to the system, which takes the whole address space back at once;
// freeing ten thousand claims' results one by one took a tenth of a warm audit. They stay
// reachable, so a leak checker does not report them. A caller that goes on (a test) frees them.
enum class AtEnd { free_memory, leave_memory };

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            AtEnd at_end = AtEnd::free_memory);

// Reads an audit record (JSON); throws InputError naming the file when it cannot be read or is
// not a record.
AuditRecord read_record_file(const std::string& path);

}  // namespace claimcheck
