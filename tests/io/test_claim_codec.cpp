#include "io/claim_codec.hpp"

#include <gtest/gtest.h>

#include "cli/claim_checks.hpp"
#include "io/claim_loader.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

// A claim with every field set to something other than its default.
Claim every_field_set() {
  Claim c;
  c.id = "every-field";
  c.title = "T\xc3\xa9tle with \"quotes\" and a\nnewline";
  c.source = Source{"Paper", "Fig. 3", "the quote", "https://x.org", "10.1/2", "paper/main.tex", 42};
  c.tool = "timeloop";
  c.mode = Mode::reread;
  c.workload = Spec{"W", "w.yaml", nullptr};
  c.hardware = Spec{"H", std::nullopt, nlohmann::json{{"a", 1}, {"b", {1.5, -2, "x", nullptr, true}}, {"c", 1e300}}};
  c.metric = "accesses.DRAM.Weights.reads";
  c.expected.kind = Expected::Kind::range;
  c.expected.value = -0.0;
  c.expected.min = 1.25;
  c.expected.max = 7e-9;
  c.expected.unit = Unit{"GB/s", Dimension::data_rate, 1e9};
  c.expected.tolerance = Tolerance{0.05, 3.0};
  c.expected.decimals = -5;
  c.artifact = "out/stats.txt";
  c.inputs = {"a.yaml", "", "b/c.yaml"};
  c.extract.kind = Extract::Kind::csv;
  c.extract.json_pointer = "/p";
  c.extract.column = "col";
  c.extract.where = {{"k1", "v1"}, {"k2", ""}};
  c.extract.aggregate = "p95";
  c.extract.pattern = "(\\d+)";
  c.extract.occurrence = -1;
  c.measured_unit = Unit{"cycle", Dimension::cycles, 1.0};
  c.options = nlohmann::json{{"mapper", {{"search", "exhaustive"}, {"timeout", 100}}}, {"u", 18446744073709551615ull}};
  c.tags = {"t1", "t2"};
  c.cache = false;
  c.derived = Derivation{DerivedOp::relative_error, {"a", "b*"}};
  c.location = ClaimLocation{"claims/x.claim.json", "/3", 17, 5};
  return c;
}

TEST(ClaimCodec, EveryFieldRoundTrips) {
  const std::vector<Claim> claims = {every_field_set(), Claim{}, every_field_set()};
  const auto decoded = decode_claims(encode_claims(claims));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[0], claims[0]);
  EXPECT_EQ((*decoded)[1], claims[1]);
  // JSON numbers keep their kind (an unsigned stays unsigned, a float a float).
  EXPECT_TRUE((*decoded)[0].options["u"].is_number_unsigned());
  EXPECT_TRUE((*decoded)[0].hardware.inline_spec["b"][0].is_number_float());
  EXPECT_TRUE((*decoded)[0].hardware.inline_spec["b"][1].is_number_integer());
  EXPECT_TRUE(std::signbit((*decoded)[0].expected.value));
}

TEST(ClaimCodec, EmptyListRoundTrips) {
  const auto decoded = decode_claims(encode_claims({}));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

TEST(ClaimCodec, TheShippedClaimsRoundTripEqual) {
  const fs::path claims = fs::path(CLAIMCHECK_TEST_DIR) / ".." / "claims";
  Diagnostics found;
  const LoadResult loaded = load_claims(find_claim_files({claims}, found), validate_with_adapter);
  ASSERT_TRUE(found.empty());
  ASSERT_TRUE(loaded.diagnostics.empty());
  ASSERT_GT(loaded.claims.size(), 500u);
  const auto decoded = decode_claims(encode_claims(loaded.claims));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), loaded.claims.size());
  for (std::size_t i = 0; i < decoded->size(); ++i) EXPECT_EQ((*decoded)[i], loaded.claims[i]) << loaded.claims[i].id;
}

TEST(ClaimCodec, EveryTruncationIsRefused) {
  const std::string bytes = encode_claims({every_field_set(), every_field_set()});
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_claims(std::string_view(bytes).substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(decode_claims(bytes + "x").has_value());
}

TEST(ClaimCodec, AnotherFormatOrADamagedCountOrEnumeratorIsRefused) {
  std::string bytes = encode_claims({every_field_set()});
  std::string other = bytes;
  other[7] = '2';  // "claims 2"
  EXPECT_FALSE(decode_claims(other).has_value());
  // The claim count (after the 9-byte tag) claims more than the bytes could hold.
  std::string count = bytes;
  count[9 + 5] = '\x7f';
  EXPECT_FALSE(decode_claims(count).has_value());
  // The mode byte, after the id, the title, six source strings and the line: 2 is no mode.
  const Claim c = every_field_set();
  std::size_t at = 9 + 8 + (8 + c.id.size()) + (8 + c.title.size());
  for (const std::string* s : {&c.source.paper, &c.source.where, &c.source.quote, &c.source.url, &c.source.doi,
                               &c.source.file}) {
    at += 8 + s->size();
  }
  at += 8 + 8 + c.tool.size();
  ASSERT_EQ(bytes[at], '\x01');  // Mode::reread
  bytes[at] = '\x02';
  EXPECT_FALSE(decode_claims(bytes).has_value());
}

}  // namespace
}  // namespace claimcheck
