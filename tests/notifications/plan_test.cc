// What each domain event calls for: who is told, in which template, with what.
#include "services/notifications/domain/plan.h"

#include <algorithm>

#include "events/v1/accessibility.pb.h"
#include "events/v1/people.pb.h"
#include "gtest/gtest.h"

namespace events::notifications {
namespace {

events::v1::DomainEvent Event(const std::string& type, const google::protobuf::Message& data) {
  events::v1::DomainEvent e;
  e.set_id("e1");
  e.set_type(type);
  e.set_org_id("org_1");
  e.set_data(data.SerializeAsString());
  return e;
}

events::v1::RegistrationChanged Changed() {
  events::v1::RegistrationChanged c;
  c.set_registration_id("rg_1");
  c.set_event_id("ev_1");
  return c;
}

TEST(PlanTest, EachRegistrationChangeTellsTheRegistrantInItsOwnTemplate) {
  const std::pair<const char*, const char*> cases[] = {
      {"registration.confirmed", "registration_confirmed"},
      {"registration.waitlisted", "registration_waitlisted"},
      {"registration.pending_approval", "registration_pending"},
      {"registration.approved", "registration_approved"},
      {"registration.rejected", "registration_rejected"},
      {"registration.promoted", "registration_promoted"},
      {"registration.cancelled", "registration_cancelled"},
  };
  for (const auto& [type, name] : cases) {
    auto plan = PlanFor(Event(type, Changed()));
    ASSERT_TRUE(plan.ok()) << type;
    ASSERT_TRUE(plan->has_value()) << type;
    EXPECT_EQ((*plan)->template_name, name);
    EXPECT_EQ((*plan)->audience, Audience::kRegistrant);
    EXPECT_EQ((*plan)->registration_id, "rg_1");
    EXPECT_EQ((*plan)->event_id, "ev_1");
  }
}

TEST(PlanTest, ACancellationByTheOrganisersHasItsOwnTemplateWithTheReason) {
  events::v1::RegistrationChanged c = Changed();
  c.set_by_organiser(true);
  c.set_reason("You registered twice");
  auto plan = PlanFor(Event("registration.cancelled", c));
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->has_value());
  EXPECT_EQ((*plan)->template_name, "registration_cancelled_by_organiser");
  EXPECT_EQ((*plan)->arg, "You registered twice");
  EXPECT_EQ((*plan)->registration_id, "rg_1");
  // An approval by the organisers is told as any approval.
  auto approved = PlanFor(Event("registration.approved", c));
  ASSERT_TRUE(approved.ok());
  ASSERT_TRUE(approved->has_value());
  EXPECT_EQ((*approved)->template_name, "registration_approved");
}

TEST(PlanTest, CreatedUpdatedAndAttendedTellNobody) {
  for (const char* type : {"registration.created", "registration.updated", "registration.attended",
                           "event.published", "event.updated", "feedback.response_submitted"}) {
    auto plan = PlanFor(Event(type, Changed()));
    ASSERT_TRUE(plan.ok()) << type;
    EXPECT_FALSE(plan->has_value()) << type;
  }
}

TEST(PlanTest, EventChangesGoToEveryoneRegisteredAndRemindersToTheConfirmed) {
  events::v1::EventChanged changed;
  changed.set_event_id("ev_1");
  changed.set_reason("The speaker is ill");
  auto moved = PlanFor(Event("event.rescheduled", changed));
  ASSERT_TRUE(moved.ok() && moved->has_value());
  EXPECT_EQ((*moved)->template_name, "event_rescheduled");
  EXPECT_EQ((*moved)->audience, Audience::kEventRegistrants);
  EXPECT_EQ((*moved)->statuses.size(), 3u);
  EXPECT_EQ((*moved)->arg, "The speaker is ill");
  auto off = PlanFor(Event("event.cancelled", changed));
  ASSERT_TRUE(off.ok() && off->has_value());
  EXPECT_EQ((*off)->template_name, "event_cancelled");

  events::v1::EventReminderDue due;
  due.set_event_id("ev_1");
  due.set_minutes_before(1440);
  auto reminder = PlanFor(Event("event.reminder_due", due));
  ASSERT_TRUE(reminder.ok() && reminder->has_value());
  EXPECT_EQ((*reminder)->template_name, "event_reminder");
  EXPECT_EQ((*reminder)->statuses,
            std::vector<events::v1::RegistrationStatus>{events::v1::REGISTRATION_STATUS_CONFIRMED});
  EXPECT_EQ((*reminder)->arg, "1440");
}

TEST(PlanTest, AccessChangesTellTheRequesterWithoutDetailsAndCoordinatorsOfNewAndAtRisk) {
  events::v1::AccessibilityRequestChanged c;
  c.set_request_id("ar_1");
  c.set_event_id("ev_1");
  c.set_registration_id("rg_1");
  c.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  auto done = PlanFor(Event("accessibility.request_fulfilled", c));
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->template_name, "access_status");
  EXPECT_EQ((*done)->audience, Audience::kRegistrant);
  EXPECT_EQ((*done)->arg, "REQUEST_STATUS_FULFILLED");
  auto fresh = PlanFor(Event("accessibility.request_submitted", c));
  ASSERT_TRUE(fresh.ok() && fresh->has_value());
  EXPECT_EQ((*fresh)->audience, Audience::kCoordinators);
  // Coordinators' mail names no registration: nothing points at the person.
  EXPECT_TRUE((*fresh)->registration_id.empty());
  auto risk = PlanFor(Event("accessibility.request_at_risk", c));
  ASSERT_TRUE(risk.ok() && risk->has_value());
  EXPECT_EQ((*risk)->template_name, "access_at_risk");
  // An erased request has nobody to tell.
  c.clear_registration_id();
  auto erased = PlanFor(Event("accessibility.request_fulfilled", c));
  ASSERT_TRUE(erased.ok());
  EXPECT_FALSE(erased->has_value());
}

TEST(PlanTest, LinkRequestsAndSurveyInvitationsGoToTheRegistrant) {
  events::v1::RegistrationLinkRequested asked;
  asked.set_registration_id("rg_1");
  asked.set_event_id("ev_1");
  auto link = PlanFor(Event("registration.link_requested", asked));
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->template_name, "registration_link");
  events::v1::FeedbackInvitationDue due;
  due.set_registration_id("rg_1");
  due.set_event_id("ev_1");
  due.set_survey_closes_unix_ms(1790000000000);
  auto survey = PlanFor(Event("feedback.invitation_due", due));
  ASSERT_TRUE(survey.ok() && survey->has_value());
  EXPECT_EQ((*survey)->template_name, "survey_invitation");
  EXPECT_EQ((*survey)->arg, "1790000000000");
}

TEST(PlanTest, InvitationsAndSignInLinksGoToTheMemberAndOnlySignInIsUrgent) {
  events::v1::MemberInvited invited;
  invited.set_member_id("mem_1");
  invited.set_org_id("org_1");
  invited.set_invited_by_name("Ola Organiser");
  auto invitation = PlanFor(Event("people.member_invited", invited));
  ASSERT_TRUE(invitation.ok() && invitation->has_value());
  EXPECT_EQ((*invitation)->template_name, "member_invited");
  EXPECT_EQ((*invitation)->audience, Audience::kMember);
  EXPECT_EQ((*invitation)->member_id, "mem_1");
  EXPECT_EQ((*invitation)->arg, "Ola Organiser");
  EXPECT_FALSE((*invitation)->urgent);
  events::v1::SignInRequested asked;
  asked.set_link_id("sil_1");
  asked.set_member_id("mem_1");
  asked.set_org_id("org_1");
  auto link = PlanFor(Event("people.sign_in_requested", asked));
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->template_name, "sign_in_link");
  EXPECT_EQ((*link)->audience, Audience::kMember);
  EXPECT_EQ((*link)->member_id, "mem_1");
  EXPECT_EQ((*link)->arg, "sil_1");
  EXPECT_TRUE((*link)->urgent);
  auto other = PlanFor(Event("people.member_removed", asked));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST(PlanTest, UnreadableDataIsAPermanentError) {
  events::v1::DomainEvent e;
  e.set_type("registration.confirmed");
  e.set_data("\xff\xff\xff");
  auto plan = PlanFor(e);
  EXPECT_TRUE(absl::IsInvalidArgument(plan.status()));
}

TEST(PlanTest, EveryTemplateAPlanNamesIsListed) {
  const auto& all = AllTemplates();
  EXPECT_EQ(all.size(), 19u);
  for (const char* name : {"access_at_risk", "member_invited", "sign_in_link",
                           "registration_cancelled_by_organiser"}) {
    EXPECT_NE(std::find(all.begin(), all.end(), name), all.end()) << name;
  }
}

}  // namespace
}  // namespace events::notifications
