#include "services/registration/rules/csv.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "services/registration/rules/registration_rules.h"

namespace events::registration {
namespace {

using Record = std::vector<std::string>;

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(const Record& fields) {
  for (const auto& f : fields) {
    if (!absl::StripAsciiWhitespace(f).empty()) return false;
  }
  return true;
}

// The RFC 4180 reader behind ParseCsv: calls on_record with each record that is not blank
// and stops at the first error, so a caller can refuse an over-long file without holding it
// all. Counts physical lines (CRLF, LF or CR) to name the line of an unclosed quote.
absl::Status ForEachRecord(absl::string_view csv,
                           const std::function<absl::Status(Record&)>& on_record) {
  if (absl::StartsWith(csv, kUtf8Bom)) csv.remove_prefix(kUtf8Bom.size());
  const size_t n = csv.size();
  auto is_crlf = [&](size_t i) { return csv[i] == '\r' && i + 1 < n && csv[i + 1] == '\n'; };
  size_t i = 0;
  int line = 1;
  Record fields;
  std::string field;
  while (i < n) {
    fields.clear();
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      if (i < n && csv[i] == '"') {
        const int quote_line = line;
        bool closed = false;
        for (++i; i < n; ++i) {
          const char c = csv[i];
          if (c == '"') {
            if (i + 1 < n && csv[i + 1] == '"') {
              field.push_back('"');
              ++i;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n' || (c == '\r' && !is_crlf(i))) ++line;
          field.push_back(c);
        }
        if (!closed) {
          return absl::InvalidArgumentError(absl::StrCat(
              "csv: line ", quote_line, ": a quoted field is never closed (a \" is missing)"));
        }
      }
      // An unquoted field, or what follows a closing quote before the separator.
      while (i < n && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') field.push_back(csv[i++]);
      fields.push_back(std::move(field));
      if (i >= n) {
        end_of_record = true;
      } else if (csv[i] == ',') {
        ++i;
      } else {
        i += is_crlf(i) ? 2 : 1;
        ++line;
        end_of_record = true;
      }
    }
    if (!IsBlank(fields)) EVENTS_RETURN_IF_ERROR(on_record(fields));
  }
  return absl::OkStatus();
}

bool IsEmailHeader(absl::string_view header) {
  const std::string h = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header));
  return h == "email" || h == "e-mail" || h == "email address" || h == "e-mail address";
}

absl::Status NoEmailColumn() {
  return absl::InvalidArgumentError("csv: no column named email; the first row must be the header");
}

// One field as CSV: guarded against formula injection, then quoted when it must be.
void AppendField(absl::string_view value, std::string* out) {
  std::string v;
  if (StartsLikeAFormula(value)) {
    // Spreadsheets run such cells as formulas (=HYPERLINK(...) exfiltrates data), also
    // after leading spaces (" =1+1"); the apostrophe makes them text and is hidden by the
    // spreadsheet.
    v = absl::StrCat("'", value);
  } else {
    v = std::string(value);
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendRow(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendField(fields[i], out);
  }
  out->append("\r\n");
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// RFC 3339 in UTC to the second, e.g. 2026-03-10T10:00:00Z; empty when unknown (0).
std::string Rfc3339Utc(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

std::string AnswerCell(const events::v1::Answer& a, const events::v1::RegistrationQuestion& q) {
  switch (q.type()) {
    case events::v1::QUESTION_TYPE_TEXT:
      return a.text();
    case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
    case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE:
      return absl::StrJoin(a.choices(), "; ");
    case events::v1::QUESTION_TYPE_YES_NO:
      return YesNo(a.yes());
    default:
      return a.text();
  }
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(absl::string_view csv) {
  std::vector<Record> records;
  EVENTS_RETURN_IF_ERROR(ForEachRecord(csv, [&](Record& fields) {
    records.push_back(std::move(fields));
    return absl::OkStatus();
  }));
  return records;
}

absl::StatusOr<std::vector<std::string>> EmailsFromAttendanceCsv(absl::string_view csv) {
  if (csv.size() > kMaxAttendanceCsvBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: at most 240 KiB (", kMaxAttendanceCsvBytes, " bytes); it has ",
                     csv.size(), " bytes: import a longer list in several parts"));
  }
  bool have_header = false;
  size_t column = 0;
  int rows = 0;
  std::vector<std::string> emails;
  std::set<std::string> seen;
  EVENTS_RETURN_IF_ERROR(ForEachRecord(csv, [&](Record& fields) -> absl::Status {
    if (!have_header) {
      have_header = true;
      for (column = 0; column < fields.size(); ++column) {
        if (IsEmailHeader(fields[column])) return absl::OkStatus();
      }
      return NoEmailColumn();
    }
    if (++rows > kMaxAttendanceCsvRows) {
      return absl::InvalidArgumentError(absl::StrCat("csv: at most ", kMaxAttendanceCsvRows,
                                                     " rows of attendees after the header"));
    }
    if (column >= fields.size()) return absl::OkStatus();
    std::string email = NormaliseEmail(fields[column]);
    if (!email.empty() && seen.insert(email).second) emails.push_back(std::move(email));
    return absl::OkStatus();
  }));
  if (!have_header) return NoEmailColumn();
  return emails;
}

std::string RegistrationsCsv(const std::vector<events::v1::Registration>& regs,
                             const events::v1::RegistrationSettings& settings) {
  std::vector<std::string> header = {"registration_id",
                                     "status",
                                     "name",
                                     "email",
                                     "organisation",
                                     "participation",
                                     "pool",
                                     "companion",
                                     "marketing_opt_in",
                                     "attended",
                                     "waitlist_position",
                                     "registered_at"};
  for (const auto& q : settings.questions()) header.push_back(q.id());
  std::string out;
  AppendRow(header, &out);
  std::vector<std::string> row;
  for (const auto& r : regs) {
    row = {r.id(),
           RegistrationStatusWord(r.status()),
           r.name(),
           r.email(),
           r.organisation(),
           ParticipationWord(r.participation()),
           r.pool().empty() ? std::string(kGeneralPool) : r.pool(),
           YesNo(r.companion()),
           YesNo(r.marketing_opt_in()),
           YesNo(r.attended()),
           r.waitlist_position() > 0 ? absl::StrCat(r.waitlist_position()) : "",
           Rfc3339Utc(r.created_unix_ms())};
    std::map<absl::string_view, const events::v1::Answer*> answers;
    for (const auto& a : r.answers()) answers.emplace(a.question_id(), &a);
    for (const auto& q : settings.questions()) {
      auto it = answers.find(q.id());
      row.push_back(it == answers.end() ? "" : AnswerCell(*it->second, q));
    }
    AppendRow(row, &out);
  }
  return out;
}

std::string RegistrationStatusWord(events::v1::RegistrationStatus status) {
  switch (status) {
    case events::v1::REGISTRATION_STATUS_CONFIRMED:
      return "confirmed";
    case events::v1::REGISTRATION_STATUS_WAITLISTED:
      return "waitlisted";
    case events::v1::REGISTRATION_STATUS_PENDING_APPROVAL:
      return "pending_approval";
    case events::v1::REGISTRATION_STATUS_CANCELLED:
      return "cancelled";
    case events::v1::REGISTRATION_STATUS_REJECTED:
      return "rejected";
    default:
      return "";
  }
}

std::string ParticipationWord(events::v1::Participation participation) {
  switch (participation) {
    case events::v1::PARTICIPATION_LIVED_EXPERIENCE:
      return "lived_experience";
    case events::v1::PARTICIPATION_CARER:
      return "carer";
    case events::v1::PARTICIPATION_PROFESSIONAL:
      return "professional";
    case events::v1::PARTICIPATION_STUDENT:
      return "student";
    case events::v1::PARTICIPATION_OTHER:
      return "other";
    default:
      return "";
  }
}

}  // namespace events::registration
