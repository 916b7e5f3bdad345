#pragma once
// Summary statistics of a column of numbers, as the tools' own scripts compute them (pandas
// Series.mean / Series.quantile: linear interpolation between closest ranks).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck::vidur {

struct Statistic {
  enum class Kind { mean, percentile };
  Kind kind = Kind::mean;
  double percentile = 50;  // Kind::percentile: 0..100 (min = 0, median = 50, max = 100)
  std::string text;        // as written: "mean", "median", "min", "max", "p99", "p99.9"
  bool operator==(const Statistic&) const = default;
};

// "mean", "median", "min", "max" or "pNN" (0 <= NN <= 100); nullopt otherwise.
std::optional<Statistic> parse_statistic(std::string_view text);

// The statistic of `values` (not empty).
double compute_statistic(std::vector<double> values, const Statistic& statistic);

}  // namespace claimcheck::vidur
