#include "services/web/console/access_common.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/local_time.h"
#include "services/web/console/access_text.h"
#include "services/web/console/event_common.h"
#include "services/web/pages/format.h"

namespace events::web::console {

using events::v1::RequestStatus;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::optional<Response> SecondFactorNeeded(Console& console, const Request& request,
                                           const Person& person) {
  if (!person.HasCoordinatorRole() || person.IsCoordinator()) return std::nullopt;
  Data data(Data::type::object);
  return ConsolePage(console, request, person, "console_access_setup", data,
                     {console.site.Text("console_access_setup_title"), false}, "access");
}

}  // namespace

std::optional<Response> AtDesk(Console& console, const Request& request, Person* person) {
  if (auto page = SignedInAs(console, request, person)) return page;
  return SecondFactorNeeded(console, request, *person);
}

std::optional<Response> PostedAtDesk(Console& console, const Request& request, Form* form,
                                     Person* person) {
  if (auto page = ReadPostedAsPerson(console, request, form, person)) return page;
  return SecondFactorNeeded(console, request, *person);
}

std::optional<Response> LoadNeedLabels(Console& console, const Request& request,
                                       const Person& person, NeedLabels* labels) {
  events::v1::Catalogue catalogue;
  if (auto page = LoadNeeds(console, request, person, &catalogue)) return page;
  for (const auto& n : catalogue.needs()) (*labels)[n.need()] = n.label();
  return std::nullopt;
}

std::string NeedLabel(const NeedLabels& labels, const std::string& need) {
  auto it = labels.find(need);
  return it == labels.end() ? need : it->second;
}

std::string NeedsText(const NeedLabels& labels, const events::v1::AccessibilityRequest& r) {
  std::vector<std::string> words;
  words.reserve(static_cast<size_t>(r.needs_size()));
  for (const auto& n : r.needs()) words.push_back(NeedLabel(labels, n.need()));
  return absl::StrJoin(words, ", ");
}

const events::v1::Event& EventNames::Get(const std::string& event_id) {
  auto it = events_.find(event_id);
  if (it != events_.end()) return it->second;
  events::v1::Event event;
  events::v1::GetEventRequest req;
  req.set_event_id(event_id);
  auto context = AsPerson(console_, request_, person_);
  const grpc::Status status =
      console_.site.backends.scheduling().GetEvent(context.get(), req, &event);
  if (!status.ok() || event.org_id() != person_.me.member().org_id()) {
    event = events::v1::Event();
    event.set_id(event_id);
  }
  return events_.emplace(event_id, std::move(event)).first->second;
}

std::string RequestStatusClass(RequestStatus status) {
  switch (status) {
    case events::v1::REQUEST_STATUS_FULFILLED:
      return " tag--green";
    case events::v1::REQUEST_STATUS_UNFULFILLABLE:
      return " tag--red";
    case events::v1::REQUEST_STATUS_WITHDRAWN:
      return " tag--grey";
    default:
      return "";
  }
}

Data RequestRow(const Site& site, const events::v1::AccessibilityRequest& r,
                const NeedLabels& labels, const events::v1::Event& event, int64_t now_ms) {
  Data row(Data::type::object);
  row.set("id", r.id());
  row.set("href", AccessRequestHref(r.id()));
  row.set("who", r.attendee_name().empty()
                     ? site.Text(r.registration_id().empty() ? "console_access_who_erased"
                                                             : "console_access_who_unknown")
                     : r.attendee_name());
  row.set("event_title", event.details().title().empty() ? event.id() : event.details().title());
  row.set("event_href", absl::StrCat("/manage/access?event=", r.event_id()));
  row.set("needs", NeedsText(labels, r));
  row.set("status", RequestStatusWords(site.messages(), r.status()));
  row.set("status_class", RequestStatusClass(r.status()));
  const std::string zone =
      event.details().time_zone().empty() ? "UTC" : event.details().time_zone();
  row.set("deadline_words", DeadlineWords(site.messages(), r.deadline_unix_ms(), now_ms, zone));
  if (r.deadline_unix_ms() > 0) {
    row.set("deadline_date",
            DateText(site.messages(), events::time::FormatRfc3339(r.deadline_unix_ms(), zone)));
  }
  const bool passed = r.deadline_unix_ms() > 0 && r.deadline_unix_ms() < now_ms;
  row.set("late", r.late());
  row.set("at_risk", r.at_risk());
  if (r.at_risk()) {
    row.set("why", site.Text(passed ? "console_access_why_passed" : "console_access_why_near"));
  }
  return row;
}

const std::vector<RequestStatusFilter>& RequestStatusFilters() {
  static const auto* const kFilters = new std::vector<RequestStatusFilter>{
      {"", events::v1::REQUEST_STATUS_UNSPECIFIED},
      {"submitted", events::v1::REQUEST_STATUS_SUBMITTED},
      {"acknowledged", events::v1::REQUEST_STATUS_ACKNOWLEDGED},
      {"in-progress", events::v1::REQUEST_STATUS_IN_PROGRESS},
      {"needs-reconfirmation", events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION},
      {"fulfilled", events::v1::REQUEST_STATUS_FULFILLED},
      {"cannot-be-fulfilled", events::v1::REQUEST_STATUS_UNFULFILLABLE},
      {"withdrawn", events::v1::REQUEST_STATUS_WITHDRAWN},
  };
  return *kFilters;
}

std::string AccessRequestHref(const std::string& request_id) {
  return absl::StrCat("/manage/access/requests/", request_id);
}

std::string ProvisionsHref(const std::string& event_id) {
  return absl::StrCat("/manage/access/events/", event_id, "/provisions");
}

}  // namespace events::web::console
