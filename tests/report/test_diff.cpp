#include "report/diff.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/units.hpp"
#include "report/comment.hpp"
#include "report/record_json.hpp"
#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::record_of;

ClaimResult with_value(ClaimResult c, double measured) {
  c.measured = measured;
  c.error = measured - c.expected.value;
  c.relative_error = (measured - c.expected.value) / c.expected.value;
  return c;
}

// Base and head audits written out by hand:
//   same        verified 41 ms      -> verified 41 ms             unchanged
//   worse       verified            -> discrepant 45 ms           regressed
//   better      discrepant 45 ms    -> verified 41 ms             improved
//   drift       verified 41 ms      -> verified 41.5 ms           moved +0.5 ms (+1.22%)
//   stuck       blocked             -> blocked                    unchanged
//   newunit     verified 41 ms      -> verified 41000 us          unchanged (same value, other unit)
//   edited      verified, ±5%       -> verified, ±10%             claim edited
//   gone        verified            -> (absent)                   removed
//   fresh-bad   (absent)            -> discrepant                 added failing
//   fresh-good  (absent)            -> verified                   added
//   lost        verified            -> blocked                    regressed
struct Pair {
  AuditRecord base;
  AuditRecord head;
};

Pair hand_made() {
  using test::blocked_claim;
  using test::discrepant_claim;
  using test::verified_claim;
  ClaimResult newunit_head = verified_claim("newunit");
  newunit_head.expected.unit = *parse_unit("us");
  newunit_head.expected.value = 40300;
  newunit_head.measured = 41000;
  ClaimResult edited_head = verified_claim("edited");
  edited_head.expected.tolerance.relative = 0.10;
  AuditRecord base = record_of({verified_claim("same"), verified_claim("worse"), discrepant_claim("better"),
                                verified_claim("drift"), blocked_claim("stuck"), verified_claim("newunit"),
                                verified_claim("edited"), verified_claim("gone"), verified_claim("lost")});
  AuditRecord head = record_of({verified_claim("same"), discrepant_claim("worse"), verified_claim("better"),
                                with_value(verified_claim("drift"), 41.5), blocked_claim("stuck"), newunit_head,
                                edited_head, discrepant_claim("fresh-bad"), verified_claim("fresh-good"),
                                blocked_claim("lost")});
  base.provenance.git.head = "1111111111111111111111111111111111111111";
  head.provenance.git.head = "2222222222222222222222222222222222222222";
  base.provenance.ci = {};
  head.provenance.ci = {};
  return {base, head};
}

TEST(Diff, ClassifiesHandMadeRecordsRegressionsFirst) {
  const auto [base, head] = hand_made();
  const RecordDiff diff = diff_records(base, head);
  std::vector<std::pair<ChangeKind, std::string>> got;
  for (const auto& c : diff.changes) got.emplace_back(c.kind, c.id);
  const std::vector<std::pair<ChangeKind, std::string>> want = {
      {ChangeKind::regressed, "worse"},        {ChangeKind::regressed, "lost"},
      {ChangeKind::added_failing, "fresh-bad"}, {ChangeKind::improved, "better"},
      {ChangeKind::moved, "drift"},            {ChangeKind::expected_changed, "edited"},
      {ChangeKind::added, "fresh-good"},       {ChangeKind::removed, "gone"},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(diff.unchanged, 3);  // same, stuck, newunit
  EXPECT_EQ(regression_count(diff), 3);
  EXPECT_EQ(diff.base_commit, "1111111111111111111111111111111111111111");
  EXPECT_EQ(diff.head_commit, "2222222222222222222222222222222222222222");
}

TEST(Diff, MovedValuesSayByHowMuch) {
  const auto [base, head] = hand_made();
  const RecordDiff diff = diff_records(base, head);
  const auto drift = std::find_if(diff.changes.begin(), diff.changes.end(), [](auto& c) { return c.id == "drift"; });
  ASSERT_NE(drift, diff.changes.end());
  ASSERT_TRUE(drift->delta);
  EXPECT_DOUBLE_EQ(*drift->delta, 0.5);                 // 41.5 - 41
  EXPECT_DOUBLE_EQ(*drift->relative_delta, 0.5 / 41.0);  // +1.22%
  const auto worse = std::find_if(diff.changes.begin(), diff.changes.end(), [](auto& c) { return c.id == "worse"; });
  EXPECT_DOUBLE_EQ(*worse->delta, 4.0);  // 45 - 41
  EXPECT_EQ(worse->base->verdict, Verdict::verified);
  EXPECT_EQ(worse->head->verdict, Verdict::discrepant);
  const auto lost = std::find_if(diff.changes.begin(), diff.changes.end(), [](auto& c) { return c.id == "lost"; });
  EXPECT_FALSE(lost->delta);
  EXPECT_EQ(lost->head->reason, "artifact missing: results/run.json does not exist");
}

TEST(Diff, IdenticalRecordsHaveNoChanges) {
  const AuditRecord r = test::sample_record();
  const RecordDiff diff = diff_records(r, r);
  EXPECT_TRUE(diff.changes.empty());
  EXPECT_EQ(diff.unchanged, 4);
  EXPECT_NE(render_diff_markdown(diff).find("No regressions (0 regressed, 0 added failing); 0 improved, 0 moved, 0 "
                                            "edited, 0 added, 0 removed; 4 unchanged."),
            std::string::npos);
}

// The expected value edited so that the verdict changed: a regression, and an edit too.
TEST(Diff, CountsEditsOfTheExpectedValueWhateverElseChanged) {
  ClaimResult before = test::verified_claim("retuned");  // 40.3 ms ±5%, measured 41 ms
  ClaimResult after = before;
  after.expected.value = 30.0;  // the same run, claimed at 30 ms
  after.verdict = Verdict::discrepant;
  after.error = 41.0 - 30.0;
  after.relative_error = 11.0 / 30.0;
  ClaimResult tolerance = test::verified_claim("looser");
  ClaimResult widened = tolerance;
  widened.expected.tolerance.relative = 0.1;
  const RecordDiff diff =
      diff_records(test::record_of({before, tolerance}), test::record_of({after, widened}));
  ASSERT_EQ(diff.changes.size(), 2u);
  EXPECT_EQ(diff.changes[0].kind, ChangeKind::regressed);
  EXPECT_TRUE(diff.changes[0].edited);
  EXPECT_EQ(diff.changes[1].kind, ChangeKind::expected_changed);
  EXPECT_EQ(edited_count(diff), 2);
  const std::string md = render_diff_markdown(diff);
  EXPECT_NE(md.find("0 improved, 0 moved, 2 edited, 0 added, 0 removed"), std::string::npos) << md;
  EXPECT_NE(md.find("claimed 40.3 ms (\u00b15%)"), std::string::npos) << md;
  EXPECT_NE(md.find("claimed 30 ms (\u00b15%)"), std::string::npos) << md;
  EXPECT_EQ(nlohmann::json::parse(render_diff_json(diff))["summary"]["edited"], 2);
}

TEST(Diff, GoldenMarkdownAndJson) {
  const auto [base, head] = hand_made();
  const RecordDiff diff = diff_records(base, head);
  test::expect_golden("report/diff.md", render_diff_markdown(diff));
  test::expect_golden("report/diff.json", render_diff_json(diff));
  const auto j = nlohmann::json::parse(render_diff_json(diff));
  EXPECT_EQ(j["summary"]["regressions"], 3);
  EXPECT_EQ(j["changes"][0]["kind"], "regressed");
  EXPECT_EQ(j["changes"][4]["delta"], 0.5);
}

TEST(Diff, HostileTitlesAreEscaped) {
  ClaimResult c = test::verified_claim("x");
  c.title = test::k_hostile_text;
  const std::string out = render_diff_markdown(diff_records(record_of({}), record_of({c})));
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("@octocat"), std::string::npos);
  const auto row = out.substr(out.find("| \u2795"));
  EXPECT_EQ(std::count(row.begin(), row.end(), '|'), 6) << row;
}

TEST(Diff, ACommentWithAHugeComparisonStillFits) {
  std::vector<ClaimResult> base_claims, head_claims;
  for (int i = 0; i < 5'000; ++i) {
    base_claims.push_back(test::verified_claim("c" + std::to_string(i)));
    head_claims.push_back(test::discrepant_claim("c" + std::to_string(i)));
  }
  CommentLayout layout;
  layout.preface = render_diff_markdown(diff_records(record_of(base_claims), record_of(head_claims)));
  ASSERT_GT(layout.preface.size(), k_github_comment_limit);
  const std::string out = render_comment(record_of(head_claims), RenderOptions{}, layout);
  EXPECT_LE(out.size(), k_comment_budget);
  // The comparison takes at most half, cut at a row, and says so; the claims still get the rest.
  EXPECT_NE(out.find("**5000 regressions**"), std::string::npos);
  EXPECT_NE(out.find("(+9.76%) |\n\n_(cut to fit; the full comparison is in the report)_\n"), std::string::npos);
  EXPECT_NE(out.find("### Needs attention"), std::string::npos);
  EXPECT_NE(out.find("This comment lists "), std::string::npos);
}

TEST(DiffCommand, ReadsRecordsAndSetsTheExitCode) {
  const auto [base, head] = hand_made();
  test::TempDir dir;
  dir.write("base.json", record_to_text(base));
  dir.write("head.json", record_to_text(head));
  auto result = test::run({"diff", "base.json", "head.json"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("### Changes against the base (111111111111 \u2192 222222222222)")) << result.out;
  EXPECT_EQ(result.err, "claimcheck: 3 regressions, 8 changes, 3 unchanged\n");

  result = test::run({"diff", "base.json", "head.json", "--exit-code", "--format", "json", "-o", "d.json"}, dir.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(test::read_file(dir.path() / "d.json"))["summary"]["regressed"], 2);

  result = test::run({"diff", "base.json", "head.json", "--format", "comment", "--comment-key", "pr"}, dir.path());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.out.starts_with("<!-- claimcheck:pr -->\n## claimcheck: 10 claims:")) << result.out;
  EXPECT_LT(result.out.find("### Changes against the base"), result.out.find("### Needs attention"));

  result = test::run({"diff", "missing.json", "head.json"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("missing.json"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("cannot read the audit record"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace claimcheck
