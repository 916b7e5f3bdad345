// Units and quantities: unit symbols, numbers as written in artifacts, conversion and judging.
// Input: "UNIT\nUNIT\nNUMBER".

#include <cmath>
#include <sstream>

#include "core/judge.hpp"
#include "core/units.hpp"
#include "fuzz_support.hpp"
#include "io/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const auto [first, rest] = fuzz::split_first_line(fuzz::as_text(data, size));
  const auto [second, number_text] = fuzz::split_first_line(rest);
  const auto from = parse_unit(first);
  const auto to = parse_unit(second);
  const auto number = parse_number(number_text);
  if (from && from->symbol.empty()) fuzz::violated("unit without a symbol");
  if (number && std::isnan(*number)) fuzz::violated("parse_number accepted NaN");
  if (!from || !to || !number) return 0;
  const auto converted = convert(*number, *from, *to);
  if (converted.has_value() != (from->dimension == to->dimension)) fuzz::violated("convert across dimensions");
  Expected expected;
  expected.kind = Expected::Kind::value;
  expected.value = *number;
  expected.unit = *to;
  expected.tolerance.relative = 0.05;
  const Judgement j = judge(expected, *number, *from);
  if (!converted && j.verdict != Verdict::blocked) fuzz::violated("a dimension mismatch was judged");
  return 0;
}
