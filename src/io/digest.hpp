#pragma once
// SHA-256 digests (OpenSSL's libcrypto) for content addresses: the result cache's keys.

#include <memory>
#include <string>
#include <string_view>

namespace claimcheck {

// An incremental SHA-256: add() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds `bytes` as they are.
  Sha256& add(std::string_view bytes);
  // Adds `field` with its length first, so that a sequence of fields has one encoding
  // ("ab","c" and "a","bc" differ).
  Sha256& field(std::string_view field);
  // The digest as 64 lowercase hex digits; the object may not be used after.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// Appends `field` to `out` with its length first ("3:abc"), so that a sequence of fields has one
// encoding: the encoding of Sha256::field, for keys compared as text rather than digested.
void append_field(std::string& out, std::string_view field);

}  // namespace claimcheck
