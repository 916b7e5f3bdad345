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

AuditRecord sample_record() {
  ClaimResult stale = verified_claim("d-stale");
  stale.stale = true;
  return record_of({verified_claim("a-verified"), discrepant_claim("b-discrepant"), blocked_claim("c-blocked"), stale});
}

}  // namespace claimcheck::test
