#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/registration.pb.h"

// CSV in and out of the registration service: attendance reports from webinar platforms, and
// the organiser's export. Pure functions, thread-safe.
namespace events::registration {

// Limits of an attendance import, documented in docs/registration.md.
// Within the 256 KiB every request is limited to (EVENTS_MAX_REQUEST_BYTES); a longer list
// goes in several imports, since an import only ever adds attendance.
inline constexpr size_t kMaxAttendanceCsvBytes = size_t{240} * 1024;
inline constexpr int kMaxAttendanceCsvRows = 5000;

// Parses RFC 4180 CSV: fields separated by commas, optionally in double quotes (where ""
// stands for one quote and commas and line breaks are plain text), records ended by CRLF, LF
// or a lone CR. A UTF-8 byte-order mark at the start is ignored, and so are blank records
// (every field empty). Text after the closing quote of a field is kept, as spreadsheets do.
// The records, or INVALID_ARGUMENT naming the line of a quote that is never closed.
absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(absl::string_view csv);

// The e-mail addresses of an attendance report: the header row must have a column named
// "email", "e-mail", "email address" or "e-mail address" (any case, spaces around ignored;
// the first such column wins). Addresses are normalised (NormaliseEmail), empty ones skipped
// and repeats dropped, keeping the order of first appearance; they are not otherwise
// checked (an address that matches no registration is reported back as not found).
// INVALID_ARGUMENT when the text is over kMaxAttendanceCsvBytes, has more than
// kMaxAttendanceCsvRows data rows, has no such column, or has an unclosed quote.
absl::StatusOr<std::vector<std::string>> EmailsFromAttendanceCsv(absl::string_view csv);

// The organiser's export: a header row (registration_id, status, name, email, organisation,
// participation, pool, companion, marketing_opt_in, attended, waitlist_position,
// registered_at, then one column per question named by its id) and one row per
// registration. Enums are lower-case words, booleans yes/no, times RFC 3339 UTC, multiple
// choices joined with "; ". Fields are quoted when needed, lines end with CRLF, and a field
// that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
// leading apostrophe.
// The words exports use: "confirmed", "waitlisted", "pending_approval", "cancelled",
// "rejected" ("" for UNSPECIFIED); "lived_experience", "carer", "professional", "student",
// "other" ("" for UNSPECIFIED).
std::string RegistrationStatusWord(events::v1::RegistrationStatus status);
std::string ParticipationWord(events::v1::Participation participation);

std::string RegistrationsCsv(const std::vector<events::v1::Registration>& regs,
                             const events::v1::RegistrationSettings& settings);

}  // namespace events::registration
