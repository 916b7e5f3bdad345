// SHA-256 (the result cache's content addresses) against the published test vectors, and the
// length-prefixed field encoding that keys share whether digested or compared as text.

#include <gtest/gtest.h>

#include "io/digest.hpp"

namespace claimcheck {
namespace {

// FIPS 180-2, appendix B.1 and B.3.
constexpr const char* k_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* k_million_a = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Digest, PublishedVectors) {
  EXPECT_EQ(sha256_hex("abc"), k_abc);
  Sha256 pieces;
  pieces.add("a").add("b").add("c");
  EXPECT_EQ(pieces.hex(), k_abc);
  // A million 'a's in pieces below and above the size gathered before libcrypto is called.
  const std::string small(100, 'a');
  const std::string large(7000, 'a');
  Sha256 million;
  std::size_t added = 0;
  for (int i = 0; added < 1'000'000; ++i) {
    const std::string& piece = i % 3 == 2 ? large : small;
    const std::size_t n = std::min(piece.size(), 1'000'000 - added);
    million.add(std::string_view(piece).substr(0, n));
    added += n;
  }
  EXPECT_EQ(million.hex(), k_million_a);
}

TEST(Digest, FieldsHaveOneEncoding) {
  std::string text;
  append_field(text, "ab");
  append_field(text, "c");
  append_field(text, "");
  EXPECT_EQ(text, "2:ab1:c0:");
  Sha256 fields;
  fields.field("ab").field("c").field("");
  EXPECT_EQ(fields.hex(), sha256_hex("2:ab1:c0:"));
  Sha256 other;
  other.field("a").field("bc").field("");
  EXPECT_NE(other.hex(), sha256_hex("2:ab1:c0:"));
  // A field longer than the gathered block is encoded the same way.
  const std::string long_field(5000, 'x');
  Sha256 long_one;
  long_one.field(long_field);
  EXPECT_EQ(long_one.hex(), sha256_hex("5000:" + long_field));
}

}  // namespace
}  // namespace claimcheck
