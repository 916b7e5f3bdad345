#pragma once
// The Markdown report (GitHub-flavoured), rendered from templates/report.md.mustache.

#include <string>
#include <string_view>

#include "core/record.hpp"

namespace claimcheck {

// Escapes text from claims and artifacts for Markdown and the HTML GitHub accepts inside it:
// it can neither format, link, mention, break a table row, nor start a GitHub workflow command
// ("::") when the report is printed in a workflow step.
std::string markdown_escape(std::string_view text);

// markdown_escape(text) appended to `out`.
void append_markdown_escaped(std::string& out, std::string_view text);

// "12 claims: 9 verified, 2 discrepant, 1 blocked"
std::string summary_line(const Summary& summary);

std::string render_markdown(const AuditRecord& record);

}  // namespace claimcheck
