#include "cli/cmd_diff.hpp"

#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "core/diagnostics.hpp"
#include "io/atomic_file.hpp"
#include "report/comment.hpp"
#include "report/diff.hpp"
#include "report/record_json.hpp"

namespace claimcheck {
namespace {

struct DiffArgs {
  std::string base;
  std::string head;
  std::string format = "md";
  std::string output;
  bool exit_code = false;
  RenderOptions render;
};

int run_diff(const DiffArgs& args, std::ostream& out, std::ostream& err) {
  const AuditRecord base = read_record_file(args.base);
  const AuditRecord head = read_record_file(args.head);
  const RecordDiff diff = diff_records(base, head);
  std::string rendered;
  if (args.format == "json") {
    rendered = render_diff_json(diff);
  } else if (args.format == "comment") {
    // The head's comment, with the comparison (regressions first) right under its summary.
    CommentLayout layout;
    layout.preface = render_diff_markdown(diff);
    rendered = render_comment(head, args.render, layout);
  } else {
    rendered = render_diff_markdown(diff);
  }
  if (args.output.empty() || args.output == "-") {
    out << rendered;
  } else {
    write_file_atomically(args.output, rendered);
  }
  const int regressions = regression_count(diff);
  err << "claimcheck: " << regressions << (regressions == 1 ? " regression, " : " regressions, ") << diff.changes.size()
      << (diff.changes.size() == 1 ? " change" : " changes") << ", " << diff.unchanged << " unchanged\n";
  return args.exit_code && regressions > 0 ? k_exit_failed : k_exit_ok;
}

}  // namespace

ExtraCommand make_diff_command(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand("diff", "compare two audit records: verdict changes, moved values, added/removed");
  cmd->add_option("base", args->base, "the base audit record (JSON), e.g. of the merge base")->required();
  cmd->add_option("head", args->head, "the head audit record (JSON), e.g. of the pull request")->required();
  cmd->add_option("--format", args->format,
                  "md (default), json, or comment (the head's PR comment with the comparison first)")
      ->check(CLI::IsMember({"md", "json", "comment"}));
  cmd->add_option("-o,--output", args->output, "write here (atomically) instead of stdout");
  cmd->add_flag("--exit-code", args->exit_code, "exit 1 when a claim regressed or was added failing");
  cmd->add_option("--comment-key", args->render.comment_key,
                  "comment format: KEY of the hidden marker <!-- claimcheck:KEY --> (default claimcheck)");
  cmd->add_option("--report-url", args->render.full_report_url,
                  "comment format: where the full report is, named when cut");
  return ExtraCommand{cmd, [args](std::ostream& out, std::ostream& err) { return run_diff(*args, out, err); }};
}

}  // namespace claimcheck
