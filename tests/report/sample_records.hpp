#pragma once
// Hand-made audit records for the report tests: every value is written out here, so the
// expected renderings can be checked by eye.

#include <string>

#include "core/record.hpp"

namespace claimcheck::test {

// Fixed provenance (commit, run URL, version) so renderings are stable.
Provenance sample_provenance();

// A verified value claim: expected 40.3 ms ±5%, measured 41 ms.
ClaimResult verified_claim(const std::string& id);

// A discrepant claim: expected 40.3 ms ±5%, measured 45 ms (+4.7 ms, +11.66%).
ClaimResult discrepant_claim(const std::string& id);

// A blocked claim: artifact missing.
ClaimResult blocked_claim(const std::string& id);

// One claim of each verdict plus a stale verified one, summarised.
AuditRecord sample_record();

// Claims the reports show more of: a verified claim with a warning and a CSV aggregate's note; a
// discrepant percentage (expected 2.3% ±0.05 pp, measured 2.4%: +0.1 pp, +4.35% relative); a
// discrepant derived ratio with its operands and printed digits (expected "3.20" ±0.001, measured
// 3.2016); a derived claim blocked by its operand.
AuditRecord notes_record();

// A record holding `claims`, summarised, with the sample provenance.
AuditRecord record_of(std::vector<ClaimResult> claims);

// Text that tries every trick: workflow commands, escapes, table pipes, HTML, mentions.
inline const std::string k_hostile_text =
    "::error::pwned\n::set-env name=X::1\r\n%0A%25 50% done, a:b | c <script>alert(1)</script> @octocat [x](http://e)";

}  // namespace claimcheck::test
