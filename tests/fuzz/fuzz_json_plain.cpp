// The plain JSON reader against nlohmann: whatever text the reader takes, nlohmann must take too
// and build the same document (types, values, order); then parse_json_bounded's checks.

#include <cstring>

#include "fuzz_support.hpp"
#include "io/json_limits.hpp"
#include "io/json_plain.hpp"

namespace {

using nlohmann::json;

bool same(const json& a, const json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
      if (x.key() != y.key() || !same(*x, *y)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string_view text = fuzz::as_text(data, size);
  if (const auto plain = parse_plain_json(text)) {
    json reference;
    try {
      reference = json::parse(text);
    } catch (const json::exception&) {
      fuzz::violated("the plain reader took text nlohmann refuses");
    }
    if (!same(*plain, reference)) fuzz::violated("the plain reader built another document than nlohmann");
  }
  fuzz::expect_input_errors_only([&] { parse_json_bounded(text, "fuzz.json"); });
  return 0;
}
