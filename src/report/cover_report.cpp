#include "report/cover_report.hpp"

#include <nlohmann/json.hpp>

#include "report/comment.hpp"
#include "report/format.hpp"
#include "report/markdown.hpp"

namespace claimcheck {
namespace {

std::string quoted(const std::string& text) { return "\"" + cut_utf8(text, 120) + "\""; }

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

std::string cover_summary_line(const CoverReport& r) {
  return std::to_string(r.count(CoverStatus::drift)) + " drifted, " + std::to_string(r.count(CoverStatus::linked)) +
         " linked, " + std::to_string(r.count(CoverStatus::macro)) + " printed by macro, " +
         std::to_string(r.count(CoverStatus::not_found)) + " not found, " +
         std::to_string(r.count(CoverStatus::no_quote)) + " without a quote; " +
         plural(static_cast<int>(r.unclaimed.size()), "number no claim covers", "numbers no claim covers");
}

std::string cover_message(const CoveredClaim& c) {
  const std::string expected = format_expected(c.expected);
  switch (c.status) {
    case CoverStatus::linked:
    case CoverStatus::macro: return {};
    case CoverStatus::not_found:
      return "the quote " + quoted(c.quote) +
             " is in none of the papers (a claim whose source.file names its paper makes a missing quote drift)";
    case CoverStatus::no_quote: return "no source.quote links it to the paper";
    case CoverStatus::drift: break;
  }
  switch (c.drift) {
    case Drift::quote_gone: return "the quote " + quoted(c.quote) + " is no longer in the paper";
    case Drift::number_differs: return "the claim expects " + expected + ", but the paper says " + c.printed;
    case Drift::paper_edited:
      return "the paper now says " + c.printed + " where the quote says " + c.was +
             (c.claim_agrees ? "; the claim already expects it: update the quote"
                             : "; the claim expects " + expected);
    case Drift::no_number: return "the quote " + quoted(c.quote) + " holds no number to compare with " + expected;
    case Drift::unreadable: return "cannot read the paper: " + c.detail;
    case Drift::unknown_macro: return "the paper uses \\" + c.detail + "{" + c.id + "}, but no claim has that id";
    case Drift::none: break;
  }
  return {};
}

std::string paper_place(const CoveredClaim& c) {
  if (c.paper.empty()) return {};
  return c.line > 0 ? c.paper + ":" + std::to_string(c.line) : c.paper;
}

std::string render_cover_markdown(const CoverReport& r) {
  std::string out = "## claimcheck cover: " + markdown_escape(cover_summary_line(r)) + "\n\n";
  out += "Papers:";
  for (const auto& p : r.papers) out += " `" + markdown_escape(p) + "`";
  if (r.papers.empty()) out += " none";
  out += "\n";
  const auto claim_cell = [](const CoveredClaim& c) { return markdown_id(c.id); };
  if (r.count(CoverStatus::drift) > 0) {
    out += "\n### Drift\n\n| Claim | Paper | What changed |\n|---|---|---|\n";
    for (const auto& c : r.claims) {
      if (c.status != CoverStatus::drift) continue;
      out += "| " + claim_cell(c) + " | " + markdown_escape(paper_place(c)) + " | " + markdown_escape(cover_message(c)) +
             " |\n";
    }
  }
  if (r.count(CoverStatus::linked) + r.count(CoverStatus::macro) > 0) {
    out += "\n### Linked\n\n| Claim | Paper | The paper says | The claim expects |\n|---|---|---|---|\n";
    for (const auto& c : r.claims) {
      if (c.status != CoverStatus::linked && c.status != CoverStatus::macro) continue;
      const std::string says = c.status == CoverStatus::macro ? "the audited value (macro)" : c.printed;
      out += "| " + claim_cell(c) + " | " + markdown_escape(paper_place(c)) + " | " + markdown_escape(says) + " | " +
             markdown_escape(format_expected(c.expected)) + " |\n";
    }
  }
  if (r.count(CoverStatus::not_found) + r.count(CoverStatus::no_quote) > 0) {
    out += "\n### Not linked\n\n";
    for (const auto& c : r.claims) {
      if (c.status != CoverStatus::not_found && c.status != CoverStatus::no_quote) continue;
      out += "- " + claim_cell(c) + " (`" + markdown_escape(c.claim_file) + ":" + std::to_string(c.claim_line) +
             "`): " + markdown_escape(cover_message(c)) + "\n";
    }
  }
  if (!r.unclaimed.empty()) {
    out += "\n### Numbers no claim covers\n\n| Paper | Number | Context |\n|---|---|---|\n";
    for (const auto& n : r.unclaimed) {
      out += "| " + markdown_escape(n.paper + ":" + std::to_string(n.line)) + " | " + markdown_escape(n.number) + " | " +
             markdown_escape(n.context) + " |\n";
    }
    out += "\nA number that is not a claim (an input, a citation, a count of things) is marked in the paper: "
           "`\\notaclaim{64}` (defined by `claimcheck render --format latex`, or "
           "`\\newcommand\\notaclaim[1]{#1}`), `% claimcheck: ignore` at the end of its line, or lines between "
           "`% claimcheck: ignore-begin` and `% claimcheck: ignore-end` (Markdown: the same words in "
           "`<!-- -->` comments).\n";
  }
  return out;
}

std::string render_cover_json(const CoverReport& r) {
  nlohmann::json claims = nlohmann::json::array();
  for (const auto& c : r.claims) {
    nlohmann::json j = {{"id", c.id},
                        {"status", cover_status_name(c.status)},
                        {"claim_file", c.claim_file},
                        {"claim_line", c.claim_line},
                        {"paper", c.paper},
                        {"line", c.line},
                        {"printed", c.printed},
                        {"expected", c.claim_file.empty() ? std::string() : format_expected(c.expected)},
                        {"message", cover_message(c)}};
    claims.push_back(std::move(j));
  }
  nlohmann::json unclaimed = nlohmann::json::array();
  for (const auto& n : r.unclaimed) {
    unclaimed.push_back({{"paper", n.paper}, {"line", n.line}, {"number", n.number}, {"context", n.context}});
  }
  const nlohmann::json out = {
      {"papers", r.papers},
      {"summary",
       {{"linked", r.count(CoverStatus::linked)},
        {"macro", r.count(CoverStatus::macro)},
        {"drift", r.count(CoverStatus::drift)},
        {"not_found", r.count(CoverStatus::not_found)},
        {"no_quote", r.count(CoverStatus::no_quote)},
        {"unclaimed", r.unclaimed.size()}}},
      {"claims", claims},
      {"unclaimed", unclaimed},
  };
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace claimcheck
