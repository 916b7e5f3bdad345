#pragma once
// `claimcheck new TOOL ARGS... --metric M --id ID [-o FILE [--append]]`: scaffolds a claim from
// one run. It measures once, through the adapter an audit uses, and writes a claim that lint
// accepts and audit verifies: the measured value printed to --digits significant digits, a
// tolerance of half its last digit (none when the print is exact), the files and options that
// produced it, and TODO markers for what only the author knows (title, paper, where). It writes
// to stdout, or to a new FILE; an existing FILE is refused unless --append asks to add the claim
// to it (then the file's own text is kept, byte for byte, around the new claim).

#include "cli/commands.hpp"

namespace claimcheck {

ExtraCommand make_new_command(CLI::App& app);

}  // namespace claimcheck
