#pragma once
// The report formats `audit --format` and `render --format` know, as one table.

#include <string>
#include <vector>

#include "core/record.hpp"

namespace claimcheck {

// Options some formats read; set from the command line.
struct RenderOptions {
  std::string comment_key = "claimcheck";  // comment: the hidden marker's KEY
  std::string full_report_url;             // comment: where the full report is, when cut
};

struct ReportFormat {
  std::string name;         // as written after --format
  std::string description;  // one line for --help
  std::string (*render)(const AuditRecord& record, const RenderOptions& options);
};

const std::vector<ReportFormat>& report_formats();

// The format named `name`, or null.
const ReportFormat* find_report_format(const std::string& name);

std::vector<std::string> report_format_names();

}  // namespace claimcheck
