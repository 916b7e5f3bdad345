#include "io/json_plain.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/diagnostics.hpp"
#include "io/json_limits.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Equal documents with equal types throughout (nlohmann's == takes 1u, 1 and 1.0 as equal).
::testing::AssertionResult same_document(const json& a, const json& b, const std::string& at = "") {
  if (a.type() != b.type()) {
    return ::testing::AssertionFailure() << "at \"" << at << "\": " << a.type_name() << " vs " << b.type_name();
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << "at \"" << at << "\": member counts differ";
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
      if (x.key() != y.key()) return ::testing::AssertionFailure() << "at \"" << at << "\": keys differ";
      if (auto r = same_document(*x, *y, at + "/" + x.key()); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << "at \"" << at << "\": lengths differ";
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (auto r = same_document(a[i], b[i], at + "/" + std::to_string(i)); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.is_number_float()) {
    // Bit for bit: -0.0 and 0.0 differ, NaN cannot occur.
    const double x = a.get<double>();
    const double y = b.get<double>();
    if (std::memcmp(&x, &y, sizeof x) != 0) return ::testing::AssertionFailure() << "at \"" << at << "\": " << x << " vs " << y;
    return ::testing::AssertionSuccess();
  }
  if (a != b) return ::testing::AssertionFailure() << "at \"" << at << "\": " << a.dump() << " vs " << b.dump();
  return ::testing::AssertionSuccess();
}

// The plain reader either declines `text` or reads what nlohmann reads.
void expect_as_nlohmann(std::string_view text) {
  const auto plain = parse_plain_json(text);
  if (!plain) return;
  json reference;
  try {
    reference = json::parse(text);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "the plain reader took text nlohmann refuses (" << e.what() << "): " << text;
    return;
  }
  EXPECT_TRUE(same_document(*plain, reference)) << text;
}

TEST(JsonPlain, ReadsValuesAsNlohmannDoes) {
  const char* texts[] = {
      R"({"b": [1, -1, 0, -0, 1.5, -0.0, 1e3, 1E-3, 2.5e+2, 1.0, 0.1, 123456789012345678]})",
      R"(18446744073709551615)",   // the largest unsigned
      R"(18446744073709551616)",   // one past: a double
      R"(-9223372036854775808)",   // the smallest signed
      R"(-9223372036854775809)",   // one past: a double
      R"(4.9e-324)",               // the smallest subnormal
      R"(1.7976931348623157e308)",
      R"("esc \" \\ \/ \b \f \n \r \t end")",
      "\"utf-8: \xc2\xb1 \xe2\x80\x94 \xf0\x9f\x98\x80 \x7f\"",
      " \n\t\r{ \"a\" : { \"b\" : [ [ ] , { } , null , true , false ] } } \n",
      R"([{"z": 1, "a": 2, "m": {"y": "x"}}])",
      R"("")", R"([])", R"({})", R"(0)", R"(true)", R"(null)",
  };
  for (const char* text : texts) {
    ASSERT_TRUE(parse_plain_json(text).has_value()) << text;
    expect_as_nlohmann(text);
  }
}

TEST(JsonPlain, DeclinesWhatItDoesNotTake) {
  const std::string declined[] = {
      "", " ", "\xef\xbb\xbf{}",                           // empty, a byte-order mark
      R"({"a": 1, "a": 2})", R"({"a": {"b": 1, "b": 1}})",  // repeated keys
      R"("\u0041")", R"({"\u0061": 1, "a": 2})",            // \u escapes
      "\"a\x01\"", "\"tab\there\"", std::string("\"nul\0\"", 6),
      "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x80\"", "\"\x80\"",  // bad UTF-8
      R"([1,])", R"({"a": 1,})", R"({"a" 1})", R"({a: 1})", R"([1 2])", R"({} {})", R"(nul)", R"(truex)",
      R"(01)", R"(-)", R"(+1)", R"(.5)", R"(1.)", R"(1.e5)", R"(1e)", R"(0x10)", R"(Infinity)", R"(NaN)",
      R"(1e999)", R"(-1e999)", R"(1e-400)",                // out of a double's range
      "\"\\x\"", "\"open", "[", "{\"a\":", "\v1",
  };
  for (const auto& text : declined) {
    EXPECT_FALSE(parse_plain_json(text).has_value()) << text;
  }
}

TEST(JsonPlain, NestingBeyondTheLimitIsDeclined) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(parse_plain_json(nested(k_max_json_depth)).has_value());
  EXPECT_FALSE(parse_plain_json(nested(k_max_json_depth + 1)).has_value());
  EXPECT_FALSE(parse_plain_json(std::string(100'000, '[')).has_value());
}

// parse_json_bounded gives the same messages whichever reader takes the text.
TEST(JsonPlain, BoundedParseReportsAsBefore) {
  auto message = [](std::string_view text) {
    try {
      parse_json_bounded(text, "f.json");
    } catch (const InputError& e) {
      const auto& d = e.diagnostics().items().front();
      return std::to_string(d.line) + ":" + std::to_string(d.column) + " " + d.message;
    }
    return std::string("parsed");
  };
  EXPECT_EQ(message("{\"a\": 1,\n \"a\": 2}"), "2:2 duplicate key \"a\"");
  EXPECT_EQ(message("{\"a\": [1,]}"),
            "1:10 invalid JSON: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal");
  EXPECT_EQ(message("1e999"), "1:1 invalid JSON: number overflow parsing '1e999'");
  EXPECT_EQ(message(std::string(65, '[') + std::string(65, ']')), "1:65 JSON nests deeper than 64 levels");
  EXPECT_EQ(message(R"({"\u0061": 1})"), "parsed");
  EXPECT_EQ(parse_json_bounded("1e-400", "f.json").get<double>(), 0.0);
}

// Every JSON file of the repository's claims, tests and templates: read by the plain reader as
// nlohmann reads it (and most are read by it at all).
TEST(JsonPlain, ReadsTheRepositorysJsonAsNlohmannDoes) {
  const fs::path root = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
  int files = 0;
  int taken = 0;
  for (const char* folder : {"claims", "tests", "reports"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      const std::string text = test::read_file(entry.path());
      ++files;
      if (parse_plain_json(text)) ++taken;
      expect_as_nlohmann(text);
    }
  }
  EXPECT_GT(files, 100);
  EXPECT_GT(taken, files * 9 / 10);
}

}  // namespace
}  // namespace claimcheck
