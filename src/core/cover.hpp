#pragma once
// `claimcheck cover`: claims and their paper, checked in both directions.
// - Each claim's quote is found in its paper (the claim's source.file, else any paper given):
//   word for word first; when that fails in the claim's own paper, with its numbers free, which
//   finds the place whose number was edited. The quote's number must then equal the claim's
//   expected value in the claim's unit: the paper's number stands for everything that rounds to
//   it ("2.33 ms" is 2.326 ms), and the claim's for what its own printing and tolerance allow
//   (2.33 with a tolerance of 0.005 is the paper's 2.3261; an exact claim is its value). A bare
//   number is also read in the claim's extract unit, and for a ratio as a fraction or a percentage.
// - Drift, by claim id and the paper's FILE:LINE: the quote is gone from the claim's own paper,
//   the paper's number there differs from the quote's, or the claim's expected value differs
//   from the paper's. A \claimvalue{ID} for an id no claim has is drift too.
// - The numbers in the papers' prose that no claim covers, to show what is not yet audited.

#include <optional>
#include <string>
#include <vector>

#include "core/claim.hpp"
#include "core/paper.hpp"

namespace claimcheck {

enum class CoverStatus {
  linked,     // the quote is in the paper and its number is the claim's
  macro,      // the paper prints the claim through \claimvalue{ID} (and kin)
  drift,      // see above
  not_found,  // the quote is in none of the papers given (the claim names no paper file)
  no_quote,   // the claim has no quote (or a TODO): nothing links it to the paper
};

std::string_view cover_status_name(CoverStatus status);

// Why a claim drifted from its paper.
enum class Drift {
  none,
  quote_gone,      // the quote is not in the claim's own paper
  number_differs,  // the quote is there; its number is not the claim's expected value
  paper_edited,    // the quote's place is there with another number (`was` -> `printed`)
  no_number,       // the quote holds no number to compare
  unreadable,      // the claim's source.file cannot be read (`detail` says why)
  unknown_macro,   // the paper uses \claimvalue{ID} (or kin) for an id no claim has
};

struct CoveredClaim {
  std::string id;
  std::string claim_file;  // as loaded ("" for an unknown macro's id)
  int claim_line = 0;
  CoverStatus status = CoverStatus::no_quote;
  Drift drift = Drift::none;
  Expected expected;       // what the claim expects
  std::string paper;       // the paper file, as given ("" when none)
  int line = 0;            // the paper line of the quote or macro (0 when none)
  std::string printed;     // the paper's number there as printed, with its unit ("2.33 ms"); "" when none
  std::string was;         // paper_edited: the quote's number
  bool claim_agrees = false;  // paper_edited: the claim already expects the paper's new number
  std::string detail;      // unreadable: the reason; unknown_macro: the macro's name
  std::string quote;       // the claim's quote
  bool operator==(const CoveredClaim&) const = default;
};

struct UnclaimedNumber {
  std::string paper;
  int line = 0;
  std::string number;   // as printed, with its unit
  std::string context;  // the words around it
  bool operator==(const UnclaimedNumber&) const = default;
};

struct CoverReport {
  std::vector<std::string> papers;          // the papers read, as given
  std::vector<CoveredClaim> claims;         // claim order; then macros naming no claim
  std::vector<UnclaimedNumber> unclaimed;   // paper order, then line
  int count(CoverStatus status) const;
  bool operator==(const CoverReport&) const = default;
};

// A claim and where its quote is sought.
struct CoverClaim {
  const Claim* claim = nullptr;
  std::optional<std::size_t> own_paper;  // index into the papers: the claim's source.file
  std::string problem;                   // its source.file could not be read: drift with this message
  // Its quote read as each format reads text (index: PaperFormat); empty without a quote.
  std::vector<std::vector<PaperToken>> quote;
};

// Whether a claim's quote is one `cover` can look for (not empty, not a TODO).
bool has_quote(const Claim& claim);

CoverReport cover(const std::vector<CoverClaim>& claims, const std::vector<PaperText>& papers);

// A number of the claim's title (read into `title`) that states the claim's quantity but is not
// its expected value: a title left behind when the expected value was edited. Only numbers with
// a unit of the expected unit's dimension count; "" when there is none or one agrees.
std::string stale_title_number(const Claim& claim, const std::vector<PaperToken>& title);

}  // namespace claimcheck
