#include "report/sample_records.hpp"

#include "core/units.hpp"

namespace claimcheck::test {

Provenance sample_provenance() {
  Provenance p;
  p.git.in_repository = true;
  p.git.head = "0123456789abcdef0123456789abcdef01234567";
  p.git.branch = "main";
  p.claimcheck.version = "0.1.0";
  p.ci.provider = "github-actions";
  p.ci.run_url = "https://github.com/o/r/actions/runs/42";
  p.started_at = "2026-01-02T03:04:05Z";
  return p;
}

namespace {

ClaimResult base_claim(const std::string& id) {
  ClaimResult c;
  c.id = id;
  c.title = "All-Reduce of 1 GiB on a 64-NPU ring";
  c.source = {"ASTRA-sim2.0 (ISPASS 2023)", "Fig. 9", "", "", "", "", 0};
  c.tool = "artifact";
  c.mode = "reread";
  c.metric = "value";
  c.expected.kind = Expected::Kind::value;
  c.expected.value = 40.3;
  c.expected.unit = *parse_unit("ms");
  c.expected.tolerance.relative = 0.05;
  c.file = "claims/" + id + ".claim.json";
  c.line = 1;
  c.duration_ms = 12.0;
  return c;
}

}  // namespace

ClaimResult verified_claim(const std::string& id) {
  ClaimResult c = base_claim(id);
  c.verdict = Verdict::verified;
  c.measured = 41.0;
  c.measured_raw = 41.0;
  c.measured_unit = "ms";
  c.error = 41.0 - 40.3;
  c.relative_error = (41.0 - 40.3) / 40.3;
  return c;
}

ClaimResult discrepant_claim(const std::string& id) {
  ClaimResult c = base_claim(id);
  c.verdict = Verdict::discrepant;
  c.measured = 45.0;
  c.measured_raw = 45.0;
  c.measured_unit = "ms";
  c.error = 45.0 - 40.3;
  c.relative_error = (45.0 - 40.3) / 40.3;
  c.line = 3;
  return c;
}

ClaimResult blocked_claim(const std::string& id) {
  ClaimResult c = base_claim(id);
  c.verdict = Verdict::blocked;
  c.block_kind = "artifact missing";
  c.reason = "results/run.json does not exist";
  c.unblock = "run the experiment and commit results/run.json";
  c.line = 7;
  return c;
}

AuditRecord record_of(std::vector<ClaimResult> claims) {
  AuditRecord r;
  r.provenance = sample_provenance();
  r.claims = std::move(claims);
  r.summary = summarize(r.claims);
  r.duration_ms = 100.0;
  return r;
}

AuditRecord notes_record() {
  ClaimResult warned = verified_claim("mean-latency");
  warned.title = "Mean latency of three runs";
  warned.expected.value = 1.58;
  warned.expected.decimals = 2;
  warned.expected.tolerance = {std::nullopt, 0.005};
  warned.measured = 1.5833333333333333;
  warned.measured_raw = warned.measured;
  warned.error = *warned.measured - 1.58;
  warned.relative_error = *warned.error / 1.58;
  warned.measured_basis = "mean of 3 rows of runs/latency.csv";
  warned.warnings = {"\"boost-mode\" is ignored"};
  ClaimResult percent = discrepant_claim("error-rate");
  percent.title = "Prediction error";
  percent.expected.value = 2.3;
  percent.expected.decimals = 1;
  percent.expected.unit = *parse_unit("%");
  percent.expected.tolerance = {std::nullopt, 0.05};
  percent.measured = 2.4;
  percent.measured_raw = 0.024;
  percent.measured_unit = "ratio";
  percent.error = 2.4 - 2.3;                   // +0.1 percentage points
  percent.relative_error = (2.4 - 2.3) / 2.3;  // +4.35% of the claim
  ClaimResult ratio = discrepant_claim("speedup");
  ratio.title = "3.2x faster than the baseline";
  ratio.tool = "derived";
  ratio.metric = "ratio(t-base, t-ours)";
  ratio.expected.value = 3.20;
  ratio.expected.decimals = 2;
  ratio.expected.unit = *parse_unit("x");
  ratio.expected.tolerance = {std::nullopt, 0.001};
  ratio.measured = 3.2016;
  ratio.measured_raw = 3.2016;
  ratio.measured_unit = "ratio";
  ratio.error = 3.2016 - 3.2;
  ratio.relative_error = (3.2016 - 3.2) / 3.2;
  ratio.operands = {"t-base", "t-ours"};
  ratio.details = {{"t-base", "3.2016 ms (verified)"}, {"t-ours", "1 ms (verified)"}};
  ClaimResult blocked = blocked_claim("speedup-blocked");
  blocked.tool = "derived";
  blocked.block_kind = "operand blocked";
  blocked.reason = "operand \"t-other\" is blocked (input missing): file \"b.json\" does not exist";
  blocked.unblock = "unblock \"t-other\" first: commit the file";
  blocked.operands = {"t-base", "t-other"};
  return record_of({warned, percent, ratio, blocked});
}

AuditRecord sample_record() {
  ClaimResult stale = verified_claim("d-stale");
  stale.stale = true;
  return record_of({verified_claim("a-verified"), discrepant_claim("b-discrepant"), blocked_claim("c-blocked"), stale});
}

}  // namespace claimcheck::test
