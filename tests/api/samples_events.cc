// Samples for scheduling and registration (samples.h).
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "events/v1/registration.pb.h"
#include "tests/api/samples.h"
#include "tests/api/samples_internal.h"

namespace events::api_test {

using absl::Substitute;

void AddEventSamples(std::map<std::string, Sample>& s) {
  // --- Scheduling ---
  s["SchedulingService.CreateEvent"] = {
      true, [](World& w) {
        return CallInput{absl::StrCat(R"({"details": )", World::Details("Made by the test"), "}"),
                         w.org_a()};
      }};
  s["SchedulingService.UpdateEvent"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "expected_version": 1, "details": $1})",
                                    w.NewEvent(false), World::Details("Renamed by the test")),
                         w.org_a()};
      }};
  s["SchedulingService.PublishEvent"] = {
      true, [](World& w) {
        return CallInput{IdJson("event_id", w.NewEvent(false)), w.org_a()};
      }};
  s["SchedulingService.RescheduleEvent"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "new_start": {"value": "$1T14:00"},
                                    "new_end": {"value": "$1T16:00"},
                                    "time_zone": "Europe/London",
                                    "reason": "The room is needed in the morning"})",
                                    w.NewEvent(true), World::Day()),
                         w.org_a()};
      }};
  s["SchedulingService.CancelEvent"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "reason": "The speaker is unwell"})",
                                    w.NewEvent(true)),
                         w.org_a()};
      }};
  s["SchedulingService.CompleteEvent"] = {
      true, [](World& w) {
        return CallInput{IdJson("event_id", w.NewEvent(true)), w.org_a()};
      }};
  s["SchedulingService.SetAgenda"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "sessions": [{"title": "Welcome",
                                    "start": {"value": "$1T10:00"},
                                    "end": {"value": "$1T10:30"}}]})",
                                    w.NewEvent(false), World::Day()),
                         w.org_a()};
      }};
  s["SchedulingService.GetEvent"] = {
      false, [](World& w) { return CallInput{IdJson("event_id", w.shared().event_id)}; }};
  s["SchedulingService.ListUpcomingEvents"] = {
      false, [](World&) { return CallInput{R"({"page": {"page_size": 5}})"}; }};
  s["SchedulingService.ListOrganisationEvents"] = {
      false, [](World& w) {
        return CallInput{R"({"page": {"page_size": 3}, "status": "EVENT_STATUS_PUBLISHED"})",
                         w.org_a()};
      }};
  s["SchedulingService.CreateSeries"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"template": $0, "rule": {"frequency": "FREQUENCY_WEEKLY",
                                    "interval": 1, "count": 2}})",
                                    World::Details("A series made by the test")),
                         w.org_a()};
      }};
  s["SchedulingService.GetSeries"] = {
      false, [](World& w) { return CallInput{IdJson("series_id", w.shared().series_id)}; }};
  s["SchedulingService.PublishSeries"] = {
      true, [](World& w) {
        return CallInput{IdJson("series_id", w.NewSeries(false)), w.org_a()};
      }};
  s["SchedulingService.CancelSeries"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"series_id": "$0", "reason": "The group has ended"})",
                                    w.NewSeries(true)),
                         w.org_a()};
      }};
  s["SchedulingService.GetEventCalendar"] = {
      false, [](World& w) { return CallInput{IdJson("event_id", w.shared().event_id)}; }};
  s["SchedulingService.GetSeriesCalendar"] = {
      false, [](World& w) { return CallInput{IdJson("series_id", w.shared().series_id)}; }};

  // --- Registration ---
  s["RegistrationService.Register"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "name": "Kai Moss", "email": "$1",
                                    "participation": "PARTICIPATION_CARER",
                                    "idempotency_key": "$2"})",
                                    w.shared().event_id, w.UniqueEmail("kai"),
                                    w.Unique("api-test-idempotency"))};
      }};
  s["RegistrationService.ResendLink"] = {
      true, [](World& w) {
        const std::string event = w.shared().event_id;
        return CallInput{
            Substitute(R"({"event_id": "$0", "email": "$1"})", event, w.Register(event).email)};
      }};
  s["RegistrationService.GetRegistrationForm"] = {
      false, [](World& w) { return CallInput{IdJson("event_id", w.shared().event_id)}; }};
  s["RegistrationService.GetAvailability"] = {
      false, [](World& w) { return CallInput{IdJson("event_id", w.shared().event_id)}; }};
  s["RegistrationService.GetMyRegistration"] = {
      false, [](World& w) {
        return CallInput{"{}", "", w.shared().person.token};
      }};
  s["RegistrationService.UpdateMyRegistration"] = {
      true, [](World& w) {
        return CallInput{R"({"name": "Sam R.", "update_marketing_opt_in": true})", "",
                         w.Register(w.shared().event_id, true).token};
      }};
  s["RegistrationService.CancelMyRegistration"] = {
      true, [](World& w) {
        return CallInput{"{}", "", w.Register(w.shared().event_id).token};
      }};
  s["RegistrationService.ConfigureRegistration"] = {
      true, [](World& w) {
        return CallInput{
            Substitute(R"({"settings": {"event_id": "$0", "pools": [{"id": "lived_experience",
                       "name": "People with lived experience", "places": 5}]}})",
                       w.NewEvent(false)),
            w.org_a()};
      }};
  s["RegistrationService.ListRegistrations"] = {
      false, [](World& w) {
        return CallInput{
            Substitute(R"({"event_id": "$0", "page": {"page_size": 50}})", w.shared().event_id),
            w.org_a()};
      }};
  s["RegistrationService.GetRegistration"] = {
      false, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "registration_id": "$1"})",
                                    w.shared().event_id, w.shared().person.registration_id),
                         w.org_a()};
      }};
  s["RegistrationService.GetCapacity"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};
  s["RegistrationService.ChangeCapacity"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"event_id": "$0", "capacity": 80})", w.NewEvent(true)),
                         w.org_a()};
      }};
  for (const char* decide : {"ApproveRegistration", "RejectRegistration"}) {
    s[absl::StrCat("RegistrationService.", decide)] = {
        true, [](World& w) {
          const std::string event = w.NewApprovalEvent();
          return CallInput{Substitute(R"({"event_id": "$0", "registration_id": "$1"})", event,
                                      w.Register(event).registration_id),
                           w.org_a()};
        }};
  }
  s["RegistrationService.CancelRegistration"] = {
      true, [](World& w) {
        const std::string event = w.shared().event_id;
        return CallInput{Substitute(R"({"event_id": "$0", "registration_id": "$1",
                                    "reason": "Registered twice"})",
                                    event, w.Register(event).registration_id),
                         w.org_a()};
      }};
  s["RegistrationService.MarkAttendance"] = {
      true, [](World& w) {
        const std::string event = w.NewEvent(true);
        return CallInput{Substitute(R"({"event_id": "$0", "registration_ids": ["$1"],
                                    "attended": true})",
                                    event, w.Register(event).registration_id),
                         w.org_a()};
      }};
  s["RegistrationService.ImportAttendance"] = {
      true, [](World& w) {
        const std::string event = w.NewEvent(true);
        return CallInput{Substitute(R"({"event_id": "$0", "csv": "email\n$1\n"})", event,
                                    w.Register(event).email),
                         w.org_a()};
      }};
  s["RegistrationService.ExportRegistrations"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};
}

}  // namespace events::api_test
