#include "support/outcomes.hpp"

#include <gtest/gtest.h>

#include "io/claim_loader.hpp"

namespace claimcheck::test {

Claim claim_from_json(const nlohmann::json& object, const std::filesystem::path& file) {
  const auto loaded = parse_claim_text(object.dump(), file);
  EXPECT_TRUE(loaded.diagnostics.empty()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics.items()[0].message);
  return loaded.claims.empty() ? Claim{} : loaded.claims.front();
}

Measurement measured(const Outcome& outcome) {
  if (const auto* b = std::get_if<Blocked>(&outcome)) {
    ADD_FAILURE() << "blocked: " << b->reason;
    return {};
  }
  return std::get<Measurement>(outcome);
}

Blocked blocked(const Outcome& outcome) {
  if (const auto* m = std::get_if<Measurement>(&outcome)) {
    ADD_FAILURE() << "measured " << m->value;
    return {};
  }
  return std::get<Blocked>(outcome);
}

}  // namespace claimcheck::test
