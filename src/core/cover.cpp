#include "core/cover.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/judge.hpp"
#include "core/printed_number.hpp"
#include "core/units.hpp"

namespace claimcheck {
namespace {

// Where a quote's tokens sit in a paper: [begin, end) of its tokens.
struct Match {
  std::size_t paper = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  bool exact = true;
};

// A paper's tokens by text, to find where a quote may start.
using TokenIndex = std::map<std::string, std::vector<std::size_t>>;

TokenIndex index_of(const PaperText& paper) {
  TokenIndex index;
  for (std::size_t i = 0; i < paper.tokens.size(); ++i) {
    if (paper.tokens[i].kind != PaperToken::Kind::number) index[paper.tokens[i].text].push_back(i);
  }
  return index;
}

bool same_token(const PaperToken& a, const PaperToken& b, bool numbers_free) {
  if (a.kind != b.kind) return false;
  return (numbers_free && a.kind == PaperToken::Kind::number) || a.text == b.text;
}

std::vector<Match> find_quote(const std::vector<PaperToken>& quote, const PaperText& paper, const TokenIndex& index,
                              std::size_t paper_index, bool numbers_free) {
  std::vector<Match> found;
  if (quote.empty() || quote.size() > paper.tokens.size()) return found;
  const auto fits = [&](std::size_t start) {
    if (start + quote.size() > paper.tokens.size()) return false;
    for (std::size_t k = 0; k < quote.size(); ++k) {
      if (!same_token(quote[k], paper.tokens[start + k], numbers_free)) return false;
    }
    return true;
  };
  // Start from the quote's first word or symbol; a quote of numbers alone is sought everywhere.
  const auto anchor = std::find_if(quote.begin(), quote.end(),
                                   [](const PaperToken& t) { return t.kind != PaperToken::Kind::number; });
  if (anchor == quote.end()) {
    for (std::size_t start = 0; start + quote.size() <= paper.tokens.size(); ++start) {
      if (fits(start)) found.push_back({paper_index, start, start + quote.size(), !numbers_free});
    }
    return found;
  }
  const std::size_t offset = static_cast<std::size_t>(anchor - quote.begin());
  const auto it = index.find(anchor->text);
  if (it == index.end()) return found;
  for (std::size_t position : it->second) {
    if (position < offset) continue;
    if (fits(position - offset)) found.push_back({paper_index, position - offset, position - offset + quote.size(), !numbers_free});
  }
  return found;
}

// The match nearest the claim's own line hint, else the first.
Match best_of(const std::vector<Match>& matches, const std::vector<PaperText>& papers, int line_hint) {
  if (line_hint <= 0) return matches.front();
  return *std::min_element(matches.begin(), matches.end(), [&](const Match& a, const Match& b) {
    return std::abs(papers[a.paper].tokens[a.begin].line - line_hint) <
           std::abs(papers[b.paper].tokens[b.begin].line - line_hint);
  });
}

// What a paper's number may stand for in the claim's unit, with the step of its printing.
struct Reading {
  double value = 0.0;
  double step = 0.0;
};

std::vector<Reading> readings(const PaperToken& number, const Claim& claim) {
  const Unit& unit = claim.expected.unit;
  const double step = resolution(number.decimals);
  std::vector<Reading> out;
  const auto add = [&](const Unit& from) {
    const auto value = convert(number.value, from, unit);
    const auto converted_step = convert(step, from, unit);
    if (value && converted_step) out.push_back({*value, std::fabs(*converted_step)});
  };
  if (const auto printed = parse_unit(number.unit); printed && printed->dimension == unit.dimension) {
    add(*printed);
    return out;
  }
  // A bare number (or one whose unit the claim cannot take): in the claim's unit, in the unit
  // its extraction reads, and for a ratio as a fraction or a percentage.
  add(unit);
  if (claim.measured_unit && claim.measured_unit->dimension == unit.dimension) add(*claim.measured_unit);
  if (unit.dimension == Dimension::ratio) {
    add(*parse_unit("ratio"));
    add(*parse_unit("%"));
  }
  return out;
}

// The step of the claim's own printing, in its unit.
double claim_step(const Expected& expected, double value) {
  if (expected.decimals) return resolution(*expected.decimals);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return resolution(decimals_of(buffer).value_or(0));
}

// How far the claim lets its number stand from what it means: half its printing's step, but no
// more than its tolerance (an exact claim means its value exactly, however it is written).
double claim_half_width(const Expected& expected, double value) {
  return std::min(claim_step(expected, value) / 2, allowed_deviation(expected));
}

bool agrees(const Reading& r, double value, double claim_half) {
  const double half = std::max(r.step / 2, claim_half);
  return std::fabs(r.value - value) <= half + 1e-9 * std::max({std::fabs(r.value), std::fabs(value), half});
}

bool number_is(const PaperToken& number, const Claim& claim, double value) {
  const double half = claim.expected.kind == Expected::Kind::value ? claim_half_width(claim.expected, value) : 0.0;
  const auto all = readings(number, claim);
  return std::any_of(all.begin(), all.end(), [&](const Reading& r) { return agrees(r, value, half); });
}

bool within(const PaperToken& number, const Claim& claim) {
  const Expected& e = claim.expected;
  const double step = std::max(claim_step(e, e.min), claim_step(e, e.max));
  const auto all = readings(number, claim);
  return std::any_of(all.begin(), all.end(), [&](const Reading& r) {
    const double half = std::max(r.step, step) / 2;
    return r.value >= e.min - half && r.value <= e.max + half;
  });
}

// The numbers of the span that carry the claim's value (empty when none does).
std::vector<std::size_t> claimed_numbers(const PaperText& paper, const Match& m, const Claim& claim) {
  std::vector<std::size_t> numbers;
  for (std::size_t i = m.begin; i < m.end; ++i) {
    if (paper.tokens[i].kind == PaperToken::Kind::number) numbers.push_back(i);
  }
  const Expected& e = claim.expected;
  const auto first = [&](double value) -> std::optional<std::size_t> {
    for (std::size_t i : numbers) {
      if (number_is(paper.tokens[i], claim, value)) return i;
    }
    return std::nullopt;
  };
  if (e.kind == Expected::Kind::range) {
    const auto low = first(e.min);
    const auto high = first(e.max);
    if (low && high) return {*low, *high};
    std::vector<std::size_t> inside;
    for (std::size_t i : numbers) {
      if (within(paper.tokens[i], claim)) inside.push_back(i);
    }
    return inside;
  }
  if (const auto one = first(e.value)) return {*one};
  return {};
}

std::string printed_number(const PaperToken& t) {
  if (t.unit.empty()) return t.text;
  return t.text + (t.unit == "%" || t.unit == "x" ? "" : " ") + t.unit;
}

// The number of the span a reader would take for the claim's: one with a unit of the claim's
// dimension, else the last one.
const PaperToken* shown_number(const PaperText& paper, const Match& m, const Claim& claim) {
  const PaperToken* last = nullptr;
  for (std::size_t i = m.begin; i < m.end; ++i) {
    const PaperToken& t = paper.tokens[i];
    if (t.kind != PaperToken::Kind::number) continue;
    const auto unit = parse_unit(t.unit);
    if (unit && unit->dimension == claim.expected.unit.dimension) return &t;
    last = &t;
  }
  return last;
}

}  // namespace

std::string_view cover_status_name(CoverStatus status) {
  switch (status) {
    case CoverStatus::linked: return "linked";
    case CoverStatus::macro: return "macro";
    case CoverStatus::drift: return "drift";
    case CoverStatus::not_found: return "not found";
    case CoverStatus::no_quote: return "no quote";
  }
  return "";
}

int CoverReport::count(CoverStatus status) const {
  return static_cast<int>(std::count_if(claims.begin(), claims.end(), [&](const auto& c) { return c.status == status; }));
}

bool has_quote(const Claim& claim) {
  const auto& q = claim.source.quote;
  return q.find_first_not_of(" \t\r\n") != std::string::npos && q.rfind("TODO", 0) != 0;
}

std::string stale_title_number(const Claim& claim, const std::vector<PaperToken>& title) {
  std::string first;
  for (const auto& t : title) {
    if (t.kind != PaperToken::Kind::number) continue;
    const auto unit = parse_unit(t.unit);
    if (!unit || unit->dimension != claim.expected.unit.dimension) continue;
    const Expected& e = claim.expected;
    const bool agrees = e.kind == Expected::Kind::range
                            ? number_is(t, claim, e.min) || number_is(t, claim, e.max) || within(t, claim)
                            : number_is(t, claim, e.value);
    if (agrees) return {};
    if (first.empty()) first = printed_number(t);
  }
  return first;
}

CoverReport cover(const std::vector<CoverClaim>& claims, const std::vector<PaperText>& papers) {
  CoverReport report;
  std::vector<TokenIndex> indexes;
  for (const auto& paper : papers) {
    report.papers.push_back(paper.file.generic_string());
    indexes.push_back(index_of(paper));
  }
  // Numbers a claim accounts for, as (paper, token): not listed as unclaimed.
  std::set<std::pair<std::size_t, std::size_t>> covered;
  std::map<std::string, std::size_t> by_id;

  for (const CoverClaim& input : claims) {
    const Claim& claim = *input.claim;
    CoveredClaim out;
    out.id = claim.id;
    out.claim_file = claim.location.file.generic_string();
    out.claim_line = claim.location.line;
    out.expected = claim.expected;
    out.quote = claim.source.quote;
    by_id.emplace(claim.id, report.claims.size());
    if (!input.problem.empty()) {
      out.status = CoverStatus::drift;
      out.drift = Drift::unreadable;
      out.paper = claim.source.file;
      out.detail = input.problem;
      report.claims.push_back(std::move(out));
      continue;
    }
    if (!has_quote(claim)) {
      out.status = CoverStatus::no_quote;
      report.claims.push_back(std::move(out));
      continue;
    }
    std::vector<std::size_t> where;
    if (input.own_paper) {
      where.push_back(*input.own_paper);
    } else {
      for (std::size_t p = 0; p < papers.size(); ++p) where.push_back(p);
    }
    std::vector<Match> exact;
    for (std::size_t p : where) {
      const auto& quote = input.quote.at(static_cast<std::size_t>(papers[p].format));
      const auto found = find_quote(quote, papers[p], indexes[p], p, false);
      exact.insert(exact.end(), found.begin(), found.end());
    }
    std::vector<Match> loose;
    if (exact.empty() && input.own_paper) {
      const std::size_t p = *input.own_paper;
      loose = find_quote(input.quote.at(static_cast<std::size_t>(papers[p].format)), papers[p], indexes[p], p, true);
    }
    if (exact.empty() && loose.empty()) {
      if (input.own_paper) {
        out.status = CoverStatus::drift;
        out.drift = Drift::quote_gone;
        out.paper = papers[*input.own_paper].file.generic_string();
      } else {
        out.status = CoverStatus::not_found;
      }
      report.claims.push_back(std::move(out));
      continue;
    }
    const Match m = best_of(exact.empty() ? loose : exact, papers, claim.source.line);
    const PaperText& paper = papers[m.paper];
    out.paper = paper.file.generic_string();
    out.line = paper.tokens[m.begin].line;
    const auto numbers = claimed_numbers(paper, m, claim);
    const PaperToken* shown = numbers.empty() ? shown_number(paper, m, claim) : &paper.tokens[numbers.front()];
    if (shown) out.printed = printed_number(*shown);
    if (m.exact && !numbers.empty()) {
      out.status = CoverStatus::linked;
      for (std::size_t i : numbers) covered.insert({m.paper, i});
      report.claims.push_back(std::move(out));
      continue;
    }
    out.status = CoverStatus::drift;
    for (std::size_t i = m.begin; i < m.end; ++i) {
      if (paper.tokens[i].kind == PaperToken::Kind::number) covered.insert({m.paper, i});
    }
    if (m.exact) {
      out.drift = shown ? Drift::number_differs : Drift::no_number;
    } else {
      // The place is there with other numbers: the paper was edited since the quote was taken.
      out.drift = Drift::paper_edited;
      out.claim_agrees = !numbers.empty();
      const auto& quote = input.quote.at(static_cast<std::size_t>(paper.format));
      for (std::size_t k = 0; k < quote.size(); ++k) {
        const PaperToken& q = quote[k];
        const PaperToken& t = paper.tokens[m.begin + k];
        if (q.kind == PaperToken::Kind::number && q.text != t.text) {
          out.was = q.text;
          out.printed = printed_number(t);
          break;
        }
      }
    }
    report.claims.push_back(std::move(out));
  }

  // The macros of `claimcheck render --format latex` print a claim's audited value.
  for (std::size_t p = 0; p < papers.size(); ++p) {
    for (const auto& use : papers[p].macros) {
      const auto it = by_id.find(use.id);
      if (it != by_id.end()) {
        CoveredClaim& c = report.claims[it->second];
        if (c.status == CoverStatus::no_quote || c.status == CoverStatus::not_found) {
          c.status = CoverStatus::macro;
          c.paper = papers[p].file.generic_string();
          c.line = use.line;
        }
        continue;
      }
      CoveredClaim unknown;
      unknown.id = use.id;
      unknown.status = CoverStatus::drift;
      unknown.drift = Drift::unknown_macro;
      unknown.paper = papers[p].file.generic_string();
      unknown.line = use.line;
      unknown.detail = use.macro;
      report.claims.push_back(std::move(unknown));
    }
  }

  for (std::size_t p = 0; p < papers.size(); ++p) {
    for (std::size_t i = 0; i < papers[p].tokens.size(); ++i) {
      const PaperToken& t = papers[p].tokens[i];
      if (t.kind != PaperToken::Kind::number || !t.candidate || covered.contains({p, i})) continue;
      report.unclaimed.push_back({papers[p].file.generic_string(), t.line, printed_number(t), t.context});
    }
  }
  return report;
}

}  // namespace claimcheck
