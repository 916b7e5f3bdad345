#pragma once
// Picking one number out of a file: by JSON pointer, by CSV column and row selection, or by a
// regular expression with one capture group. Used by the artifact and command adapters.
// Regular expressions use RE2 (linear time), so an untrusted pattern cannot backtrack forever.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/claim.hpp"

namespace claimcheck {

// A number read out of a file, and how when it is not one reading.
struct Extracted {
  double value = 0.0;
  std::string basis;  // e.g. "mean of 3 rows of out/runs.csv" for a CSV aggregate; "" for one reading
};

// The number `extract` selects in `content`, the text of `file`. Throws InputError naming the
// file and what did not match (missing pointer, no such column, no matching row, several rows
// without an aggregate, no regex match, a value that is not a number); when the file is as it is
// and the claim's selection is at fault, the error blames that claim field (InputError::claim_field).
Extracted extract_reading(const Extract& extract, std::string_view content, const std::filesystem::path& file);

// extract_reading(...).value.
double extract_value(const Extract& extract, std::string_view content, const std::filesystem::path& file);

// Parses a number as written in artifacts: JSON-like decimal, optional sign and exponent,
// surrounding spaces and thousands separators (",", "_") allowed. nullopt when not a number,
// and for "nan", "inf" and values out of the range of a double.
std::optional<double> parse_number(std::string_view text);

// Checks a regex pattern for extract: it must compile and have exactly one capture group.
// Returns "" when fine, else what is wrong.
std::string check_pattern(const std::string& pattern);

// A CSV table: header names and rows of cells (RFC 4180 quoting).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Parses CSV text; throws InputError with the line of a malformed row (unterminated quote,
// wrong number of cells).
CsvTable parse_csv(std::string_view content, const std::filesystem::path& file);

}  // namespace claimcheck
