#include "report/comment.hpp"

#include <algorithm>

#include "report/format.hpp"
#include "report/markdown.hpp"

namespace claimcheck {
namespace {

// A table cell never takes more than this, so one hostile or verbose claim cannot crowd out
// the others.
constexpr std::size_t k_cell_bytes = 400;

// Room kept for the truncation notice (up to ~800 bytes with a long URL) and a margin.
constexpr std::size_t k_tail_reserve = 1'200;

bool is_plain_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == ':' || c == '/';
}

std::string cell(std::string_view text) { return markdown_escape(cut_utf8(text, k_cell_bytes)); }

std::string flags(const ClaimResult& c) {
  std::string out;
  if (c.stale) out += " (stale)";
  if (c.evidence_uncommitted) out += " (uncommitted)";
  return out;
}

std::string claim_cell(const ClaimResult& c) {
  std::string out = markdown_id(cut_utf8(c.id, 200));
  if (!c.title.empty()) out += " " + cell(c.title);
  return out;
}

std::string measured_cell(const ClaimResult& c) {
  if (!c.measured) return "n/a";
  std::string out = format_quantity(*c.measured, c.expected.unit.symbol);
  if (!c.measured_basis.empty()) out += " (" + c.measured_basis + ")";
  return cell(out);
}

std::string location_cell(const ClaimResult& c) {
  if (c.file.empty()) return "n/a";
  return cell(c.file) + (c.line > 0 ? ":" + std::to_string(c.line) : std::string());
}

std::string attention_row(const ClaimResult& c) {
  const auto& info = verdict_info(c.verdict);
  std::string error;
  if (c.verdict == Verdict::blocked) {
    error = cell(c.block_kind.empty() ? c.reason : c.block_kind + ": " + c.reason);
    if (!c.unblock.empty()) error += "; to unblock: " + cell(c.unblock);
  } else {
    const std::string detail = format_error_detail(c.expected, c.error, c.relative_error);
    // "+11.7% (+4.7 ms, tolerance ±5%)"
    error = markdown_escape(detail.substr(0, detail.size() - 1) + ", tolerance " + format_tolerance(c.expected) + ")");
  }
  return "| " + std::string(info.badge) + " " + std::string(info.label) + flags(c) + " | " + claim_cell(c) + " | " +
         markdown_escape(format_expected(c.expected)) + " | " + measured_cell(c) + " | " + error + " | " +
         location_cell(c) + " |\n";
}

std::string verified_row(const ClaimResult& c) {
  return "| " + claim_cell(c) + flags(c) + " | " + markdown_escape(format_expected(c.expected)) + " | " +
         measured_cell(c) + " | " + markdown_escape(format_error(c.expected, c.error, c.relative_error)) + " | " +
         markdown_escape(format_tolerance(c.expected)) + " |\n";
}

// A URL as plain text that cannot break out of the line or the Markdown around it.
std::string safe_url(std::string_view url) {
  std::string out;
  for (char c : cut_utf8(url, 400)) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '<' || c == '>' || c == '"' || c == '`') continue;
    out += c;
  }
  return out;
}

std::string full_report_place(const AuditRecord& record, const RenderOptions& options) {
  if (!options.full_report_url.empty()) return "The full report is at " + safe_url(options.full_report_url);
  if (!record.provenance.ci.run_url.empty()) {
    return "The full report is in the artifacts of the workflow run " + safe_url(record.provenance.ci.run_url);
  }
  return "The full report is rendered from the audit record by `claimcheck render RECORD.json`";
}

std::string footer(const AuditRecord& record) {
  const auto& p = record.provenance;
  std::string out = "<sub>claimcheck " + markdown_escape(cut_utf8(p.claimcheck.version, 40));
  const std::string commit = !p.ci.head_sha.empty() ? p.ci.head_sha : p.git.head;
  if (!commit.empty()) out += " \u00b7 commit " + markdown_escape(commit.substr(0, 12));
  if (!p.ci.run_url.empty()) out += " \u00b7 run " + safe_url(p.ci.run_url);
  return out + "</sub>\n";
}

// `text` cut at a line end so that it fits `max` bytes, with a note when cut.
std::string fit_preface(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  // A blank line first: a paragraph right under a table row would be read as one more row.
  const std::string note = "\n\n_(cut to fit; the full comparison is in the report)_\n";
  std::size_t end = text.rfind('\n', max > note.size() ? max - note.size() : 0);
  if (end == std::string::npos) end = 0;
  return text.substr(0, end) + note;
}

}  // namespace

std::string comment_marker(std::string_view key) {
  std::string clean;
  for (char c : key.substr(0, std::min<std::size_t>(key.size(), 100))) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '/';
    // Anything else, '-' included, is one '-': "--" (and so "-->") never appears.
    if (ok) {
      clean += c;
    } else if (!clean.ends_with('-')) {
      clean += '-';
    }
  }
  if (clean.empty() || clean == "-") clean = "claimcheck";
  return "<!-- claimcheck:" + clean + " -->";
}

std::string find_comment_key(std::string_view body) {
  constexpr std::string_view open = "<!-- claimcheck:";
  const auto head = body.substr(0, std::min<std::size_t>(body.size(), 1000));
  const auto start = head.find(open);
  if (start == std::string_view::npos) return {};
  const auto end = head.find(" -->", start);
  if (end == std::string_view::npos) return {};
  return std::string(head.substr(start + open.size(), end - start - open.size()));
}

std::string cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view ellipsis = "\u2026";
  if (max_bytes < ellipsis.size()) return {};
  std::size_t end = max_bytes - ellipsis.size();
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + std::string(ellipsis);
}

std::string markdown_id(std::string_view id) {
  if (!id.empty() && std::all_of(id.begin(), id.end(), is_plain_id_char)) return "`" + std::string(id) + "`";
  return markdown_escape(id);
}

std::string render_comment(const AuditRecord& record, const RenderOptions& options, const CommentLayout& layout) {
  std::string head;
  if (layout.with_marker) head += comment_marker(options.comment_key) + "\n";
  head += "## claimcheck: " + summary_line(record.summary) + "\n\n";
  if (record.summary.total == 0) {
    head += "> [!WARNING]\n> No claims were audited: this is not a pass.\n\n";
  }
  std::string badges;
  if (record.summary.stale > 0) badges += "\u23f3 " + std::to_string(record.summary.stale) + " stale artifact(s). ";
  if (record.summary.uncommitted > 0) {
    badges += "\u26a0\ufe0f " + std::to_string(record.summary.uncommitted) +
              " claim(s) rest on uncommitted evidence.";
  }
  while (badges.ends_with(' ')) badges.pop_back();
  if (!badges.empty()) head += badges + "\n\n";
  if (!layout.preface.empty()) {
    std::string preface = fit_preface(layout.preface, layout.max_bytes / 2);
    if (!preface.ends_with('\n')) preface += '\n';
    head += preface + "\n";
  }

  const std::string tail_footer = footer(record);
  // What is left for the claims; never negative, even for a tiny budget.
  const std::size_t fixed = head.size() + tail_footer.size() + k_tail_reserve;
  std::size_t room = layout.max_bytes > fixed ? layout.max_bytes - fixed : 0;

  std::vector<const ClaimResult*> attention;
  for (Verdict v : {Verdict::discrepant, Verdict::blocked}) {
    for (const auto& c : record.claims) {
      if (c.verdict == v) attention.push_back(&c);
    }
  }
  std::size_t listed_discrepant = 0, listed_blocked = 0, listed_verified = 0;
  std::string body;
  if (!attention.empty()) {
    const std::string section = "### Needs attention\n\n| Verdict | Claim | Expected | Measured | Error | Claim file |\n"
                                "|---|---|---|---|---|---|\n";
    if (section.size() + 1 <= room) {
      body += section;
      room -= section.size() + 1;
      for (const ClaimResult* c : attention) {
        std::string row = attention_row(*c);
        if (row.size() > room) break;
        room -= row.size();
        body += row;
        ++(c->verdict == Verdict::discrepant ? listed_discrepant : listed_blocked);
      }
      body += "\n";
    }
  }

  // Warnings of every claim (a verified claim's too: they qualify the number it verified).
  std::string warned;
  std::size_t warnings = 0;
  for (const auto& c : record.claims) {
    for (const auto& w : c.warnings) {
      ++warnings;
      warned += "- " + markdown_id(cut_utf8(c.id, 200)) + ": " + cell(w) + "\n";
    }
  }
  if (warnings > 0) {
    const std::string section = "<details><summary>" + std::to_string(warnings) + " warning" +
                                (warnings == 1 ? "" : "s") + "</summary>\n\n" + warned + "\n</details>\n\n";
    if (section.size() <= room) {
      body += section;
      room -= section.size();
    } else {
      const std::string note = "_" + std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s") +
                               ", too long for this comment: they are in the report._\n\n";
      if (note.size() <= room) {
        body += note;
        room -= note.size();
      }
    }
  }

  const std::size_t verified = static_cast<std::size_t>(record.summary.verified);
  if (verified > 0) {
    const std::string open = "<details><summary>" + std::to_string(verified) + " verified claim" +
                             (verified == 1 ? "" : "s") +
                             "</summary>\n\n| Claim | Expected | Measured | Error | Tolerance |\n|---|---|---|---|---|\n";
    const std::string close = "\n</details>\n\n";
    std::string rows;
    if (open.size() + close.size() <= room) {
      room -= open.size() + close.size();
      for (const auto& c : record.claims) {
        if (c.verdict != Verdict::verified) continue;
        std::string row = verified_row(c);
        if (row.size() > room) break;
        room -= row.size();
        rows += row;
        ++listed_verified;
      }
    }
    // A collapsed section with no row in it would only hide that nothing fits.
    if (listed_verified > 0) body += open + rows + close;
  }

  std::string out = head + body;
  const std::size_t total = record.claims.size();
  const std::size_t listed = listed_discrepant + listed_blocked + listed_verified;
  if (listed < total) {
    const auto of = [](std::size_t shown, int all, const char* what) {
      return std::to_string(shown) + " of " + std::to_string(all) + " " + what;
    };
    out += "> [!WARNING]\n> This comment lists " + std::to_string(listed) + " of " + std::to_string(total) + " claims (" +
           of(listed_discrepant, record.summary.discrepant, "discrepant") + ", " +
           of(listed_blocked, record.summary.blocked, "blocked") + ", " +
           of(listed_verified, record.summary.verified, "verified") + "): it is cut to fit " + layout.limit_name +
           ". " + full_report_place(record, options) + ".\n\n";
  }
  out += tail_footer;
  // The reserve above makes this unreachable; it guards the limit should a part grow.
  if (out.size() > layout.max_bytes) out = cut_utf8(out, layout.max_bytes);
  return out;
}

}  // namespace claimcheck
