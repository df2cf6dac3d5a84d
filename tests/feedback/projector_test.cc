// The projector: scheduling's, registration's and accessibility's domain events, read from
// the partition streams, become feedback's facts, eligibility and outcome counts.
#include "common/bus/event_bus.h"
#include "gtest/gtest.h"
#include "services/feedback/worker/feedback_projector.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::kHour;
using testing::kNow;

class ProjectorTest : public testing::FeedbackTest {
 protected:
  void Publish(const std::string& event_id, const std::string& type,
               const google::protobuf::Message& payload) {
    events::v1::DomainEvent e;
    e.set_id(ids_.New("de"));
    e.set_type(type);
    e.set_source("test");
    e.set_time_unix_ms(kNow);
    e.set_subject(event_id);
    e.set_org_id("org_riverside");
    e.set_data_type(payload.GetDescriptor()->full_name());
    e.set_data(payload.SerializeAsString());
    ASSERT_TRUE(bus::Publish(*redis_, *keys_, keys_->PartitionOf(event_id), e).ok());
  }
  events::v1::RegistrationChanged Registration(const std::string& id, int status, bool attended,
                                               int version) {
    events::v1::RegistrationChanged c;
    c.set_registration_id(id);
    c.set_event_id(event_);
    c.set_org_id("org_riverside");
    c.set_status(static_cast<events::v1::RegistrationStatus>(status));
    c.set_attended(attended);
    c.set_version(version);
    return c;
  }
};

TEST_F(ProjectorTest, ProjectsFactsRegistrationsAndAccessOutcomes) {
  events::v1::EventChanged published;
  published.set_event_id(event_);
  published.set_org_id("org_riverside");
  published.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  published.set_version(4);
  published.set_end_unix_ms(kNow + kHour);
  published.set_time_zone("Europe/London");
  published.set_series_id("se_9");
  Publish(event_, "event.published", published);
  Publish(event_, "registration.confirmed", Registration("rg_a", 1, false, 1));
  Publish(event_, "registration.confirmed", Registration("rg_b", 1, false, 1));
  Publish(event_, "registration.attended", Registration("rg_a", 1, true, 2));
  // A late, older change of rg_a: ignored.
  Publish(event_, "registration.confirmed", Registration("rg_a", 1, false, 1));
  events::v1::AccessibilityRequestChanged fulfilled;
  fulfilled.set_request_id("ar_1");
  fulfilled.set_event_id(event_);
  fulfilled.set_registration_id("rg_a");
  fulfilled.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  fulfilled.set_version(3);
  Publish(event_, "accessibility.request_fulfilled", fulfilled);
  events::v1::EventReminderDue reminder;
  Publish(event_, "event.reminder_due", reminder);

  bus::ConsumerOptions options;
  options.group = "feedback";
  options.consumer = "test";
  bus::Consumer consumer(*redis_, *keys_, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  FeedbackProjector projector(consumer, *store_);
  auto acked = projector.RunOnce();
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(*acked, 7);
  EXPECT_EQ(*projector.RunOnce(), 0);

  auto record = store_->Get(event_);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->facts.series_id, "se_9");
  EXPECT_EQ(record->facts.month, "2026-01");
  EXPECT_EQ(record->opens_unix_ms, kNow + kHour);
  EXPECT_EQ(record->attended, 1);
  auto report = store_->ReadReport(event_, {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->eligible, 1);  // attendance tracked: rg_a only
  EXPECT_EQ(report->requests_by_status.at(4), 1);
  ASSERT_TRUE(testing::FireDue(*store_, kNow + kHour, 10).ok());
  auto invitations = Events(event_, "feedback.invitation_due");
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].subject(), "rg_a");
}

}  // namespace
}  // namespace events::feedback
