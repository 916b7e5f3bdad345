#pragma once
// The audit's values as LaTeX macros (`claimcheck render RECORD --format latex`), so that a paper
// prints each number through the audit and cannot disagree with it:
//   \input{claims.tex}
//   ... finishes in \claimvalue{astrasim-ar-ring8-64mib} ...      -> 2.33 ms (as the claim prints it)
//   \claimnumber{ID} the number alone, \claimunit{ID} the unit alone,
//   \claimverdict{ID} verified, discrepant or blocked,
//   \claimchecksummary and \claimcheckcommit describe the audit.
// A claim the audit could not measure (blocked) has no value: \claimvalue prints a bold
// "??ID??" and warns in the LaTeX log, as an unknown id does.

#include <string>
#include <string_view>

#include "core/record.hpp"

namespace claimcheck {

std::string render_latex(const AuditRecord& record);

// `text` safe in LaTeX's text mode (\ # $ % & _ { } ~ ^ escaped).
std::string latex_escape(std::string_view text);

// A unit as LaTeX prints it after a number: "\,ms", "\%", "\ensuremath{\times}", "\,\ensuremath{\mu}s";
// "" for counts and plain ratios.
std::string latex_unit(const std::string& symbol);

}  // namespace claimcheck
