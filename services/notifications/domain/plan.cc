#include "services/notifications/domain/plan.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/people.pb.h"

namespace events::notifications {
namespace {

using events::v1::DomainEvent;

template <typename T>
absl::StatusOr<T> Data(const DomainEvent& event) {
  T data;
  if (!data.ParseFromString(event.data())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the data of ", event.type(), " ", event.id(), " cannot be read"));
  }
  return data;
}

// registration.<kind> -> template, for the registrant.
const std::map<std::string, std::string, std::less<>>& RegistrationTemplates() {
  static const auto* const map = new std::map<std::string, std::string, std::less<>>{
      {"registration.confirmed", "registration_confirmed"},
      {"registration.waitlisted", "registration_waitlisted"},
      {"registration.pending_approval", "registration_pending"},
      {"registration.approved", "registration_approved"},
      {"registration.rejected", "registration_rejected"},
      {"registration.promoted", "registration_promoted"},
      {"registration.cancelled", "registration_cancelled"},
  };
  return *map;
}

// accessibility.<kind> -> template and audience. Changes the attendee made themselves
// (submitted, updated, withdrawn) and work in progress are not mailed to them.
struct AccessMail {
  const char* template_name;
  Audience audience;
};
const std::map<std::string, AccessMail, std::less<>>& AccessTemplates() {
  static const auto* const map = new std::map<std::string, AccessMail, std::less<>>{
      {"accessibility.request_acknowledged", {"access_status", Audience::kRegistrant}},
      {"accessibility.request_fulfilled", {"access_status", Audience::kRegistrant}},
      {"accessibility.request_unfulfillable", {"access_status", Audience::kRegistrant}},
      {"accessibility.request_needs_reconfirmation", {"access_reconfirm", Audience::kRegistrant}},
      {"accessibility.request_submitted", {"access_new", Audience::kCoordinators}},
      {"accessibility.request_at_risk", {"access_at_risk", Audience::kCoordinators}},
  };
  return *map;
}

constexpr events::v1::RegistrationStatus kConfirmed = events::v1::REGISTRATION_STATUS_CONFIRMED;
constexpr events::v1::RegistrationStatus kWaitlisted = events::v1::REGISTRATION_STATUS_WAITLISTED;
constexpr events::v1::RegistrationStatus kPending =
    events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;

absl::StatusOr<std::optional<Intent>> ForEvent(const DomainEvent& event) {
  Intent intent;
  intent.audience = Audience::kEventRegistrants;
  if (event.type() == "event.reminder_due") {
    absl::StatusOr<events::v1::EventReminderDue> due = Data<events::v1::EventReminderDue>(event);
    if (!due.ok()) return due.status();
    intent.template_name = "event_reminder";
    intent.event_id = due->event_id();
    intent.statuses = {kConfirmed};
    intent.arg = absl::StrCat(due->minutes_before());
    return intent;
  }
  absl::StatusOr<events::v1::EventChanged> changed = Data<events::v1::EventChanged>(event);
  if (!changed.ok()) return changed.status();
  intent.event_id = changed->event_id();
  intent.statuses = {kConfirmed, kWaitlisted, kPending};
  intent.arg = changed->reason();
  if (event.type() == "event.rescheduled") {
    intent.template_name = "event_rescheduled";
  } else if (event.type() == "event.cancelled") {
    intent.template_name = "event_cancelled";
  } else {
    return std::nullopt;
  }
  return intent;
}

absl::StatusOr<std::optional<Intent>> ForRegistration(const DomainEvent& event) {
  if (event.type() == "registration.link_requested") {
    auto asked = Data<events::v1::RegistrationLinkRequested>(event);
    if (!asked.ok()) return asked.status();
    Intent intent{"registration_link",
                  Audience::kRegistrant,
                  asked->event_id(),
                  asked->registration_id(),
                  {},
                  "",
                  ""};
    return intent;
  }
  auto found = RegistrationTemplates().find(event.type());
  if (found == RegistrationTemplates().end()) return std::nullopt;
  auto changed = Data<events::v1::RegistrationChanged>(event);
  if (!changed.ok()) return changed.status();
  Intent intent{found->second,
                Audience::kRegistrant,
                changed->event_id(),
                changed->registration_id(),
                {},
                "",
                ""};
  // The organisers cancelled it: the e-mail says so, with the reason they gave.
  if (event.type() == "registration.cancelled" && changed->by_organiser()) {
    intent.template_name = "registration_cancelled_by_organiser";
    intent.arg = changed->reason();
  }
  return intent;
}

absl::StatusOr<std::optional<Intent>> ForAccess(const DomainEvent& event) {
  auto found = AccessTemplates().find(event.type());
  if (found == AccessTemplates().end()) return std::nullopt;
  auto changed = Data<events::v1::AccessibilityRequestChanged>(event);
  if (!changed.ok()) return changed.status();
  // An erased request has no registration any more: nobody to tell.
  if (found->second.audience == Audience::kRegistrant && changed->registration_id().empty()) {
    return std::nullopt;
  }
  Intent intent{found->second.template_name,
                found->second.audience,
                changed->event_id(),
                changed->registration_id(),
                {},
                events::v1::RequestStatus_Name(changed->status()),
                ""};
  if (intent.audience == Audience::kCoordinators) intent.registration_id.clear();
  return intent;
}

// people.*: the member themselves. Their address is read at send time (DescribeMember,
// IssueSignInLink); the stream carries ids only, and never a sign-in link's token.
absl::StatusOr<std::optional<Intent>> ForPeople(const DomainEvent& event) {
  Intent intent;
  intent.audience = Audience::kMember;
  if (event.type() == "people.member_invited") {
    auto invited = Data<events::v1::MemberInvited>(event);
    if (!invited.ok()) return invited.status();
    intent.template_name = "member_invited";
    intent.member_id = invited->member_id();
    // Who invited them, should people not name them at send time.
    intent.arg = invited->invited_by_name();
    return intent;
  }
  if (event.type() == "people.sign_in_requested") {
    auto asked = Data<events::v1::SignInRequested>(event);
    if (!asked.ok()) return asked.status();
    intent.template_name = "sign_in_link";
    intent.member_id = asked->member_id();
    intent.arg = asked->link_id();
    intent.urgent = true;
    return intent;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::optional<Intent>> PlanFor(const DomainEvent& event) {
  const std::string& type = event.type();
  if (type.rfind("registration.", 0) == 0) return ForRegistration(event);
  if (type.rfind("accessibility.", 0) == 0) return ForAccess(event);
  if (type.rfind("people.", 0) == 0) return ForPeople(event);
  if (type == "event.rescheduled" || type == "event.cancelled" || type == "event.reminder_due") {
    return ForEvent(event);
  }
  if (type == "feedback.invitation_due") {
    auto due = Data<events::v1::FeedbackInvitationDue>(event);
    if (!due.ok()) return due.status();
    Intent intent{"survey_invitation",
                  Audience::kRegistrant,
                  due->event_id(),
                  due->registration_id(),
                  {},
                  absl::StrCat(due->survey_closes_unix_ms()),
                  ""};
    return intent;
  }
  return std::nullopt;
}

const std::vector<std::string>& AllTemplates() {
  static const auto* const all = new std::vector<std::string>{"registration_confirmed",
                                                              "registration_waitlisted",
                                                              "registration_pending",
                                                              "registration_approved",
                                                              "registration_rejected",
                                                              "registration_promoted",
                                                              "registration_cancelled",
                                                              "registration_cancelled_by_organiser",
                                                              "registration_link",
                                                              "event_rescheduled",
                                                              "event_cancelled",
                                                              "event_reminder",
                                                              "survey_invitation",
                                                              "access_status",
                                                              "access_reconfirm",
                                                              "access_new",
                                                              "access_at_risk",
                                                              "member_invited",
                                                              "sign_in_link"};
  return *all;
}

}  // namespace events::notifications
