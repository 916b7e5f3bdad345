#include "io/json_locator.hpp"

#include <vector>

namespace claimcheck {

std::string pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

class Scanner {
 public:
  Scanner(std::string_view text, std::map<std::string, TextPosition>& values,
          std::map<std::string, TextPosition>& keys, int depth, std::string_view also)
      : m_text(text), m_values(values), m_keys(keys), m_depth(depth), m_also(also) {}

  void run() {
    skip_space();
    value("", 0, true, false);
  }

 private:
  TextPosition here() const { return TextPosition{m_line, static_cast<int>(m_pos - m_line_start) + 1, m_pos}; }

  void advance() {
    if (m_pos < m_text.size() && m_text[m_pos] == '\n') {
      ++m_line;
      m_line_start = m_pos + 1;
    }
    ++m_pos;
  }

  void skip_space() {
    while (m_pos < m_text.size() &&
           (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
      advance();
    }
  }

  // Past a string, from its opening quote to after its closing one (strings hold no newline).
  void skip_string() {
    ++m_pos;
    while (m_pos < m_text.size() && m_text[m_pos] != '"') m_pos += m_text[m_pos] == '\\' ? 2 : 1;
    ++m_pos;
  }

  std::string string_token() {
    std::string out;
    advance();  // opening quote
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
        advance();
        const char e = m_text[m_pos];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u':
            // Keys with \u escapes are rare in claims; keep the escape text so lookups still work.
            out += "\\u";
            break;
          default: out += e;
        }
        advance();
        continue;
      }
      out += m_text[m_pos];
      advance();
    }
    advance();  // closing quote
    return out;
  }

  // `recorded`: this value's position is kept; `members_recorded`: so are its members' (the
  // member named m_also just below the depth).
  void value(const std::string& pointer, int depth, bool recorded, bool members_recorded) {
    // Iterative over siblings, recursive over depth: depth is bounded by parse_json_bounded.
    const bool children_recorded = depth < m_depth || members_recorded;
    if (recorded) m_values.emplace(pointer, here());
    if (m_pos >= m_text.size()) return;
    const char c = m_text[m_pos];
    if (c == '{') {
      advance();
      skip_space();
      while (m_pos < m_text.size() && m_text[m_pos] != '}') {
        const TextPosition key_position = here();
        std::string child;
        bool child_members = false;
        const bool look = children_recorded || (depth == m_depth && !m_also.empty());
        if (look) {
          const std::string key = string_token();
          child_members = depth == m_depth && key == m_also;
          if (children_recorded || child_members) {
            child = pointer + "/" + pointer_token(key);
            m_keys.emplace(child, key_position);
          }
        } else {
          skip_string();
        }
        skip_space();
        advance();  // ':'
        skip_space();
        value(child, depth + 1, children_recorded || child_members, child_members);
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == ',') {
          advance();
          skip_space();
        }
      }
      advance();
    } else if (c == '[') {
      advance();
      skip_space();
      int index = 0;
      while (m_pos < m_text.size() && m_text[m_pos] != ']') {
        value(children_recorded ? pointer + "/" + std::to_string(index) : std::string(), depth + 1, children_recorded,
              false);
        ++index;
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == ',') {
          advance();
          skip_space();
        }
      }
      advance();
    } else if (c == '"') {
      skip_string();
    } else {
      while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '}' && m_text[m_pos] != ']' &&
             m_text[m_pos] != ' ' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r' && m_text[m_pos] != '\t') {
        advance();
      }
    }
  }

  std::string_view m_text;
  std::map<std::string, TextPosition>& m_values;
  std::map<std::string, TextPosition>& m_keys;
  int m_depth;
  std::string_view m_also;
  std::size_t m_pos = 0;
  std::size_t m_line_start = 0;
  int m_line = 1;
};

}  // namespace

JsonLocator::JsonLocator(std::string_view text, int depth, std::string_view also) : m_text(text) {
  Scanner(text, m_values, m_keys, depth, also).run();
}

TextPosition JsonLocator::value(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto it = m_values.find(p); it != m_values.end()) return it->second;
    if (p.empty()) return TextPosition{1, 1, 0};
    p.erase(p.rfind('/'));
  }
}

TextPosition JsonLocator::key(const std::string& pointer) const {
  if (auto it = m_keys.find(pointer); it != m_keys.end()) return it->second;
  return value(pointer);
}

std::string_view JsonLocator::line_text(int line) const {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = m_text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = m_text.find('\n', start);
  std::string_view out = m_text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

}  // namespace claimcheck
