#include "io/digest.hpp"

#include <stdexcept>
#include <string>

#include <openssl/evp.h>

namespace claimcheck {

// Small additions (a claim key is dozens of short fields) are gathered and handed to libcrypto
// in blocks: each call into it costs more than hashing a short field.
constexpr std::size_t k_pending_bytes = 4096;

struct Sha256::State {
  EVP_MD_CTX* context = nullptr;
  std::string pending;  // added, not yet given to the context

  void flush() {
    EVP_DigestUpdate(context, pending.data(), pending.size());
    pending.clear();
  }
};

// The algorithm, looked up once per process rather than by every digest.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}

Sha256::Sha256() : m_state(std::make_unique<State>()) {
  m_state->context = EVP_MD_CTX_new();
  if (m_state->context == nullptr || EVP_DigestInit_ex(m_state->context, sha256_algorithm(), nullptr) != 1) {
    EVP_MD_CTX_free(m_state->context);
    throw std::runtime_error("cannot start a SHA-256 digest (libcrypto)");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(m_state->context); }

Sha256& Sha256::add(std::string_view bytes) {
  State& state = *m_state;
  if (bytes.size() >= k_pending_bytes) {
    state.flush();
    EVP_DigestUpdate(state.context, bytes.data(), bytes.size());
    return *this;
  }
  state.pending.append(bytes);
  if (state.pending.size() >= k_pending_bytes) state.flush();
  return *this;
}

void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// The encoding of append_field: the length, then the bytes through add(), which hashes a large
// field (a whole file) where it is rather than copying it first.
Sha256& Sha256::field(std::string_view field) {
  std::string& pending = m_state->pending;
  pending += std::to_string(field.size());
  pending += ':';
  return add(field);
}

std::string Sha256::hex() {
  m_state->flush();
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
