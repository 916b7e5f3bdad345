// Claim text reaches Markdown reports; escaped, it must not format, link, mention, open HTML or
// break a table row, whatever it holds.

#include "fuzz_support.hpp"
#include "report/markdown.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string escaped = markdown_escape(fuzz::as_text(data, size));
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c == '&') {  // an entity the escaper wrote: &amp; &lt; &gt; &#124; &#64;
      const auto end = escaped.find(';', i);
      if (end == std::string::npos || end - i > 6) fuzz::violated("markdown_escape let through a bare &");
      i = end;
      continue;
    }
    if (c == '<' || c == '>' || c == '|' || c == '@' || c == '\n' || c == '\r') {
      fuzz::violated("markdown_escape let through < > | @ or a line break");
    }
    static constexpr std::string_view k_specials = "`*_[]#~!{}\\";
    if (k_specials.find(c) != std::string_view::npos) {
      if (c == '\\' && i + 1 < escaped.size() && k_specials.find(escaped[i + 1]) != std::string_view::npos) {
        ++i;  // an escape and the character it protects
        continue;
      }
      fuzz::violated("markdown_escape let through an unescaped Markdown character");
    }
  }
  return 0;
}
