// A small, strict RFC 5545 reader: enough to check what RenderCalendar writes (tests) and to
// read simple calendar files back. It does not interpret values beyond TEXT unescaping.
#ifndef EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_PARSE_H_
#define EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_PARSE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace events::scheduling {

struct IcsComponent {
  std::string name;  // "VCALENDAR", "VEVENT", ...
  // In file order: the name with its parameters exactly as written ("DTSTART;TZID=Europe/London")
  // and the value with TEXT escapes undone ("a, b" for "a\, b").
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<IcsComponent> children;

  // The value of the first property whose name, without parameters, is `property_name` (case-
  // insensitive), or nullptr. FindProperty("DTSTART") finds "DTSTART;TZID=Europe/London".
  const std::string* FindProperty(std::string_view property_name) const;
  // The full name-with-parameters of that property, or nullptr.
  const std::string* FindPropertyName(std::string_view property_name) const;
  // Direct children named `component_name`, in file order.
  std::vector<const IcsComponent*> Children(std::string_view component_name) const;
};

// Parses one top-level component (normally VCALENDAR). Returns INVALID_ARGUMENT naming the
// physical line when a line does not end in CRLF, a content line has no ':' or no name, a
// property sits outside any component, BEGIN/END do not nest or match, or text follows the
// top-level END. Continuation lines (starting with a space or tab) are unfolded first.
absl::StatusOr<IcsComponent> ParseIcs(std::string_view text);

}  // namespace events::scheduling

#endif  // EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_PARSE_H_
