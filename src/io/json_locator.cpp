#include "io/json_locator.hpp"

#include <algorithm>
#include <array>

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

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The characters a skipped object or array is walked by: quotes (its strings are skipped whole)
// and brackets.
constexpr std::array<bool, 256> k_structural = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("\"{}[]")) table[c] = true;
  return table;
}();

std::size_t count_newlines(std::string_view text) {
  // Counted in blocks with a byte-wide sum, which the compiler turns into vector compares.
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); i += 255) {
    const std::size_t end = std::min(text.size(), i + 255);
    unsigned char block = 0;
    for (std::size_t j = i; j < end; ++j) block = static_cast<unsigned char>(block + (text[j] == '\n'));
    count += block;
  }
  return count;
}

// Strings are skipped whole (found with memchr), and lines are counted only up to the positions
// recorded, which come in the order of the text. Text that cannot be JSON ends the scan
// (a member without ':', elements without ',' between them, a value starting with punctuation),
// so that any text is scanned in one pass with a bounded number of records.
class Scanner {
 public:
  Scanner(std::string_view text, std::unordered_map<std::string, TextPosition>& values,
          std::unordered_map<std::string, TextPosition>& keys, std::size_t& root_size, int depth,
          std::string_view also)
      : m_text(text),
        m_values(values),
        m_keys(keys),
        m_root_size(root_size),
        m_depth(depth),
        m_also(also),
        m_record_keys(depth == std::numeric_limits<int>::max()) {}

  void run() {
    skip_space();
    value("", 0, true, false);
  }

 private:
  // The position of byte `offset`; positions are asked for in the order of the text.
  TextPosition position(std::size_t offset) {
    const std::size_t newlines = count_newlines(m_text.substr(m_counted, offset - m_counted));
    if (newlines > 0) {
      m_line += static_cast<int>(newlines);
      m_line_start = m_text.rfind('\n', offset - 1) + 1;
    }
    m_counted = offset;
    return TextPosition{m_line, static_cast<int>(offset - m_line_start) + 1, offset};
  }

  bool at(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }

  // Ends the scan: what follows is not JSON.
  void stop() { m_pos = m_text.size(); }

  // Past the ',' after a member or an element; stops at anything but ',' or `close`.
  void next_member(char close) {
    skip_space();
    if (at(',')) {
      ++m_pos;
      skip_space();
    } else if (!at(close)) {
      stop();
    }
  }

  void skip_space() {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
  }

  // Past a string, from its opening quote to after its closing one: the first quote after an
  // even number of backslashes.
  void skip_string() {
    const std::size_t open = m_pos;
    for (std::size_t quote = m_text.find('"', open + 1); quote != std::string_view::npos;
         quote = m_text.find('"', quote + 1)) {
      std::size_t backslash = quote;
      while (backslash > open + 1 && m_text[backslash - 1] == '\\') --backslash;
      if ((quote - backslash) % 2 == 0) {
        m_pos = quote + 1;
        return;
      }
    }
    m_pos = m_text.size();
  }

  // Past a value none of whose parts is recorded: brackets are counted, strings skipped whole.
  void skip_value() {
    if (m_pos >= m_text.size()) return;
    const char c = m_text[m_pos];
    if (c == '"') {
      skip_string();
    } else if (c == '{' || c == '[') {
      int open = 0;
      while (m_pos < m_text.size()) {
        const char d = m_text[m_pos];
        if (!k_structural[static_cast<unsigned char>(d)]) {
          ++m_pos;
        } else if (d == '"') {
          skip_string();
        } else {
          ++m_pos;
          open += d == '{' || d == '[' ? 1 : -1;
          if (open == 0) return;
        }
      }
    } else if (c == ',' || c == ':' || c == '}' || c == ']') {
      stop();
    } else {
      // A number or a literal.
      while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '}' && m_text[m_pos] != ']' &&
             !is_space(m_text[m_pos])) {
        ++m_pos;
      }
    }
  }

  std::string string_token() {
    std::string out;
    ++m_pos;  // opening quote
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
        ++m_pos;
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
        ++m_pos;
        continue;
      }
      out += m_text[m_pos];
      ++m_pos;
    }
    ++m_pos;  // closing quote
    return out;
  }

  // `recorded`: this value's position is kept; `members_recorded`: so are its members' (the
  // member named m_also just below the depth).
  void value(const std::string& pointer, int depth, bool recorded, bool members_recorded) {
    // Iterative over siblings, recursive over the recorded levels only.
    const bool children_recorded = depth < m_depth || members_recorded;
    if (recorded) m_values.emplace(pointer, position(m_pos));
    if (m_pos >= m_text.size()) return;
    const char c = m_text[m_pos];
    // Keys are read where a member of this object may be recorded.
    const bool look = children_recorded || (depth == m_depth && !m_also.empty());
    if (c == '{' && look) {
      ++m_pos;
      skip_space();
      while (m_pos < m_text.size() && m_text[m_pos] != '}') {
        if (depth == 0) ++m_root_size;
        const std::size_t key_offset = m_pos;
        skip_string();
        // Most keys hold no escape: their text is the key.
        std::string_view key = m_text.substr(key_offset + 1, m_pos - key_offset - 2);
        std::string unescaped;
        if (key.find('\\') != std::string_view::npos) {
          m_pos = key_offset;
          unescaped = string_token();
          key = unescaped;
        }
        const bool child_members = depth == m_depth && key == m_also;
        const bool child_recorded = children_recorded || child_members;
        std::string child;
        if (child_recorded) {
          child = pointer + "/" + pointer_token(key);
          if (m_record_keys) m_keys.emplace(child, position(key_offset));
        }
        skip_space();
        if (!at(':')) {
          stop();
          break;
        }
        ++m_pos;
        skip_space();
        if (child_recorded) {
          value(child, depth + 1, true, child_members);
        } else {
          skip_value();
        }
        next_member('}');
      }
      ++m_pos;
    } else if (c == '[' && children_recorded) {
      ++m_pos;
      skip_space();
      int index = 0;
      while (m_pos < m_text.size() && m_text[m_pos] != ']') {
        if (depth == 0) ++m_root_size;
        value(pointer + "/" + std::to_string(index), depth + 1, true, false);
        ++index;
        next_member(']');
      }
      ++m_pos;
    } else {
      skip_value();
    }
  }

  std::string_view m_text;
  std::unordered_map<std::string, TextPosition>& m_values;
  std::unordered_map<std::string, TextPosition>& m_keys;
  std::size_t& m_root_size;
  int m_depth;
  std::string_view m_also;
  bool m_record_keys;  // only a full scan records keys
  std::size_t m_pos = 0;
  std::size_t m_counted = 0;     // lines are counted up to here
  std::size_t m_line_start = 0;  // of the line holding m_counted
  int m_line = 1;                // of m_counted
};

}  // namespace

JsonLocator::JsonLocator(std::string_view text, int depth, std::string_view also) : m_text(text) {
  Scanner(text, m_values, m_keys, m_root_size, depth, also).run();
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
  const std::size_t end = m_text.find('\n', start);
  std::string_view out = m_text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

}  // namespace claimcheck
