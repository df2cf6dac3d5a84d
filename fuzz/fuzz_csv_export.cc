// The CSV exports' cell escaping, on any text: registration's RegistrationsCsv, feedback's
// ResponsesCsv (of answers as ValidateAnswers stores them) and integrations' CsvCell. Each
// export read back with an RFC 4180 reader (registration's ParseCsv) gives every cell as
// written, with an apostrophe in front exactly when the project's rule says a spreadsheet
// would run it as a formula (StartsLikeAFormula), so no exported cell runs as one.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/text_rules.h"
#include "events/v1/feedback.pb.h"
#include "events/v1/registration.pb.h"
#include "fuzz/fuzz_check.h"
#include "services/feedback/rules/export_csv.h"
#include "services/feedback/rules/survey_rules.h"
#include "services/integrations/contacts/contacts_csv.h"
#include "services/registration/rules/csv.h"

namespace {

using Records = std::vector<std::vector<std::string>>;

std::string Guarded(const std::string& value) {
  return events::StartsLikeAFormula(value) ? "'" + value : value;
}

Records ReadBack(const std::string& csv, absl::string_view what) {
  auto records = events::registration::ParseCsv(csv);
  events::fuzz::Check(records.ok(), what, records.ok() ? "" : records.status().ToString());
  return *records;
}

void CheckCell(const std::string& cell, const std::string& value, absl::string_view what) {
  events::fuzz::Check(cell == Guarded(value), what,
                      absl::StrCat("value <", value, "> exported as <", cell, ">"));
  events::fuzz::Check(!events::StartsLikeAFormula(cell), "no exported cell runs as a formula",
                      cell);
}

void Registrations(const std::string& name, const std::string& email, const std::string& org,
                   const std::string& answer) {
  events::v1::RegistrationSettings settings;
  auto* q = settings.add_questions();
  q->set_id("q1");
  q->set_type(events::v1::QUESTION_TYPE_TEXT);
  events::v1::Registration r;
  r.set_id("reg_1");
  r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
  r.set_name(name);
  r.set_email(email);
  r.set_organisation(org);
  auto* a = r.add_answers();
  a->set_question_id("q1");
  a->set_text(answer);
  const Records rows =
      ReadBack(events::registration::RegistrationsCsv({r}, settings), "RegistrationsCsv parses");
  events::fuzz::Check(rows.size() == 2 && rows[1].size() == 13, "RegistrationsCsv shape");
  CheckCell(rows[1][2], name, "RegistrationsCsv name");
  CheckCell(rows[1][3], email, "RegistrationsCsv email");
  CheckCell(rows[1][4], org, "RegistrationsCsv organisation");
  CheckCell(rows[1][12], answer, "RegistrationsCsv answer");
}

void Responses(const std::string& text, const std::string& comment) {
  events::v1::SurveyDefinition definition;
  auto* q = definition.add_questions();
  q->set_id("said");
  q->set_type(events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT);
  q->set_text("Anything else?");
  q->set_allow_comment(true);
  google::protobuf::RepeatedPtrField<events::v1::FeedbackAnswer> given;
  auto* a = given.Add();
  a->set_question_id("said");
  a->set_text(text);
  a->set_comment(comment);
  // Only what ValidateAnswers accepts is ever stored and exported.
  auto stored = events::feedback::ValidateAnswers(definition, given);
  if (!stored.ok()) return;
  events::feedback::ExportRow row;
  row.answers = *stored;
  auto csv = events::feedback::ResponsesCsv(definition, {row}, 1);
  events::fuzz::Check(csv.ok(), "ResponsesCsv of one row with min_group 1");
  const Records rows = ReadBack(*csv, "ResponsesCsv parses");
  events::fuzz::Check(rows.size() == 2 && rows[1].size() == 4, "ResponsesCsv shape", *csv);
  const auto& answer = (*stored)[0];
  CheckCell(rows[1][2], answer.text(), "ResponsesCsv text");
  CheckCell(rows[1][3], answer.comment(), "ResponsesCsv comment");
}

void Contacts(const std::string& text) {
  const std::string csv = absl::StrCat("x,", events::integrations::CsvCell(text), "\r\n");
  const Records rows = ReadBack(csv, "CsvCell parses");
  events::fuzz::Check(rows.size() == 1 && rows[0].size() == 2, "CsvCell is one cell", csv);
  CheckCell(rows[0][1], text, "CsvCell");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string a = in.ConsumeRandomLengthString(300);
  const std::string b = in.ConsumeRandomLengthString(300);
  const std::string c = in.ConsumeRandomLengthString(300);
  const std::string d = in.ConsumeRemainingBytesAsString();
  Registrations(a, b, c, d);
  Responses(a, b);
  Contacts(a);
  return 0;
}
