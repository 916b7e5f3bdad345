#pragma once
// Maps JSON pointers to line:column in the text they were parsed from. nlohmann/json reports
// positions only for syntax errors, so diagnostics about valid JSON (an unknown key, a value of
// the wrong type) locate themselves with this scanner.

#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>

namespace claimcheck {

struct TextPosition {
  int line = 0;            // 1-based
  int column = 0;          // 1-based
  std::size_t offset = 0;  // byte offset
  bool operator==(const TextPosition&) const = default;
};

class JsonLocator {
 public:
  // Scans `text`. With `depth`, only values at most that deep are recorded ("" is depth 0, "/a"
  // 1, "/a/b" 2), and the members of a member named `also` one level below that depth, and no
  // keys; a pointer not recorded is located at its nearest recorded ancestor. Large files of
  // claims need their claims' positions and their expected values only, which a shallow scan
  // gives without a map entry per value.
  // Positions mean something only for valid JSON. Any text is scanned in one pass, and a scan
  // recurses only through the levels it records, so a shallow scan may run before the text is
  // parsed; a deep one runs on text parse_json_bounded accepted (which bounds its nesting).
  explicit JsonLocator(std::string_view text, int depth = std::numeric_limits<int>::max(),
                       std::string_view also = {});

  // Position of the value at `pointer` ("" = the root), or of the nearest existing ancestor.
  TextPosition value(const std::string& pointer) const;

  // Position of the key of the member at `pointer` (for "unknown key" errors); falls back to value().
  TextPosition key(const std::string& pointer) const;

  // The text of line `line` (1-based), without its newline.
  std::string_view line_text(int line) const;

  // The elements of the root array (or members of the root object) the scan went through: all
  // of them when it records values below the root (depth 1 or more, or `also` for an object),
  // else 0.
  std::size_t root_size() const { return m_root_size; }

 private:
  std::string_view m_text;
  std::size_t m_root_size = 0;
  std::unordered_map<std::string, TextPosition> m_values;
  std::unordered_map<std::string, TextPosition> m_keys;
};

// Escapes one reference token for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view token);

}  // namespace claimcheck
