#pragma once
// Test helpers for adapters: a claim built from a JSON object, and the two sides of an Outcome.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "adapter/adapter.hpp"
#include "core/claim.hpp"

namespace claimcheck::test {

// The claim `object` describes, loaded as if read from `file`; a diagnostic fails the test.
Claim claim_from_json(const nlohmann::json& object, const std::filesystem::path& file);

// The measurement; a blocked outcome fails the test (and gives an empty measurement).
Measurement measured(const Outcome& outcome);

// The blocked verdict; a measurement fails the test (and gives an empty one).
Blocked blocked(const Outcome& outcome);

}  // namespace claimcheck::test
