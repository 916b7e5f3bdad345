#include "report/latex.hpp"

#include <algorithm>
#include <cctype>

#include "report/format.hpp"
#include "report/markdown.hpp"

namespace claimcheck {
namespace {

// The unit's text in LaTeX, without the space before it.
std::string unit_body(const std::string& symbol) {
  std::string out;
  for (std::size_t i = 0; i < symbol.size(); ++i) {
    if (symbol.compare(i, 2, "\u00b5") == 0) {  // µ
      out += "\\ensuremath{\\mu}";
      ++i;
    } else if (symbol[i] == 'u' && i == 0 && symbol.size() > 1) {  // "us", "uJ": micro
      out += "\\ensuremath{\\mu}";
    } else {
      out += latex_escape(std::string_view(&symbol[i], 1));
    }
  }
  return out;
}

std::string number_text(const std::string& printed) {
  if (!printed.empty() && printed.front() == '-') return "\\ensuremath{-}" + printed.substr(1);
  return printed;
}

std::string define(const std::string& what, const std::string& id, const std::string& body) {
  return "\\@namedef{claimcheck@" + what + "@" + id + "}{" + body + "}\n";
}

}  // namespace

std::string latex_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '#': case '$': case '%': case '&': case '_': case '{': case '}':
        out += '\\';
        out += c;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\n': case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string latex_unit(const std::string& symbol) {
  if (symbol.empty() || symbol == "count" || symbol == "1" || symbol == "ratio") return "";
  if (symbol == "%") return "\\%";
  if (symbol == "x") return "\\ensuremath{\\times}";
  return "\\," + unit_body(symbol);
}

std::string render_latex(const AuditRecord& record) {
  const auto& git = record.provenance.git;
  const std::string commit = !record.provenance.ci.head_sha.empty() ? record.provenance.ci.head_sha : git.head;
  std::string out =
      "% claimcheck: the audited values of the paper's claims, as LaTeX macros.\n"
      "% Written by `claimcheck render RECORD --format latex`; re-render it after each audit, do not edit it.\n"
      "% In the paper: \\input{this file}, then\n"
      "%   \\claimvalue{ID}    the measured value as the claim prints it, with its unit\n"
      "%   \\claimnumber{ID}   the number alone;  \\claimunit{ID}  the unit alone\n"
      "%   \\claimverdict{ID}  verified, discrepant or blocked\n"
      "%   \\claimchecksummary, \\claimcheckcommit  the audit itself\n"
      "% A blocked claim has no value and an unknown ID has nothing: both print ??ID?? in bold and warn.\n"
      "\\makeatletter\n"
      "\\providecommand\\claimcheck@get[2]{%\n"
      "  \\@ifundefined{claimcheck@#1@#2}%\n"
      "    {\\@latex@warning{claimcheck: no #1 for claim `\\detokenize{#2}'}\\textbf{??\\detokenize{#2}??}}%\n"
      "    {\\@nameuse{claimcheck@#1@#2}}}\n"
      "\\providecommand\\claimvalue[1]{\\claimcheck@get{value}{#1}}\n"
      "\\providecommand\\claimnumber[1]{\\claimcheck@get{number}{#1}}\n"
      "\\providecommand\\claimunit[1]{\\claimcheck@get{unit}{#1}}\n"
      "\\providecommand\\claimverdict[1]{\\claimcheck@get{verdict}{#1}}\n"
      "% \\notaclaim{16} prints 16 and tells `claimcheck cover` that it is not a claim (an input, a count).\n"
      "\\providecommand\\notaclaim[1]{#1}\n";
  out += "\\def\\claimchecksummary{" + latex_escape(summary_line(record.summary)) + "}\n";
  out += "\\def\\claimcheckcommit{" + latex_escape(commit.empty() ? "(no commit)" : commit.substr(0, 12)) + "}\n";
  for (const auto& c : record.claims) {
    // Claim files allow only ids of [A-Za-z0-9._-], safe inside \csname; a record may have been edited.
    const bool plain = !c.id.empty() && std::all_of(c.id.begin(), c.id.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
    });
    if (!plain) {
      out += "% a claim whose id is not letters, digits, '.', '_' and '-' has no macros\n";
      continue;
    }
    out += define("verdict", c.id, std::string(verdict_info(c.verdict).label));
    if (!c.measured) continue;
    const std::string number = number_text(format_printed(*c.measured, c.expected));
    const std::string unit = latex_unit(c.expected.unit.symbol);
    out += define("number", c.id, number);
    out += define("unit", c.id, unit.rfind("\\,", 0) == 0 ? unit.substr(2) : unit);
    out += define("value", c.id, number + unit);
  }
  out += "\\makeatother\n";
  return out;
}

}  // namespace claimcheck
