#pragma once
// A reader for the JSON of nearly every file claimcheck reads: valid UTF-8 without \u escapes or
// repeated keys, nested at most k_max_json_depth deep. It builds the document nlohmann::json::parse
// builds (the same types, numbers and order) in well under half its time: nlohmann's lexer copies
// every byte through a token buffer, and thousands of claims are tens of megabytes of JSON.
// Anything else it declines, and parse_json_bounded (io/json_limits.hpp) parses the text with
// nlohmann, whose messages locate the problem.

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace claimcheck {

// The document of `text`, or nullopt when the text is not JSON this reader takes (see above):
// invalid JSON, a UTF-8 byte-order mark, a \u escape, a repeated key, deeper nesting, or a
// number that does not fit a double.
std::optional<nlohmann::json> parse_plain_json(std::string_view text);

}  // namespace claimcheck
