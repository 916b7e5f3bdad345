#include "report/diff.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "report/comment.hpp"
#include "report/format.hpp"
#include "report/markdown.hpp"

namespace claimcheck {
namespace {

// How bad a verdict is, for telling a regression from an improvement.
int severity(Verdict v) {
  switch (v) {
    case Verdict::verified: return 0;
    case Verdict::blocked: return 1;
    case Verdict::discrepant: return 2;
  }
  return 0;
}

ClaimSide side_of(const ClaimResult& c) {
  ClaimSide s;
  s.verdict = c.verdict;
  s.measured = c.measured;
  s.unit = c.expected.unit.symbol;
  s.expected = format_expected(c.expected) + " (" + format_tolerance(c.expected) + ")";
  s.relative_error = c.relative_error;
  if (c.verdict == Verdict::blocked) s.reason = c.block_kind.empty() ? c.reason : c.block_kind + ": " + c.reason;
  return s;
}

std::string commit_of(const AuditRecord& r) {
  return !r.provenance.ci.head_sha.empty() ? r.provenance.ci.head_sha : r.provenance.git.head;
}

// Equal up to the last bits a round trip through text may change.
bool same_value(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)); }

// The same claim, written in the same or another unit: bounds and tolerances agree once
// converted to the head's unit.
bool same_expected(const Expected& b, const Expected& h) {
  if (b.kind != h.kind || b.tolerance.relative != h.tolerance.relative) return false;
  const auto same = [&](double base_value, double head_value) {
    const auto converted = convert(base_value, b.unit, h.unit);
    return converted && same_value(*converted, head_value);
  };
  if (b.tolerance.absolute.has_value() != h.tolerance.absolute.has_value()) return false;
  if (b.tolerance.absolute && !same(*b.tolerance.absolute, *h.tolerance.absolute)) return false;
  return b.kind == Expected::Kind::range ? same(b.min, h.min) && same(b.max, h.max) : same(b.value, h.value);
}

std::string side_text(const std::optional<ClaimSide>& s) {
  if (!s) return "\u2014";
  std::string out = s->measured ? format_quantity(*s->measured, s->unit) : std::string("not measured");
  out += " (" + std::string(verdict_info(s->verdict).label);
  if (s->verdict == Verdict::blocked && !s->reason.empty()) out += ": " + cut_utf8(s->reason, 200);
  return out + ")";
}

std::string moved_text(const ClaimChange& c) {
  if (!c.delta) return c.base && c.head && c.base->measured && c.head->measured ? "unchanged" : "\u2014";
  const std::string unit = c.head ? c.head->unit : std::string();
  std::string out = format_signed(c.delta, unit);
  if (c.relative_delta) out += " (" + format_relative(c.relative_delta) + ")";
  return out;
}

std::string_view change_badge(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::regressed: return "\U0001F53B";         // red triangle down
    case ChangeKind::added_failing: return "\U0001F195";     // NEW
    case ChangeKind::improved: return "\u2705";
    case ChangeKind::moved: return "\u2195\ufe0f";
    case ChangeKind::expected_changed: return "\u270f\ufe0f";
    case ChangeKind::added: return "\u2795";
    case ChangeKind::removed: return "\u2796";
  }
  return "";
}

nlohmann::json side_json(const std::optional<ClaimSide>& s) {
  if (!s) return nullptr;
  nlohmann::json j = {{"verdict", verdict_info(s->verdict).label},
                      {"unit", s->unit},
                      {"expected", s->expected}};
  j["measured"] = s->measured ? nlohmann::json(*s->measured) : nlohmann::json(nullptr);
  j["relative_error"] = s->relative_error ? nlohmann::json(*s->relative_error) : nlohmann::json(nullptr);
  if (!s->reason.empty()) j["reason"] = s->reason;
  return j;
}

// Keys for JSON.
std::string kind_key(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::regressed: return "regressed";
    case ChangeKind::added_failing: return "added_failing";
    case ChangeKind::improved: return "improved";
    case ChangeKind::moved: return "moved";
    case ChangeKind::expected_changed: return "edited";
    case ChangeKind::added: return "added";
    case ChangeKind::removed: return "removed";
  }
  return "";
}

}  // namespace

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::regressed: return "regressed";
    case ChangeKind::added_failing: return "added (failing)";
    case ChangeKind::improved: return "improved";
    case ChangeKind::moved: return "moved";
    case ChangeKind::expected_changed: return "claim edited";
    case ChangeKind::added: return "added";
    case ChangeKind::removed: return "removed";
  }
  return "";
}

RecordDiff diff_records(const AuditRecord& base, const AuditRecord& head) {
  RecordDiff diff;
  diff.base_commit = commit_of(base);
  diff.head_commit = commit_of(head);
  std::map<std::string, const ClaimResult*> base_by_id;
  for (const auto& c : base.claims) base_by_id.emplace(c.id, &c);
  std::map<std::string, bool> in_head;

  for (const auto& h : head.claims) {
    in_head[h.id] = true;
    ClaimChange change;
    change.id = h.id;
    change.title = h.title;
    change.file = h.file;
    change.line = h.line;
    change.head = side_of(h);
    const auto found = base_by_id.find(h.id);
    if (found == base_by_id.end()) {
      change.kind = h.verdict == Verdict::verified ? ChangeKind::added : ChangeKind::added_failing;
      diff.changes.push_back(std::move(change));
      continue;
    }
    const ClaimResult& b = *found->second;
    change.base = side_of(b);
    change.edited = !same_expected(b.expected, h.expected);
    if (b.measured && h.measured) {
      // The base value in the head's unit (a claim may have changed its unit).
      if (auto converted = convert(*b.measured, b.expected.unit, h.expected.unit)) {
        if (!same_value(*converted, *h.measured)) {
          change.delta = *h.measured - *converted;
          if (*converted != 0.0) change.relative_delta = *change.delta / std::fabs(*converted);
        }
      }
    }
    if (severity(h.verdict) > severity(b.verdict)) {
      change.kind = ChangeKind::regressed;
    } else if (severity(h.verdict) < severity(b.verdict)) {
      change.kind = ChangeKind::improved;
    } else if (change.delta) {
      change.kind = ChangeKind::moved;
    } else if (change.edited) {
      change.kind = ChangeKind::expected_changed;
    } else {
      ++diff.unchanged;
      continue;
    }
    diff.changes.push_back(std::move(change));
  }
  for (const auto& b : base.claims) {
    if (in_head.contains(b.id)) continue;
    ClaimChange change;
    change.kind = ChangeKind::removed;
    change.id = b.id;
    change.title = b.title;
    change.file = b.file;
    change.line = b.line;
    change.base = side_of(b);
    diff.changes.push_back(std::move(change));
  }
  std::stable_sort(diff.changes.begin(), diff.changes.end(),
                   [](const ClaimChange& a, const ClaimChange& b) { return a.kind < b.kind; });
  return diff;
}

int edited_count(const RecordDiff& diff) {
  return static_cast<int>(
      std::count_if(diff.changes.begin(), diff.changes.end(), [](const ClaimChange& c) { return c.edited; }));
}

int regression_count(const RecordDiff& diff) {
  return static_cast<int>(std::count_if(diff.changes.begin(), diff.changes.end(), [](const ClaimChange& c) {
    return c.kind == ChangeKind::regressed || c.kind == ChangeKind::added_failing;
  }));
}

std::string render_diff_markdown(const RecordDiff& diff) {
  std::map<ChangeKind, int> count;
  for (const auto& c : diff.changes) ++count[c.kind];
  std::string out = "### Changes against the base";
  if (!diff.base_commit.empty() || !diff.head_commit.empty()) {
    const auto short_commit = [](const std::string& s) { return s.empty() ? std::string("?") : s.substr(0, 12); };
    out += " (" + markdown_escape(short_commit(diff.base_commit)) + " \u2192 " +
           markdown_escape(short_commit(diff.head_commit)) + ")";
  }
  out += "\n\n";
  const int regressions = regression_count(diff);
  const auto n = [&](ChangeKind k) { return std::to_string(count[k]); };
  out += regressions > 0 ? "**" + std::to_string(regressions) + (regressions == 1 ? " regression" : " regressions") + "**"
                         : std::string("No regressions");
  out += " (" + n(ChangeKind::regressed) + " regressed, " + n(ChangeKind::added_failing) + " added failing); " +
         n(ChangeKind::improved) + " improved, " + n(ChangeKind::moved) + " moved, " +
         std::to_string(edited_count(diff)) + " edited, " + n(ChangeKind::added) + " added, " +
         n(ChangeKind::removed) + " removed; " +
         std::to_string(diff.unchanged) + " unchanged.\n";
  if (diff.changes.empty()) return out;
  out += "\n| Change | Claim | Base | Head | Moved by |\n|---|---|---|---|---|\n";
  for (const auto& c : diff.changes) {
    std::string change = std::string(change_badge(c.kind)) + " " + std::string(change_kind_name(c.kind));
    if (c.kind == ChangeKind::regressed || c.kind == ChangeKind::improved) {
      change += ": " + std::string(verdict_info(c.base->verdict).label) + " \u2192 " +
                std::string(verdict_info(c.head->verdict).label);
    }
    std::string base = side_text(c.base), head = side_text(c.head);
    if (c.edited || (c.base && c.head && c.base->expected != c.head->expected)) {
      base += "; claimed " + c.base->expected;
      head += "; claimed " + c.head->expected;
    }
    std::string claim = markdown_id(cut_utf8(c.id, 200));
    if (!c.title.empty()) claim += " " + markdown_escape(cut_utf8(c.title, 300));
    out += "| " + change + " | " + claim + " | " + markdown_escape(base) + " | " + markdown_escape(head) + " | " +
           markdown_escape(moved_text(c)) + " |\n";
  }
  return out;
}

std::string render_diff_json(const RecordDiff& diff) {
  nlohmann::json summary = nlohmann::json::object();
  for (ChangeKind k : {ChangeKind::regressed, ChangeKind::added_failing, ChangeKind::improved, ChangeKind::moved,
                       ChangeKind::expected_changed, ChangeKind::added, ChangeKind::removed}) {
    summary[kind_key(k)] = 0;
  }
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : diff.changes) {
    summary[kind_key(c.kind)] = summary[kind_key(c.kind)].get<int>() + 1;
    nlohmann::json j = {{"kind", kind_key(c.kind)}, {"id", c.id},   {"title", c.title},
                        {"file", c.file},                   {"line", c.line}, {"base", side_json(c.base)},
                        {"head", side_json(c.head)}};
    j["delta"] = c.delta ? nlohmann::json(*c.delta) : nlohmann::json(nullptr);
    j["relative_delta"] = c.relative_delta ? nlohmann::json(*c.relative_delta) : nlohmann::json(nullptr);
    j["edited"] = c.edited;
    changes.push_back(std::move(j));
  }
  // "edited" counts every claim whose expected value or tolerance changed, whatever its kind.
  summary["edited"] = edited_count(diff);
  summary["unchanged"] = diff.unchanged;
  summary["regressions"] = regression_count(diff);
  const nlohmann::json out = {{"base_commit", diff.base_commit},
                              {"head_commit", diff.head_commit},
                              {"summary", summary},
                              {"changes", changes}};
  // Invalid UTF-8 from a hand-edited record is replaced rather than thrown on.
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace claimcheck
