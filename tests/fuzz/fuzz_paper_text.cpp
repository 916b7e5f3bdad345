// A paper's source read as LaTeX, Markdown and plain text, and as a claim's quote (cover's
// inputs: the paper is the author's, the quote comes from a claim): no crash, no hang, every
// token on a line of the input, no number NaN.

#include <algorithm>
#include <cmath>

#include "fuzz_support.hpp"
#include "io/paper_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string_view text = fuzz::as_text(data, size);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (PaperFormat format : {PaperFormat::latex, PaperFormat::markdown, PaperFormat::plain}) {
    const PaperText paper = read_paper(text, "paper", format);
    for (const auto& t : paper.tokens) {
      if (t.line < 1 || t.line > lines) fuzz::violated("a token outside the input's lines");
      if (t.kind == PaperToken::Kind::number && std::isnan(t.value)) {
        fuzz::violated("a number that is NaN");
      }
      if (t.text.empty()) fuzz::violated("an empty token");
    }
    for (const auto& m : paper.macros) {
      if (m.line < 1 || m.line > lines) fuzz::violated("a macro outside the input's lines");
    }
    read_quote(text, format);
  }
  return 0;
}
