#include "io/json_plain.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "io/json_limits.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;

// Recursive descent over the text; every method returns false where the text leaves the subset,
// and the reader then gives nothing.
class PlainReader {
 public:
  explicit PlainReader(std::string_view text) : m_at(text.data()), m_end(text.data() + text.size()) {}

  bool document(json& out) {
    space();
    if (!value(out, 0)) return false;
    space();
    return m_at == m_end;
  }

 private:
  void space() {
    while (m_at < m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t')) ++m_at;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(m_end - m_at) < word.size() || std::memcmp(m_at, word.data(), word.size()) != 0) {
      return false;
    }
    m_at += word.size();
    return true;
  }

  // `depth`: containers open around the value (parse_json_bounded's limit counts them).
  bool value(json& out, int depth) {
    if (m_at == m_end) return false;
    switch (*m_at) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': {
        std::string text;
        if (!string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't': out = true; return literal("true");
      case 'f': out = false; return literal("false");
      case 'n': out = nullptr; return literal("null");
      default: return number(out);
    }
  }

  bool object(json& out, int depth) {
    if (depth > k_max_json_depth) return false;
    ++m_at;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    space();
    if (m_at < m_end && *m_at == '}') {
      ++m_at;
      return true;
    }
    for (;;) {
      if (m_at == m_end || *m_at != '"') return false;
      std::string key;
      if (!string(key)) return false;
      space();
      if (m_at == m_end || *m_at != ':') return false;
      ++m_at;
      space();
      auto [member, added] = members.emplace(std::move(key), json());
      if (!added || !value(member->second, depth)) return false;
      space();
      if (m_at == m_end) return false;
      if (*m_at == '}') {
        ++m_at;
        return true;
      }
      if (*m_at != ',') return false;
      ++m_at;
      space();
    }
  }

  bool array(json& out, int depth) {
    if (depth > k_max_json_depth) return false;
    ++m_at;
    out = json::array();
    auto& elements = out.get_ref<json::array_t&>();
    space();
    if (m_at < m_end && *m_at == ']') {
      ++m_at;
      return true;
    }
    for (;;) {
      if (!value(elements.emplace_back(), depth)) return false;
      space();
      if (m_at == m_end) return false;
      if (*m_at == ']') {
        ++m_at;
        return true;
      }
      if (*m_at != ',') return false;
      ++m_at;
      space();
    }
  }

  // The length of the well-formed UTF-8 sequence (RFC 3629) starting at m_at, a byte >= 0x80;
  // 0 when it is not one.
  std::size_t utf8_length() const {
    const auto* p = reinterpret_cast<const unsigned char*>(m_at);
    const std::size_t left = static_cast<std::size_t>(m_end - m_at);
    auto in = [](unsigned char c, unsigned low, unsigned high) { return c >= low && c <= high; };
    auto tail = [&](std::size_t n) {
      for (std::size_t k = 1; k < n; ++k) {
        if (!in(p[k], 0x80, 0xBF)) return false;
      }
      return true;
    };
    const unsigned char c = p[0];
    if (in(c, 0xC2, 0xDF)) return left >= 2 && tail(2) ? 2 : 0;
    if (in(c, 0xE0, 0xEF)) {
      if (left < 3 || !tail(3)) return 0;
      if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
      if (c == 0xED && p[1] > 0x9F) return 0;  // a surrogate
      return 3;
    }
    if (in(c, 0xF0, 0xF4)) {
      if (left < 4 || !tail(4)) return 0;
      if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
      if (c == 0xF4 && p[1] > 0x8F) return 0;  // past U+10FFFF
      return 4;
    }
    return 0;
  }

  bool string(std::string& out) {
    ++m_at;  // the opening quote
    const char* run = m_at;  // bytes copied as they are, up to m_at
    while (m_at < m_end) {
      const auto c = static_cast<unsigned char>(*m_at);
      if (c == '"') {
        out.append(run, m_at);
        ++m_at;
        return true;
      }
      if (c < 0x20) return false;  // a control character must be escaped
      if (c < 0x80 && c != '\\') {
        ++m_at;
        continue;
      }
      if (c >= 0x80) {
        const std::size_t length = utf8_length();
        if (length == 0) return false;
        m_at += length;
        continue;
      }
      out.append(run, m_at);
      if (++m_at == m_end) return false;
      switch (*m_at) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default: return false;  // \u (and anything invalid)
      }
      run = ++m_at;
    }
    return false;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // As nlohmann's lexer: an integer without '-' is unsigned, with '-' signed; one that does not
  // fit, or with a fraction or exponent, a double (correctly rounded, as strtod).
  bool number(json& out) {
    const char* start = m_at;
    bool integral = true;
    if (m_at < m_end && *m_at == '-') ++m_at;
    if (m_at == m_end || !digit(*m_at)) return false;
    if (*m_at == '0') {
      ++m_at;
    } else {
      while (m_at < m_end && digit(*m_at)) ++m_at;
    }
    if (m_at < m_end && *m_at == '.') {
      integral = false;
      ++m_at;
      if (m_at == m_end || !digit(*m_at)) return false;
      while (m_at < m_end && digit(*m_at)) ++m_at;
    }
    if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
      integral = false;
      ++m_at;
      if (m_at < m_end && (*m_at == '+' || *m_at == '-')) ++m_at;
      if (m_at == m_end || !digit(*m_at)) return false;
      while (m_at < m_end && digit(*m_at)) ++m_at;
    }
    if (integral) {
      if (*start == '-') {
        std::int64_t v = 0;
        if (std::from_chars(start, m_at, v).ec == std::errc()) {
          out = static_cast<json::number_integer_t>(v);
          return true;
        }
      } else {
        std::uint64_t v = 0;
        if (std::from_chars(start, m_at, v).ec == std::errc()) {
          out = static_cast<json::number_unsigned_t>(v);
          return true;
        }
      }
    }
    // A value out of a double's range (overflow, or underflow to zero) is left to nlohmann.
    double v = 0.0;
    if (std::from_chars(start, m_at, v).ec != std::errc()) return false;
    out = v;
    return true;
  }

  const char* m_at;
  const char* m_end;
};

}  // namespace

std::optional<nlohmann::json> parse_plain_json(std::string_view text) {
  json document;
  PlainReader reader(text);
  if (!reader.document(document)) return std::nullopt;
  return document;
}

}  // namespace claimcheck
