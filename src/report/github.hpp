#pragma once
// The `github` report: GitHub Actions workflow commands that annotate the claim file and line of
// each discrepant claim (error) and blocked claim (warning), and the job summary.
//
// GitHub shows at most 10 error and 10 warning annotations per step; beyond that the tenth of
// each kind says how many more the report holds. Text from claims is escaped as the Actions
// runner unescapes it (actions/toolkit `command.ts`): in the message %, CR and LF; in a property
// also ':' and ','. A claim can therefore never end a command line or start a new command.
// Beyond that, a "::" in claim text is written ":\u200b:", so no command mark appears anywhere.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/record.hpp"
#include "report/formats.hpp"

namespace claimcheck {

// Annotations shown per kind and step by GitHub.
inline constexpr std::size_t k_github_annotation_limit = 10;

// GitHub's cap on one step's job summary; a larger summary is not shown at all.
inline constexpr std::size_t k_step_summary_limit = 1024 * 1024;

// Escaping for the message of a workflow command.
std::string escape_command_data(std::string_view text);

// Escaping for a property value (file=, title=) of a workflow command.
std::string escape_command_property(std::string_view text);

// The annotation lines, one per line, ending in a plain line with the summary.
std::string render_github_annotations(const AuditRecord& record);

// The job summary: the comment layout without marker, within `max_bytes`.
std::string render_job_summary(const AuditRecord& record, const RenderOptions& options, std::size_t max_bytes);

// Appends the job summary to the file named by $GITHUB_STEP_SUMMARY, keeping the whole file under
// k_step_summary_limit; does nothing when the variable is unset or empty. Throws
// std::runtime_error naming the file when it cannot be written.
void append_step_summary(const AuditRecord& record, const RenderOptions& options);

// The `github` format: append_step_summary, then the annotations.
std::string render_github(const AuditRecord& record, const RenderOptions& options);

}  // namespace claimcheck
