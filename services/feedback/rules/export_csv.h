#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/feedback.pb.h"

namespace events::feedback {

// One stored response, as the export sees it: no registration id, no token.
struct ExportRow {
  std::vector<events::v1::FeedbackAnswer> answers;
  int64_t submitted_unix_ms = 0;
};

// The anonymised responses as CSV (RFC 4180, CRLF), with the same suppression as reports:
// - FAILED_PRECONDITION (nothing exported) when there are fewer than min_group responses;
// - a question answered by fewer than min_group people has its column blank;
// - free text (a free-text question, or a question's comments) written by fewer than
//   min_group people has its column blank;
// - comments to the ACCESS_NEEDS_MET question are never exported (they describe disabilities):
//   that question has no comment column.
// Header: response, submitted_on, then one column per question named by its id, plus
// "<id>_comment" for other questions that take a comment. Rows are sorted by their content
// (never by submission, so row order cannot be matched with who answered when) and numbered
// from 1; the day only (UTC). Choices are their ids joined by ';'. Cells that a spreadsheet
// would read as a formula (StartsLikeAFormula in common/util/text_rules.h, the rule of every
// export) get a leading apostrophe. Free text is stored redacted. Pure; thread-safe.
absl::StatusOr<std::string> ResponsesCsv(const events::v1::SurveyDefinition& definition,
                                         std::vector<ExportRow> rows, int32_t min_group);

}  // namespace events::feedback
