#include "io/json_locator.hpp"

#include <gtest/gtest.h>

namespace claimcheck {
namespace {

constexpr std::string_view k_text = R"({
  "a": "x\"y",
  "b\\": [1, {"c": true}],
  "\u0041d": null,
  "e/f": {"g~": 2}
})";

TEST(JsonLocator, LocatesValuesAndKeys) {
  const JsonLocator locator(k_text);
  EXPECT_EQ(locator.value(""), (TextPosition{1, 1, 0}));
  EXPECT_EQ(locator.value("/a"), (TextPosition{2, 8, 9}));
  EXPECT_EQ(locator.key("/a"), (TextPosition{2, 3, 4}));
  EXPECT_EQ(locator.value("/b\\").line, 3);
  EXPECT_EQ(locator.value("/b\\").column, 10);
  EXPECT_EQ(locator.value("/b\\/0").column, 11);
  EXPECT_EQ(locator.value("/b\\/1").column, 14);
  EXPECT_EQ(locator.value("/b\\/1/c").column, 20);
  EXPECT_EQ(locator.key("/b\\/1/c").column, 15);
  // A key with a \u escape keeps the escape's text in its pointer.
  EXPECT_EQ(locator.value("/\\u0041d").line, 4);
  EXPECT_EQ(locator.value("/\\u0041d").column, 14);
  EXPECT_EQ(locator.value("/e~1f").line, 5);
  EXPECT_EQ(locator.value("/e~1f").column, 10);
  EXPECT_EQ(locator.value("/e~1f/g~0").column, 17);
}

TEST(JsonLocator, APointerNotFoundIsLocatedAtItsNearestAncestor) {
  const JsonLocator locator(k_text);
  EXPECT_EQ(locator.value("/b\\/1/zzz"), locator.value("/b\\/1"));
  EXPECT_EQ(locator.key("/b\\/1/zzz"), locator.value("/b\\/1"));
  EXPECT_EQ(locator.value("/nothing/here"), locator.value(""));
}

TEST(JsonLocator, LineTextHasNoLineEnd) {
  const JsonLocator locator(k_text);
  EXPECT_EQ(locator.line_text(3), R"(  "b\\": [1, {"c": true}],)");
  EXPECT_EQ(locator.line_text(6), "}");
  EXPECT_EQ(locator.line_text(7), "");
}

constexpr std::string_view k_claims = "[\r\n  {\"expected\": {\"value\": 1.50}},\r\n  {\"id\": 2, \"expected\": {}}\r\n]";

TEST(JsonLocator, AShallowScanRecordsTheClaimsAndTheirExpectedValues) {
  const JsonLocator shallow(k_claims, 1, "expected");
  EXPECT_EQ(shallow.value("/0"), (TextPosition{2, 3, 5}));
  EXPECT_EQ(shallow.value("/0/expected/value").line, 2);
  EXPECT_EQ(shallow.value("/0/expected/value").column, 26);
  EXPECT_EQ(shallow.value("/1"), (TextPosition{3, 3, 39}));
  // Other members are left out: located at their claim; keys are left out too.
  EXPECT_EQ(shallow.value("/1/id"), shallow.value("/1"));
  EXPECT_EQ(shallow.key("/0/expected/value"), shallow.value("/0/expected/value"));
  EXPECT_EQ(shallow.root_size(), 2u);
  const JsonLocator full(k_claims);
  EXPECT_EQ(full.root_size(), 2u);
  EXPECT_EQ(full.value("/1/id").column, 10);
  EXPECT_EQ(full.value("/0/expected/value"), shallow.value("/0/expected/value"));
  EXPECT_EQ(full.line_text(2), R"(  {"expected": {"value": 1.50}},)");
}

TEST(JsonLocator, AShallowScanOfAnObjectRecordsItsExpectedValues) {
  const JsonLocator shallow("{\"id\": \"a\",\n \"expected\": {\"min\": 1, \"max\": 2}}", 0, "expected");
  EXPECT_EQ(shallow.value("/expected/max").line, 2);
  EXPECT_EQ(shallow.value("/expected/max").column, 32);
  EXPECT_EQ(shallow.value("/id"), shallow.value(""));
  EXPECT_EQ(shallow.root_size(), 2u);
  EXPECT_EQ(JsonLocator("{\"id\": \"a\"}", 0).root_size(), 0u);
}

TEST(JsonLocator, AShallowScanEndsOnAnyText) {
  // Scanned before the text is known to be JSON: none of these may loop or recurse without end.
  const std::vector<std::string> texts = {
      "[}",  "[1 1", "{\"a\" 1}", "[,,,]", "{\"a\":", "\"open", "[{\"expected\": [}]}]", "{\"a\": 1 \"b\": 2}",
      "[" + std::string(100'000, '}'), "[" + std::string(100'000, '['), std::string(100'000, '{'),
      "[" + std::string(100'000, ':'), std::string(50'000, '"') + "\\"};
  for (const auto& text : texts) {
    for (int depth : {0, 1}) {
      const JsonLocator locator(text, depth, "expected");
      EXPECT_EQ(locator.value("").line, 1) << text.substr(0, 20);
    }
  }
}

}  // namespace
}  // namespace claimcheck
