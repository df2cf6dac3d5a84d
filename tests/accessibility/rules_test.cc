// The pure rules: catalogue, deadlines in the event's time zone, the workflow, validation.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/accessibility/rules/catalogue.h"
#include "services/accessibility/rules/count_publication.h"
#include "services/accessibility/rules/deadlines.h"
#include "services/accessibility/rules/request_rules.h"
#include "services/accessibility/rules/workflow.h"

namespace events::accessibility {
namespace {

using events::v1::RequestStatus;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;

TEST(CatalogueTest, HasTheDefaultsAndAppliesOverrides) {
  events::v1::Catalogue c = BuildCatalogue("org_1", {{"bsl_interpreter", 21}});
  ASSERT_EQ(c.needs_size(), 18);
  EXPECT_EQ(c.needs(0).need(), "bsl_interpreter");
  EXPECT_EQ(c.needs(0).lead_time_days(), 21);
  EXPECT_TRUE(c.needs(0).customised());
  EXPECT_EQ(c.needs(17).need(), "other");
  EXPECT_FALSE(c.needs(17).customised());
  EXPECT_FALSE(c.consent_wording().empty());
  EXPECT_EQ(LeadTimeDays({}, "bsl_interpreter"), 14);
  EXPECT_EQ(LeadTimeDays({}, "no_such_need"), 0);
  EXPECT_TRUE(ValidateLeadTime("quiet_space", 0).ok());
  EXPECT_THAT(ValidateLeadTime("quiet_space", 366).message(), HasSubstr("lead_time_days"));
  EXPECT_THAT(ValidateLeadTime("jetpack", 3).message(), HasSubstr("not in the catalogue"));
  // An unknown need is quoted on one line (found by fuzz/fuzz_rpc_accessibility).
  const std::string message(ValidateLeadTime("bsl\ninterpreter", 3).message());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_THAT(message, HasSubstr("need \"bsl?interpreter\" is not in the catalogue"));
}

// 10:00 BST on Sunday 5 April 2026 (09:00Z); London went to BST on 29 March.
constexpr int64_t kAprilFifthTenBst = 1775379600000;

TEST(DeadlineTest, CountsCalendarDaysInTheEventsZone) {
  // 14 days before is 10:00 GMT on 22 March: 10:00Z, not 09:00Z (14 x 24 hours).
  absl::StatusOr<int64_t> d = NeedDeadline(kAprilFifthTenBst, "Europe/London", 14);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, kAprilFifthTenBst - 14 * kDay + kHour);
  // In UTC the same lead time is exactly 14 x 24 hours.
  EXPECT_EQ(*NeedDeadline(kAprilFifthTenBst, "UTC", 14), kAprilFifthTenBst - 14 * kDay);
  // Kolkata has no clock changes.
  EXPECT_EQ(*NeedDeadline(kAprilFifthTenBst, "Asia/Kolkata", 14), kAprilFifthTenBst - 14 * kDay);
  EXPECT_EQ(*NeedDeadline(kAprilFifthTenBst, "Europe/London", 0), kAprilFifthTenBst);
  EXPECT_FALSE(NeedDeadline(kAprilFifthTenBst, "Mars/Base", 14).ok());
}

TEST(DeadlineTest, MarksLateNeedsAndTheEarliestDeadline) {
  events::v1::AccessibilityRequest r;
  r.add_needs()->set_need("bsl_interpreter");  // 14 days
  r.add_needs()->set_need("quiet_space");      // 3 days
  const int64_t now = kAprilFifthTenBst - 10 * kDay;
  ASSERT_TRUE(ApplyDeadlines(r, kAprilFifthTenBst, "Europe/London", {}, now).ok());
  EXPECT_TRUE(r.needs(0).late());
  EXPECT_FALSE(r.needs(1).late());
  EXPECT_TRUE(r.late());
  EXPECT_EQ(r.deadline_unix_ms(), r.needs(0).deadline_unix_ms());
  // With a shorter lead time the organisation set, it is on time.
  ASSERT_TRUE(
      ApplyDeadlines(r, kAprilFifthTenBst, "Europe/London", {{"bsl_interpreter", 7}}, now).ok());
  EXPECT_FALSE(r.late());
  EXPECT_EQ(AtRiskDue(1000 * kHour, 48 * kHour, 0), 952 * kHour);
  EXPECT_EQ(AtRiskDue(1000 * kHour, 48 * kHour, 990 * kHour), 990 * kHour);
}

TEST(WorkflowTest, AllowsTheForwardPathAndRefusesTheRest) {
  using namespace events::v1;  // NOLINT: status names
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_SUBMITTED, REQUEST_STATUS_ACKNOWLEDGED).ok());
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_ACKNOWLEDGED, REQUEST_STATUS_IN_PROGRESS).ok());
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED).ok());
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_SUBMITTED, REQUEST_STATUS_FULFILLED).ok());
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_UNFULFILLABLE).ok());
  EXPECT_TRUE(CoordinatorMayMove(REQUEST_STATUS_UNFULFILLABLE, REQUEST_STATUS_IN_PROGRESS).ok());
  EXPECT_TRUE(
      CoordinatorMayMove(REQUEST_STATUS_NEEDS_RECONFIRMATION, REQUEST_STATUS_FULFILLED).ok());

  absl::Status back = CoordinatorMayMove(REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(back.message(), HasSubstr("from in progress to acknowledged"));
  EXPECT_EQ(CoordinatorMayMove(REQUEST_STATUS_FULFILLED, REQUEST_STATUS_IN_PROGRESS).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CoordinatorMayMove(REQUEST_STATUS_WITHDRAWN, REQUEST_STATUS_FULFILLED).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CoordinatorMayMove(REQUEST_STATUS_UNFULFILLABLE, REQUEST_STATUS_ACKNOWLEDGED).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CoordinatorMayMove(REQUEST_STATUS_SUBMITTED, REQUEST_STATUS_WITHDRAWN).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(AttendeeMayChange(REQUEST_STATUS_FULFILLED, "changed").ok());
  EXPECT_EQ(AttendeeMayChange(REQUEST_STATUS_WITHDRAWN, "changed").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RequestRulesTest, NamesTheFieldAndTheRule) {
  google::protobuf::RepeatedPtrField<std::string> needs;
  events::v1::RequestDetails details;
  EXPECT_THAT(ValidateNeeds(needs, details).message(), HasSubstr("needs"));
  *needs.Add() = "bsl_interpreter";
  EXPECT_TRUE(ValidateNeeds(needs, details).ok());
  *needs.Add() = "bsl_interpreter";
  EXPECT_THAT(ValidateNeeds(needs, details).message(), HasSubstr("needs[1] repeats"));
  needs.RemoveLast();
  *needs.Add() = "other";
  EXPECT_THAT(ValidateNeeds(needs, details).message(), HasSubstr("details.other_need"));
  *needs.Add() = "teleport";
  details.set_other_need("a table near the door");
  EXPECT_THAT(ValidateNeeds(needs, details).message(), HasSubstr("needs[2]"));
  // The need as sent is quoted on one line, control characters shown as '?' (found by
  // fuzz/fuzz_rpc_accessibility: a newline in the message).
  needs.RemoveLast();
  *needs.Add() = "tele\nport";
  const std::string unknown(ValidateNeeds(needs, details).message());
  EXPECT_EQ(unknown.find('\n'), std::string::npos) << unknown;
  EXPECT_THAT(unknown, HasSubstr("needs[2] \"tele?port\" is not in the catalogue"));
  events::v1::AddProvisionRequest provision;
  provision.set_event_id("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1");
  provision.set_need("tele\rport");
  const std::string unknown_provision(ValidateProvision(provision).message());
  EXPECT_EQ(unknown_provision.find('\r'), std::string::npos) << unknown_provision;
  EXPECT_THAT(unknown_provision, HasSubstr("need \"tele?port\" is not in the catalogue"));

  events::v1::RequestDetails d;
  d.set_contact_method(events::v1::CONTACT_METHOD_EMAIL);
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("details.contact_value"));
  d.set_contact_value("not an address");
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("details.contact_value"));
  d.set_contact_value("sam@example.org");
  EXPECT_TRUE(ValidateAttendeeDetails(d).ok());
  d.set_details(std::string(2001, 'x'));
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("details.details"));
  d.set_details("ok");
  d.set_unfulfillable_reason("sneaky");
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("coordinators"));
  d.clear_unfulfillable_reason();
  // Padding does not slip past the limit: the raw input is capped before trimming.
  d.set_details("ok" + std::string(size_t{4} * 2000, ' '));
  EXPECT_EQ(ValidateAttendeeDetails(d).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("details.details"));
  d.set_details("ok" + std::string(100, ' '));
  EXPECT_TRUE(ValidateAttendeeDetails(d).ok());
  // How to be contacted must be said.
  d.set_contact_method(events::v1::CONTACT_METHOD_UNSPECIFIED);
  EXPECT_EQ(ValidateAttendeeDetails(d).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ValidateAttendeeDetails(d).message(), HasSubstr("details.contact_method"));

  events::v1::TransitionRequestRequest t;
  EXPECT_THAT(ValidateTransition(t).message(), HasSubstr("request_id is required"));
  t.set_request_id("ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y2");
  t.set_to(events::v1::REQUEST_STATUS_WITHDRAWN);
  EXPECT_THAT(ValidateTransition(t).message(), HasSubstr("to must be"));
  t.set_to(events::v1::REQUEST_STATUS_UNFULFILLABLE);
  EXPECT_THAT(ValidateTransition(t).message(), HasSubstr("reason is required"));
  t.set_reason("No interpreter free that day");
  EXPECT_TRUE(ValidateTransition(t).ok());
  EXPECT_THAT(ValidateToken("").message(), HasSubstr("registration_token is required"));
}

// Free text a coordinator or attendee must fill in says something: spaces and invisible
// characters alone are refused, naming the field.
TEST(RequestRulesTest, BlankReasonsOffersAndDescriptionsAreRefused) {
  const std::string blanks[] = {
      " ", "   \t  ", "\n\n", "\u00a0", "\u2003\u2009", "\u200b\u200d", "\u3000 \ufeff", "\u2028"};
  for (const std::string& blank : blanks) {
    events::v1::TransitionRequestRequest t;
    t.set_request_id("ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y2");
    t.set_to(events::v1::REQUEST_STATUS_UNFULFILLABLE);
    t.set_reason(blank);
    EXPECT_EQ(ValidateTransition(t).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(ValidateTransition(t).message(), HasSubstr("reason")) << blank;
    t.set_reason("No interpreter free that day");
    t.set_offered_instead(blank);
    EXPECT_THAT(ValidateTransition(t).message(), HasSubstr("offered_instead")) << blank;
    t.set_offered_instead("Live captions instead");
    EXPECT_TRUE(ValidateTransition(t).ok());

    events::v1::AddProvisionRequest p;
    p.set_event_id("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1");
    p.set_need("bsl_interpreter");
    p.set_description(blank);
    EXPECT_THAT(ValidateProvision(p).message(), HasSubstr("description")) << blank;

    google::protobuf::RepeatedPtrField<std::string> needs;
    *needs.Add() = "other";
    events::v1::RequestDetails d;
    d.set_other_need(blank);
    EXPECT_THAT(ValidateNeeds(needs, d).message(), HasSubstr("details.other_need")) << blank;
  }
}

struct ContactCase {
  events::v1::ContactMethod method;
  const char* value;
  bool ok;
};

// Phone and text-message numbers are numbers; REGISTRATION_EMAIL takes no value (refused,
// not silently dropped, so the attendee is not led to think it was kept).
TEST(RequestRulesTest, ContactValuesFollowTheContactMethod) {
  using events::v1::CONTACT_METHOD_EMAIL;
  using events::v1::CONTACT_METHOD_PHONE;
  using events::v1::CONTACT_METHOD_REGISTRATION_EMAIL;
  using events::v1::CONTACT_METHOD_TEXT_MESSAGE;
  const ContactCase cases[] = {
      {CONTACT_METHOD_PHONE, "07700 900123", true},
      {CONTACT_METHOD_PHONE, "+44 7700 900123", true},
      {CONTACT_METHOD_PHONE, "+44 (0)20 7946 0958", true},
      {CONTACT_METHOD_PHONE, "020-7946-0958", true},
      {CONTACT_METHOD_PHONE, "+1.415.555.2671", true},
      {CONTACT_METHOD_TEXT_MESSAGE, "07700900123", true},
      {CONTACT_METHOD_PHONE, "ring my bell", false},
      {CONTACT_METHOD_PHONE, "07700\n900123", false},
      {CONTACT_METHOD_PHONE, "07700 900123\nask for Sam", false},
      {CONTACT_METHOD_PHONE, "07700 900123 ext 4", false},
      {CONTACT_METHOD_PHONE, "44+7700900123", false},
      {CONTACT_METHOD_PHONE, "12345", false},
      {CONTACT_METHOD_PHONE, "12345678901234567", false},
      {CONTACT_METHOD_PHONE, "   ", false},
      {CONTACT_METHOD_TEXT_MESSAGE, "text me", false},
      {CONTACT_METHOD_EMAIL, "sam@example.org", true},
      {CONTACT_METHOD_EMAIL, "sam@example.org\nBcc: x@y.z", false},
      {CONTACT_METHOD_REGISTRATION_EMAIL, "", true},
      {CONTACT_METHOD_REGISTRATION_EMAIL, "sam@example.org", false},
      {CONTACT_METHOD_REGISTRATION_EMAIL, "07700 900123", false},
  };
  for (const ContactCase& c : cases) {
    events::v1::RequestDetails d;
    d.set_contact_method(c.method);
    d.set_contact_value(c.value);
    const absl::Status s = ValidateAttendeeDetails(d);
    EXPECT_EQ(s.ok(), c.ok) << c.method << " \"" << c.value << "\": " << s;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(s.message(), HasSubstr("details.contact_value")) << c.value;
    }
  }
}

// An unknown need is refused naming the field, with the closest catalogue code.
TEST(RequestRulesTest, UnknownNeedsSuggestTheClosestCode) {
  const std::pair<const char*, const char*> cases[] = {
      {"bsl", "bsl_interpreter"},
      {"live_caption", "live_captions"},
      {"quite_space", "quiet_space"},
      {"Easy_Read", "easy_read"},
  };
  for (const auto& [given, meant] : cases) {
    google::protobuf::RepeatedPtrField<std::string> needs;
    *needs.Add() = given;
    const absl::Status s = ValidateNeeds(needs, {});
    EXPECT_THAT(s.message(), HasSubstr("needs[0]")) << given;
    EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("did you mean \"", meant, "\"")))
        << given << ": " << s;
    events::v1::AddProvisionRequest p;
    p.set_event_id("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1");
    p.set_need(given);
    p.set_description("Interpreter booked");
    EXPECT_THAT(ValidateProvision(p).message(),
                HasSubstr(absl::StrCat("did you mean \"", meant, "\"")))
        << given;
  }
  google::protobuf::RepeatedPtrField<std::string> needs;
  *needs.Add() = "teleport";
  EXPECT_THAT(ValidateNeeds(needs, {}).message(), ::testing::Not(HasSubstr("did you mean")));
}

// Changes are published by kind (from status to status), each kind only in a group of at
// least the minimum; a kind short of it waits without holding back the others.
TEST(CountPublicationTest, AdoptsOnlyGroupsOfTheMinimumSizeByKindOfChange) {
  const auto request = [](RequestStatus status, const std::vector<std::string>& needs) {
    events::v1::AccessibilityRequest r;
    r.set_status(status);
    for (const auto& n : needs) r.add_needs()->set_need(n);
    return FingerprintOf(r);
  };
  Fingerprints live;
  for (int i = 0; i < 3; ++i) {
    live[absl::StrCat("a", i)] = request(events::v1::REQUEST_STATUS_SUBMITTED, {"easy_read"});
  }
  Fingerprints published;
  EXPECT_EQ(AdoptChanges(live, 3, published), 3);
  EXPECT_EQ(published, live);
  // Two acknowledged (short of 3) and three new: only the new ones move.
  live["a0"] = request(events::v1::REQUEST_STATUS_ACKNOWLEDGED, {"easy_read"});
  live["a1"] = request(events::v1::REQUEST_STATUS_ACKNOWLEDGED, {"easy_read"});
  for (int i = 0; i < 3; ++i) {
    live[absl::StrCat("b", i)] = request(events::v1::REQUEST_STATUS_SUBMITTED, {"quiet_space"});
  }
  EXPECT_EQ(AdoptChanges(live, 3, published), 3);
  EXPECT_EQ(published["a0"], request(events::v1::REQUEST_STATUS_SUBMITTED, {"easy_read"}));
  EXPECT_EQ(published.count("b2"), 1u);
  events::v1::RequestCounts counts = CountsOf(published, 3);
  EXPECT_EQ(counts.requests(), 6);
  ASSERT_EQ(counts.counts_size(), 2);
  EXPECT_EQ(counts.counts(0).need(), "easy_read");
  EXPECT_EQ(counts.counts(0).count(), 3);
  // A third acknowledgement completes the group; the counts of 2 and 1 are withheld.
  live["a2"] = request(events::v1::REQUEST_STATUS_ACKNOWLEDGED, {"easy_read"});
  EXPECT_EQ(AdoptChanges(live, 3, published), 3);
  EXPECT_EQ(published, live);
  live["b0"] = request(events::v1::REQUEST_STATUS_WITHDRAWN, {"quiet_space"});
  EXPECT_EQ(AdoptChanges(live, 3, published), 0);
  counts = CountsOf(published, 3);
  EXPECT_EQ(counts.counts(0).count(), 3);  // easy_read, acknowledged
  EXPECT_EQ(counts.counts(1).count(), 3);  // quiet_space, submitted
  Fingerprints small = {{"x", request(events::v1::REQUEST_STATUS_SUBMITTED, {"easy_read"})}};
  counts = CountsOf(small, 3);
  EXPECT_EQ(counts.requests(), 0);
  ASSERT_EQ(counts.counts_size(), 1);
  EXPECT_TRUE(counts.counts(0).withheld());
  EXPECT_EQ(counts.counts(0).count(), 0);
}

TEST(RequestRulesTest, ChildIdsShareTheEventsPartitionKey) {
  const std::string id =
      ChildId("ar", "ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1", "ar_01JDQ3V4N7X8K2M9P0R5T6W8Y9");
  EXPECT_EQ(id, "ar_01JDQ3V4N7X8K2M9P0R5T6W8Y1-01JDQ3V4N7X8K2M9P0R5T6W8Y9");
  EXPECT_TRUE(ValidateChildId(id, "ar", "request_id").ok());
  EXPECT_THAT(ValidateChildId(id, "pv", "provision_id").message(), HasSubstr("provision_id"));
  EXPECT_FALSE(ValidateChildId("ar_x-y", "ar", "request_id").ok());
}

}  // namespace
}  // namespace events::accessibility
