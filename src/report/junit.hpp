#pragma once
// The `junit` report: JUnit XML for CI test views. One <testsuite> per claim file, one
// <testcase> per claim: a discrepant claim is a <failure>, a blocked one is <skipped> with the
// reason, a verified one passes. A record without claims is one failing test case, because an
// audit that measured nothing is not a pass.

#include <string>
#include <string_view>

#include "core/record.hpp"
#include "report/formats.hpp"

namespace claimcheck {

// Text or attribute value for XML 1.0: markup characters become references, characters XML
// forbids (controls other than tab, LF, CR; U+FFFE, U+FFFF) and invalid UTF-8 become U+FFFD;
// in an attribute, tab, LF and CR become character references so they survive normalisation.
std::string xml_escape(std::string_view text, bool attribute);

std::string render_junit(const AuditRecord& record, const RenderOptions& options);

}  // namespace claimcheck
