#pragma once
// The adapter contract. An adapter measures a claim for one tool: it runs the experiment (its
// native model, or the real tool when installed) or re-reads an artifact the real tool wrote.
//
// Contract:
// - measure() is called from several threads at once: it must not keep mutable state.
// - It reads files only through job.sandbox (paths inside the repository) and runs programs only
//   when job.policy.allow_commands is set.
// - It returns a Measurement, or a Blocked with a reason and the step that would unblock it.
//   It may instead throw: PathError (a named file is missing or outside the repository) and
//   InputError (a file is malformed) become blocked verdicts with kind input_missing /
//   invalid_input; any other exception becomes an adapter_error. It never prints or exits.
// - It never makes up a number: an unsupported metric or model feature is Blocked
//   (kind unsupported), never an estimate.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/claim.hpp"
#include "core/diagnostics.hpp"
#include "core/units.hpp"
#include "io/sandbox.hpp"

namespace claimcheck {

// What the audit allows adapters to do (set on the command line, never by a claim).
struct RunPolicy {
  bool allow_commands = false;                    // --allow-commands
  std::chrono::milliseconds timeout{600'000};     // per claim, for anything an adapter runs
};

// One claim to measure, with the context an adapter may use.
struct Job {
  const Claim& claim;
  const Sandbox& sandbox;
  std::filesystem::path claim_dir;  // absolute folder of the claim file: base of its relative paths
  RunPolicy policy;
};

// A named figure shown with a measurement (e.g. per-level accesses); the value is preformatted.
struct Detail {
  std::string name;   // e.g. "DRAM.Weights.reads"
  std::string value;  // e.g. "1179648"
  bool operator==(const Detail&) const = default;
};

struct Measurement {
  double value = 0.0;                   // in `unit`
  Unit unit;                            // the unit the adapter measured in
  std::vector<Detail> details;          // optional extra figures, in a stable order
  std::vector<std::filesystem::path> files;  // absolute paths of every input/artifact used (for hashes)
  std::string tool_version;             // e.g. "native timeloop-style model 1", "timeloop-model v3.0.3"
  std::vector<std::string> warnings;    // things the reader should know (e.g. a real-tool quirk)
  std::vector<std::string> notes;       // what the run accepted without using (e.g. ignored input keys)
  bool operator==(const Measurement&) const = default;
};

enum class BlockKind {
  tool_missing,         // the real tool is not installed
  input_missing,        // an input or artifact file does not exist
  invalid_input,        // an input or artifact is malformed
  artifact_stale,       // an input changed after the artifact was written
  unsupported,          // metric or feature the adapter does not support
  adapter_error,        // the adapter failed
  timeout,              // the run exceeded the per-claim timeout
  command_not_allowed,  // the claim needs --allow-commands
  outside_repository,   // a path leaves the repository
  unknown_adapter,      // no adapter of that name
};

std::string_view block_kind_name(BlockKind kind);

struct Blocked {
  BlockKind kind = BlockKind::adapter_error;
  std::string reason;   // what stopped the measurement, e.g. "timeloop-model is not on PATH"
  std::string unblock;  // what would unblock it, e.g. "install Timeloop or use mode \"run\""
  std::vector<std::filesystem::path> files;  // inputs read before it stopped (for provenance)
  bool operator==(const Blocked&) const = default;
};

using Outcome = std::variant<Measurement, Blocked>;

// A metric an adapter supports. `name` may end in ".*" for families like "accesses.*".
struct MetricInfo {
  std::string name;         // e.g. "cycles", "accesses.<level>.<dataspace>.<reads|fills|updates>"
  std::string unit;         // the unit it is measured in, e.g. "cycles", "pJ"
  std::string description;  // one line
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual std::string name() const = 0;     // as written in claims' "tool"
  virtual std::string version() const = 0;  // the adapter's own version
  virtual std::vector<MetricInfo> metrics() const = 0;
  virtual std::vector<Mode> modes() const = 0;  // modes it supports

  // Lint-time checks beyond the common claim format (metric names, options, required fields).
  // Adds diagnostics with JSON pointers relative to the claim object (e.g. "/options/npu").
  virtual void validate(const Claim& claim, Diagnostics& out) const = 0;

  virtual Outcome measure(const Job& job) const = 0;
  // The claims this claim stands for, measured and reported one by one (default: itself). An
  // adapter may expand one claim into several with ids of their own (astra-sim: options.npu "all"
  // gives one claim per NPU). Reads only through `sandbox`; never throws.
  virtual std::vector<Claim> expand(const Claim& claim, const Sandbox& sandbox,
                                    const std::filesystem::path& claim_dir) const;
};

// Runs adapter.measure(job), turning the exceptions named in the contract into Blocked values.
Outcome measure_safely(const Adapter& adapter, const Job& job);

}  // namespace claimcheck
