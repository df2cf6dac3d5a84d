#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "events/v1/accessibility.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/console/console.h"

// What the access desk's pages (access_pages.cc, access_request_page.cc,
// access_provisions.cc) share. Every call is made as the signed-in person: the
// accessibility service decides who may read what, and audits each read.
namespace events::web::console {

// The prelude of every access desk page: the person signed in (SignedInAs), and a
// coordinator who has not given a second factor in this session is shown how to set up an
// authenticator app (not a 403). nullopt for everyone else, whom the service itself answers
// (a coordinator reads; anyone else gets 403 through ConsoleRpcError).
std::optional<Response> AtDesk(Console& console, const Request& request, Person* person);
// The same for a POST: the CSRF-checked form too (ReadPostedAsPerson).
std::optional<Response> PostedAtDesk(Console& console, const Request& request, Form* form,
                                     Person* person);

// The organisation's needs: code -> label (the catalogue attendees see).
using NeedLabels = std::map<std::string, std::string>;
std::optional<Response> LoadNeedLabels(Console& console, const Request& request,
                                       const Person& person, NeedLabels* labels);
std::string NeedsText(const NeedLabels& labels, const events::v1::AccessibilityRequest& r);
std::string NeedLabel(const NeedLabels& labels, const std::string& need);

// The events named by requests (title and zone), read once each as the person. An event
// scheduling does not show the person is named by its id, in UTC.
class EventNames {
 public:
  EventNames(Console& console, const Request& request, const Person& person)
      : console_(console), request_(request), person_(person) {}
  const events::v1::Event& Get(const std::string& event_id);

 private:
  Console& console_;
  const Request& request_;
  const Person& person_;
  std::map<std::string, events::v1::Event> events_;
};

// One request as a table row: who, event, needs, status, deadline (in the event's zone), the
// link to it, why it is at risk.
Data RequestRow(const Site& site, const events::v1::AccessibilityRequest& r,
                const NeedLabels& labels, const events::v1::Event& event, int64_t now_ms);

// The tag's modifier class for a request status, after a space.
std::string RequestStatusClass(events::v1::RequestStatus status);

// The status filter's values: "" (all), "submitted", "acknowledged"...
struct RequestStatusFilter {
  absl::string_view value;
  events::v1::RequestStatus status;
};
const std::vector<RequestStatusFilter>& RequestStatusFilters();

std::string AccessRequestHref(const std::string& request_id);
std::string ProvisionsHref(const std::string& event_id);

int64_t NowMs();

}  // namespace events::web::console
