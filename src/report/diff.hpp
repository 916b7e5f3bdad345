#pragma once
// Comparing two audit records (`claimcheck diff BASE.json HEAD.json`): which claims changed
// verdict, which measured values moved and by how much, which claims were added or removed.
// Claims are matched by id. Regressions come first.

#include <optional>
#include <string>
#include <vector>

#include "core/record.hpp"

namespace claimcheck {

enum class ChangeKind {
  regressed,         // verdict got worse: verified < blocked < discrepant
  added_failing,     // new claim, discrepant or blocked
  improved,          // verdict got better
  moved,             // same verdict, measured value changed
  expected_changed,  // same verdict and value, the claim itself was edited (expected or tolerance)
  added,             // new claim, verified
  removed,           // claim no longer audited
};

// "regressed", "added (failing)", ...
std::string_view change_kind_name(ChangeKind kind);

// One side of a change.
struct ClaimSide {
  Verdict verdict = Verdict::blocked;
  std::optional<double> measured;        // in `unit`
  std::string unit;                      // the claim's expected unit
  std::string expected;                  // formatted claim, e.g. "40.3 ms", with tolerance: "40.3 ms (±5%)"
  std::optional<double> relative_error;  // signed fraction against the claim
  std::string reason;                    // for blocked: kind and reason
  bool operator==(const ClaimSide&) const = default;
};

struct ClaimChange {
  ChangeKind kind = ChangeKind::moved;
  std::string id;
  std::string title;
  std::string file;                      // claim file of the head side (base when removed)
  int line = 0;
  std::optional<ClaimSide> base;         // absent when added
  std::optional<ClaimSide> head;         // absent when removed
  std::optional<double> delta;           // head - base measured, in the head's unit
  std::optional<double> relative_delta;  // delta / |base measured|; absent when base is 0
  bool edited = false;                   // the claim's expected value or tolerance changed (any kind)
  bool operator==(const ClaimChange&) const = default;
};

struct RecordDiff {
  std::string base_commit;               // git HEAD (or CI head commit) of each audit
  std::string head_commit;
  std::vector<ClaimChange> changes;      // by kind in enum order, then by head order
  int unchanged = 0;                     // claims in both with the same verdict, value and claim
  bool operator==(const RecordDiff&) const = default;
};

RecordDiff diff_records(const AuditRecord& base, const AuditRecord& head);

// Claims that regressed or were added failing.
int regression_count(const RecordDiff& diff);

// Claims whose expected value or tolerance was edited, whatever else changed.
int edited_count(const RecordDiff& diff);

// GitHub-flavoured Markdown; claim text is escaped.
std::string render_diff_markdown(const RecordDiff& diff);

// Pretty-printed JSON with a trailing newline.
std::string render_diff_json(const RecordDiff& diff);

}  // namespace claimcheck
