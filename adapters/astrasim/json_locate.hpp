#pragma once
// Line numbers for JSON input errors. nlohmann/json reports positions only for syntax errors, so
// the ASTRA-sim JSON parsers locate a key by its first quoted occurrence in the text.

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace claimcheck::astrasim {

// 1-based line of the first occurrence of "key" (with quotes) in `text`; 0 when absent.
int json_key_line(const std::string& text, const std::string& key);

// Parses `text` as JSON; a syntax error becomes an InputError naming file, line and column.
nlohmann::json parse_json_file(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
