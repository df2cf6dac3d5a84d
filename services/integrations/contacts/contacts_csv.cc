#include "services/integrations/contacts/contacts_csv.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/util/text_rules.h"

namespace events::integrations {

std::string CsvCell(const std::string& text) {
  std::string cell = text;
  // The one rule of every export (text_rules.h): it looks past spaces of any script and
  // invisible characters, and knows the fullwidth signs.
  if (StartsLikeAFormula(cell)) cell.insert(0, "'");
  // ';' too: spreadsheets in many locales read it as the separator.
  if (cell.find_first_of(",;\"\r\n") != std::string::npos) {
    return absl::StrCat("\"", absl::StrReplaceAll(cell, {{"\"", "\"\""}}), "\"");
  }
  return cell;
}

std::string ContactsCsv(const std::vector<events::v1::MailingContact>& contacts) {
  std::string out = "email,first_name,last_name,tags\r\n";
  for (const events::v1::MailingContact& c : contacts) {
    if (!c.subscribed()) continue;
    absl::StrAppend(&out, CsvCell(c.email()), ",", CsvCell(c.first_name()), ",",
                    CsvCell(c.last_name()), ",", CsvCell(absl::StrJoin(c.tags(), ", ")), "\r\n");
  }
  return out;
}

std::pair<std::string, std::string> SplitName(const std::string& name) {
  absl::string_view n = absl::StripAsciiWhitespace(name);
  size_t space = n.find(' ');
  if (space == absl::string_view::npos) return {std::string(n), ""};
  return {std::string(n.substr(0, space)),
          std::string(absl::StripAsciiWhitespace(n.substr(space + 1)))};
}

}  // namespace events::integrations
