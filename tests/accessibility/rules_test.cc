// The pure rules: catalogue, deadlines in the event's time zone, the workflow, validation.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/accessibility/rules/catalogue.h"
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
  d.set_details("ok" + std::string(4 * 2000, ' '));
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
