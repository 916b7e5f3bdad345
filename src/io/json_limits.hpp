#pragma once
// Parsing JSON from untrusted files with limits (nesting depth, repeated keys) and positioned errors.

#include <filesystem>
#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace claimcheck {

inline constexpr int k_max_json_depth = 64;

// Parses `content` (the text of `file`). Throws InputError with line:column when objects/arrays
// nest deeper than k_max_json_depth (anywhere in the text), else on a syntax error, else when an
// object repeats a key; no value deeper than the limit is ever built.
nlohmann::json parse_json_bounded(std::string_view content, const std::filesystem::path& file);

// Receives each element of a root array as soon as the parser has built it: its index and the
// value, which it may move from. The element is dropped afterwards, so that a large array is
// never held whole.
using JsonElementSink = std::function<void(std::size_t index, nlohmann::json& element)>;

// As above; when the root is an array, its elements go to `element` (the document returned is
// then an empty array). Elements before a problem further on have been handed over by the time
// the InputError is thrown: a caller keeps what it made of them only when no error is thrown.
nlohmann::json parse_json_bounded(std::string_view content, const std::filesystem::path& file,
                                  const JsonElementSink& element);

// 1-based line and column of byte `offset` in `content` (column counts bytes).
std::pair<int, int> line_column(std::string_view content, std::size_t offset);

}  // namespace claimcheck
