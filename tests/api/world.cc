#include "tests/api/world.h"

#include <google/protobuf/descriptor.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/feedback.pb.h"
#include "events/v1/integrations.pb.h"
#include "events/v1/people.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/api/json_mapping.h"

namespace events::api_test {

World& World::Get() {
  static World* world = new World();
  return *world;
}

World::World()
    : org_a_(StackSetting("API_TEST_ORG_A_KEY")), org_b_(StackSetting("API_TEST_ORG_B_KEY")) {}

std::unique_ptr<google::protobuf::Message> World::Request(
    const google::protobuf::MethodDescriptor& method, const std::string& json,
    const std::string& token) {
  std::unique_ptr<google::protobuf::Message> request = NewMessage(*method.input_type());
  absl::Status parsed = events::web::api::ApiJsonToMessage(json, *request);
  EXPECT_TRUE(parsed.ok()) << method.full_name() << ": " << parsed << " in " << json;
  if (!token.empty()) {
    const auto* field = request->GetDescriptor()->FindFieldByName("registration_token");
    EXPECT_NE(field, nullptr) << method.full_name() << " takes no registration_token";
    if (field != nullptr) request->GetReflection()->SetString(request.get(), field, token);
  }
  return request;
}

std::unique_ptr<google::protobuf::Message> World::CallOk(const std::string& rpc,
                                                         const std::string& json,
                                                         const std::string& key,
                                                         const std::string& token) {
  const google::protobuf::MethodDescriptor* method = FindMethod(rpc);
  EXPECT_NE(method, nullptr) << "no RPC " << rpc;
  if (method == nullptr) return nullptr;
  // Each step as a visitor of its own (registration limits sign-ups per address and event;
  // the stack's services believe a loopback caller's x-forwarded-for, as behind the web
  // service).
  const std::string visitor = absl::StrCat("198.51.100.", ++next_visitor_ % 250 + 1);
  GrpcAnswer answer = CallGrpc(*method, *Request(*method, json, token), key, visitor);
  EXPECT_TRUE(answer.status.ok()) << "set-up step " << rpc << " " << json << ": "
                                  << answer.status.error_code() << " "
                                  << answer.status.error_message();
  return std::move(answer.message);
}

std::string World::Day() {
  return absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(24 * 20), absl::UTCTimeZone());
}

std::string World::Details(const std::string& title) {
  return absl::Substitute(
      R"({"title": "$0", "description": "An event the API tests made.",
          "format": "EVENT_FORMAT_ONLINE", "time_zone": "Europe/London",
          "start": {"value": "$1T10:00"}, "end": {"value": "$1T12:00"}, "capacity": 50,
          "join_link": "https://meet.example.org/api-tests",
          "organiser_contact": {"name": "Ana Okafor", "email": "ana@example.org"}})",
      title, Day());
}

std::string World::Unique(const std::string& prefix) {
  return absl::StrCat(prefix, ".", absl::ToUnixMicros(absl::Now()), ".", ++next_email_);
}

std::string World::UniqueEmail(const std::string& who) {
  return absl::StrCat(Unique(who), "@example.org");
}

std::string World::NewEvent(bool publish, const std::string& key) {
  const std::string k = key.empty() ? org_a_ : key;
  auto event = Call<events::v1::Event>(
      "SchedulingService.CreateEvent",
      absl::StrCat(R"({"details": )", Details("Peer support circle"), "}"), k);
  if (publish) {
    Call<events::v1::Event>("SchedulingService.PublishEvent",
                            absl::Substitute(R"({"event_id": "$0"})", event.id()), k);
  }
  return event.id();
}

std::string World::NewApprovalEvent() {
  std::string id = NewEvent(false);
  Call<events::v1::RegistrationSettings>(
      "RegistrationService.ConfigureRegistration",
      absl::Substitute(R"({"settings": {"event_id": "$0", "requires_approval": true}})", id),
      org_a_);
  Call<events::v1::Event>("SchedulingService.PublishEvent",
                          absl::Substitute(R"({"event_id": "$0"})", id), org_a_);
  return id;
}

std::string World::NewSeries(bool publish) {
  auto series = Call<events::v1::Series>(
      "SchedulingService.CreateSeries",
      absl::Substitute(R"({"template": $0, "rule": {"frequency": "FREQUENCY_WEEKLY",
                           "interval": 1, "count": 2}})",
                       Details("Monthly carers' circle")),
      org_a_);
  if (publish) {
    Call<events::v1::Series>("SchedulingService.PublishSeries",
                             absl::Substitute(R"({"series_id": "$0"})", series.id()), org_a_);
  }
  return series.id();
}

Person World::Register(const std::string& event_id, bool marketing_opt_in) {
  Person p;
  p.email = UniqueEmail("sam");
  auto made = Call<events::v1::RegisterResponse>(
      "RegistrationService.Register",
      absl::Substitute(R"({"event_id": "$0", "name": "Sam Rivers", "email": "$1",
                           "marketing_opt_in": $2})",
                       event_id, p.email, marketing_opt_in ? "true" : "false"),
      "");
  p.registration_id = made.registration().id();
  p.token = made.registration_token();
  return p;
}

std::string World::NewAccessRequest(const Person& person) {
  return Call<events::v1::AccessibilityRequest>("AccessibilityService.SubmitRequest",
                                                R"({"needs": ["live_captions"], "consent": true,
                 "details": {"details": "Captions in English, please.",
                             "contact_method": "CONTACT_METHOD_REGISTRATION_EMAIL"}})",
                                                "", person.token)
      .id();
}

std::string World::NewProvision(const std::string& event_id) {
  return Call<events::v1::Provision>("AccessibilityService.AddProvision",
                                     absl::Substitute(R"({"event_id": "$0", "need": "live_captions",
                                  "description": "Captioner booked"})",
                                                      event_id),
                                     org_a_)
      .id();
}

std::string World::NewWebhook(const std::string& key) {
  return Call<events::v1::WebhookWithSecret>(
             "IntegrationsService.CreateWebhook",
             R"({"url": "https://hooks.example.org/in", "event_types": ["registration.*"]})",
             key.empty() ? org_a_ : key)
      .webhook()
      .id();
}

std::string World::NewMember() {
  return Call<events::v1::Member>("PeopleService.InviteMember",
                                  absl::Substitute(R"({"name": "Api Test Person", "email": "$0",
                                  "roles": ["MEMBER_ROLE_VIEWER"]})",
                                                   UniqueEmail("member")),
                                  org_a_)
      .member_id();
}

IssuedKey World::NewKey(const std::vector<std::string>& scopes) {
  std::string list;
  for (const std::string& s : scopes)
    absl::StrAppend(&list, list.empty() ? "" : ",", "\"", s, "\"");
  auto made = Call<events::v1::CreateApiKeyResponse>(
      "IntegrationsService.CreateApiKey",
      absl::Substitute(R"({"name": "API test key", "scopes": [$0]})", list), org_a_);
  return {made.key().key_id(), made.api_key()};
}

void World::AwaitSurvey(const std::string& event_id) {
  const google::protobuf::MethodDescriptor* method = FindMethod("FeedbackService.GetSurvey");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto request = Request(*method, absl::Substitute(R"({"event_id": "$0"})", event_id));
  while (std::chrono::steady_clock::now() < deadline) {
    if (CallGrpc(*method, *request, org_a_).status.ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "feedback never had the survey of event " << event_id;
}

const World::Shared& World::shared() {
  if (shared_) return *shared_;
  shared_ = std::make_unique<Shared>();
  Shared& s = *shared_;
  s.event_id = NewEvent(true);
  s.person = Register(s.event_id, true);
  s.request_id = NewAccessRequest(s.person);
  s.provision_id = NewProvision(s.event_id);
  s.series_id = NewSeries(true);
  s.webhook_id = NewWebhook();
  AwaitSurvey(s.event_id);
  Call<events::v1::Survey>("FeedbackService.OpenSurveyNow",
                           absl::Substitute(R"({"event_id": "$0"})", s.event_id), org_a_);
  // Five answers: the export (streamed, a file in parts) opens at five.
  for (int i = 0; i < 5; ++i) {
    Call<events::v1::SubmitResponseResponse>(
        "FeedbackService.SubmitResponse",
        R"({"answers": [{"question_id": "overall", "number": 4},
                        {"question_id": "mattered_most", "text": "Hearing from peers."}]})",
        "", Register(s.event_id).token);
  }
  return s;
}

}  // namespace events::api_test
