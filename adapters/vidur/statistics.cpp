#include "adapters/vidur/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "io/extract.hpp"

namespace claimcheck::vidur {

std::optional<Statistic> parse_statistic(std::string_view text) {
  Statistic s;
  s.text = std::string(text);
  if (text == "mean") return s;
  s.kind = Statistic::Kind::percentile;
  if (text == "median") {
    s.percentile = 50;
  } else if (text == "min") {
    s.percentile = 0;
  } else if (text == "max") {
    s.percentile = 100;
  } else if (text.size() > 1 && text[0] == 'p') {
    auto number = parse_number(text.substr(1));
    if (!number || *number < 0 || *number > 100) return std::nullopt;
    s.percentile = *number;
  } else {
    return std::nullopt;
  }
  return s;
}

double compute_statistic(std::vector<double> values, const Statistic& statistic) {
  if (values.empty()) throw std::invalid_argument("no values");
  if (statistic.kind == Statistic::Kind::mean) {
    double total = 0;
    for (double v : values) total += v;
    return total / static_cast<double>(values.size());
  }
  std::sort(values.begin(), values.end());
  const double rank = statistic.percentile / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = static_cast<std::size_t>(std::ceil(rank));
  return values[lower] + (values[upper] - values[lower]) * (rank - static_cast<double>(lower));
}

}  // namespace claimcheck::vidur
