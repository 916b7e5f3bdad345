#include "io/paper_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <set>

#include "core/printed_number.hpp"
#include "core/units.hpp"

namespace claimcheck {
namespace {

// A thin space ("\,", U+2009, U+202F): a digit-group separator between digits, else a space.
constexpr char k_thin = '\x01';
// Commands and groups nest at most this deep before the rest of a group is read as plain text.
constexpr int k_max_depth = 32;

// One character of the text a reader sees, with where it came from.
struct Char {
  char c = ' ';
  int line = 0;
  bool candidate = true;  // a number made of it may be a claim
};

// 1-based line of a byte offset.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') m_starts.push_back(i + 1);
    }
  }
  int line_of(std::size_t offset) const {
    return static_cast<int>(std::upper_bound(m_starts.begin(), m_starts.end(), offset) - m_starts.begin());
  }

 private:
  std::vector<std::size_t> m_starts;
};

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == k_thin; }

// UTF-8 sequences read as the ASCII a number or unit needs; "" when `text` starts with none.
std::pair<std::string_view, std::size_t> normalized_utf8(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> k_map = {{
      {"\u00d7", "x"},           // ×
      {"\u2212", "-"},           // minus sign
      {"\u2013", "-"},           // en dash
      {"\u2014", "-"},           // em dash
      {"\u00a0", " "},           // no-break space
      {"\u2009", "\x01"},        // thin space
      {"\u202f", "\x01"},        // narrow no-break space
      {"\u03bc", "\u00b5"},      // Greek mu: the micro sign
      {"\u2018", "'"},
      {"\u2019", "'"},
      {"\u201c", "\""},
      {"\u201d", "\""},
  }};
  for (const auto& [from, to] : k_map) {
    if (text.substr(0, from.size()) == from) return {to, from.size()};
  }
  return {"", 0};
}

// Markers in comments: "claimcheck: ignore", "claimcheck: ignore-begin", "claimcheck: ignore-end".
enum class Marker { none, line, begin, end };
Marker marker_in(std::string_view comment) {
  const auto at = comment.find("claimcheck:");
  if (at == std::string_view::npos) return Marker::none;
  std::string_view rest = comment.substr(at + 11);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.substr(0, 12) == "ignore-begin") return Marker::begin;
  if (rest.substr(0, 10) == "ignore-end") return Marker::end;
  if (rest.substr(0, 6) == "ignore") return Marker::line;
  return Marker::none;
}

// What every reader shares: the output characters and the author's marks.
class Reader {
 public:
  Reader(std::string_view text) : m_text(text), m_lines(text) {}

  std::vector<Char> chars;
  std::set<int> ignored_lines;
  std::vector<ClaimMacroUse> macros;

 protected:
  void emit(char c, std::size_t at) {
    chars.push_back(Char{c, m_lines.line_of(at), m_not_prose == 0 && !m_ignoring});
  }
  void emit_text(std::string_view text, std::size_t at) {
    for (char c : text) emit(c, at);
  }
  // Copies one source character (or a normalized UTF-8 sequence) and returns its length.
  std::size_t copy(std::size_t i) {
    const auto [to, length] = normalized_utf8(m_text.substr(i));
    if (length > 0) {
      emit_text(to, i);
      return length;
    }
    emit(m_text[i] == '\t' || m_text[i] == '\r' ? ' ' : m_text[i], i);
    return 1;
  }
  void mark(Marker marker, std::size_t at) {
    switch (marker) {
      case Marker::line: ignored_lines.insert(m_lines.line_of(at)); break;
      case Marker::begin: m_ignoring = true; break;
      case Marker::end: m_ignoring = false; break;
      case Marker::none: break;
    }
  }

  std::string_view m_text;
  LineIndex m_lines;
  int m_not_prose = 0;  // > 0: what is emitted is not a claim candidate
  bool m_ignoring = false;
};

class LatexReader : public Reader {
 public:
  LatexReader(std::string_view text, bool comments) : Reader(text), m_comments(comments) {}

  void run(std::size_t begin, std::size_t end, int depth = 0) {
    std::size_t i = begin;
    while (i < end) i = step(i, end, depth);
  }

 private:
  // Skips spaces (and one line break) from `i`.
  std::size_t skip_spaces(std::size_t i, std::size_t end) const {
    bool newline = false;
    while (i < end && (m_text[i] == ' ' || m_text[i] == '\t' || (m_text[i] == '\n' && !newline))) {
      newline = newline || m_text[i] == '\n';
      ++i;
    }
    return i;
  }

  // The end (one past the closing delimiter) of the group opening at `i`, or `i` when none opens.
  std::size_t group_end(std::size_t i, std::size_t end, char open, char close) const {
    if (i >= end || m_text[i] != open) return i;
    int level = 0;
    for (std::size_t k = i; k < end; ++k) {
      if (m_text[k] == '\\') {
        ++k;
        continue;
      }
      if (m_text[k] == open) ++level;
      if (m_text[k] == close && --level == 0) return k + 1;
    }
    return end;
  }

  // Skips optional [..] arguments, then returns the content range of the next {..} group (or of
  // the next single token when there is no brace) and moves `i` past it.
  std::pair<std::size_t, std::size_t> argument(std::size_t& i, std::size_t end) const {
    for (;;) {
      i = skip_spaces(i, end);
      const std::size_t after = group_end(i, end, '[', ']');
      if (after == i) break;
      i = after;
    }
    if (i >= end) return {i, i};
    const std::size_t after = group_end(i, end, '{', '}');
    if (after == i) {  // a single character or control word
      const std::size_t start = i;
      if (m_text[i] == '\\') {
        ++i;
        while (i < end && is_letter(m_text[i])) ++i;
        if (i == start + 1 && i < end) ++i;
      } else {
        ++i;
      }
      return {start, i};
    }
    const std::size_t start = i + 1;
    i = after;
    return {start, std::max(start, after - 1)};
  }

  void skip_arguments(std::size_t& i, std::size_t end, int count) const {
    for (int k = 0; k < count; ++k) argument(i, end);
    for (;;) {  // trailing optional arguments
      const std::size_t at = skip_spaces(i, end);
      const std::size_t after = group_end(at, end, '[', ']');
      if (after == at) break;
      i = after;
    }
  }

  std::size_t comment(std::size_t i, std::size_t end) {
    std::size_t eol = m_text.find('\n', i);
    if (eol == std::string_view::npos || eol > end) eol = end;
    mark(marker_in(m_text.substr(i, eol - i)), i);
    // As in TeX, the comment takes its line break and the next line's leading spaces with it.
    std::size_t next = eol < end ? eol + 1 : end;
    while (next < end && (m_text[next] == ' ' || m_text[next] == '\t')) ++next;
    return next;
  }

  // A siunitx unit ("\milli\second", "\giga\byte\per\second", "ms") as claimcheck writes it.
  std::string si_unit(std::size_t begin, std::size_t end) const {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 27> k_si = {{
        {"femto", "f"}, {"pico", "p"},    {"nano", "n"},   {"micro", "\u00b5"}, {"milli", "m"},  {"kilo", "k"},
        {"mega", "M"},  {"giga", "G"},    {"tera", "T"},   {"peta", "P"},       {"kibi", "Ki"},  {"mebi", "Mi"},
        {"gibi", "Gi"}, {"tebi", "Ti"},   {"second", "s"}, {"joule", "J"},      {"watt", "W"},   {"hertz", "Hz"},
        {"byte", "B"},  {"percent", "%"}, {"per", "/"},    {"minute", "min"},   {"hour", "h"},   {"cycle", "cycles"},
        {"flop", "FLOP"}, {"op", "OP"},   {"times", "x"},
    }};
    std::string out;
    for (std::size_t i = begin; i < end;) {
      if (m_text[i] == '\\') {
        std::size_t k = i + 1;
        while (k < end && is_letter(m_text[k])) ++k;
        const std::string_view name = m_text.substr(i + 1, k - i - 1);
        for (const auto& [macro, symbol] : k_si) {
          if (macro == name) out += symbol;
        }
        if (name.empty() && k < end) {  // "\%" and the like
          if (m_text[k] == '%') out += '%';
          ++k;
        }
        i = k;
      } else if (m_text[i] == '{' || m_text[i] == '}' || m_text[i] == ' ' || m_text[i] == '~' || m_text[i] == '.') {
        ++i;
      } else {
        out += m_text[i++];
      }
    }
    return out;
  }

  std::size_t environment(std::size_t i, std::size_t end, bool begin) {
    const auto [name_begin, name_end] = argument(i, end);
    const std::string name(m_text.substr(name_begin, name_end - name_begin));
    emit(' ', i);
    if (!begin) return i;
    static const std::set<std::string> k_skipped = {"verbatim", "Verbatim", "comment", "lstlisting", "minted",
                                                    "filecontents", "tikzpicture"};
    static const std::set<std::string> k_tables = {"tabular", "array", "longtable", "supertabular"};
    static const std::set<std::string> k_wide_tables = {"tabular*", "tabularx", "tabulary"};
    if (k_skipped.contains(name)) {
      const std::string close = "\\end{" + name + "}";
      const std::size_t at = m_text.find(close, i);
      return at == std::string_view::npos || at > end ? end : at + close.size();
    }
    if (k_tables.contains(name)) skip_arguments(i, end, 1);
    if (k_wide_tables.contains(name)) skip_arguments(i, end, 2);
    if (name == "figure" || name == "table" || name == "figure*" || name == "table*") skip_arguments(i, end, 0);
    return i;
  }

  std::size_t command(std::size_t i, std::size_t end, int depth) {
    const std::size_t start = i;
    ++i;  // the backslash
    if (i >= end) return i;
    if (!is_letter(m_text[i])) {
      const char c = m_text[i++];
      switch (c) {
        case ',': emit(k_thin, start); break;
        case '%': case '&': case '#': case '$': case '_': case '{': case '}': emit(c, start); break;
        case '\\': emit(' ', start); skip_arguments(i, end, 0); break;
        case ';': case ':': case '!': case ' ': case '\n': emit(' ', start); break;
        default: break;  // accents, math delimiters \( \) \[ \], discretionary hyphens
      }
      return i;
    }
    while (i < end && is_letter(m_text[i])) ++i;
    const std::string name(m_text.substr(start + 1, i - start - 1));
    if (name == "begin" || name == "end") return environment(i, end, name == "begin");
    if (name == "iffalse") {
      const std::size_t fi = m_text.find("\\fi", i);
      return fi == std::string_view::npos || fi > end ? end : fi + 3;
    }
    static const std::set<std::string> k_claim_macros = {"claimvalue", "claimnumber", "claimunit", "claimverdict"};
    if (k_claim_macros.contains(name)) {
      const auto [a, b] = argument(i, end);
      macros.push_back({std::string(m_text.substr(a, b - a)), name, m_lines.line_of(start)});
      emit(' ', start);
      return i;
    }
    struct Skip {
      std::string_view name;
      int count;  // arguments that are not text
    };
    // Commands whose first `count` arguments are not text (the rest, if any, is read normally).
    static constexpr std::array<Skip, 62> k_skip = {{
        {"cite", 1},          {"citep", 1},          {"citet", 1},         {"citealp", 1},      {"citealt", 1},
        {"citeauthor", 1},    {"citeyear", 1},       {"nocite", 1},        {"parencite", 1},    {"textcite", 1},
        {"autocite", 1},      {"ref", 1},            {"eqref", 1},         {"autoref", 1},      {"cref", 1},
        {"Cref", 1},          {"pageref", 1},        {"nameref", 1},       {"label", 1},        {"url", 1},
        {"href", 1},          {"includegraphics", 1}, {"input", 1},        {"include", 1},      {"bibliography", 1},
        {"bibliographystyle", 1}, {"usepackage", 1}, {"RequirePackage", 1}, {"documentclass", 1}, {"vspace", 1},
        {"hspace", 1},        {"setlength", 2},      {"addtolength", 2},   {"setcounter", 2},   {"addtocounter", 2},
        {"newcommand", 2},    {"renewcommand", 2},   {"providecommand", 2}, {"newenvironment", 3},
        {"renewenvironment", 3}, {"color", 1},       {"textcolor", 1},     {"colorbox", 1},     {"fontsize", 2},
        {"rule", 2},          {"raisebox", 1},       {"resizebox", 2},     {"scalebox", 1},     {"multicolumn", 2},
        {"multirow", 2},      {"parbox", 1},         {"linespread", 1},    {"pagestyle", 1},    {"thispagestyle", 1},
        {"bibitem", 1},       {"hypersetup", 1},     {"definecolor", 3},   {"sisetup", 1},      {"captionsetup", 1},
        {"newlength", 1},     {"graphicspath", 1},   {"lstset", 1},
    }};
    for (const auto& skip : k_skip) {
      if (skip.name == name) {
        skip_arguments(i, end, skip.count);
        emit(' ', start);
        return i;
      }
    }
    if (name == "def") {  // \def\name#1{body}
      while (i < end && m_text[i] != '{') ++i;
      return group_end(i, end, '{', '}');
    }
    if (depth < k_max_depth) {
      if (name == "SI" || name == "qty" || name == "SIrange" || name == "qtyrange" || name == "num" ||
          name == "numrange") {
        const bool range = name.ends_with("range");
        const bool unit = name != "num" && name != "numrange";
        const auto [a, b] = argument(i, end);
        run(a, b, depth + 1);
        if (range) {
          emit_text(" to ", start);
          const auto [c, d] = argument(i, end);
          run(c, d, depth + 1);
        }
        if (unit) {
          const auto [u, v] = argument(i, end);
          emit(' ', start);
          emit_text(si_unit(u, v), start);
        }
        emit(' ', start);
        return i;
      }
      if (name == "si" || name == "unit") {
        const auto [u, v] = argument(i, end);
        emit_text(si_unit(u, v), start);
        return i;
      }
      if (name == "notaclaim") {
        const auto [a, b] = argument(i, end);
        ++m_not_prose;
        run(a, b, depth + 1);
        --m_not_prose;
        return i;
      }
    }
    struct Text {
      std::string_view name;
      std::string_view text;
    };
    static constexpr std::array<Text, 24> k_text = {{
        {"times", "x"},     {"mu", "\u00b5"},   {"textmu", "\u00b5"}, {"textpercent", "%"}, {"ldots", "..."},
        {"dots", "..."},    {"cdots", "..."},   {"textendash", "-"},  {"textemdash", "-"},  {"thinspace", "\x01"},
        {"quad", " "},      {"qquad", " "},     {"enspace", " "},     {"nobreakspace", " "}, {"item", " "},
        {"par", " "},       {"newline", " "},   {"linebreak", " "},   {"pm", "\u00b1"},     {"approx", "~"},
        {"sim", "~"},       {"leq", "<="},      {"geq", ">="},        {"LaTeX", "LaTeX"},
    }};
    for (const auto& t : k_text) {
      if (t.name == name) {
        emit_text(t.text, start);
        return i;
      }
    }
    // Anything else: the command prints nothing we read; its arguments are read as text.
    while (i < end && (m_text[i] == ' ' || m_text[i] == '\t')) ++i;
    return i;
  }

  std::size_t step(std::size_t i, std::size_t end, int depth) {
    const char c = m_text[i];
    switch (c) {
      case '%':
        if (m_comments) return comment(i, end);
        emit('%', i);
        return i + 1;
      case '\\': return command(i, end, depth);
      case '{':
        if (m_text.substr(i, 3) == "{,}") {
          emit(',', i);
          return i + 3;
        }
        return i + 1;
      case '}': return i + 1;
      case '$':
        m_math = !m_math;
        emit(' ', i);
        return i + 1;
      case '~': emit(' ', i); return i + 1;
      case '&': emit(' ', i); return i + 1;
      case '^':
      case '_':
        if (!m_math) {
          emit(c, i);
          return i + 1;
        } else {
          // An exponent or subscript is part of a formula, not a number the paper claims.
          emit(' ', i);
          std::size_t k = i + 1;
          const auto [a, b] = argument(k, end);
          ++m_not_prose;
          if (depth < k_max_depth) run(a, b, depth + 1);
          --m_not_prose;
          emit(' ', i);
          return k;
        }
      case '-': {
        std::size_t k = i;
        while (k < end && m_text[k] == '-') ++k;
        emit('-', i);
        return k;
      }
      case '`':
        if (m_text.substr(i, 2) == "``") {
          emit('"', i);
          return i + 2;
        }
        emit('\'', i);
        return i + 1;
      case '\'':
        if (m_text.substr(i, 2) == "''") {
          emit('"', i);
          return i + 2;
        }
        emit('\'', i);
        return i + 1;
      default: return i + copy(i);
    }
  }

  bool m_comments;
  bool m_math = false;
};

class MarkdownReader : public Reader {
 public:
  using Reader::Reader;

  void run() {
    bool fenced = false;
    bool line_start = true;
    for (std::size_t i = 0; i < m_text.size();) {
      if (line_start && (m_text.substr(i, 3) == "```" || m_text.substr(i, 3) == "~~~")) {
        fenced = !fenced;
        i = next_line(i);
        continue;
      }
      if (fenced) {
        ++m_not_prose;
        i = copy_line(i);
        --m_not_prose;
        continue;
      }
      line_start = false;
      const char c = m_text[i];
      if (c == '\n') {
        emit(' ', i);
        line_start = true;
        ++i;
      } else if (m_text.substr(i, 4) == "<!--") {
        std::size_t close = m_text.find("-->", i + 4);
        if (close == std::string_view::npos) close = m_text.size();
        mark(marker_in(m_text.substr(i, close - i)), i);
        i = std::min(m_text.size(), close + 3);
      } else if (c == '`') {
        std::size_t close = m_text.find('`', i + 1);
        if (close == std::string_view::npos) close = m_text.size();
        ++m_not_prose;
        for (std::size_t k = i + 1; k < close;) k += copy(k);
        --m_not_prose;
        i = std::min(m_text.size(), close + 1);
      } else if (c == ']' && i + 1 < m_text.size() && m_text[i + 1] == '(') {
        const std::size_t close = m_text.find(')', i + 2);  // a link target: not text
        i = close == std::string_view::npos ? m_text.size() : close + 1;
      } else if (c == '\\' && i + 1 < m_text.size() && std::ispunct(static_cast<unsigned char>(m_text[i + 1]))) {
        emit(m_text[i + 1], i);
        i += 2;
      } else if (c == '*' || c == '[' || c == ']' || c == '|' || c == '$' || (c == '#' && at_line_start(i))) {
        emit(' ', i);
        ++i;
      } else if (c == '_' && !(i > 0 && is_word_char(m_text[i - 1]) && i + 1 < m_text.size() &&
                               is_word_char(m_text[i + 1]))) {
        emit(' ', i);
        ++i;
      } else {
        i += copy(i);
      }
    }
  }

 private:
  bool at_line_start(std::size_t i) const {
    while (i > 0 && (m_text[i - 1] == '#' || m_text[i - 1] == ' ')) --i;
    return i == 0 || m_text[i - 1] == '\n';
  }
  std::size_t next_line(std::size_t i) const {
    const std::size_t eol = m_text.find('\n', i);
    return eol == std::string_view::npos ? m_text.size() : eol + 1;
  }
  std::size_t copy_line(std::size_t i) {
    const std::size_t next = next_line(i);
    while (i < next) i += copy(i);
    return next;
  }
};

class PlainReader : public Reader {
 public:
  using Reader::Reader;
  void run() {
    for (std::size_t i = 0; i < m_text.size();) i += copy(i);
  }
};

// ---------------------------------------------------------------------------------------------
// Tokens

struct UnitAlias {
  std::string_view text;
  std::string_view symbol;
};
constexpr std::array<UnitAlias, 20> k_unit_aliases = {{
    {"seconds", "s"},  {"second", "s"},   {"secs", "s"},     {"sec", "s"},       {"msec", "ms"},
    {"usec", "us"},    {"nsec", "ns"},    {"minutes", "min"}, {"hours", "h"},    {"cycle", "cycles"},
    {"percent", "%"},  {"GFLOPS", "GFLOP/s"}, {"TFLOPS", "TFLOP/s"}, {"PFLOPS", "PFLOP/s"}, {"GOPS", "GOP/s"},
    {"TOPS", "TOP/s"}, {"pJ/MAC", "pJ/MAC"},  {"FLOPs", "FLOP"},
    {"GFLOPs", "GFLOP"}, {"TFLOPs", "TFLOP"},
}};

// Words before a number that make it a reference, not a quantity ("Table 3", "Fig. 9").
bool is_reference_word(const std::string& word) {
  static const std::set<std::string> k_words = {
      "fig",      "figs",    "figure",   "figures",  "table",   "tab",       "tables",   "section", "sec",
      "sections", "eq",      "eqs",      "eqn",      "equation", "equations", "algorithm", "alg",    "appendix",
      "app",      "chapter", "ch",       "line",     "lines",    "step",      "listing",  "theorem", "lemma",
      "definition", "corollary", "proposition", "footnote", "ref", "version", "v",       "page",    "pages",
      "p",        "pp",      "item",     "part",     "row",      "rows",      "column",   "columns", "col",
      "\u00a7"};
  return k_words.contains(word);
}

class Tokenizer {
 public:
  Tokenizer(const std::vector<Char>& chars, const std::set<int>& ignored_lines)
      : m_chars(chars), m_ignored(ignored_lines), m_units(known_unit_symbols()) {
    // Longest first, so "ms" wins over "m"... and "GB/s" over "GB".
    std::sort(m_units.begin(), m_units.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    std::erase_if(m_units, [](const std::string& u) { return u == "1" || u == "count" || u == "ratio"; });
  }

  std::vector<PaperToken> run() {
    std::vector<PaperToken> tokens;
    std::size_t i = 0;
    while (i < m_chars.size()) {
      const char c = at(i);
      if (is_space(c)) {
        ++i;
      } else if (starts_number(i)) {
        i = number(i, tokens);
      } else if (is_word_char(c)) {
        const std::size_t start = i;
        std::string word;
        while (i < m_chars.size() && is_word_char(at(i))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(at(i++))));
        PaperToken token;
        token.text = std::move(word);
        token.line = m_chars[start].line;
        tokens.push_back(std::move(token));
      } else {
        PaperToken token;
        token.kind = PaperToken::Kind::symbol;
        token.text = std::string(1, c);
        token.line = m_chars[i].line;
        tokens.push_back(std::move(token));
        ++i;
      }
    }
    // A range prints its unit once: "8.6-9.98 ms", "1 to 2 GB".
    for (std::size_t k = 0; k + 2 < tokens.size(); ++k) {
      PaperToken& low = tokens[k];
      const PaperToken& high = tokens[k + 2];
      const bool between = tokens[k + 1].text == "-" || tokens[k + 1].text == "to";
      if (low.kind == PaperToken::Kind::number && high.kind == PaperToken::Kind::number && between &&
          low.unit.empty() && !high.unit.empty()) {
        low.unit = high.unit;
      }
    }
    return tokens;
  }

 private:
  char at(std::size_t i) const { return i < m_chars.size() ? m_chars[i].c : ' '; }

  bool starts_number(std::size_t i) const {
    const char c = at(i);
    if (is_digit(c)) return !(i > 0 && (is_letter(at(i - 1)) || at(i - 1) == '_' || is_digit(at(i - 1))));
    if (c == '.' && is_digit(at(i + 1))) return i == 0 || !is_word_char(at(i - 1));
    if ((c == '-' || c == '+') && (is_digit(at(i + 1)) || (at(i + 1) == '.' && is_digit(at(i + 2))))) {
      const char before = i > 0 ? at(i - 1) : ' ';
      return is_space(before) || before == '(' || before == '[' || before == '=' || before == ':' || before == ',' ||
             before == '/' || before == '~';
    }
    // A digit right after a letter belongs to an identifier ("H100"): read as a number that is
    // not a candidate.
    return false;
  }

  bool three_digits_then_end(std::size_t i) const {
    return is_digit(at(i)) && is_digit(at(i + 1)) && is_digit(at(i + 2)) && !is_digit(at(i + 3));
  }

  std::size_t number(std::size_t start, std::vector<PaperToken>& tokens) {
    std::size_t i = start;
    std::string text;
    if (at(i) == '-' || at(i) == '+') text += at(i++);
    while (is_digit(at(i))) text += at(i++);
    // Digit groups: "2,326,112", "2\,326\,112", "21'031".
    while ((at(i) == ',' || at(i) == k_thin || at(i) == '\'') && three_digits_then_end(i + 1) && text.size() > 0 &&
           is_digit(text.back())) {
      text += std::string{at(i + 1), at(i + 2), at(i + 3)};
      i += 4;
    }
    bool version = false;
    if (at(i) == '.' && is_digit(at(i + 1))) {
      text += at(i++);
      while (is_digit(at(i))) text += at(i++);
      while (at(i) == '.' && is_digit(at(i + 1))) {  // "3.0.3": a version, not a quantity
        version = true;
        ++i;
        while (is_digit(at(i))) ++i;
      }
    }
    if ((at(i) == 'e' || at(i) == 'E') &&
        (is_digit(at(i + 1)) || ((at(i + 1) == '-' || at(i + 1) == '+') && is_digit(at(i + 2))))) {
      text += at(i++);
      if (at(i) == '-' || at(i) == '+') text += at(i++);
      while (is_digit(at(i))) text += at(i++);
    }
    PaperToken token;
    token.kind = PaperToken::Kind::number;
    std::string digits = text;
    if (!digits.empty() && digits.front() == '+') digits.erase(0, 1);
    token.text = digits;
    token.line = m_chars[start].line;
    token.value = std::strtod(digits.c_str(), nullptr);
    token.decimals = decimals_of(digits).value_or(0);
    token.candidate = !version && std::all_of(m_chars.begin() + static_cast<std::ptrdiff_t>(start),
                                              m_chars.begin() + static_cast<std::ptrdiff_t>(i),
                                              [](const Char& ch) { return ch.candidate; }) &&
                      !m_ignored.contains(token.line);
    // Where it stands: in a hyphenated identifier ("ResNet-50"), a citation ("[12]"), after a
    // reference word ("Table 3"), or glued to a word ("3rd", "2D").
    const char before = start > 0 ? at(start - 1) : ' ';
    if (before == '-' && start > 1 && is_letter(at(start - 2))) token.candidate = false;
    if (before == '.' && start > 1 && is_word_char(at(start - 2))) token.candidate = false;  // "v3.0.3"
    if (before == '#' || (before == '[' && at(i) == ']')) token.candidate = false;
    if (!tokens.empty() && tokens.back().kind == PaperToken::Kind::word && is_reference_word(tokens.back().text)) {
      token.candidate = false;
    }
    if (tokens.size() >= 2 && tokens.back().text == "." && tokens[tokens.size() - 2].kind == PaperToken::Kind::word &&
        is_reference_word(tokens[tokens.size() - 2].text)) {
      token.candidate = false;
    }
    const std::size_t unit_end = unit_after(i, token.unit);
    if (token.unit.empty() && (is_letter(at(i)) || at(i) == '_')) token.candidate = false;
    if (at(i) == '-' && is_letter(at(i + 1))) token.candidate = false;  // "3-level"
    token.context = context(start, std::max(i, unit_end));
    tokens.push_back(std::move(token));
    return i;
  }

  // The unit printed right after a number (at most one space between), or "" with `i` unchanged.
  std::size_t unit_after(std::size_t i, std::string& unit) const {
    std::size_t k = i;
    if (at(k) == ' ' || at(k) == k_thin) ++k;
    const auto matches = [&](std::string_view text) {
      for (std::size_t n = 0; n < text.size(); ++n) {
        if (at(k + n) != text[n]) return false;
      }
      const char next = at(k + text.size());
      return text == "%" || !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
    };
    for (const auto& alias : k_unit_aliases) {
      if (matches(alias.text)) {
        unit = std::string(alias.symbol);
        return k + alias.text.size();
      }
    }
    for (const auto& symbol : m_units) {
      if (matches(symbol)) {
        unit = symbol;
        return k + symbol.size();
      }
    }
    return i;
  }

  std::string context(std::size_t begin, std::size_t end) const {
    constexpr std::size_t k_side = 40;
    std::size_t from = begin > k_side ? begin - k_side : 0;
    std::size_t to = std::min(m_chars.size(), end + k_side);
    while (from > 0 && from < begin && !is_space(at(from - 1))) ++from;  // whole words
    while (to < m_chars.size() && to > end && !is_space(at(to))) --to;
    std::string out;
    for (std::size_t k = from; k < to; ++k) {
      const char c = is_space(at(k)) ? ' ' : at(k);
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  const std::vector<Char>& m_chars;
  const std::set<int>& m_ignored;
  std::vector<std::string> m_units;
};

}  // namespace

PaperFormat paper_format_of(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".tex" || ext == ".ltx" || ext == ".sty") return PaperFormat::latex;
  if (ext == ".md" || ext == ".markdown") return PaperFormat::markdown;
  return PaperFormat::plain;
}

PaperText read_paper(std::string_view content, const std::filesystem::path& file, PaperFormat format) {
  PaperText paper;
  paper.file = file;
  paper.format = format;
  switch (format) {
    case PaperFormat::latex: {
      LatexReader reader(content, true);
      reader.run(0, content.size());
      paper.tokens = Tokenizer(reader.chars, reader.ignored_lines).run();
      paper.macros = std::move(reader.macros);
      break;
    }
    case PaperFormat::markdown: {
      MarkdownReader reader(content);
      reader.run();
      paper.tokens = Tokenizer(reader.chars, reader.ignored_lines).run();
      break;
    }
    case PaperFormat::plain: {
      PlainReader reader(content);
      reader.run();
      paper.tokens = Tokenizer(reader.chars, reader.ignored_lines).run();
      break;
    }
  }
  return paper;
}

std::vector<PaperToken> read_quote(std::string_view quote, PaperFormat format) {
  if (format == PaperFormat::latex) {
    LatexReader reader(quote, false);
    reader.run(0, quote.size());
    return Tokenizer(reader.chars, reader.ignored_lines).run();
  }
  return read_paper(quote, {}, format).tokens;
}

}  // namespace claimcheck
