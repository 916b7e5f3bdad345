#pragma once
// A mapping as Timeloop prints it (timeloop-model.map.txt / timeloop-mapper.map.txt), read back as
// mapping directives. The printout carries everything an evaluation needs: per storage level the
// data spaces it keeps (its header), its temporal loops outermost first, and its spatial loops
// with their X or Y axis; loops of one iteration are not printed (their factor is 1).
//
//   GlobalBuffer [ Weights:192 (192) Inputs:36 (36) ]
//   -------------------------------------------------
//   |   for C in [0:2)
//   |     for K in [0:8,3)              <- 8 iterations, the last pass runs 3
//   |       for C in [0:16) (Spatial-X)

#include <string>

namespace claimcheck::timeloop {

// True when `path` names a printed mapping (ends in ".map.txt").
bool is_map_text(const std::string& path);

// The printed mapping as the YAML `mapping:` list Timeloop reads (keep/bypass per level, temporal
// factors and permutation, spatial factors, permutation and split). Throws InputError naming the
// line of `path` that is not part of a printed mapping.
std::string map_text_to_yaml(const std::string& path, const std::string& text);

}  // namespace claimcheck::timeloop
