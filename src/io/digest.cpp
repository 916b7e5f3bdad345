#include "io/digest.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace claimcheck {

struct Sha256::State {
  EVP_MD_CTX* context = nullptr;
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
  m_state->context = EVP_MD_CTX_new();
  if (m_state->context == nullptr || EVP_DigestInit_ex(m_state->context, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(m_state->context);
    throw std::runtime_error("cannot start a SHA-256 digest (libcrypto)");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(m_state->context); }

Sha256& Sha256::add(std::string_view bytes) {
  EVP_DigestUpdate(m_state->context, bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::field(std::string_view field) {
  add(std::to_string(field.size()));
  add(":");
  return add(field);
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(m_state->context, digest, &size);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) { return Sha256().add(bytes).hex(); }

}  // namespace claimcheck
