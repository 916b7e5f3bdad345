#pragma once
// A claim: one number a paper reports, with what measures it and how it is judged.
// Claims are loaded and validated by io/claim_loader; everything past the loader sees these
// typed values (adapters also receive their own `options` and inline specs as JSON, which only
// the adapter's own parser reads).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/units.hpp"

namespace claimcheck {

// Where in the paper the number appears.
struct Source {
  std::string paper;  // e.g. "ASTRA-sim2.0 (ISPASS 2023)"
  std::string where;  // e.g. "Fig. 9", "Table 3" (optional when `file` is given)
  std::string quote;  // the sentence or cell as printed (optional); `claimcheck cover` finds it in the paper
  std::string url;    // optional
  std::string doi;    // optional
  std::string file;   // the paper's LaTeX or Markdown source, relative to the claim file ("" when not given)
  int line = 0;       // 1-based line of the quote in `file` when the claim was written (0 when not given)
  bool operator==(const Source&) const = default;
};

// A workload or hardware description: a display name plus either a path (relative to the claim
// file) or an inline object the adapter interprets.
struct Spec {
  std::string name;                 // display name, e.g. "ResNet-50 res3 1x1"
  std::optional<std::string> path;  // as written in the claim file
  nlohmann::json inline_spec;       // object given inline (null when `path` or nothing was given)
  bool operator==(const Spec&) const = default;
};

enum class Mode { run, reread };

struct Tolerance {
  std::optional<double> relative;  // fraction of |expected|, e.g. 0.05 for 5%
  std::optional<double> absolute;  // in the expected value's unit
  bool operator==(const Tolerance&) const = default;
};

// What the paper says the number is.
struct Expected {
  enum class Kind { value, range, at_most, at_least };
  Kind kind = Kind::value;
  double value = 0.0;  // Kind::value: the number; at_most / at_least: the bound
  double min = 0.0;    // Kind::range: inclusive lower bound
  double max = 0.0;    // Kind::range: inclusive upper bound
  Unit unit;           // unit of every number above
  Tolerance tolerance; // Kind::value only; none given means exact equality
  // Digits after the decimal point as the claim file writes its number ("2.30" -> 2, "40" -> 0,
  // "1.5e6" -> -5: a rounding to hundreds of thousands); the finer of a range's two bounds.
  // Reports print values this way; nullopt when not known (a record of an older claimcheck).
  std::optional<int> decimals;
  bool operator==(const Expected&) const = default;
};

// How a value is picked out of a file (artifact adapter, command adapter).
struct Extract {
  enum class Kind { none, json_pointer, csv, regex };
  Kind kind = Kind::none;
  std::string json_pointer;  // Kind::json_pointer: RFC 6901 pointer
  std::string column;        // Kind::csv: column whose value is read
  std::vector<std::pair<std::string, std::string>> where;  // Kind::csv: other columns that select the row
  std::string aggregate;     // Kind::csv: "" (exactly one row must match), "mean", "sum", "min", "max", "median", "pNN"
  std::string pattern;       // Kind::regex: ECMAScript regex with exactly one capture group
  int occurrence = 0;        // Kind::regex: which match (0 = first, -1 = last)
  bool operator==(const Extract&) const = default;
};

// Where a claim was written, for diagnostics, annotations and reports.
struct ClaimLocation {
  std::filesystem::path file;  // as given on the command line (relative to the working dir) 
  std::string pointer;         // JSON pointer of the claim object in its file ("" or "/3")
  int line = 0;                // 1-based line of the claim object's opening brace
  int column = 0;              // 1-based column
  bool operator==(const ClaimLocation&) const = default;
};

// A claim computed from other claims' measured values instead of measured by an adapter.
enum class DerivedOp {
  ratio,           // a / b (same dimension; a ratio such as "3.2x")
  difference,      // a - b (same dimension, in it)
  percent_change,  // (a - b) / |b|: "A uses 40% less energy than B" is -40%
  relative_error,  // |a - b| / |b|, b the reference: "the error is 2.3%"
  mean,            // mean of every operand (same dimension, in it)
};

struct Derivation {
  DerivedOp op = DerivedOp::ratio;
  std::vector<std::string> operands;  // claim ids as written; `mean` also takes globs ("finish-npu*")
  bool operator==(const Derivation&) const = default;
};

struct Claim {
  std::string id;                       // unique across an audit
  std::string title;
  Source source;
  std::string tool;                     // adapter name, e.g. "timeloop", "astra-sim", "artifact"
  Mode mode = Mode::run;
  Spec workload;
  Spec hardware;
  std::string metric;                   // adapter-defined, e.g. "cycles", "accesses.DRAM.Weights.reads"
  Expected expected;
  std::optional<std::string> artifact;  // reread: the file the real tool wrote (relative to claim file)
  std::vector<std::string> inputs;      // files the result depends on (relative to claim file)
  Extract extract;                      // how to pick the value out of an artifact or output
  std::optional<Unit> measured_unit;    // unit of the extracted raw value when it differs from expected's
  nlohmann::json options;               // adapter-specific options (object or null)
  std::vector<std::string> tags;
  // "cache": whether the result cache may reuse the claim's measurement. Absent: yes, unless
  // measuring it runs a program (its adapter's runs_commands()); true: also then; false: never.
  std::optional<bool> cache;
  std::optional<Derivation> derived;    // set for a derived claim (tool "derived", no adapter)
  ClaimLocation location;
  bool operator==(const Claim&) const = default;
};

}  // namespace claimcheck
