#pragma once
// The AuditRecord as JSON (reports/audit-record.schema.json), written by `audit --record` and
// `--format json` and read back by `render`, `diff` and `merge`. This is the one parser and writer
// of that format.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/record.hpp"

namespace claimcheck {

// The record with every claim written out in full: the form of schema version 1, for programs that
// read a record's claims directly (`render --format json-full`).
nlohmann::json record_to_json(const AuditRecord& record);

// Reads schema versions 1 and 2. Throws InputError naming the file and JSON pointer of any field
// that is missing or mistyped.
AuditRecord record_from_json(std::string_view text, const std::filesystem::path& file);

// The record as written to disk, schema version 2: what claims share (their measurement's tool,
// inputs, details, evidence files) is written once and named by index, and each claim takes one
// line. Ends with a newline.
std::string record_to_text(const AuditRecord& record);

}  // namespace claimcheck
