#pragma once
// Input problems, collected (all of them, not only the first) and reported together.

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck {

struct Diagnostic {
  std::filesystem::path file;  // the file with the problem
  int line = 0;                // 1-based; 0 when unknown (then the pointer locates it)
  int column = 0;              // 1-based; 0 when unknown
  std::string pointer;         // JSON pointer (or a YAML path) of the offending value; may be empty
  std::string message;         // what is wrong, e.g. "unknown key \"tolerence\""
  std::string hint;            // how to fix it, e.g. "did you mean \"tolerance\"?"; may be empty
  std::string source_line;     // the text of `line`, for a caret under `column`; may be empty
  bool operator==(const Diagnostic&) const = default;
};

class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { m_items.push_back(std::move(diagnostic)); }
  void add(const std::filesystem::path& file, std::string pointer, std::string message,
           std::string hint = {}) {
    m_items.push_back(Diagnostic{file, 0, 0, std::move(pointer), std::move(message), std::move(hint), {}});
  }
  bool empty() const { return m_items.empty(); }
  std::size_t size() const { return m_items.size(); }
  const std::vector<Diagnostic>& items() const { return m_items; }
  std::vector<Diagnostic>& items() { return m_items; }
  void append(const Diagnostics& other) {
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
  }

 private:
  std::vector<Diagnostic> m_items;
};

// Thrown by parsers of tool inputs (YAML, JSON, protobuf, logs) when a file is malformed.
// Carries the diagnostics; the runner turns it into a blocked verdict (audit) or exit 2 (model).
class InputError : public std::exception {
 public:
  explicit InputError(Diagnostics diagnostics);
  InputError(std::filesystem::path file, int line, int column, std::string message, std::string hint = {});
  const char* what() const noexcept override { return m_what.c_str(); }
  const Diagnostics& diagnostics() const { return m_diagnostics; }

  // The claim's field at fault (a JSON pointer into the claim, e.g. "/extract/regex") when the
  // file was read as it is but the claim asked it for something it does not hold; "" when the
  // file is at fault.
  const std::string& claim_field() const { return m_claim_field; }
  InputError&& blaming(std::string claim_field) && {
    m_claim_field = std::move(claim_field);
    return std::move(*this);
  }

 private:
  Diagnostics m_diagnostics;
  std::string m_what;
  std::string m_claim_field;
};

// The diagnostic as claimcheck prints it:
//   claimcheck: error: FILE:LINE:COL (POINTER): message
//     <source line>
//     <caret>
//     hint: ...
// A warning prints "warning" in place of "error".
enum class Severity { error, warning };
std::string format_diagnostic(const Diagnostic& diagnostic, Severity severity = Severity::error);

// "did you mean" helper: the closest candidate to `word` by edit distance, or "" when none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace claimcheck
