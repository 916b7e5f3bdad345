#pragma once
// `for_each`: one claim object that stands for many, one per selector value (every NPU, every
// layer, every row):
//   "for_each": {"npu": [0, 1, 2, 3]}                  one claim per value
//   "for_each": {"npu": {"from": 0, "to": 63}}         integers, both ends included
//   "for_each": {"npu": [0, 1], "layer": ["a", "b"]}   every combination, names in alphabetical order
// Any string of the claim may use a selector as ${npu}: a string that is exactly "${npu}"
// becomes the value itself (a number stays a number); elsewhere the value's text is spliced in.
// An id that uses no selector gets "-<name><value>" appended for each one ("finish-npu3").

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostics.hpp"

namespace claimcheck {

// Most claims one for_each may stand for (claims are untrusted).
inline constexpr std::size_t k_max_expansion = 10'000;

struct Expansion {
  nlohmann::json object;  // the claim with its selectors substituted, without "for_each"
  std::string selector;   // "npu=3" or "layer=a, npu=0"; "" for a claim without for_each
};

// The claims `object` stands for: itself (unchanged) when it has no for_each. A malformed
// for_each adds diagnostics (pointers from `base`, the claim's pointer in its file) and gives none.
std::vector<Expansion> expand_for_each(const nlohmann::json& object, const std::string& base,
                                       const std::filesystem::path& file, Diagnostics& out);

}  // namespace claimcheck
