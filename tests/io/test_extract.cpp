#include "io/extract.hpp"

#include <gtest/gtest.h>

#include "core/diagnostics.hpp"

namespace claimcheck {
namespace {

Extract pointer(const char* p) {
  Extract e;
  e.kind = Extract::Kind::json_pointer;
  e.json_pointer = p;
  return e;
}

Extract csv(const char* column, std::vector<std::pair<std::string, std::string>> where = {}, const char* agg = "") {
  Extract e;
  e.kind = Extract::Kind::csv;
  e.column = column;
  e.where = std::move(where);
  e.aggregate = agg;
  return e;
}

Extract regex(const char* pattern, int occurrence = 0) {
  Extract e;
  e.kind = Extract::Kind::regex;
  e.pattern = pattern;
  e.occurrence = occurrence;
  return e;
}

std::string error_of(const Extract& e, std::string_view content) {
  try {
    extract_value(e, content, "f");
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Extract, JsonPointer) {
  EXPECT_EQ(extract_value(pointer("/summary/cycles"), R"({"summary":{"cycles":200704}})", "f"), 200704);
  EXPECT_EQ(extract_value(pointer("/a/1"), R"({"a":[1, 2.5]})", "f"), 2.5);
  // Protobuf JSON writes 64-bit integers as strings.
  EXPECT_EQ(extract_value(pointer("/n"), R"({"n":"123456789012"})", "f"), 123456789012.0);
  EXPECT_EQ(error_of(pointer("/x"), R"({"a":1})"), "f: JSON pointer \"/x\" selects nothing");
  EXPECT_EQ(error_of(pointer("/a"), R"({"a":"fast"})"), "f: value at JSON pointer \"/a\" is string, expected a number");
  EXPECT_EQ(error_of(pointer("/a"), "{\"a\":\n1,}"), "f:2:3: invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal");
}

constexpr std::string_view k_table =
    "case,npus,finish_ns\n"
    "ring8,8,2326112\n"
    "sw16,16,\"2,582,860\"\n"
    "sw16,16,2431136\n";

TEST(Extract, CsvRowSelection) {
  EXPECT_EQ(extract_value(csv("finish_ns", {{"case", "ring8"}}), k_table, "f"), 2326112);
  EXPECT_EQ(error_of(csv("finish_ns", {{"case", "sw16"}}), k_table),
            "f:4: 2 rows match the selection, expected exactly one; add columns to \"where\", or set \"aggregate\" "
            "(mean, sum, min, max, median, p50, p99, ...)");
  EXPECT_EQ(extract_value(csv("finish_ns", {{"case", "sw16"}}, "max"), k_table, "f"), 2582860);
  EXPECT_EQ(extract_value(csv("finish_ns", {{"npus", "16"}}, "mean"), k_table, "f"), (2582860.0 + 2431136.0) / 2);
  EXPECT_EQ(error_of(csv("finish", {}), k_table), "f:1: no column \"finish\" in the header; did you mean \"finish_ns\"?");
  EXPECT_EQ(error_of(csv("finish_ns", {{"case", "ring4"}}), k_table),
            "f: no row matches the selection in column \"finish_ns\"");
}

TEST(Extract, CsvPercentilesInterpolateLinearly) {
  const std::string table = "v\n1\n2\n3\n4\n";
  EXPECT_DOUBLE_EQ(extract_value(csv("v", {}, "median"), table, "f"), 2.5);
  EXPECT_DOUBLE_EQ(extract_value(csv("v", {}, "p90"), table, "f"), 3.7);  // rank 0.9 * 3 = 2.7
  EXPECT_DOUBLE_EQ(extract_value(csv("v", {}, "sum"), table, "f"), 10);
}

TEST(Extract, CsvMalformedRowsNameTheLine) {
  EXPECT_EQ(error_of(csv("a"), "a,b\n1,2\n3\n"), "f:3: row has 1 cells, the header has 2");
  EXPECT_EQ(error_of(csv("a"), "a,b\n\"1,2\n"), "f:2: unterminated quoted cell");
  const std::string quoted = "name,v\n\"a \"\"quoted\"\"\nname\",7\n";
  EXPECT_EQ(extract_value(csv("v", {{"name", "a \"quoted\"\nname"}}), quoted, "f"), 7);
}

TEST(Extract, Regex) {
  const std::string log = "sys[0] finished, 2326112 cycles\nsys[1] finished, 2326113 cycles\n";
  EXPECT_EQ(extract_value(regex(R"(sys\[\d\] finished, (\d+) cycles)"), log, "f"), 2326112);
  EXPECT_EQ(extract_value(regex(R"(sys\[\d\] finished, (\d+) cycles)", 1), log, "f"), 2326113);
  EXPECT_EQ(extract_value(regex(R"(sys\[\d\] finished, (\d+) cycles)", -1), log, "f"), 2326113);
  EXPECT_EQ(error_of(regex(R"(sys\[\d\] finished, (\d+) cycles)", 2), log),
            "f: regex \"sys\\[\\d\\] finished, (\\d+) cycles\" does not match 3 times");
  EXPECT_EQ(error_of(regex("(x)"), log), "f: regex \"(x)\" does not match");
  EXPECT_EQ(error_of(regex("(fin)ished"), log), "f: regex captured \"fin\", which is not a number");
}

TEST(Extract, RegexRunsInLinearTime) {
  // (a+)+b on "aaaa...c" backtracks exponentially in backtracking engines; RE2 does not.
  const std::string input(100000, 'a');
  EXPECT_EQ(error_of(regex("((a+)+)b"), input), "f: regex \"((a+)+)b\" must have exactly one capture group");
  EXPECT_EQ(error_of(regex("(?:a+)+(b)"), input), "f: regex \"(?:a+)+(b)\" does not match");
}

TEST(Extract, ParseNumber) {
  EXPECT_EQ(parse_number(" 1,234.5 "), 1234.5);
  EXPECT_EQ(parse_number("+3e2"), 300);
  EXPECT_EQ(parse_number("-0.25"), -0.25);
  EXPECT_FALSE(parse_number("12ms").has_value());
  EXPECT_FALSE(parse_number("").has_value());
}

}  // namespace
}  // namespace claimcheck
