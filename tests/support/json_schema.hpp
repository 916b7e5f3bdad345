#pragma once
// Validates JSON files against a JSON Schema with Debian's python3-jsonschema (Draft 2020-12),
// an implementation independent of claimcheck's own loaders.

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck::test {

// "" when every file validates; otherwise the validator's messages, one line per failing file.
std::string validate_with_schema(const std::filesystem::path& schema, const std::vector<std::filesystem::path>& files);

}  // namespace claimcheck::test
