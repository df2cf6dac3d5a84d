// The attendance CSV import (registration's ImportAttendance): ParseCsv and
// EmailsFromAttendanceCsv on any bytes. Records ParseCsv accepts, written out again as RFC
// 4180 (every field quoted), parse to the same records; the e-mails it returns are
// normalised, non-empty and distinct.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "services/registration/rules/csv.h"
#include "services/registration/rules/registration_rules.h"

namespace {

std::string Quoted(const std::vector<std::vector<std::string>>& records) {
  std::string out;
  for (const auto& record : records) {
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('"');
      for (char c : record[i]) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view csv(reinterpret_cast<const char*>(data), size);

  auto records = events::registration::ParseCsv(csv);
  if (records.ok()) {
    auto again = events::registration::ParseCsv(Quoted(*records));
    events::fuzz::Check(again.ok() && *again == *records, "ParseCsv reads its records back",
                        Quoted(*records));
  } else {
    events::fuzz::CheckValidation(records.status(), "ParseCsv");
  }

  auto emails = events::registration::EmailsFromAttendanceCsv(csv);
  if (!emails.ok()) {
    events::fuzz::Check(emails.status().code() == absl::StatusCode::kInvalidArgument,
                        "EmailsFromAttendanceCsv error code", emails.status().ToString());
    return 0;
  }
  std::set<std::string> seen;
  for (const std::string& email : *emails) {
    events::fuzz::Check(!email.empty(), "no empty e-mail");
    events::fuzz::Check(events::registration::NormaliseEmail(email) == email,
                        "e-mails come back normalised", email);
    events::fuzz::Check(seen.insert(email).second, "e-mails come back once", email);
  }
  return 0;
}
