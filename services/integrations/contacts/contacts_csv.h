#pragma once

#include <string>
#include <vector>

#include "events/v1/integrations.pb.h"

namespace events::integrations {

// The CSV mailing tools import: header "email,first_name,last_name,tags", one row per
// subscribed contact, tags joined with ", " in one cell. Fields are quoted when they hold a
// comma, quote or line break (a quote doubled), lines end with CRLF, and a cell a spreadsheet
// would run as a formula (StartsLikeAFormula in common/util/text_rules.h: = + - @ or their
// fullwidth forms after any spaces or invisible characters, or a leading tab or CR) gets a
// leading apostrophe.
std::string ContactsCsv(const std::vector<events::v1::MailingContact>& contacts);

// One CSV cell, quoted and protected as above.
std::string CsvCell(const std::string& text);

// "Ada Lovelace King" -> {"Ada", "Lovelace King"}; one word -> {word, ""}.
std::pair<std::string, std::string> SplitName(const std::string& name);

}  // namespace events::integrations
