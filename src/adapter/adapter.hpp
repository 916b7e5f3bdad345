#pragma once
// The adapter contract. An adapter measures a claim for one tool: it runs the experiment (its
// native model, or the real tool when installed) or re-reads an artifact the real tool wrote.
//
// Contract:
// - measure() is called from several threads at once: it must not keep mutable state.
// - It reads files only through job.sandbox (paths inside the repository), preferably with
//   read_input(job, path), and runs programs only when job.policy.allow_commands is set.
// - Measure once per run: claims that differ only in what they read from one run (their metric,
//   the options metric_options() names) are measured from one run. measure() gets that run with
//   share_run(job, key, make): `key` names the run (the adapter's name, the resolved input paths,
//   the options that change it), make() computes it (parse, evaluate, simulate) and is called
//   once per audit; each claim then reads its own metric from the shared value. The value is
//   shared between threads, so it is immutable once made.
// - Results are reusable: apart from claims whose runs_commands() is true, a Measurement depends
//   only on the claim's fields other than id, title, source, expected and tags, and on the
//   contents of the files in Measurement::files, which names every file it read. The result
//   cache keys a measurement by exactly that, so an input the adapter reads but does not list
//   would let a changed file go unnoticed. Blocked outcomes are never reused.
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
#include "adapter/run_memo.hpp"
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
  RunMemo* memo = nullptr;          // what the audit's claims share (null: nothing is shared)
};

// The content of `absolute` (a path job.sandbox.resolve() returned), read once per audit.
std::shared_ptr<const std::string> read_input(const Job& job, const std::filesystem::path& absolute);

// The run named `key`, made once per audit by make() (see the contract above); without a memo
// in the job, made now.
template <typename T, typename Make>
std::shared_ptr<const T> share_run(const Job& job, const std::string& key, Make&& make) {
  if (job.memo == nullptr) return std::make_shared<const T>(make());
  return job.memo->share<T>(key, std::forward<Make>(make));
}

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
  std::string basis;                    // how the value was obtained when not one reading, shown with it
                                        // (e.g. "mean of 3 rows of out/runs.csv"); "" otherwise
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
  bool names_claim = false;  // the text names the claim itself (its file and line): not shared with others
  bool operator==(const Blocked&) const = default;
};

using Outcome = std::variant<Measurement, Blocked>;

// A metric an adapter supports. In `name`, a dot-separated part in angle brackets stands for any
// word ("<level>") or for one of the words it lists ("<reads|fills|updates>"); "*" is any metric.
struct MetricInfo {
  std::string name;         // e.g. "cycles", "accesses.<level>.<dataspace>.<reads|fills|updates>"
  std::string unit;         // the unit it is measured in, e.g. "cycles", "pJ"; "any" when the claim says
  std::string description;  // one line
};

// The JSON type of an option's value.
enum class OptionType {
  string,
  integer,
  number,
  boolean,
  choice,       // one of OptionInfo::choices
  path,         // a file or folder, relative to the claim file, inside the repository
  string_list,  // a non-empty array of strings
  object,       // an object the adapter reads itself
  any,          // a value whose shape depends on other options (the adapter checks it)
};

// One key a claim may set under "options". The loader checks every claim against this table
// (unknown keys, types, choices, ranges) and `claimcheck adapters TOOL` prints it, so the two
// cannot disagree.
struct OptionInfo {
  std::string name;                  // e.g. "npu"
  OptionType type = OptionType::string;
  std::string description;           // one line; says what applies when it is absent
  std::string example;               // a JSON value, e.g. "3" or "\"congestion-aware\""
  std::vector<std::string> choices;  // OptionType::choice: the allowed strings
  std::optional<double> min;         // integer and number: inclusive bounds
  std::optional<double> max;
};

// What `claimcheck adapters TOOL` says beyond the tables.
struct AdapterDoc {
  std::string summary;       // one line: what the adapter measures
  std::string claim_fields;  // how a claim names its inputs (workload, hardware, inputs, artifact...)
  std::string example;       // a complete claim as JSON; a test lints it
};

// Where `claimcheck new TOOL ARGS...` puts its positional arguments, in order.
struct NewSlot {
  std::string name;      // shown in usage, e.g. "NETWORK"
  std::string pointer;   // where in the claim, e.g. "/hardware/spec/network"
  bool many = false;     // takes every remaining argument (an array at `pointer`)
  bool optional = false;
  bool path = true;      // a file or folder (made relative to the claim file); else taken as text
};

// A file or folder a claim names: lint checks it is inside the repository and exists.
struct ClaimPath {
  enum class Kind {
    file,
    directory,
    file_or_directory,
    output,  // written by what the claim runs: must be inside the repository, may not exist yet
  };
  std::string pointer;      // in the claim, e.g. "/options/comm_group"
  std::string written;      // as written, relative to the claim file
  Kind kind = Kind::file;
  std::string alternative;  // also exists when `written` + this does (an ET prefix: ".0.et")
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual std::string name() const = 0;     // as written in claims' "tool"
  virtual std::string version() const = 0;  // the adapter's own version
  virtual std::vector<MetricInfo> metrics() const = 0;
  virtual std::vector<Mode> modes() const = 0;  // modes it supports

  virtual AdapterDoc doc() const = 0;
  // The keys of "options" (checked by the loader before validate(), which need not repeat it).
  virtual std::vector<OptionInfo> options() const { return {}; }

  // Lint-time checks beyond the common claim format and the options table (metric names,
  // required fields). Adds diagnostics with JSON pointers relative to the claim object.
  virtual void validate(const Claim& claim, Diagnostics& out) const = 0;

  // The files and folders a (valid) claim names. The default: artifact, inputs, and the
  // workload and hardware specs given as paths; path options of the table.
  virtual std::vector<ClaimPath> paths(const Claim& claim) const;

  // Lint-time checks that read a valid claim's inputs but measure nothing (e.g. an option out of
  // the range the inputs allow). Pointers are relative to the claim. May throw like measure().
  virtual void check_inputs(const Job& job, Diagnostics& out) const;

  // `claimcheck new TOOL ARGS...`: where the positional ARGS go. The default: nothing for mode
  // run, the artifact for mode reread.
  virtual std::vector<NewSlot> new_slots(Mode mode) const;

  virtual Outcome measure(const Job& job) const = 0;

  // Options that only pick a number out of a run (astra-sim's npu and node): claims that differ
  // only in their metric and these share one run, and one shard of a sharded audit.
  virtual std::vector<std::string> metric_options() const { return {}; }
  // Whether measuring the claim runs a program (the command adapter, a real tool): its result
  // may depend on more than its files, so it is reused from the result cache only when the
  // claim opts in ("cache": true).
  virtual bool runs_commands(const Claim& claim) const;
  // The expected cost of the claim's run relative to a typical model evaluation (1), for
  // balancing the shards of a sharded audit; a search or a simulation of thousands of events
  // costs more. An estimate from the claim alone: every shard must compute the same.
  virtual double expected_cost(const Claim& claim) const;
  // The claims this claim stands for, measured and reported one by one (default: itself). An
  // adapter may expand one claim into several with ids of their own (astra-sim: options.npu "all"
  // gives one claim per NPU). Reads only through `sandbox`; never throws.
  virtual std::vector<Claim> expand(Claim claim, const Sandbox& sandbox, const std::filesystem::path& claim_dir) const;
  // Whether expand() may give anything but the claim itself (default: no); a claim for which this
  // is false is not passed through expand().
  virtual bool may_expand(const Claim& claim) const;
};

// Runs adapter.measure(job), turning the exceptions named in the contract into Blocked values.
Outcome measure_safely(const Adapter& adapter, const Job& job);

}  // namespace claimcheck
