#pragma once
// Parsing JSON from untrusted files with limits (nesting depth) and positioned errors.

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace claimcheck {

inline constexpr int k_max_json_depth = 64;

// Parses `content` (the text of `file`). Throws InputError with line:column on a syntax error,
// and when objects/arrays nest deeper than k_max_json_depth.
nlohmann::json parse_json_bounded(std::string_view content, const std::filesystem::path& file);

// 1-based line and column of byte `offset` in `content` (column counts bytes).
std::pair<int, int> line_column(std::string_view content, std::size_t offset);

}  // namespace claimcheck
