#pragma once
// The process-runner seam: the only place claimcheck starts another program.
//
// Contract of SystemProcessRunner::run():
// - Runs argv directly (fork + execve), never through a shell, in a new process group whose id
//   is the child's pid, with exactly the given environment and working directory.
// - argv[0] containing '/' is a path (relative to working_dir); otherwise it is looked up on
//   `search_path` like execvp does. A program that is not found is ProcessEnd::not_found.
// - stdin is /dev/null; stdout and stderr are captured, each up to max_output_bytes. The rest is
//   read and counted but dropped (the child never blocks on a full pipe).
// - When the deadline passes, the whole process group gets SIGKILL (ProcessEnd::timed_out).
//   When the child exits, whatever it left running in its process group is killed too, so a
//   background grandchild holding the pipes cannot stall the caller. A descendant that leaves
//   the group (setsid) escapes both; the runner documents this rather than hiding it.
// - Thread-safe: several threads may run processes at once (pipes are close-on-exec).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimcheck {

inline constexpr std::size_t k_default_max_output_bytes = 16u * 1024 * 1024;

struct ProcessRequest {
  std::vector<std::string> argv;                                 // argv[0] names the program
  std::filesystem::path working_dir;                             // absolute; empty = the caller's
  std::vector<std::pair<std::string, std::string>> environment;  // the child's whole environment
  std::string search_path;                                       // PATH used to find argv[0]
  std::chrono::milliseconds timeout{600'000};                    // wall clock, from the start
  std::size_t max_output_bytes = k_default_max_output_bytes;     // kept per stream, in bytes
};

enum class ProcessEnd {
  exited,           // the program ran and exited; exit_code is valid
  signaled,         // the program was ended by a signal it did not get from the runner
  timed_out,        // the runner killed the process group at the deadline
  not_found,        // argv[0] is not an executable file (not found on the search path)
  failed_to_start,  // fork/exec or the pipes failed; `error` says why
};

std::string_view process_end_name(ProcessEnd end);

struct ProcessResult {
  ProcessEnd end = ProcessEnd::failed_to_start;
  int exit_code = -1;                     // ProcessEnd::exited only
  int signal = 0;                         // ProcessEnd::signaled / timed_out: the ending signal
  std::string out;                        // captured stdout (at most max_output_bytes)
  std::string err;                        // captured stderr (at most max_output_bytes)
  std::uintmax_t out_bytes = 0;           // bytes the program wrote to stdout, in total
  std::uintmax_t err_bytes = 0;           // bytes the program wrote to stderr, in total
  std::chrono::milliseconds duration{0};  // wall clock from start to end
  std::filesystem::path program;          // the resolved executable (empty when not found)
  std::string error;                      // not_found / failed_to_start: what went wrong

  bool out_truncated() const { return out_bytes > out.size(); }
  bool err_truncated() const { return err_bytes > err.size(); }
};

// The executable `name` resolves to: a path (when it contains '/', relative to `base_dir`) or the
// first executable regular file named `name` in the ':'-separated `search_path` (an empty entry
// means the current directory, as in execvp). nullopt when there is none.
std::optional<std::filesystem::path> find_program(std::string_view name, std::string_view search_path,
                                                  const std::filesystem::path& base_dir);

// The first `max_lines` lines of `text` (without the trailing newline), each cut to 300 bytes.
std::vector<std::string> first_lines(std::string_view text, std::size_t max_lines);

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessRequest& request) const = 0;
};

class SystemProcessRunner final : public ProcessRunner {
 public:
  ProcessResult run(const ProcessRequest& request) const override;
};

// The runner adapters use unless a test gives them another one.
const ProcessRunner& system_process_runner();

}  // namespace claimcheck
