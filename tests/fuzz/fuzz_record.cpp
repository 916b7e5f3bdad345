// Audit records read back by `render` and `diff` (they may come from another job's artifact),
// then every report format rendered from them, and the JSON written again.

#include "fuzz_support.hpp"
#include "report/formats.hpp"
#include "report/record_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  AuditRecord record;
  try {
    record = record_from_json(fuzz::as_text(data, size), "record.json");
  } catch (const InputError& e) {
    fuzz::check_diagnostics(e.diagnostics());
    return 0;
  }
  for (const auto& format : report_formats()) format.render(record, RenderOptions{});
  // Writing a record and reading it back gives the same record.
  const std::string text = record_to_text(record);
  if (record_to_text(record_from_json(text, "again.json")) != text) fuzz::violated("record round trip");
  return 0;
}
