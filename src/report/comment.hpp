#pragma once
// The `comment` report: Markdown that always fits one GitHub comment. The summary and the claims
// that need attention (discrepant, then blocked) come first, verified claims are collapsed, and
// when the claims do not all fit the body says so visibly and names where the full report is.
// A hidden marker `<!-- claimcheck:KEY -->` lets `claimcheck publish` find and update the same
// comment on the next run instead of adding another.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/record.hpp"
#include "report/formats.hpp"

namespace claimcheck {

// GitHub's limit on a comment body, in characters. Bodies are measured here in bytes, which is
// never fewer than characters, so a body within the budget is within the limit.
inline constexpr std::size_t k_github_comment_limit = 65'536;

// The budget a comment is rendered into: the limit less room for a marker `publish` may prepend.
inline constexpr std::size_t k_comment_budget = k_github_comment_limit - 512;

// "<!-- claimcheck:KEY -->". Characters of KEY outside [A-Za-z0-9._/-] become '-', so the
// marker can never close the HTML comment early; an empty key is "claimcheck".
std::string comment_marker(std::string_view key);

// The KEY of the first marker in `body` (its first 1,000 bytes), or "" when there is none.
std::string find_comment_key(std::string_view body);

struct CommentLayout {
  std::size_t max_bytes = k_comment_budget;  // the body never exceeds this, in bytes
  bool with_marker = true;                   // false for the job summary, which no one updates
  std::string limit_name = "GitHub's limit of 65,536 characters per comment";  // named when cut
  std::string preface;                       // Markdown placed after the summary (e.g. the diff against
                                             // the base); cut to at most half of max_bytes
};

std::string render_comment(const AuditRecord& record, const RenderOptions& options,
                           const CommentLayout& layout = {});

// `text` when it fits `max_bytes`; else its longest prefix that ends on a UTF-8 character boundary
// followed by "…" (3 bytes). Never longer than `max_bytes`.
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

// Inline code for an identifier when it is plain ([A-Za-z0-9._:/-]), else Markdown-escaped text.
std::string markdown_id(std::string_view id);

}  // namespace claimcheck
