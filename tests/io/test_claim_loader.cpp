#include "io/claim_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "io/claim_codec.hpp"
#include "io/file_read.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

std::string errors_of(std::string_view text) {
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  std::string out;
  for (const auto& d : r.diagnostics.items()) out += format_diagnostic(d);
  return out;
}

constexpr std::string_view k_valid = R"({
  "id": "x-1",
  "title": "T",
  "source": {"paper": "P", "where": "Fig. 1"},
  "tool": "artifact",
  "mode": "reread",
  "metric": "cycles",
  "artifact": "a.json",
  "extract": {"json_pointer": "/a"},
  "expected": {"value": 10, "unit": "ms"},
  "tolerance": {"relative": 0.05}
})";

TEST(ClaimLoader, ParsesAValidClaimIntoTypedValues) {
  const LoadResult r = parse_claim_text(k_valid, "c.claim.json");
  ASSERT_TRUE(r.diagnostics.empty()) << errors_of(k_valid);
  ASSERT_EQ(r.claims.size(), 1u);
  const Claim& c = r.claims[0];
  EXPECT_EQ(c.id, "x-1");
  EXPECT_EQ(c.mode, Mode::reread);
  EXPECT_EQ(c.expected.kind, Expected::Kind::value);
  EXPECT_EQ(c.expected.value, 10);
  EXPECT_EQ(c.expected.unit.symbol, "ms");
  EXPECT_EQ(c.expected.tolerance.relative, 0.05);
  EXPECT_FALSE(c.expected.tolerance.absolute.has_value());
  EXPECT_EQ(c.extract.kind, Extract::Kind::json_pointer);
  EXPECT_EQ(c.extract.json_pointer, "/a");
  EXPECT_EQ(c.location.line, 1);
  EXPECT_EQ(c.location.column, 1);
}

TEST(ClaimLoader, UnknownKeyNamesPositionAndSuggests) {
  std::string text(k_valid);
  text.replace(text.find("\"tolerance\""), 11, "\"tolerence\"");
  EXPECT_EQ(errors_of(text),
            "claimcheck: error: c.claim.json:11:3 (/tolerence): unknown key \"tolerence\"\n"
            "      \"tolerence\": {\"relative\": 0.05}\n"
            "      ^\n"
            "  hint: did you mean \"tolerance\"?\n");
}

TEST(ClaimLoader, ReportsEveryProblemNotOnlyTheFirst) {
  const std::string text = R"({
  "id": "bad id",
  "title": "",
  "source": {"paper": "P"},
  "tool": "artifact",
  "metric": "m",
  "expected": {"value": "10", "unit": "mss"}
})";
  EXPECT_EQ(errors_of(text),
            "claimcheck: error: c.claim.json:2:9 (/id): id \"bad id\" may contain only letters, digits, '-', '_' and '.' (at most 200)\n"
            "      \"id\": \"bad id\",\n"
            "            ^\n"
            "claimcheck: error: c.claim.json:3:12 (/title): \"title\" must not be empty\n"
            "      \"title\": \"\",\n"
            "               ^\n"
            "claimcheck: error: c.claim.json:4:13 (/source): missing required key \"where\"\n"
            "      \"source\": {\"paper\": \"P\"},\n"
            "                ^\n"
            "claimcheck: error: c.claim.json:7:39 (/expected/unit): unknown unit \"mss\"\n"
            "      \"expected\": {\"value\": \"10\", \"unit\": \"mss\"}\n"
            "                                          ^\n"
            "  hint: did you mean \"ms\"?\n"
            "claimcheck: error: c.claim.json:7:25 (/expected/value): \"value\" must be a number, not string\n"
            "      \"expected\": {\"value\": \"10\", \"unit\": \"mss\"}\n"
            "                            ^\n");
}

TEST(ClaimLoader, SyntaxErrorHasLineAndColumn) {
  const std::string out = errors_of("{\n  \"id\": \"a\",\n  \"title\" \"t\"\n}");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "claimcheck: error: c.claim.json:3:13: invalid JSON: syntax error while parsing object separator - "
            "unexpected string literal; expected ':'");
}

TEST(ClaimLoader, ExpectedFormsAreExclusive) {
  std::string text(k_valid);
  text.replace(text.find("\"value\": 10"), 11, "\"value\": 10, \"at_most\": 3");
  EXPECT_NE(errors_of(text).find("(/expected): \"expected\" must use exactly one form"), std::string::npos);
  std::string range(k_valid);
  range.replace(range.find("\"value\": 10"), 11, "\"min\": 3, \"max\": 2");
  range.erase(range.find(",\n  \"tolerance\""), range.find("\n}") - range.find(",\n  \"tolerance\""));
  EXPECT_NE(errors_of(range).find("(/expected/min): \"min\" is greater than \"max\""), std::string::npos);
}

TEST(ClaimLoader, ToleranceIsAFractionBelowOne) {
  std::string text(k_valid);
  text.replace(text.find("0.05"), 4, "5");
  EXPECT_NE(errors_of(text).find("relative tolerance 5 is 100% or more\n"), std::string::npos);
  EXPECT_NE(errors_of(text).find("hint: write it as a fraction: 0.05 means 5%"), std::string::npos);
}

TEST(ClaimLoader, RereadNeedsArtifact) {
  std::string text(k_valid);
  text.erase(text.find("  \"artifact\": \"a.json\",\n"), 25);
  EXPECT_NE(errors_of(text).find("a claim with mode \"reread\" needs \"artifact\""), std::string::npos);
}

TEST(ClaimLoader, RegexMustHaveOneGroup) {
  std::string text(k_valid);
  text.replace(text.find("\"json_pointer\": \"/a\""), 20, "\"regex\": \"a(b)(c)\"");
  EXPECT_NE(errors_of(text).find("(/extract/regex): regex must have exactly one capture group, it has 2"),
            std::string::npos);
}

TEST(ClaimLoader, ArraysLocateEachClaim) {
  const std::string text = "[\n" + std::string(k_valid) + ",\n" + std::string(k_valid) + "\n]";
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  ASSERT_EQ(r.claims.size(), 2u);
  EXPECT_EQ(r.claims[0].location.pointer, "/0");
  EXPECT_EQ(r.claims[1].location.pointer, "/1");
  EXPECT_EQ(r.claims[1].location.line, 14);
}

TEST(ClaimLoader, DeepNestingIsRefused) {
  std::string text = "{\"id\":" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_NE(errors_of(text).find("c.claim.json:1:70: JSON nests deeper than 64 levels"), std::string::npos);
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

std::string with(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(ClaimLoader, ExpectedRemembersItsPrintedDigits) {
  const auto decimals = [](const std::string& literal) {
    const LoadResult r = parse_claim_text(with(std::string(k_valid), "\"value\": 10", "\"value\": " + literal), "c.claim.json");
    return r.claims.at(0).expected.decimals;
  };
  EXPECT_EQ(decimals("2.30"), 2);  // the trailing zero says how precisely the paper prints it
  EXPECT_EQ(decimals("1.0"), 1);
  EXPECT_EQ(decimals("32768"), 0);
  EXPECT_EQ(decimals("4.52e8"), -6);
  const LoadResult range = parse_claim_text(with(std::string(k_valid), "\"value\": 10, \"unit\": \"ms\"},\n  \"tolerance\": {\"relative\": 0.05}",
                                                 "\"min\": 8.6, \"max\": 9.98, \"unit\": \"ms\"}"),
                                            "c.claim.json");
  ASSERT_TRUE(range.diagnostics.empty());
  EXPECT_EQ(range.claims[0].expected.decimals, 2);  // the finer bound
}

TEST(ClaimLoader, ASourceCanNameThePaperFile) {
  const std::string text = with(std::string(k_valid), R"("source": {"paper": "P", "where": "Fig. 1"})",
                                R"("source": {"paper": "P", "file": "../paper/main.tex", "line": 12, "quote": "2.33 ms"})");
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  ASSERT_TRUE(r.diagnostics.empty()) << errors_of(text);
  EXPECT_EQ(r.claims[0].source.file, "../paper/main.tex");
  EXPECT_EQ(r.claims[0].source.line, 12);
  EXPECT_EQ(r.claims[0].source.where, "");
  EXPECT_EQ(errors_of(with(std::string(k_valid), R"("where": "Fig. 1")", R"("file": "main.tex")")),
            "claimcheck: error: c.claim.json:4:13 (/source): a source with \"file\" needs \"quote\": the text around the "
            "number, as the paper prints it\n"
            "      \"source\": {\"paper\": \"P\", \"file\": \"main.tex\"},\n"
            "                ^\n"
            "  hint: `claimcheck cover` finds the quote in the file and checks its number\n");
  EXPECT_NE(errors_of(with(std::string(k_valid), R"("where": "Fig. 1")", R"("where": "W", "line": 3)"))
                .find("(/source/line): \"line\" goes with \"file\""),
            std::string::npos);
}

TEST(ClaimLoader, ADerivedClaimNamesItsOperands) {
  const std::string text = R"([
  {"id": "a", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact", "mode": "reread",
   "metric": "m", "artifact": "a.json", "extract": {"json_pointer": "/a"}, "expected": {"value": 2, "unit": "ms"}},
  {"id": "speedup", "title": "2x faster", "source": {"paper": "P", "where": "W"},
   "derived": {"op": "ratio", "of": ["a", "a"]}, "expected": {"value": 1, "unit": "x"}}
])";
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  ASSERT_TRUE(r.diagnostics.empty()) << errors_of(text);
  const Claim& d = r.claims[1];
  ASSERT_TRUE(d.derived);
  EXPECT_EQ(d.derived->op, DerivedOp::ratio);
  EXPECT_EQ(d.derived->operands, (std::vector<std::string>{"a", "a"}));
  EXPECT_EQ(d.tool, "derived");
  EXPECT_EQ(d.metric, "ratio(a, a)");
  EXPECT_EQ(errors_of(R"({"id": "d", "title": "T", "source": {"paper": "P", "where": "W"}, "tool": "artifact",
    "derived": {"op": "quotient", "of": []}, "expected": {"value": 1, "unit": "x"}})"),
            "claimcheck: error: c.claim.json:1:75 (/tool): a derived claim has no \"tool\"\n"
            "    {\"id\": \"d\", \"title\": \"T\", \"source\": {\"paper\": \"P\", \"where\": \"W\"}, \"tool\": \"artifact\",\n"
            "                                                                              ^\n"
            "  hint: its value comes from the claims named in \"derived\"\n"
            "claimcheck: error: c.claim.json:2:23 (/derived/op): unknown derived op \"quotient\"\n"
            "        \"derived\": {\"op\": \"quotient\", \"of\": []}, \"expected\": {\"value\": 1, \"unit\": \"x\"}}\n"
            "                          ^\n"
            "  hint: use ratio, difference, percent_change, relative_error, mean\n"
            "claimcheck: error: c.claim.json:2:41 (/derived/of): \"of\" must be a non-empty array of claim ids\n"
            "        \"derived\": {\"op\": \"quotient\", \"of\": []}, \"expected\": {\"value\": 1, \"unit\": \"x\"}}\n"
            "                                            ^\n");
}

// Claims of an array are read while the file is parsed; a problem with the JSON further on is
// then the only one reported, and no claim of the file is kept.
TEST(ClaimLoader, AProblemWithTheJsonAfterSomeClaimsIsTheOnlyOneReported) {
  std::string unknown_key(k_valid);
  unknown_key.replace(unknown_key.find("\"tolerance\""), 11, "\"tolerence\"");
  const std::string claims = "[\n" + std::string(k_valid) + ",\n" + unknown_key + ",\n";
  const std::string deep = claims + "{\"id\": " + std::string(70, '[') + std::string(70, ']') + "}\n]";
  LoadResult r = parse_claim_text(deep, "c.claim.json");
  EXPECT_TRUE(r.claims.empty());
  EXPECT_EQ(errors_of(deep), "claimcheck: error: c.claim.json:26:70: JSON nests deeper than 64 levels\n"
                             "    {\"id\": " + std::string(70, '[') + std::string(70, ']') + "}\n" +
                                 std::string(4 + 69, ' ') + "^\n");
  const std::string repeated = claims + "{\"id\": \"a\", \"id\": \"b\"}\n]";
  r = parse_claim_text(repeated, "c.claim.json");
  EXPECT_TRUE(r.claims.empty());
  EXPECT_EQ(errors_of(repeated), "claimcheck: error: c.claim.json:26:13: duplicate key \"id\"\n"
                                 "    {\"id\": \"a\", \"id\": \"b\"}\n"
                                 "                ^\n"
                                 "  hint: a key may appear once per object; readers disagree on which value counts\n");
  const std::string syntax = claims + "{\"id\" \"a\"}\n]";
  r = parse_claim_text(syntax, "c.claim.json");
  EXPECT_TRUE(r.claims.empty());
  const std::string out = errors_of(syntax);
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "claimcheck: error: c.claim.json:26:9: invalid JSON: syntax error while parsing object separator - "
            "unexpected string literal; expected ':'");
}

TEST(ClaimLoader, AnArrayKeepsItsClaimsInOrderWithTheirProblems) {
  std::string unknown_key(k_valid);
  unknown_key.replace(unknown_key.find("\"tolerance\""), 11, "\"tolerence\"");
  const std::string text = "[\n" + with(std::string(k_valid), "x-1", "x-0") + ",\n" + unknown_key + ",\n" +
                           with(std::string(k_valid), "x-1", "x-2") + "\n]";
  const LoadResult r = parse_claim_text(text, "c.claim.json");
  ASSERT_EQ(r.claims.size(), 2u);
  EXPECT_EQ(r.claims[0].id, "x-0");
  EXPECT_EQ(r.claims[0].location, (ClaimLocation{"c.claim.json", "/0", 2, 1}));
  EXPECT_EQ(r.claims[1].id, "x-2");
  EXPECT_EQ(r.claims[1].location, (ClaimLocation{"c.claim.json", "/2", 26, 1}));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics.items()[0].pointer, "/1/tolerence");
  EXPECT_EQ(r.diagnostics.items()[0].line, 24);
  EXPECT_EQ(r.diagnostics.items()[0].column, 3);
  EXPECT_EQ(errors_of("[]"), "claimcheck: error: c.claim.json:1:1: the file holds an empty array; expected at least one claim\n"
                             "    []\n"
                             "    ^\n");
}

// The cache of claim files as read: a file read before comes from its entry; any change to the
// file's text, its name or the build is a miss; a damaged entry is a miss and is written again.
TEST(ClaimLoaderCache, AFileReadBeforeComesFromItsEntryAndAnyChangeIsAMiss) {
  test::TempDir dir;
  const std::filesystem::path file = dir.write("c.claim.json", std::string(k_valid));
  const ResultCache store(dir.path() / "cache");
  const ClaimFileCache cache{&store, "build 1"};
  const LoadResult first = load_claims({file}, nullptr, cache);
  ASSERT_TRUE(first.diagnostics.empty());
  ASSERT_EQ(first.claims.size(), 1u);
  const std::string key = claim_file_key(cache, file, k_valid);
  std::string buffer;
  const auto entry = store.find_entry(k_claim_file_cache_folder, key, buffer);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(decode_claims(*entry), first.claims);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "cache" / "CACHEDIR.TAG"));

  // An entry that says something else proves the second load reads it, not the file.
  std::vector<Claim> altered = first.claims;
  altered[0].title = "from the cache";
  std::string error;
  store.store_entry(k_claim_file_cache_folder, key, encode_claims(altered), error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(load_claims({file}, nullptr, cache).claims[0].title, "from the cache");
  // Another build, or no cache, parses the file.
  EXPECT_EQ(load_claims({file}, nullptr, ClaimFileCache{&store, "build 2"}).claims[0].title, "T");
  EXPECT_EQ(load_claims({file}, nullptr).claims[0].title, "T");
  // A changed text is another key.
  std::string edited(k_valid);
  edited.replace(edited.find("\"T\""), 3, "\"U\"");
  dir.write("c.claim.json", edited);
  EXPECT_EQ(load_claims({file}, nullptr, cache).claims[0].title, "U");
  dir.write("c.claim.json", std::string(k_valid));
  EXPECT_EQ(load_claims({file}, nullptr, cache).claims[0].title, "from the cache");

  // A damaged entry (one byte changed, or cut short) is ignored, and replaced by the file's claims.
  const std::filesystem::path path = dir.path() / "cache" / "claims" / key.substr(0, 2) / key;
  std::string bytes = *read_file(path);
  bytes[bytes.size() / 2] ^= 1;
  std::filesystem::remove(path);
  { std::ofstream(path, std::ios::binary) << bytes; }
  EXPECT_EQ(load_claims({file}, nullptr, cache).claims, first.claims);
  EXPECT_EQ(decode_claims(*store.find_entry(k_claim_file_cache_folder, key, buffer)), first.claims);
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 3); }
  EXPECT_EQ(load_claims({file}, nullptr, cache).claims, first.claims);
}

TEST(ClaimLoaderCache, AFileWithProblemsIsNotKeptAndReportsThemEachTime) {
  test::TempDir dir;
  std::string text(k_valid);
  text.replace(text.find("\"tolerance\""), 11, "\"tolerence\"");
  const std::filesystem::path file = dir.write("c.claim.json", text);
  const ResultCache store(dir.path() / "cache");
  const ClaimFileCache cache{&store, "build 1"};
  for (int i = 0; i < 2; ++i) {
    const LoadResult r = load_claims({file}, nullptr, cache);
    EXPECT_TRUE(r.claims.empty());
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].pointer, "/tolerence");
  }
  std::string buffer;
  EXPECT_FALSE(store.find_entry(k_claim_file_cache_folder, claim_file_key(cache, file, text), buffer).has_value());
}

}  // namespace
}  // namespace claimcheck
