#include "io/json_limits.hpp"

#include <gtest/gtest.h>

#include "core/diagnostics.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;

// The one diagnostic parse_json_bounded throws for `text`, or an empty one when it parses.
Diagnostic refusal_of(std::string_view text) {
  try {
    parse_json_bounded(text, "f.json");
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.diagnostics().items().front();
  }
  return {};
}

std::string nested_arrays(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonLimits, BuildsTheDocumentAPlainParseBuilds) {
  const std::string text = R"({"s": "a\"b\\c\u00e9\n", "i": -12, "u": 18446744073709551615, "f": 2.50e-3,
    "big": 123456789012345678901234567890, "t": true, "n": null, "e": {}, "a": [[], {"k": [1, "2", false]}]})";
  const json document = parse_json_bounded(text, "f.json");
  EXPECT_EQ(document, json::parse(text));
  EXPECT_TRUE(document["i"].is_number_integer());
  EXPECT_TRUE(document["u"].is_number_unsigned());
  EXPECT_TRUE(document["big"].is_number_float());
  EXPECT_EQ(document["s"], "a\"b\\c\xc3\xa9\n");
  EXPECT_EQ(parse_json_bounded(" 42 ", "f.json"), 42);
}

TEST(JsonLimits, NestingUpToTheLimitIsAccepted) {
  EXPECT_EQ(parse_json_bounded(nested_arrays(k_max_json_depth), "f.json"), json::parse(nested_arrays(k_max_json_depth)));
  EXPECT_EQ(refusal_of(nested_arrays(k_max_json_depth)).message, "");
}

TEST(JsonLimits, NestingBeyondTheLimitIsRefusedAtItsFirstBracket) {
  // The object is level 1; the 64th bracket of line 2 opens level 65.
  const Diagnostic arrays = refusal_of("{\"k\":\n" + nested_arrays(k_max_json_depth) + "}");
  EXPECT_EQ(arrays.file, "f.json");
  EXPECT_EQ(arrays.line, 2);
  EXPECT_EQ(arrays.column, 64);
  EXPECT_EQ(arrays.message, "JSON nests deeper than 64 levels");
  std::string objects;
  for (int level = 0; level < 70; ++level) objects += "{\"a\": ";
  objects += "1" + std::string(70, '}');
  const Diagnostic deep = refusal_of(objects);
  EXPECT_EQ(deep.line, 1);
  EXPECT_EQ(deep.column, 64 * 6 + 1);
  EXPECT_EQ(deep.message, "JSON nests deeper than 64 levels");
}

TEST(JsonLimits, NestingTooDeepIsReportedBeforeAnEarlierSyntaxError) {
  const Diagnostic d = refusal_of("[1 2,\n" + nested_arrays(70) + "]");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 64);
  EXPECT_EQ(d.message, "JSON nests deeper than 64 levels");
}

TEST(JsonLimits, ARepeatedKeyIsRefusedWhereItAppearsAgain) {
  const Diagnostic d = refusal_of("{\n  \"a\": 1,\n  \"b\": {\"c\": 1, \"c\": [2]},\n  \"a\": 3\n}");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 17);
  EXPECT_EQ(d.message, "duplicate key \"c\"");
  EXPECT_EQ(d.hint, "a key may appear once per object; readers disagree on which value counts");
}

TEST(JsonLimits, AKeyIsRepeatedWhateverItsEscapes) {
  const Diagnostic d = refusal_of(R"({"ab": 1, "\u0061b": 2})");
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 11);
  EXPECT_EQ(d.message, "duplicate key \"ab\"");
}

TEST(JsonLimits, TheSameKeyInTwoObjectsIsNotRepeated) {
  EXPECT_EQ(parse_json_bounded(R"([{"a": 1}, {"a": 2, "b": {"a": 3}}])", "f.json"),
            json::parse(R"([{"a": 1}, {"a": 2, "b": {"a": 3}}])"));
}

TEST(JsonLimits, ASyntaxErrorAfterARepeatedKeyIsReportedInstead) {
  const Diagnostic d = refusal_of("{\"a\": 1, \"a\": 2,\n}");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 1);
  EXPECT_EQ(d.message, "invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal");
}

TEST(JsonLimits, ANumberTooLargeIsLocatedByItsText) {
  const Diagnostic d = refusal_of("{\n  \"a\": 1e999\n}");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 8);
  EXPECT_EQ(d.message, "invalid JSON: number overflow parsing '1e999'");
}

TEST(JsonLimits, TheElementsOfARootArrayGoToTheSinkInOrder) {
  std::vector<std::pair<std::size_t, json>> seen;
  const json rest = parse_json_bounded(R"([1, {"a": [2, 3]}, "s", [4], null])", "f.json",
                                       [&](std::size_t index, json& element) { seen.emplace_back(index, element); });
  EXPECT_EQ(rest, json::array());
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0], std::make_pair(std::size_t{0}, json(1)));
  EXPECT_EQ(seen[1], std::make_pair(std::size_t{1}, json::parse(R"({"a": [2, 3]})")));
  EXPECT_EQ(seen[2], std::make_pair(std::size_t{2}, json("s")));
  EXPECT_EQ(seen[3], std::make_pair(std::size_t{3}, json::parse("[4]")));
  EXPECT_EQ(seen[4], std::make_pair(std::size_t{4}, json(nullptr)));
}

TEST(JsonLimits, TheSinkMayTakeAnElementApart) {
  std::vector<std::string> names;
  parse_json_bounded(R"([{"name": "a long name that is not stored inline"}, {"name": "b"}])", "f.json",
                     [&](std::size_t, json& element) { names.push_back(std::move(element["name"].get_ref<std::string&>())); });
  EXPECT_EQ(names, (std::vector<std::string>{"a long name that is not stored inline", "b"}));
}

TEST(JsonLimits, AnObjectAtTheRootIsReturnedWhole) {
  int calls = 0;
  const json document = parse_json_bounded(R"({"a": [1, 2]})", "f.json", [&](std::size_t, json&) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(document, json::parse(R"({"a": [1, 2]})"));
}

TEST(JsonLimits, ElementsBeforeAProblemHaveReachedTheSinkWhenItIsThrown) {
  // A syntax error or nesting too deep stops the parse; a repeated key is reported at the end.
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {"[1, 2, x, 3]", 2}, {"[1, 2, " + nested_arrays(70) + ", 3]", 2}, {"[1, 2, {\"k\": 1, \"k\": 2}, 3]", 4}};
  for (const auto& [text, elements] : cases) {
    std::size_t calls = 0;
    EXPECT_THROW(parse_json_bounded(text, "f.json", [&](std::size_t, json&) { ++calls; }), InputError) << text;
    EXPECT_EQ(calls, elements) << text;
  }
  std::size_t calls = 0;
  try {
    parse_json_bounded("[1,\n {\"k\": 1, \"k\": 2}]", "f.json", [&](std::size_t, json&) { ++calls; });
    ADD_FAILURE() << "a repeated key in an element is accepted";
  } catch (const InputError& e) {
    const Diagnostic& d = e.diagnostics().items().front();
    EXPECT_EQ(d.line, 2);
    EXPECT_EQ(d.column, 11);
    EXPECT_EQ(d.message, "duplicate key \"k\"");
  }
  EXPECT_EQ(calls, 2u);
}

}  // namespace
}  // namespace claimcheck
