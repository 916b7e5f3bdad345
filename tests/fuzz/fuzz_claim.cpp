// Claim files: the loader's parse and validation, then each adapter's own validation (which
// parses "options", e.g. a command's argv). Text from untrusted pull requests.

#include "cli/claim_checks.hpp"
#include "cli/pipeline.hpp"
#include "fuzz_support.hpp"
#include "io/claim_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const LoadResult result = parse_claim_text(fuzz::as_text(data, size), "fuzz.claim.json");
  fuzz::check_diagnostics(result.diagnostics);
  for (const auto& d : result.diagnostics.items()) {
    if (d.line < 0 || d.column < 0) fuzz::violated("negative position");
  }
  for (const Claim& claim : result.claims) {
    if (claim.id.empty() || claim.id.size() > 200) fuzz::violated("accepted claim with a bad id");
    Diagnostics adapter;
    fuzz::expect_input_errors_only([&] { validate_with_adapter(claim, adapter); });
  }
  return 0;
}
