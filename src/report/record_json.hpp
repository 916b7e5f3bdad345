#pragma once
// The AuditRecord as JSON (schemas/audit-record.schema.json), written by `audit --format json`
// and read back by `render` and `diff`. This is the one parser and writer of that format.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/record.hpp"

namespace claimcheck {

nlohmann::json record_to_json(const AuditRecord& record);

// Throws InputError naming the file and JSON pointer of any field that is missing or mistyped.
AuditRecord record_from_json(std::string_view text, const std::filesystem::path& file);

// Pretty-printed JSON text with a trailing newline.
std::string record_to_text(const AuditRecord& record);

}  // namespace claimcheck
