#pragma once
// A paper's source (LaTeX, Markdown, or plain text such as a tool's output) read as the words and
// numbers a reader sees, each with its source line, for `claimcheck cover`.
//
// LaTeX: comments are skipped (a comment also joins its line to the next, as in TeX); "~", "\,",
// "\%", "{,}" and line breaks read as the text they print, so "2\,326\,112", "2{,}326{,}112" and
// "2,326,112" are one number; siunitx's \SI{2.33}{\milli\second}, \qty, \num, \si, \SIrange and
// \numrange read as "2.33 ms"; the arguments of \cite, \ref, \label, \includegraphics, \url,
// \usepackage and the like, verbatim and comment environments, and table column specs are not
// text. Markdown: code, HTML comments and link targets are not prose.
//
// Numbers that are not claims: those in identifiers ("H100", "ResNet-50", "v3.0.3"), references
// ("Table 3", "Fig. 9", "Section 4.2"), math exponents and subscripts, code; and those the author
// marks: \notaclaim{16}, a line ending in "% claimcheck: ignore" (Markdown:
// "<!-- claimcheck: ignore -->"), and lines between "claimcheck: ignore-begin" and
// "claimcheck: ignore-end" comments.

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/paper.hpp"

namespace claimcheck {

// By extension: .tex/.ltx/.sty → latex; .md/.markdown → markdown; anything else plain.
PaperFormat paper_format_of(const std::filesystem::path& file);

// Reads `content` (the text of `file`) in `format`.
PaperText read_paper(std::string_view content, const std::filesystem::path& file, PaperFormat format);

// A quote from a claim, read like the paper it is quoted from, except that "%" is a percent sign
// (a quote is text, not a LaTeX comment).
std::vector<PaperToken> read_quote(std::string_view quote, PaperFormat format);

}  // namespace claimcheck
