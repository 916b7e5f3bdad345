#include "report/github.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "report/comment.hpp"
#include "report/format.hpp"
#include "report/markdown.hpp"

namespace claimcheck {
namespace {

// A claim's text in one annotation never takes more than this.
constexpr std::size_t k_annotation_text_bytes = 1'000;

std::string source_text(const ClaimResult& c) {
  std::string out = c.source.paper;
  if (!c.source.where.empty()) out += (out.empty() ? "" : ", ") + c.source.where;
  return out;
}

std::string annotation_message(const ClaimResult& c) {
  std::string what = c.title.empty() ? c.id : c.title;
  const std::string source = source_text(c);
  if (!source.empty()) what += " (" + source + ")";
  what = cut_utf8(what, k_annotation_text_bytes);
  const std::string& unit = c.expected.unit.symbol;
  if (c.verdict == Verdict::discrepant) {
    return what + ": claimed " + format_expected(c.expected) + " (" + format_tolerance(c.expected) + "), measured " +
           (c.measured ? format_quantity(*c.measured, unit) : std::string("n/a")) + ", error " +
           format_error_detail(c.expected, c.error, c.relative_error);
  }
  if (c.verdict == Verdict::verified) {
    std::string out = what + ": verified, with a warning:";
    for (const auto& w : c.warnings) out += " " + cut_utf8(w, k_annotation_text_bytes) + ";";
    out.pop_back();
    return out;
  }
  std::string out = what + ": blocked";
  if (!c.block_kind.empty()) out += " (" + cut_utf8(c.block_kind, 100) + ")";
  out += ": " + cut_utf8(c.reason, k_annotation_text_bytes);
  if (!c.unblock.empty()) out += ". To unblock: " + cut_utf8(c.unblock, k_annotation_text_bytes);
  return out;
}

// "::" from a claim becomes ":\u200b:" (a zero-width space between the colons): escaping
// already keeps it off the start of a line, where the runner reads commands; this keeps it out
// of the line altogether, for log readers less strict than the runner.
std::string break_command_marks(std::string text) {
  for (auto at = text.find("::"); at != std::string::npos; at = text.find("::", at + 4)) text.insert(at + 1, "\u200b");
  return text;
}

std::string annotation(std::string_view level, const ClaimResult& c) {
  std::string props;
  if (!c.file.empty()) {
    props += " file=" + escape_command_property(c.file);
    if (c.line > 0) props += ",line=" + std::to_string(c.line);
  }
  const std::string title = "claimcheck: " + cut_utf8(c.id, 200) + " " + std::string(verdict_info(c.verdict).label);
  props += std::string(props.empty() ? " " : ",") + "title=" + escape_command_property(title);
  return "::" + std::string(level) + props + "::" + escape_command_data(break_command_marks(annotation_message(c))) +
         "\n";
}

// The annotations of one verdict (of verified claims: those with warnings): all when they fit
// GitHub's limit, else one fewer than the limit and a last one that says how many more there are.
std::string annotations_for(const AuditRecord& record, Verdict verdict, std::string_view level) {
  std::vector<const ClaimResult*> claims;
  for (const auto& c : record.claims) {
    if (c.verdict == verdict && (verdict != Verdict::verified || !c.warnings.empty())) claims.push_back(&c);
  }
  const std::size_t shown = claims.size() <= k_github_annotation_limit ? claims.size() : k_github_annotation_limit - 1;
  std::string out;
  for (std::size_t i = 0; i < shown; ++i) out += annotation(level, *claims[i]);
  if (shown < claims.size()) {
    const std::size_t more = claims.size() - shown;
    const std::string label(verdict_info(verdict).label);
    out += "::" + std::string(level) + " title=" + escape_command_property("claimcheck: " + std::to_string(more) +
                                                                           " more " + label) +
           "::" + escape_command_data(std::to_string(more) + " more " + label + " claim" + (more == 1 ? " is" : "s are") +
                                      " not annotated (GitHub shows " + std::to_string(k_github_annotation_limit) +
                                      " per step): they are in the report and the job summary") +
           "\n";
  }
  return out;
}

}  // namespace

std::string escape_command_data(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_command_property(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : escape_command_data(text)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_github_annotations(const AuditRecord& record) {
  std::string out = annotations_for(record, Verdict::discrepant, "error");
  out += annotations_for(record, Verdict::blocked, "warning");
  out += annotations_for(record, Verdict::verified, "notice");
  if (record.summary.total == 0) {
    out += "::error title=claimcheck%3A no claims::No claims were audited: this is not a pass.\n";
  }
  // The closing line is plain text; a summary that started with "::" would be a command.
  out += "claimcheck: " + summary_line(record.summary) + "\n";
  return out;
}

std::string render_job_summary(const AuditRecord& record, const RenderOptions& options, std::size_t max_bytes) {
  CommentLayout layout;
  layout.max_bytes = max_bytes;
  layout.with_marker = false;
  layout.limit_name = "GitHub's 1 MiB cap on a job summary";
  return render_comment(record, options, layout);
}

void append_step_summary(const AuditRecord& record, const RenderOptions& options) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return;
  std::error_code ec;
  const auto existing = std::filesystem::exists(path, ec) ? std::filesystem::file_size(path, ec) : 0;
  // 4 KiB stay free for whatever a later command of the same step appends.
  constexpr std::size_t margin = 4 * 1024;
  if (ec || existing + margin + 1'024 >= k_step_summary_limit) {
    throw std::runtime_error(std::string("job summary ") + path + " is already " + std::to_string(existing) +
                             " bytes: no room under GitHub's 1 MiB cap");
  }
  const std::string summary = render_job_summary(record, options, k_step_summary_limit - existing - margin);
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << summary;
  out.flush();
  if (!out) throw std::runtime_error(std::string("cannot append the job summary to ") + path);
}

std::string render_github(const AuditRecord& record, const RenderOptions& options) {
  append_step_summary(record, options);
  return render_github_annotations(record);
}

}  // namespace claimcheck
