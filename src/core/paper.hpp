#pragma once
// A paper as `claimcheck cover` reads it: the words and numbers a reader sees, each with its
// source line (io/paper_text.hpp makes these from LaTeX, Markdown or plain text).

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck {

enum class PaperFormat { latex, markdown, plain };

struct PaperToken {
  enum class Kind { word, number, symbol };
  Kind kind = Kind::word;
  std::string text;       // words lowercased; numbers without separators ("2326112"); one symbol character
  int line = 0;           // 1-based source line
  // Numbers only:
  double value = 0.0;
  int decimals = 0;       // digits after the point as printed
  std::string unit;       // a claimcheck unit symbol printed right after it ("ms", "%"), or ""
  bool candidate = true;  // in prose, not in an identifier or reference, not marked: may be a claim
  std::string context;    // the words around it, for listings
};

// A use of the macros `claimcheck render --format latex` defines: \claimvalue{ID} and kin.
struct ClaimMacroUse {
  std::string id;
  std::string macro;  // "claimvalue", "claimnumber", "claimunit", "claimverdict"
  int line = 0;
};

struct PaperText {
  std::filesystem::path file;
  PaperFormat format = PaperFormat::plain;
  std::vector<PaperToken> tokens;
  std::vector<ClaimMacroUse> macros;
};

}  // namespace claimcheck
