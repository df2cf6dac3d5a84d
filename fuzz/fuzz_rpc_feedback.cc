// Every feedback RPC's request validation that runs without a store: the first byte picks
// the RPC, the rest is its request. UpdateSurvey's definition (and whether it keeps the
// default survey's structure), SubmitResponse's answers against the default survey (what is
// stored comes back redacted and in limits), and event ids. See rpc_fuzz.h.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/util/ids.h"
#include "common/util/redact.h"
#include "events/v1/feedback.pb.h"
#include "fuzz/rpc_fuzz.h"
#include "services/feedback/rules/survey_rules.h"

namespace ev = events::v1;
namespace fb = events::feedback;
using events::fuzz::CheckRpcStatus;

namespace {

const ev::SurveyDefinition& Default() {
  static const ev::SurveyDefinition* d = new ev::SurveyDefinition(fb::DefaultSurvey());
  return *d;
}

void Answers(const ev::SurveyDefinition& definition, const ev::SubmitResponseRequest& r) {
  auto stored = fb::ValidateAnswers(definition, r.answers());
  CheckRpcStatus(stored, r, "SubmitResponse", {"answers"});
  if (!stored.ok()) return;
  for (const auto& a : *stored) {
    // Stored text is what reports and exports show to the organiser.
    events::fuzz::Check(events::RedactContacts(a.text()) == a.text(), "stored text is redacted",
                        a.text());
    events::fuzz::Check(events::RedactContacts(a.comment()) == a.comment(),
                        "stored comment is redacted", a.comment());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int rpc = data[0] % 4;
  ++data;
  --size;
  switch (rpc) {
    case 0: {
      ev::UpdateSurveyRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "UpdateSurvey");
      const absl::Status valid = fb::ValidateDefinition(r.definition());
      CheckRpcStatus(valid, r, "UpdateSurvey");
      if (!valid.ok()) break;
      CheckRpcStatus(fb::CheckSameStructure(Default(), r.definition()), r, "UpdateSurvey");
      events::fuzz::Check(fb::CheckSameStructure(r.definition(), r.definition()).ok(),
                          "a survey keeps its own structure");
      break;
    }
    case 1: {
      ev::SubmitResponseRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Answers(Default(), r);
      break;
    }
    case 2: {
      // A survey an organiser wrote (UpdateSurvey), then a response to it: the input is
      // one byte n, n bytes of UpdateSurveyRequest, then the SubmitResponseRequest.
      if (size == 0) return 0;
      const size_t n = std::min<size_t>(data[0], size - 1);
      ev::UpdateSurveyRequest u;
      ev::SubmitResponseRequest r;
      if (!events::fuzz::ParseRequest(data + 1, n, u)) return 0;
      if (!events::fuzz::ParseRequest(data + 1 + n, size - 1 - n, r)) return 0;
      if (!fb::ValidateDefinition(u.definition()).ok()) break;
      Answers(u.definition(), r);
      break;
    }
    case 3: {
      ev::GetReportRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "GetReport");
      break;
    }
  }
  return 0;
}
