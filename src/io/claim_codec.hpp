#pragma once
// A compact binary form of loaded claims, for the cache of claim files as read (see
// load_claims): decoding it is about ten times faster than parsing and checking the file again.
//
// Every field of Claim is written, in declaration order: numbers in their bytes, strings with
// their length first, the JSON values (inline specs, options) as CBOR. Decoding checks every
// length and tag against what is left, and returns nullopt on anything it cannot read, so a
// damaged or older entry is a miss, never a wrong claim.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/claim.hpp"

namespace claimcheck {

std::string encode_claims(const std::vector<Claim>& claims);

std::optional<std::vector<Claim>> decode_claims(std::string_view bytes);

}  // namespace claimcheck
