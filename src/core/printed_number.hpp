#pragma once
// How precisely a number is printed: a claim file's "2.30", a paper's "2.33 ms". A printed number
// stands for every value that rounds to it.

#include <optional>
#include <string>
#include <string_view>

namespace claimcheck {

// Digits after the decimal point of a number as written: "2.30" -> 2, "40" -> 0, "-1.5e6" -> -5
// (a rounding to hundreds of thousands), "4.05600000000000023e+01" -> 16. Thousands separators
// ("," "_" "'") are skipped. nullopt when `literal` is not a number.
std::optional<int> decimals_of(std::string_view literal);

// The step between two numbers printed with `decimals` digits: 10^-decimals.
double resolution(int decimals);

// A number as a paper prints it: its text (a JSON number literal) and digits after the point.
struct PrintedNumber {
  std::string text;  // "2.33", "32768", "4.52e8"
  int decimals = 0;  // as decimals_of(text)
  bool exact = true; // the text is the value itself, not a rounding of it
};

// `value` with `significant` significant digits (integers below 1e15 in full when `significant`
// is 0): "2.33" for 2.32611 at 3, "4.52e8" for 452066342.24 at 3, "32768" for 32768.
PrintedNumber print_significant(double value, int significant);

}  // namespace claimcheck
