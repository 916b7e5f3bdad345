#pragma once
// The `command` adapter: runs a program the claim names (options: see command_spec.hpp) and reads
// the value from its stdout or from a file it writes, with the claim's "extract" (JSON pointer,
// CSV column and rows, or a regex with one capture group).
//
// - Runs only with RunPolicy::allow_commands (--allow-commands); otherwise blocked
//   (command_not_allowed). Never through a shell; in its own process group; killed with its
//   whole group at RunPolicy::timeout (blocked: timeout).
// - The environment is PATH (the auditor's), LC_ALL=C (so numbers print with a '.'), and what
//   options.env lists; nothing else is inherited.
// - A program named by a relative path must be inside the repository; a bare name is looked up
//   on PATH; an absolute path names an installed program and is run as it is.
//   Not found: blocked (tool_missing). Non-zero exit or a signal: blocked (adapter_error) with
//   the first lines of stderr.
// - stdout and stderr are kept up to 16 MiB each; a value is never read from a cut stdout.
// - An output_file the command did not (re)write is never read: a stale file is not a result.
// - The record gets the resolved program, exit status, output sizes and the first lines of
//   stderr (details), and the program's version when options.version_argv says how. The run's
//   duration is the claim's duration_ms in the record (timings stay out of the details so a
//   re-audit gives the same record apart from timings; a blocked reason for a timeout names the
//   limit, not the time taken).

#include <memory>

#include "adapter/adapter.hpp"
#include "io/process.hpp"

namespace claimcheck {

// `runner` must outlive the adapter (tests pass a recording fake; the registry the system one).
std::unique_ptr<Adapter> make_command_adapter(const ProcessRunner& runner = system_process_runner());

}  // namespace claimcheck
