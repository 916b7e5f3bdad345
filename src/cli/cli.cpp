#include "cli/cli.hpp"

#include <unistd.h>

#include <fnmatch.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "adapter/registry.hpp"
#include "claimcheck/build_info.hpp"
#include "cli/adapter_docs.hpp"
#include "cli/claim_checks.hpp"
#include "cli/commands.hpp"
#include "cli/pipeline.hpp"
#include "cli/root.hpp"
#include "cli/progress.hpp"
#include "core/derive.hpp"
#include "core/merge.hpp"
#include "io/atomic_file.hpp"
#include "io/claim_loader.hpp"
#include "io/file_read.hpp"
#include "io/result_cache.hpp"
#include "provenance/environment.hpp"
#include "provenance/git.hpp"
#include "report/format.hpp"
#include "report/formats.hpp"
#include "report/markdown.hpp"
#include "report/record_json.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

void print_diagnostics(const Diagnostics& diagnostics, std::ostream& err) {
  for (const auto& d : diagnostics.items()) err << format_diagnostic(d);
  err << "claimcheck: " << diagnostics.size() << (diagnostics.size() == 1 ? " error" : " errors") << "\n";
}

std::string render(const AuditRecord& record, const std::string& format, const RenderOptions& options) {
  return find_report_format(format)->render(record, options);
}

// Where an audit's (or a merge's) results go, and the policy its exit status follows.
struct OutputArgs {
  std::string format = "md";
  std::string output;
  std::string record;
  std::string fail_on = "discrepant";
  RenderOptions render;
};

struct AuditArgs {
  std::vector<std::string> paths;
  int jobs = 0;
  std::vector<std::string> only;
  OutputArgs results;
  bool allow_commands = false;
  double timeout_s = 600;
  std::string root;
  std::string cache;
  bool no_cache = false;
  std::string shard;
};

struct MergeArgs {
  std::vector<std::string> records;
  OutputArgs results;
};

// The claims --only selects, and every claim a selected derived claim is computed from.
std::vector<Claim> select_claims(std::vector<Claim> claims, const std::vector<std::string>& only) {
  if (only.empty()) return claims;
  std::vector<bool> keep(claims.size(), false);
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const bool match = std::any_of(only.begin(), only.end(), [&](const std::string& glob) {
      return fnmatch(glob.c_str(), claims[i].id.c_str(), 0) == 0;
    });
    if (match) pending.push_back(i);
  }
  while (!pending.empty()) {
    const std::size_t i = pending.back();
    pending.pop_back();
    if (keep[i]) continue;
    keep[i] = true;
    if (!claims[i].derived) continue;
    for (const auto& operand : claims[i].derived->operands) {
      for (std::size_t j : match_operand(operand, claims)) pending.push_back(j);
    }
  }
  std::vector<Claim> selected;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (keep[i]) selected.push_back(std::move(claims[i]));
  }
  return selected;
}

// Takes the locks of the output folders before any work, so that a concurrent audit is refused
// at once; false (with the message printed) when another claimcheck holds one.
bool lock_outputs(const OutputArgs& args, std::vector<std::unique_ptr<OutputLock>>& locks, std::ostream& err) {
  // The two are written side by side: one file for both would hold whichever came last.
  if (!args.record.empty() && !args.output.empty() && args.output != "-" && !is_special_output(args.output) &&
      !is_special_output(args.record)) {
    std::error_code ec;
    const fs::path record = fs::weakly_canonical(fs::absolute(args.record), ec);
    const fs::path output = ec ? fs::path() : fs::weakly_canonical(fs::absolute(args.output), ec);
    if (!ec && record == output) {
      err << "claimcheck: error: --record and --output name the same file (" << args.record
          << "); the record and the report need a file each\n";
      return false;
    }
  }
  for (const auto& output : {args.output, args.record}) {
    if (output.empty() || output == "-" || is_special_output(output)) continue;
    auto lock = std::make_unique<OutputLock>(output);
    const bool same_folder = std::any_of(locks.begin(), locks.end(),
                                         [&](const auto& held) { return held->folder() == lock->folder(); });
    if (same_folder) continue;
    if (!lock->try_lock()) {
      err << "claimcheck: error: another claimcheck is writing into " << lock->folder().string()
          << "; wait for it to finish or choose another output folder\n";
      return false;
    }
    locks.push_back(std::move(lock));
  }
  return true;
}

// An audit's results once written: freed, or left to the system when the process exits next (see
// AtEnd); a pointer to them is kept, so they stay reachable.
template <class T>
void end_with(std::unique_ptr<T> results, AtEnd at_end) {
  [[maybe_unused]] static T* volatile left = nullptr;
  if (at_end == AtEnd::leave_memory) left = results.release();
}

// Writes the record and the report, prints the summary, and returns the exit status the policy
// gives the record.
int finish_results(const AuditRecord& record, const OutputArgs& args, const FailPolicy& policy, std::ostream& out,
                   std::ostream& err) {
  int failing = 0;
  for (const auto& r : record.claims) failing += fails(r, policy) ? 1 : 0;
  err << summary_line(record.summary);
  if (record.summary.stale > 0) err << " (" << record.summary.stale << " stale)";
  err << "\n";

  // The record is written on a thread of its own while the report is rendered and written (they
  // are different files: lock_outputs sees to it).
  std::future<void> recording;
  if (!args.record.empty()) {
    recording = std::async(std::launch::async, [&] { write_file_atomically(args.record, record_to_text(record)); });
  }
  {
    const std::string rendered = render(record, args.format, args.render);
    if (args.output.empty() || args.output == "-") {
      out << rendered;
    } else {
      write_file_atomically(args.output, rendered);
    }
  }
  if (recording.valid()) recording.get();
  int status = k_exit_ok;
  if (failing > 0) {
    err << "claimcheck: " << failing << (failing == 1 ? " claim fails" : " claims fail") << " the policy (--fail-on "
        << args.fail_on << ")\n";
    status = k_exit_failed;
  }
  if (const std::string why = audit_failure(record.summary, policy); !why.empty()) {
    err << "claimcheck: the audit fails: " << why << "\n";
    status = k_exit_failed;
  }
  return status;
}

// "claimcheck: 850 reused from the cache, 54 measured (12 runs)": what the audit measured,
// printed when the cache gave something or the audit is a shard (a cold audit prints as before).
std::string measuring_line(const AuditRecord& record) {
  const auto& m = record.measuring;
  std::string line = "claimcheck: " + std::to_string(m.reused) + " reused from the cache, " +
                     std::to_string(m.measured) + " measured (" + std::to_string(m.runs) +
                     (m.runs == 1 ? " run" : " runs") + ")";
  if (record.shard) {
    line += "; shard " + std::to_string(record.shard->index) + "/" + std::to_string(record.shard->count) + ": " +
            std::to_string(record.claims.size()) + " of " + std::to_string(record.shard->total) + " claims";
  }
  return line;
}

int run_audit_command(const AuditArgs& args, std::ostream& out, std::ostream& err, AtEnd at_end) {
  FailPolicy policy;
  if (auto problem = parse_fail_policy(args.results.fail_on, policy); !problem.empty()) {
    err << "claimcheck: error: " << problem << "\n";
    return k_exit_input;
  }
  std::optional<ShardSpec> shard;
  if (!args.shard.empty()) {
    shard.emplace();
    if (auto problem = parse_shard(args.shard, *shard); !problem.empty()) {
      err << "claimcheck: error: " << problem << "\n";
      return k_exit_input;
    }
    // A shard measures only part of the audit: the policy applies to the merged record.
    policy.nothing_measured = false;
  }
  // The root and the result cache come first: the cache also keeps the claim files as read.
  const Root root = find_root(args.root, args.paths);
  AuditSettings settings;
  settings.root = root.path;
  const fs::path cache_dir = args.cache.empty() ? root.path / k_default_cache : fs::path(args.cache);
  // Cache entries are trusted as measurements: a folder a commit can write into (a pull request)
  // could hold forged ones.
  const bool forgeable = !args.no_cache && GitRepository(root.path).tracks_below(fs::absolute(cache_dir));
  if (!args.no_cache && !forgeable) settings.cache = cache_dir;
  std::optional<ResultCache> loaded_cache;
  if (settings.cache) loaded_cache.emplace(*settings.cache);
  const ClaimFileCache claim_file_cache{loaded_cache ? &*loaded_cache : nullptr,
                                        std::string(build_info::k_version) + " " + executable_build_id()};
  std::vector<Claim> claims = select_claims(load_claim_paths(args.paths, claim_file_cache), args.only);
  if (claims.empty()) {
    err << "claimcheck: error: --only matches no claim id\n";
    return k_exit_input;
  }
  std::vector<std::unique_ptr<OutputLock>> locks;
  if (!lock_outputs(args.results, locks, err)) return k_exit_input;

  if (!root.note.empty()) err << root.note << "\n";
  if (!root.warning.empty()) err << root.warning << "\n";
  settings.jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  settings.policy.allow_commands = args.allow_commands;
  settings.policy.timeout = std::chrono::milliseconds(static_cast<long long>(args.timeout_s * 1000));
  if (forgeable) {
    err << "claimcheck: warning: the result cache " << cache_dir.string()
        << " holds files committed to git, so a commit could forge results there: it is not used (choose --cache DIR "
           "outside the tracked files)\n";
  }
  settings.shard = shard;

  // A live line on a terminal; the per-claim lines otherwise (a file, a pipe, a test's stream).
  const char* term = std::getenv("TERM");
  const bool live = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1 && !(term && std::string(term) == "dumb");
  std::unique_ptr<AuditObserver> progress;
  if (live) {
    progress = std::make_unique<LiveProgress>(err, terminal_width(STDERR_FILENO));
  } else {
    progress = std::make_unique<LineProgress>(err);
  }
  auto record = std::make_unique<const AuditRecord>(run_audit(std::move(claims), settings, *progress));
  progress.reset();
  if (record->measuring.reused > 0 || record->shard) err << measuring_line(*record) << "\n";
  const int status = finish_results(*record, args.results, policy, out, err);
  end_with(std::move(record), at_end);
  return status;
}

// Merge: the shards' records joined into the record of the whole audit, then written and judged
// like an audit's.
int run_merge_command(const MergeArgs& args, std::ostream& out, std::ostream& err, AtEnd at_end) {
  FailPolicy policy;
  if (auto problem = parse_fail_policy(args.results.fail_on, policy); !problem.empty()) {
    err << "claimcheck: error: " << problem << "\n";
    return k_exit_input;
  }
  auto read = std::make_unique<std::vector<std::pair<fs::path, AuditRecord>>>();
  auto& shards = *read;
  for (const auto& path : args.records) shards.emplace_back(path, read_record_file(path));
  std::vector<std::unique_ptr<OutputLock>> locks;
  if (!lock_outputs(args.results, locks, err)) return k_exit_input;
  auto record = std::make_unique<const AuditRecord>(merge_shards(shards));
  err << "claimcheck: merged " << shards.size() << (shards.size() == 1 ? " shard" : " shards") << ": "
      << record->claims.size() << (record->claims.size() == 1 ? " claim" : " claims") << "\n";
  const int status = finish_results(*record, args.results, policy, out, err);
  end_with(std::move(record), at_end);
  end_with(std::move(read), at_end);
  return status;
}

// Lint: every check the audit makes before measuring, and those that read the claims' files
// without measuring (paths inside the root and existing, option ranges the inputs fix).
int run_lint_command(const std::vector<std::string>& paths, const std::string& root_arg, std::ostream& err) {
  const auto claims = load_claim_paths(paths);
  const Root root = find_root(root_arg, paths);
  if (!root.note.empty()) err << root.note << "\n";
  const Sandbox sandbox(root.path);
  const GitRepository git(root.path);
  FileFindings found = check_claim_files(claims, sandbox, git, RunPolicy{});
  locate_claim_diagnostics(found.errors);
  if (!found.errors.empty()) throw InputError(std::move(found.errors));
  Diagnostics warnings = paper_field_warnings(claims);
  locate_claim_diagnostics(warnings);
  for (const auto& w : warnings.items()) err << format_diagnostic(w, Severity::warning);
  // Files of other projects, fetched into git-ignored folders: one line a folder, not a warning
  // a file (the published exercises alone name thousands).
  for (const auto& [folder, ids] : found.fetched_folders) {
    err << "claimcheck: note: " << ids.size() << (ids.size() == 1 ? " claim names" : " claims name")
        << " files under " << folder << "/, a git-ignored folder where they are not (fetched, not committed): the "
        << "audit blocks " << (ids.size() == 1 ? "it" : "them") << " until they are fetched (" << *ids.begin()
        << (ids.size() > 1 ? ", ..." : "") << ")\n";
  }
  err << "claimcheck: " << claims.size() << (claims.size() == 1 ? " claim" : " claims") << " valid";
  if (!warnings.empty()) err << ", " << warnings.size() << (warnings.size() == 1 ? " warning" : " warnings");
  err << "\n";
  return k_exit_ok;
}

int run_render_command(const std::string& path, const std::string& format_name, const RenderOptions& options,
                       const std::string& output, std::ostream& out) {
  const AuditRecord record = read_record_file(path);
  const std::string rendered = render(record, format_name, options);
  if (output.empty() || output == "-") {
    out << rendered;
  } else {
    write_file_atomically(output, rendered);
  }
  return k_exit_ok;
}

int run_adapters_command(const std::string& tool, std::ostream& out) {
  if (tool.empty()) {
    out << list_adapters();
    return k_exit_ok;
  }
  const RegistryEntry* entry = find_entry(tool);
  if (!entry) throw InputError(std::filesystem::path(), 0, 0, "no adapter named \"" + tool + "\"", adapter_hint(tool));
  out << describe_adapter(*entry);
  return k_exit_ok;
}

}  // namespace

AuditRecord read_record_file(const std::string& path) {
  const auto text = read_file(path);
  if (!text) throw InputError(path, 0, 0, "cannot read the audit record", "write one with `claimcheck audit --record FILE`");
  return record_from_json(*text, path);
}

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err, AtEnd at_end) {
  CLI::App app{"claimcheck: audits the numbers a research paper reports against the code and data behind them"};
  app.set_version_flag("--version", std::string("claimcheck ") + build_info::k_version);
  app.require_subcommand(1);
  app.footer(
      "Environment (besides GitHub Actions' GITHUB_* variables, read into the record and by publish):\n"
      "  GITHUB_TOKEN               the token publish posts with\n"
      "  CLAIMCHECK_TIMELOOP_MODEL  the real timeloop-model to drive (else the one on PATH)\n"
      "  GLIBC_TUNABLES             when unset, claimcheck starts itself again once with\n"
      "                             glibc.malloc.hugetlb=1 (huge pages for its heap) where the kernel\n"
      "                             gives them on request; set it, even empty, to keep it from that");

  std::string format_list;
  for (const auto& f : report_formats()) format_list += (format_list.empty() ? "" : ", ") + f.name;

  AuditArgs audit;
  auto* audit_cmd = app.add_subcommand("audit", "measure and judge every claim, write the report");
  audit_cmd->add_option("paths", audit.paths, "claim files or folders (default: claims/)");
  audit_cmd->add_option("-j,--jobs", audit.jobs, "claims measured in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  audit_cmd->add_option("--only", audit.only, "audit only claims whose id matches this glob (repeatable)");
  MergeArgs merge;
  auto* merge_cmd = app.add_subcommand(
      "merge", "join the records of a sharded audit (audit --shard K/N --record FILE) into the whole audit's record, "
               "then report it like audit");
  merge_cmd->add_option("records", merge.records, "the N shards' records (JSON)")->required();
  for (auto* cmd : {audit_cmd, merge_cmd}) {
    OutputArgs& o = cmd == audit_cmd ? audit.results : merge.results;
    cmd->add_option("--format", o.format, "report format: " + format_list)->check(CLI::IsMember(report_format_names()));
    cmd->add_option("-o,--output", o.output, "write the report here (atomically) instead of stdout");
    cmd->add_option("--record", o.record, "also write the JSON audit record here");
    cmd->add_option("--fail-on", o.fail_on,
                    "exit 1 when a claim is one of: discrepant, blocked, stale (comma list) or none");
  }
  audit_cmd->add_option("--cache", audit.cache,
                        "the result cache's folder: measurements of unchanged claims and files are reused from it "
                        "(default: .claimcheck/cache in the repository root)");
  audit_cmd->add_flag("--no-cache", audit.no_cache, "measure every claim; read and write no result cache");
  audit_cmd->add_option("--shard", audit.shard,
                        "audit only shard K of N (K/N): a deterministic part of the claims, whole runs together, of "
                        "about equal cost; join the N records with claimcheck merge");
  audit_cmd->add_flag("--allow-commands", audit.allow_commands, "let claims run programs (command adapter, real tools)");
  audit_cmd->add_option("--timeout", audit.timeout_s, "seconds a claim may run a program (default 600)")
      ->check(CLI::PositiveNumber);
  audit_cmd->add_option("--root", audit.root,
                        "repository root claims may read below (default: the git work tree of the claims, else of the "
                        "current folder)");

  std::vector<std::string> lint_paths;
  std::string lint_root;
  auto* lint_cmd = app.add_subcommand(
      "lint", "check claim files without measuring: every check of audit, and that their files exist (exit 2 on any "
              "problem)");
  lint_cmd->add_option("paths", lint_paths, "claim files or folders (default: claims/)");
  lint_cmd->add_option("--root", lint_root,
                       "repository root claims may read below (default: the git work tree of the claims)");

  std::string render_path, render_format = "md", render_output;
  auto* render_cmd = app.add_subcommand("render", "re-render a saved audit record");
  render_cmd->add_option("record", render_path, "the JSON audit record")->required();
  RenderOptions render_options;
  render_cmd->add_option("--format", render_format, "report format: " + format_list)
      ->check(CLI::IsMember(report_format_names()));
  for (auto* cmd : {audit_cmd, merge_cmd, render_cmd}) {
    RenderOptions& o = cmd == audit_cmd ? audit.results.render : cmd == merge_cmd ? merge.results.render : render_options;
    cmd->add_option("--comment-key", o.comment_key,
                    "comment format: KEY of the hidden marker <!-- claimcheck:KEY --> (default claimcheck)");
    cmd->add_option("--report-url", o.full_report_url, "comment format: where the full report is, named when cut");
  }
  render_cmd->add_option("-o,--output", render_output, "write here (atomically) instead of stdout");

  std::string adapters_tool;
  auto* adapters_cmd = app.add_subcommand(
      "adapters", "list adapters and their metrics; with TOOL, document its claim fields, metrics, options and an "
                  "example claim");
  adapters_cmd->add_option("tool", adapters_tool, "one adapter to document");

  std::string model_tool;
  auto* model_cmd = app.add_subcommand(
      "model", "run a tool's native model directly on its own input files: claimcheck model TOOL ARGS... "
               "(see claimcheck model TOOL --help)");
  model_cmd->add_option("tool", model_tool, "the tool (run `claimcheck adapters`)");
  model_cmd->prefix_command();
  // --help after the tool is the tool's own: it reaches the model command with the other ARGS.
  model_cmd->set_help_flag();

  std::vector<ExtraCommand> extras;
  for (CommandFactory factory : extra_commands()) extras.push_back(factory(app));

  // A first word that names no command is reported as such (CLI11 would only say that a
  // command is required).
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::string hint;
    if (auto close = closest_match(argv[1], names); !close.empty()) {
      hint = "did you mean \"" + close + "\"?";
    } else {
      for (const auto& n : names) hint += (hint.empty() ? "commands: " : ", ") + n;
    }
    err << "claimcheck: error: unknown command \"" << argv[1] << "\"\n  hint: " << hint
        << " (claimcheck --help lists them)\n";
    return k_exit_input;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream o, r;
    const int code = app.exit(e, o, r);
    out << o.str();
    err << r.str();
    return code == 0 ? k_exit_ok : k_exit_input;
  }

  try {
    if (*audit_cmd) return run_audit_command(audit, out, err, at_end);
    if (*merge_cmd) return run_merge_command(merge, out, err, at_end);
    if (*lint_cmd) return run_lint_command(lint_paths, lint_root, err);
    if (*render_cmd) return run_render_command(render_path, render_format, render_options, render_output, out);
    if (*adapters_cmd) return run_adapters_command(adapters_tool, out);
    for (const auto& extra : extras) {
      if (*extra.command) return extra.run(out, err);
    }
    if (*model_cmd) {
      // prefix_command leaves everything after the tool name unparsed.
      std::vector<std::string> rest = model_cmd->remaining();
      const bool help = model_tool == "-h" || model_tool == "--help" ||
                        (model_tool.empty() && std::any_of(rest.begin(), rest.end(), [](const std::string& a) {
                           return a == "-h" || a == "--help";
                         }));
      if (model_tool.empty() || help) {
        out << model_usage();
        return help ? k_exit_ok : k_exit_input;
      }
      ModelMain model = find_model(model_tool);
      if (!model) {
        std::string tools;
        for (const auto& entry : registry()) {
          if (entry.model_main) tools += (tools.empty() ? "" : ", ") + entry.adapter->name();
        }
        err << "claimcheck: error: no native model for \"" << model_tool << "\""
            << (tools.empty() ? std::string() : "; models: " + tools) << "\n";
        return k_exit_input;
      }
      return model(rest, out, err);
    }
  } catch (const InputError& e) {
    print_diagnostics(e.diagnostics(), err);
    return k_exit_input;
  } catch (const std::exception& e) {
    err << "claimcheck: internal error: " << e.what() << "\n";
    return k_exit_internal;
  }
  return k_exit_input;
}

}  // namespace claimcheck
