#pragma once
// `claimcheck cover` reports: Markdown (drift first, then linked claims, claims not linked, and
// the numbers no claim covers) and JSON, from one CoverReport.

#include <string>

#include "core/cover.hpp"

namespace claimcheck {

// "2 drifted, 5 linked, 1 printed by macro, 0 not found, 3 without a quote; 4 numbers no claim covers"
std::string cover_summary_line(const CoverReport& report);

// What is wrong with a claim that drifted or was not found, in one sentence; "" otherwise.
std::string cover_message(const CoveredClaim& claim);

// "paper.tex:12", or the paper alone when the line is not known; "" without a paper.
std::string paper_place(const CoveredClaim& claim);

std::string render_cover_markdown(const CoverReport& report);

// Pretty-printed JSON with a trailing newline.
std::string render_cover_json(const CoverReport& report);

}  // namespace claimcheck
