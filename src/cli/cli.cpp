#include "cli/cli.hpp"

#include <unistd.h>

#include <fnmatch.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "adapter/registry.hpp"
#include "claimcheck/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/pipeline.hpp"
#include "io/atomic_file.hpp"
#include "io/claim_loader.hpp"
#include "provenance/git.hpp"
#include "report/format.hpp"
#include "report/formats.hpp"
#include "report/markdown.hpp"
#include "report/record_json.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

// An input problem that ends the command with exit 2 after its diagnostics are printed.
struct InputFailure {
  Diagnostics diagnostics;
};

void print_diagnostics(const Diagnostics& diagnostics, std::ostream& err) {
  for (const auto& d : diagnostics.items()) err << format_diagnostic(d);
  err << "claimcheck: " << diagnostics.size() << (diagnostics.size() == 1 ? " error" : " errors") << "\n";
}

std::string render(const AuditRecord& record, const std::string& format, const RenderOptions& options) {
  return find_report_format(format)->render(record, options);
}

// The repository root: --root, else the git work tree holding the current folder, else it.
fs::path audit_root(const std::string& given) {
  if (!given.empty()) return fs::weakly_canonical(fs::absolute(given));
  const GitRepository git(fs::current_path());
  if (git.found()) return fs::weakly_canonical(git.workdir());
  return fs::current_path();
}

std::vector<Claim> load_or_fail(const std::vector<std::string>& paths) {
  std::vector<fs::path> roots(paths.begin(), paths.end());
  if (roots.empty()) roots.emplace_back("claims");
  Diagnostics diagnostics;
  const auto files = find_claim_files(roots, diagnostics);
  if (files.empty() && diagnostics.empty()) {
    std::string where;
    for (const auto& r : roots) where += (where.empty() ? "" : ", ") + r.string();
    diagnostics.add(roots.front(), "", "no claim files (*" + std::string(k_claim_suffix) + ") found under " + where,
                    "an audit that measures nothing is not a pass; name a claim file or a folder holding some");
  }
  LoadResult loaded = load_claims(files, validate_with_adapter);
  diagnostics.append(loaded.diagnostics);
  if (!diagnostics.empty()) throw InputFailure{std::move(diagnostics)};
  return std::move(loaded.claims);
}

std::string claim_line(const ClaimResult& r) {
  const auto& info = verdict_info(r.verdict);
  std::ostringstream line;
  line << info.label;
  for (std::size_t pad = info.label.size(); pad < 11; ++pad) line << ' ';
  line << r.id << "  expected " << format_expected(r.expected);
  if (r.verdict == Verdict::blocked) {
    line << "  blocked (" << r.block_kind << "): " << r.reason;
  } else {
    line << "  measured " << format_quantity(*r.measured, r.expected.unit.symbol) << "  error "
         << format_relative(r.relative_error) << "  tolerance " << format_tolerance(r.expected);
  }
  if (r.stale) line << "  [stale]";
  if (r.evidence_uncommitted) line << "  [uncommitted evidence]";
  return line.str();
}

struct AuditArgs {
  std::vector<std::string> paths;
  int jobs = 0;
  std::vector<std::string> only;
  std::string format = "md";
  std::string output;
  std::string record;
  std::string fail_on = "discrepant";
  bool allow_commands = false;
  double timeout_s = 600;
  std::string root;
  RenderOptions render;
};

int run_audit_command(const AuditArgs& args, std::ostream& out, std::ostream& err) {
  FailPolicy policy;
  if (auto problem = parse_fail_policy(args.fail_on, policy); !problem.empty()) {
    err << "claimcheck: error: " << problem << "\n";
    return k_exit_input;
  }
  std::vector<Claim> claims = load_or_fail(args.paths);
  if (!args.only.empty()) {
    std::erase_if(claims, [&](const Claim& c) {
      return std::none_of(args.only.begin(), args.only.end(),
                          [&](const std::string& glob) { return fnmatch(glob.c_str(), c.id.c_str(), 0) == 0; });
    });
    if (claims.empty()) {
      err << "claimcheck: error: --only matches no claim id\n";
      return k_exit_input;
    }
  }

  // Take the output locks before any work, so a concurrent audit is refused at once.
  std::vector<std::unique_ptr<OutputLock>> locks;
  for (const auto& output : {args.output, args.record}) {
    if (output.empty() || output == "-") continue;
    auto lock = std::make_unique<OutputLock>(output);
    const bool same_folder = std::any_of(locks.begin(), locks.end(),
                                         [&](const auto& held) { return held->folder() == lock->folder(); });
    if (same_folder) continue;
    if (!lock->try_lock()) {
      err << "claimcheck: error: another claimcheck is writing into " << lock->folder().string()
          << "; wait for it to finish or choose another output folder\n";
      return k_exit_input;
    }
    locks.push_back(std::move(lock));
  }

  AuditSettings settings;
  settings.root = audit_root(args.root);
  settings.jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  settings.policy.allow_commands = args.allow_commands;
  settings.policy.timeout = std::chrono::milliseconds(static_cast<long long>(args.timeout_s * 1000));

  const AuditRecord record =
      run_audit(claims, settings, [&](const ClaimResult& r) { err << claim_line(r) << "\n" << std::flush; });

  int failing = 0;
  for (const auto& r : record.claims) failing += fails(r, policy) ? 1 : 0;
  err << summary_line(record.summary);
  if (record.summary.stale > 0) err << " (" << record.summary.stale << " stale)";
  err << "\n";

  if (!args.record.empty()) write_file_atomically(args.record, record_to_text(record));
  const std::string rendered = render(record, args.format, args.render);
  if (args.output.empty() || args.output == "-") {
    out << rendered;
  } else {
    write_file_atomically(args.output, rendered);
  }
  if (failing > 0) {
    err << "claimcheck: " << failing << (failing == 1 ? " claim fails" : " claims fail") << " the policy (--fail-on "
        << args.fail_on << ")\n";
    return k_exit_failed;
  }
  return k_exit_ok;
}

int run_lint_command(const std::vector<std::string>& paths, std::ostream& err) {
  const auto claims = load_or_fail(paths);
  err << "claimcheck: " << claims.size() << (claims.size() == 1 ? " claim" : " claims") << " valid\n";
  return k_exit_ok;
}

int run_render_command(const std::string& path, const std::string& format_name, const RenderOptions& options,
                       const std::string& output, std::ostream& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostics ds;
    ds.add(path, "", "cannot read the record");
    throw InputFailure{ds};
  }
  std::ostringstream text;
  text << in.rdbuf();
  const AuditRecord record = record_from_json(text.str(), path);
  const std::string rendered = render(record, format_name, options);
  if (output.empty() || output == "-") {
    out << rendered;
  } else {
    write_file_atomically(output, rendered);
  }
  return k_exit_ok;
}

int run_adapters_command(std::ostream& out) {
  for (const auto& entry : registry()) {
    const Adapter& a = *entry.adapter;
    std::string modes;
    for (Mode m : a.modes()) modes += std::string(modes.empty() ? "" : ", ") + (m == Mode::run ? "run" : "reread");
    out << a.name() << " " << a.version() << "  (modes: " << modes << (entry.model_main ? "; model command" : "")
        << ")\n";
    for (const auto& metric : a.metrics()) {
      out << "  " << metric.name << " [" << metric.unit << "]  " << metric.description << "\n";
    }
  }
  return k_exit_ok;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"claimcheck: audits the numbers a research paper reports against the code and data behind them"};
  app.set_version_flag("--version", std::string("claimcheck ") + build_info::k_version);
  app.require_subcommand(1);

  std::string format_list;
  for (const auto& f : report_formats()) format_list += (format_list.empty() ? "" : ", ") + f.name;

  AuditArgs audit;
  auto* audit_cmd = app.add_subcommand("audit", "measure and judge every claim, write the report");
  audit_cmd->add_option("paths", audit.paths, "claim files or folders (default: claims/)");
  audit_cmd->add_option("-j,--jobs", audit.jobs, "claims measured in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  audit_cmd->add_option("--only", audit.only, "audit only claims whose id matches this glob (repeatable)");
  audit_cmd->add_option("--format", audit.format, "report format: " + format_list)
      ->check(CLI::IsMember(report_format_names()));
  audit_cmd->add_option("-o,--output", audit.output, "write the report here (atomically) instead of stdout");
  audit_cmd->add_option("--record", audit.record, "also write the JSON audit record here");
  audit_cmd->add_option("--fail-on", audit.fail_on,
                        "exit 1 when a claim is one of: discrepant, blocked, stale (comma list) or none");
  audit_cmd->add_flag("--allow-commands", audit.allow_commands, "let claims run programs (command adapter, real tools)");
  audit_cmd->add_option("--timeout", audit.timeout_s, "seconds a claim may run a program (default 600)")
      ->check(CLI::PositiveNumber);
  audit_cmd->add_option("--root", audit.root,
                        "repository root claims may read below (default: the git work tree, else the current folder)");

  std::vector<std::string> lint_paths;
  auto* lint_cmd = app.add_subcommand("lint", "validate claim files only (exit 2 on any problem)");
  lint_cmd->add_option("paths", lint_paths, "claim files or folders (default: claims/)");

  std::string render_path, render_format = "md", render_output;
  auto* render_cmd = app.add_subcommand("render", "re-render a saved audit record");
  render_cmd->add_option("record", render_path, "the JSON audit record")->required();
  RenderOptions render_options;
  render_cmd->add_option("--format", render_format, "report format: " + format_list)
      ->check(CLI::IsMember(report_format_names()));
  for (auto* cmd : {audit_cmd, render_cmd}) {
    RenderOptions& o = cmd == audit_cmd ? audit.render : render_options;
    cmd->add_option("--comment-key", o.comment_key,
                    "comment format: KEY of the hidden marker <!-- claimcheck:KEY --> (default claimcheck)");
    cmd->add_option("--report-url", o.full_report_url, "comment format: where the full report is, named when cut");
  }
  render_cmd->add_option("-o,--output", render_output, "write here (atomically) instead of stdout");

  auto* adapters_cmd = app.add_subcommand("adapters", "list adapters, their versions and metrics");

  std::string model_tool;
  auto* model_cmd = app.add_subcommand(
      "model", "run a tool's native model directly on its own input files: claimcheck model TOOL ARGS... "
               "(see claimcheck model TOOL --help)");
  model_cmd->add_option("tool", model_tool, "the tool (run `claimcheck adapters`)")->required();
  model_cmd->prefix_command();

  std::vector<ExtraCommand> extras;
  for (CommandFactory factory : extra_commands()) extras.push_back(factory(app));

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
    if (*audit_cmd) return run_audit_command(audit, out, err);
    if (*lint_cmd) return run_lint_command(lint_paths, err);
    if (*render_cmd) return run_render_command(render_path, render_format, render_options, render_output, out);
    if (*adapters_cmd) return run_adapters_command(out);
    for (const auto& extra : extras) {
      if (*extra.command) return extra.run(out, err);
    }
    if (*model_cmd) {
      // prefix_command leaves everything after the tool name unparsed.
      std::vector<std::string> rest = model_cmd->remaining();
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
  } catch (const InputFailure& e) {
    print_diagnostics(e.diagnostics, err);
    return k_exit_input;
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
