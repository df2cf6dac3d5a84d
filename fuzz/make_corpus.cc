// Writes the seed inputs of the fuzz_rpc_* targets: for each RPC, a few requests as clients
// send them (valid ones and typical mistakes), written from protobuf text format so they
// stay readable here. Each file is the RPC's selector byte followed by the serialized
// request. Usage: fuzz_make_corpus <fuzz/corpus folder>; scripts/fuzz --seed runs it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "events/v1/accessibility.pb.h"
#include "events/v1/feedback.pb.h"
#include "events/v1/integrations.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "google/protobuf/text_format.h"

namespace {

namespace ev = events::v1;
std::filesystem::path root;

template <typename M>
void Seed(const std::string& target, int rpc, const std::string& name, const std::string& text) {
  M message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) {
    std::fprintf(stderr, "bad seed %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
  const std::filesystem::path dir = root / target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary);
  out.put(static_cast<char>(rpc));
  out << message.SerializeAsString();
}

// fuzz_rpc_feedback's survey-then-response input: one byte of length, the first request,
// then the second.
template <typename A, typename B>
void SeedPair(const std::string& target, int rpc, const std::string& name, const std::string& a,
              const std::string& b) {
  A first;
  B second;
  if (!google::protobuf::TextFormat::ParseFromString(a, &first) ||
      !google::protobuf::TextFormat::ParseFromString(b, &second)) {
    std::fprintf(stderr, "bad seed %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
  const std::string head = first.SerializeAsString();
  if (head.size() > 255) {
    std::fprintf(stderr, "seed %s/%s: the first request is over 255 bytes\n", target.c_str(),
                 name.c_str());
    std::exit(1);
  }
  const std::filesystem::path dir = root / target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary);
  out.put(static_cast<char>(rpc));
  out.put(static_cast<char>(head.size()));
  out << head << second.SerializeAsString();
}

constexpr const char* kEvent = R"(event_id: "ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1")";
constexpr const char* kDetails = R"(
  title: "Captioning in practice" description: "Live captions and sign language."
  format: EVENT_FORMAT_ONLINE time_zone: "Europe/London"
  start { value: "2027-03-28T00:30" } end { value: "2027-03-28T02:30" } capacity: 120
  join_link: "https://meet.example.org/j/123456"
  reminders { minutes_before: 1440 minutes_before: 60 })";

void Scheduling() {
  const std::string t = "fuzz_rpc_scheduling";
  Seed<ev::CreateEventRequest>(t, 0, "create", std::string("details {") + kDetails + "}");
  Seed<ev::CreateEventRequest>(t, 0, "create-gap",
                               R"(details { title: "Spring" format: EVENT_FORMAT_ONLINE
      time_zone: "Europe/London" start { value: "2027-03-28T01:30" }
      end { value: "2027-03-28T03:00" } capacity: 10 join_link: "https://x.example/j" })");
  Seed<ev::UpdateEventRequest>(
      t, 1, "update", std::string(kEvent) + " expected_version: 3 details {" + kDetails + "}");
  Seed<ev::PublishEventRequest>(t, 2, "publish", std::string(kEvent) + " expected_version: 1");
  Seed<ev::RescheduleEventRequest>(
      t, 3, "reschedule",
      std::string(kEvent) + R"( expected_version: 2 new_start { value: "2027-10-31T01:30" }
      new_end { value: "2027-10-31T02:30" } time_zone: "Europe/London"
      reason: "The interpreter is ill")");
  Seed<ev::CancelEventRequest>(t, 4, "cancel", std::string(kEvent) + R"( reason: "Venue flooded")");
  Seed<ev::CompleteEventRequest>(t, 5, "complete", std::string(kEvent) + " expected_version: 4");
  Seed<ev::SetAgendaRequest>(t, 6, "agenda", std::string(kEvent) + R"( sessions {
      title: "Welcome" start { value: "2030-03-31T00:30" } end { value: "2030-03-31T01:00" }
      speakers { name: "Ada" bio: "Mail ada@example.org" } }
    sessions { title: "Panel" start { value: "2030-03-31T02:00" }
      end { value: "2030-03-31T03:00" } })");
  Seed<ev::GetEventRequest>(t, 7, "get", kEvent);
  Seed<ev::GetEventRequest>(t, 7, "get-bad", R"(event_id: "ev_../../etc")");
  Seed<ev::ListUpcomingEventsRequest>(
      t, 8, "upcoming",
      R"(page { page_size: 10 page_token: "MDAxNzgwMDAwMDAwMDAwOmV2XzAxSkRRM1Y0TjdYOEsyTTlQMFI1VDZXOFkx" })");
  Seed<ev::ListOrganisationEventsRequest>(t, 9, "organisation",
                                          R"(page { page_size: 101 } status: EVENT_STATUS_DRAFT)");
  Seed<ev::CreateSeriesRequest>(t, 10, "series",
                                std::string("template {") + kDetails +
                                    R"(} rule { frequency: FREQUENCY_WEEKLY interval: 1
      count: 12 by_weekday: WEEKDAY_SUNDAY })");
  Seed<ev::CreateSeriesRequest>(t, 10, "series-monthly",
                                std::string("template {") + kDetails +
                                    R"(} rule { frequency: FREQUENCY_MONTHLY
      until: "2028-03-01" week_of_month: -1 by_weekday: WEEKDAY_SUNDAY })");
  Seed<ev::GetSeriesRequest>(t, 11, "series-get", R"(series_id: "se_01JDQ3V4N7X8K2M9P0R5T6W8Y1")");
  Seed<ev::CancelSeriesRequest>(t, 12, "series-cancel",
                                R"(series_id: "se_01JDQ3V4N7X8K2M9P0R5T6W8Y1" reason: "Funding")");
  Seed<ev::GetEventCalendarRequest>(t, 13, "calendar", kEvent);
}

void Registration() {
  const std::string t = "fuzz_rpc_registration";
  Seed<ev::RegisterRequest>(t, 0, "register", std::string(kEvent) + R"( name: "Zoë Okafor"
      email: "Zoe.Okafor@Example.org" organisation: "Deaf Arts" participation: PARTICIPATION_CARER
      answers { question_id: "role" text: "Interpreter" }
      answers { question_id: "track" choices: "Design" }
      answers { question_id: "formats" choices: "Braille" choices: "Easy read" }
      answers { question_id: "photos" yes: true }
      pool: "speakers" companion: true idempotency_key: "reg-2027-03-28-abcdef")");
  Seed<ev::RegisterRequest>(t, 0, "register-minimal",
                            std::string(kEvent) + R"( name: "Jo" email: "jo@example.org"
      answers { question_id: "role" text: "Student" })");
  Seed<ev::ResendLinkRequest>(t, 1, "resend",
                              std::string(kEvent) + R"( email: " JO@EXAMPLE.ORG ")");
  Seed<ev::GetRegistrationFormRequest>(t, 2, "form", kEvent);
  Seed<ev::UpdateMyRegistrationRequest>(t, 3, "update-mine",
                                        R"(registration_token: "rg_x.y" name: "  Jo Lee ")");
  Seed<ev::ConfigureRegistrationRequest>(t, 4, "configure", R"(settings {
      event_id: "ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1" requires_approval: true
      pools { id: "bsl" name: "BSL users" places: 20 }
      questions { id: "diet" text: "Dietary needs" type: QUESTION_TYPE_TEXT max_length: 200 }
      questions { id: "when" text: "Which day?" type: QUESTION_TYPE_SINGLE_CHOICE
        options: "Monday" options: "Tuesday" } } expected_version: 150)");
  Seed<ev::ListRegistrationsRequest>(t, 5, "list", std::string(kEvent) + R"( page { page_size: 50
      page_token: "c2VxOjQy" } status: REGISTRATION_STATUS_WAITLISTED)");
  Seed<ev::ChangeCapacityRequest>(t, 7, "capacity", std::string(kEvent) + " capacity: 80");
  Seed<ev::MarkAttendanceRequest>(t, 9, "attendance", std::string(kEvent) + R"(
      emails: "Ann@Example.org" emails: "ÅSA@example.se" attended: true)");
  Seed<ev::ImportAttendanceRequest>(
      t, 10, "import",
      std::string(kEvent) +
          " csv: \"\\xEF\\xBB\\xBFName,Email Address,Joined\\r\\n\\\"Lee, "
          "Jo\\\",jo@example.org,10:02\\r\\n"
          "Ann,ANN@example.org,10:05\\r\\n\"");
}

void Accessibility() {
  const std::string t = "fuzz_rpc_accessibility";
  Seed<ev::SetLeadTimeRequest>(t, 1, "lead-time", R"(need: "bsl_interpreter" lead_time_days: 21)");
  Seed<ev::SubmitRequestRequest>(
      t, 2, "submit", R"(registration_token: "rg_01JDQ3V4N7X8K2M9P0R5T6W8Y1.abcdefghijklmnop"
      needs: "live_captions" needs: "other"
      details { details: "I lip-read; please keep the speaker's face lit."
        other_need: "Quiet room" contact_method: CONTACT_METHOD_EMAIL
        contact_value: "me@example.org" } consent: true)");
  Seed<ev::UpdateMyRequestRequest>(t, 3, "update", R"(registration_token: "rg_x.y"
      needs: "step_free_access" details { contact_method: CONTACT_METHOD_PHONE contact_value: "+44 20 7946 0958" })");
  Seed<ev::GetMyRequestRequest>(t, 4, "mine", R"(registration_token: "rg_x.y")");
  Seed<ev::ListRequestsRequest>(
      t, 5, "list",
      std::string(kEvent) +
          R"( status: REQUEST_STATUS_SUBMITTED page { page_size: 5 page_token: "10" })");
  Seed<ev::GetRequestRequest>(
      t, 6, "get", R"(request_id: "ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y2")");
  Seed<ev::TransitionRequestRequest>(
      t, 7, "transition", R"(request_id: "ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y2"
      to: REQUEST_STATUS_UNFULFILLABLE reason: "No interpreter free" offered_instead: "Live captions" expected_version: 2)");
  Seed<ev::AddProvisionRequest>(
      t, 9, "provision",
      std::string(kEvent) + R"( need: "bsl_interpreter" description: "Two interpreters booked")");
  Seed<ev::FulfilWithProvisionRequest>(
      t, 10, "fulfil", R"(provision_id: "pv_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y3"
      request_ids: "ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y2" request_ids: "ar_bad")");
}

void Feedback() {
  const std::string t = "fuzz_rpc_feedback";
  Seed<ev::UpdateSurveyRequest>(t, 0, "survey", std::string(kEvent) + R"( definition {
      anonymous: true window_days: 14
      questions { id: "overall" type: SURVEY_QUESTION_TYPE_RATING text: "How was it?" required: true }
      questions { id: "nps" type: SURVEY_QUESTION_TYPE_SCALE_0_10 text: "Recommend us?" }
      questions { id: "liked" type: SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE text: "What helped?"
        choices { id: "captions" text: "Captions" } choices { id: "bsl" text: "BSL" } }
      questions { id: "else" type: SURVEY_QUESTION_TYPE_FREE_TEXT text: "Anything else?" max_length: 500 } })");
  Seed<ev::SubmitResponseRequest>(t, 1, "submit", R"(registration_token: "rg_x.y"
      answers { question_id: "overall" number: 5 comment: "Call me on 020 7946 0958" }
      answers { question_id: "else" text: "write to jo at example dot org" })");
  SeedPair<ev::UpdateSurveyRequest, ev::SubmitResponseRequest>(
      t, 2, "own-survey", R"(definition {
      questions { id: "pace" type: SURVEY_QUESTION_TYPE_SINGLE_CHOICE text: "The pace was"
        required: true allow_comment: true
        choices { id: "slow" text: "Too slow" } choices { id: "right" text: "Right" } }
      questions { id: "said" type: SURVEY_QUESTION_TYPE_FREE_TEXT text: "Anything else?" } })",
      R"(registration_token: "rg_x.y" answers { question_id: "pace" choice_ids: "right"
      comment: "ring 07946095812 3pm" } answers { question_id: "said" text: "  thanks  " })");
  Seed<ev::GetReportRequest>(t, 3, "report", kEvent);
}

void Integrations() {
  const std::string t = "fuzz_rpc_integrations";
  Seed<ev::CreateApiKeyRequest>(t, 0, "api-key", R"(name: "CRM sync" scopes: "events:read")");
  Seed<ev::CreateWebhookRequest>(t, 1, "webhook", R"(url: "https://hooks.example.com/events?x=1"
      event_types: "registration.*" event_types: "event.cancelled" description: "Slack")");
  Seed<ev::CreateWebhookRequest>(t, 1, "webhook-private",
                                 R"(url: "https://[::ffff:10.0.0.1]/x" event_types: "*")");
  Seed<ev::UpdateWebhookRequest>(
      t, 2, "update",
      R"(webhook_id: "wh_01JDQ3V4N7X8K2M9P0R5T6W8Y1" event_types: "registratoin.*")");
  Seed<ev::ListDeliveriesRequest>(t, 3, "deliveries",
                                  R"(webhook_id: "wh_01JDQ3V4N7X8K2M9P0R5T6W8Y1" limit: 30)");
  Seed<ev::ListDeadLettersRequest>(t, 4, "dead", R"(page_size: 20 page_token: "000000000040")");
  Seed<ev::ListContactsRequest>(t, 5, "contacts",
                                std::string(kEvent) + " page_size: 500 after_cursor: 9");
  Seed<ev::UnsubscribeRequest>(t, 6, "unsubscribe",
                               R"(email: "Jo@Example.org" source: "mailchimp")");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <fuzz/corpus folder>\n", argv[0]);
    return 2;
  }
  root = argv[1];
  Scheduling();
  Registration();
  Accessibility();
  Feedback();
  Integrations();
  return 0;
}
