// Samples for accessibility and feedback (samples.h).
#include "absl/strings/substitute.h"
#include "events/v1/feedback.pb.h"
#include "services/web/api/json_mapping.h"
#include "tests/api/samples.h"
#include "tests/api/samples_internal.h"

namespace events::api_test {

using absl::Substitute;

namespace {

// A fresh attendee of the shared event with an access request of their own.
Person WithRequest(World& w) {
  Person p = w.Register(w.shared().event_id);
  w.NewAccessRequest(p);
  return p;
}

}  // namespace

void AddCareSamples(std::map<std::string, Sample>& s) {
  // --- Accessibility ---
  s["AccessibilityService.GetCatalogue"] = {
      false, [](World& w) { return CallInput{IdJson("event_id", w.shared().event_id)}; }};
  s["AccessibilityService.SetLeadTime"] = {
      true, [](World& w) {
        return CallInput{R"({"need": "bsl_interpreter", "lead_time_days": 14})", w.org_a()};
      }};
  s["AccessibilityService.SubmitRequest"] = {true, [](World& w) {
                                               return CallInput{
                                                   R"({"needs": ["live_captions"], "consent": true,
                             "details": {"contact_method": "CONTACT_METHOD_REGISTRATION_EMAIL"}})",
                                                   "", w.Register(w.shared().event_id).token};
                                             }};
  s["AccessibilityService.GetMyRequest"] = {false, [](World& w) {
                                              return CallInput{"{}", "", w.shared().person.token};
                                            }};
  s["AccessibilityService.UpdateMyRequest"] = {
      true, [](World& w) {
        return CallInput{R"({"needs": ["live_captions", "bsl_interpreter"],
                             "details": {"contact_method": "CONTACT_METHOD_REGISTRATION_EMAIL"}})",
                         "", WithRequest(w).token};
      }};
  s["AccessibilityService.WithdrawMyRequest"] = {true, [](World& w) {
                                                   return CallInput{"{}", "", WithRequest(w).token};
                                                 }};
  s["AccessibilityService.EraseMyRequest"] = {true, [](World& w) {
                                                return CallInput{"{}", "", WithRequest(w).token};
                                              }};
  s["AccessibilityService.ListRequests"] = {
      false, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "status": "REQUEST_STATUS_SUBMITTED",
                                    "page": {"page_size": 20}})",
                                    w.shared().event_id),
                         w.org_a()};
      }};
  s["AccessibilityService.GetRequest"] = {
      false, [](World& w) {
        return CallInput{IdJson("request_id", w.shared().request_id), w.org_a()};
      }};
  s["AccessibilityService.TransitionRequest"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"request_id": "$0", "to": "REQUEST_STATUS_ACKNOWLEDGED"})",
                                    w.NewAccessRequest(w.Register(w.shared().event_id))),
                         w.org_a()};
      }};
  s["AccessibilityService.ListAtRisk"] = {
      false, [](World& w) {
        return CallInput{R"({"page": {"page_size": 20}})", w.org_a()};
      }};
  s["AccessibilityService.AddProvision"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "need": "bsl_interpreter",
                                    "description": "Two interpreters booked"})",
                                    w.shared().event_id),
                         w.org_a()};
      }};
  s["AccessibilityService.ListProvisions"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};
  s["AccessibilityService.FulfilWithProvision"] = {
      true, [](World& w) {
        const std::string event = w.shared().event_id;
        return CallInput{Substitute(R"({"provision_id": "$0", "request_ids": ["$1"]})",
                                    w.NewProvision(event), w.NewAccessRequest(w.Register(event))),
                         w.org_a()};
      }};
  s["AccessibilityService.ListAuditLog"] = {
      false, [](World& w) {
        return CallInput{R"({"page": {"page_size": 5}})", w.org_a()};
      }};
  s["AccessibilityService.GetRequestCounts"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};

  // --- Feedback ---
  s["FeedbackService.GetSurvey"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};
  s["FeedbackService.UpdateSurvey"] = {
      true, [](World& w) {
        const std::string event = w.NewEvent(true);
        w.AwaitSurvey(event);
        auto survey = w.Call<events::v1::Survey>("FeedbackService.GetSurvey",
                                                 IdJson("event_id", event), w.org_a());
        survey.mutable_definition()->set_window_days(10);
        auto definition = events::web::api::MessageToApiJson(survey.definition());
        return CallInput{Substitute(R"({"event_id": "$0", "definition": $1})", event,
                                    definition.ok() ? *definition : "{}"),
                         w.org_a()};
      }};
  s["FeedbackService.GetMySurvey"] = {false, [](World& w) {
                                        return CallInput{"{}", "", w.shared().person.token};
                                      }};
  s["FeedbackService.SubmitResponse"] = {
      true, [](World& w) {
        return CallInput{R"({"answers": [{"question_id": "overall", "number": 4}]})", "",
                         w.Register(w.shared().event_id).token};
      }};
  s["FeedbackService.GetReport"] = {
      false,
      [](World& w) {
        return CallInput{
            Substitute(R"({"event_id": "$0", "texts_per_question": 3})", w.shared().event_id),
            w.org_a()};
      },
      {"generated_unix_ms"}};
  s["FeedbackService.ListFeedbackTexts"] = {
      false, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "question_id": "mattered_most"})",
                                    w.shared().event_id),
                         w.org_a()};
      }};
  s["FeedbackService.ExportFeedback"] = {
      false, [](World& w) {
        return CallInput{
            Substitute(R"({"event_id": "$0", "format": "EXPORT_FORMAT_RESPONSES_CSV"})",
                       w.shared().event_id),
            w.org_a()};
      }};
  s["FeedbackService.GetTrends"] = {
      false, [](World& w) {
        return CallInput{R"({"from_month": "2026-01", "to_month": "2027-12"})", w.org_a()};
      }};
  s["FeedbackService.OpenSurveyNow"] = {true, [](World& w) {
                                          const std::string event = w.NewEvent(true);
                                          w.AwaitSurvey(event);
                                          return CallInput{IdJson("event_id", event), w.org_a()};
                                        }};
}

}  // namespace events::api_test
