#include "report/formats.hpp"

#include "report/comment.hpp"
#include "report/github.hpp"
#include "report/junit.hpp"
#include "report/latex.hpp"
#include "report/markdown.hpp"
#include "report/record_json.hpp"

namespace claimcheck {

const std::vector<ReportFormat>& report_formats() {
  static const std::vector<ReportFormat> formats = {
      {"md", "Markdown report (GitHub-flavoured)",
       [](const AuditRecord& r, const RenderOptions&) { return render_markdown(r); }},
      {"json", "the JSON audit record (what claims share written once)",
       [](const AuditRecord& r, const RenderOptions&) { return record_to_text(r); }},
      {"json-full", "the JSON audit record with every claim written out in full (schema version 1)",
       [](const AuditRecord& r, const RenderOptions&) {
         return record_to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
       }},
      {"comment", "Markdown for one GitHub comment: under 65,536 characters, with a hidden marker",
       [](const AuditRecord& r, const RenderOptions& o) { return render_comment(r, o); }},
      {"github", "GitHub Actions annotations; also appends the job summary to $GITHUB_STEP_SUMMARY", &render_github},
      {"junit", "JUnit XML: one test case per claim", &render_junit},
      {"latex", "LaTeX macros of the measured values (\\claimvalue{ID}) for the paper to print",
       [](const AuditRecord& r, const RenderOptions&) { return render_latex(r); }},
  };
  return formats;
}

const ReportFormat* find_report_format(const std::string& name) {
  for (const auto& f : report_formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> report_format_names() {
  std::vector<std::string> names;
  for (const auto& f : report_formats()) names.push_back(f.name);
  return names;
}

}  // namespace claimcheck
