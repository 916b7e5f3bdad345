#include "io/extract.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "core/diagnostics.hpp"
#include "io/json_limits.hpp"

namespace claimcheck {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, int line, std::string message, std::string hint = {}) {
  throw InputError(file, line, 0, std::move(message), std::move(hint));
}

// The file is as it is; the claim's `field` selects what it does not hold.
[[noreturn]] void fail_selection(const std::string& field, const std::filesystem::path& file, int line,
                                 std::string message, std::string hint = {}) {
  throw InputError(file, line, 0, std::move(message), std::move(hint)).blaming(field);
}

double from_json_value(const nlohmann::json& value, const std::string& pointer, const std::filesystem::path& file) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    // Protobuf's JSON writes 64-bit integers as strings; accept any string that is a number.
    if (auto number = parse_number(value.get_ref<const std::string&>())) return *number;
  }
  fail_selection("/extract/json_pointer", file, 0,
                 "value at JSON pointer \"" + pointer + "\" is " + std::string(value.type_name()) + ", expected a number");
}

double extract_json(const Extract& extract, std::string_view content, const std::filesystem::path& file) {
  nlohmann::json document = parse_json_bounded(content, file);
  nlohmann::json::json_pointer pointer;
  try {
    pointer = nlohmann::json::json_pointer(extract.json_pointer);
  } catch (const nlohmann::json::exception& e) {
    fail_selection("/extract/json_pointer", file, 0, "invalid JSON pointer \"" + extract.json_pointer + "\"",
                   "a pointer looks like \"/summary/cycles\"");
  }
  // contains() itself throws for some pointers ("//a" on an array: an empty array index).
  const nlohmann::json* selected = nullptr;
  try {
    if (document.contains(pointer)) selected = &document.at(pointer);
  } catch (const nlohmann::json::exception&) {
    selected = nullptr;
  }
  if (!selected) fail_selection("/extract/json_pointer", file, 0, "JSON pointer \"" + extract.json_pointer + "\" selects nothing");
  return from_json_value(*selected, extract.json_pointer, file);
}

double aggregate(std::vector<double> values, const std::string& how, const std::filesystem::path& file) {
  if (values.empty()) fail(file, 0, "no rows to aggregate");
  if (how == "sum") {
    double total = 0;
    for (double v : values) total += v;
    return total;
  }
  if (how == "mean") {
    double total = 0;
    for (double v : values) total += v;
    return total / static_cast<double>(values.size());
  }
  if (how == "min") return *std::min_element(values.begin(), values.end());
  if (how == "max") return *std::max_element(values.begin(), values.end());
  std::sort(values.begin(), values.end());
  double percentile = -1;
  if (how == "median") percentile = 50;
  if (how.size() > 1 && how[0] == 'p') {
    if (auto p = parse_number(std::string_view(how).substr(1))) percentile = *p;
  }
  if (percentile < 0 || percentile > 100) fail(file, 0, "unknown aggregate \"" + how + "\"");
  // Linear interpolation between closest ranks (the definition numpy.percentile uses by default).
  const double rank = percentile / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = static_cast<std::size_t>(std::ceil(rank));
  return values[lower] + (values[upper] - values[lower]) * (rank - static_cast<double>(lower));
}

Extracted extract_csv(const Extract& extract, std::string_view content, const std::filesystem::path& file) {
  const CsvTable table = parse_csv(content, file);
  auto column_index = [&](const std::string& name, const std::string& field) {
    auto it = std::find(table.header.begin(), table.header.end(), name);
    if (it == table.header.end()) {
      std::string hint;
      if (auto close = closest_match(name, table.header); !close.empty()) hint = "did you mean \"" + close + "\"?";
      fail_selection(field, file, 1, "no column \"" + name + "\" in the header", hint);
    }
    return static_cast<std::size_t>(it - table.header.begin());
  };
  const std::size_t value_column = column_index(extract.column, "/extract/csv_column");
  std::vector<std::pair<std::size_t, std::string>> filters;
  for (const auto& [name, wanted] : extract.where) filters.emplace_back(column_index(name, "/extract/where"), wanted);

  std::vector<double> values;
  std::vector<std::size_t> lines;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    bool match = std::all_of(filters.begin(), filters.end(),
                             [&](const auto& filter) { return row[filter.first] == filter.second; });
    if (!match) continue;
    auto number = parse_number(row[value_column]);
    if (!number) {
      fail(file, static_cast<int>(r + 2),
           "cell \"" + row[value_column] + "\" in column \"" + extract.column + "\" is not a number");
    }
    values.push_back(*number);
    lines.push_back(r + 2);
  }
  if (values.empty()) fail_selection("/extract/where", file, 0, "no row matches the selection in column \"" + extract.column + "\"");
  if (extract.aggregate.empty()) {
    if (values.size() > 1) {
      fail_selection("/extract/where", file, static_cast<int>(lines[1]),
           std::to_string(values.size()) + " rows match the selection, expected exactly one",
           "add columns to \"where\", or set \"aggregate\" (mean, sum, min, max, median, p50, p99, ...)");
    }
    return {values.front(), {}};
  }
  const std::size_t rows = values.size();
  const double value = aggregate(std::move(values), extract.aggregate, file);
  return {value, extract.aggregate + " of " + std::to_string(rows) + (rows == 1 ? " row" : " rows") + " of " +
                     file.generic_string()};
}

double extract_regex(const Extract& extract, std::string_view content, const std::filesystem::path& file) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  const RE2 re(extract.pattern, options);
  if (!re.ok()) fail_selection("/extract/regex", file, 0, "invalid regex \"" + extract.pattern + "\": " + re.error());
  if (re.NumberOfCapturingGroups() != 1) {
    fail_selection("/extract/regex", file, 0, "regex \"" + extract.pattern + "\" must have exactly one capture group");
  }
  re2::StringPiece input(content.data(), content.size());
  std::string captured;
  std::string selected;
  int matches = 0;
  for (const char* before = input.data(); RE2::FindAndConsume(&input, re, &captured); before = input.data()) {
    selected = captured;
    if (matches++ == extract.occurrence) break;
    if (input.empty()) break;
    // An empty match consumes nothing: step past it, or the same match repeats forever.
    if (input.data() == before) input.remove_prefix(1);
  }
  if (matches == 0 || (extract.occurrence >= 0 && matches <= extract.occurrence)) {
    fail_selection("/extract/regex", file, 0, "regex \"" + extract.pattern + "\" does not match" +
                      (matches > 0 ? " " + std::to_string(extract.occurrence + 1) + " times" : std::string()));
  }
  const std::string& last = selected;
  auto number = parse_number(last);
  if (!number) fail_selection("/extract/regex", file, 0, "regex captured \"" + last + "\", which is not a number");
  return *number;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size());
  for (char c : text) {
    if (c == ',' || c == '_') continue;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    cleaned.push_back(c);
  }
  if (cleaned.empty()) return std::nullopt;
  const char* begin = cleaned.data();
  if (*begin == '+') ++begin;
  double value = 0;
  auto [end, ec] = std::from_chars(begin, cleaned.data() + cleaned.size(), value);
  if (ec != std::errc() || end != cleaned.data() + cleaned.size()) return std::nullopt;
  // from_chars also reads "nan", "inf" and "infinity": not numbers a claim can be judged on.
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::string check_pattern(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(pattern, options);
  if (!re.ok()) return "invalid regex: " + re.error();
  if (re.NumberOfCapturingGroups() != 1) {
    return "regex must have exactly one capture group, it has " + std::to_string(re.NumberOfCapturingGroups());
  }
  return {};
}

CsvTable parse_csv(std::string_view content, const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> records;
  std::vector<int> record_lines;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  bool cell_was_quoted = false;
  int line = 1;
  int record_line = 1;
  auto end_cell = [&] {
    record.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
  };
  auto end_record = [&] {
    end_cell();
    if (!(record.size() == 1 && record[0].empty())) {
      records.push_back(std::move(record));
      record_lines.push_back(record_line);
    }
    record.clear();
  };
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < content.size() && content[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == '"' && cell.empty() && !cell_was_quoted) {
      quoted = true;
      cell_was_quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  if (quoted) fail(file, record_line, "unterminated quoted cell");
  if (!cell.empty() || !record.empty()) end_record();
  if (records.empty()) fail(file, 1, "empty CSV file, expected a header row");
  CsvTable table;
  table.header = std::move(records.front());
  for (auto& name : table.header) {
    // Tolerate a UTF-8 byte order mark and spaces around header names.
    if (name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size()) {
      fail(file, record_lines[r],
           "row has " + std::to_string(records[r].size()) + " cells, the header has " +
               std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

double extract_value(const Extract& extract, std::string_view content, const std::filesystem::path& file) {
  return extract_reading(extract, content, file).value;
}

Extracted extract_reading(const Extract& extract, std::string_view content, const std::filesystem::path& file) {
  switch (extract.kind) {
    case Extract::Kind::json_pointer: return {extract_json(extract, content, file), {}};
    case Extract::Kind::csv: return extract_csv(extract, content, file);
    case Extract::Kind::regex: return {extract_regex(extract, content, file), {}};
    case Extract::Kind::none: break;
  }
  fail_selection("/extract", file, 0, "the claim says nothing about how to read a value from this file",
       "add \"extract\" with \"json_pointer\", \"csv\" or \"regex\"");
}

}  // namespace claimcheck
