#include "services/web/console/access_pages.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/console/access_common.h"
#include "services/web/console/access_text.h"
#include "services/web/console/time_text.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::AccessibilityRequest;

// The service's page size for the desk's lists (it allows up to 100).
constexpr int kPageSize = 25;
// At most this many of a listing's request ids are named in an audit row.
constexpr int kIdsShown = 10;

// A page token as the accessibility service gives them (an offset, or an audit stream id):
// digits and "-", so it can go into a link as it is. Anything else is no page at all.
bool IsPageToken(const std::string& token) {
  if (token.empty() || token.size() > 40) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

// The organisation's events to choose from: every event for an organiser; for an access
// coordinator who is not one (scheduling lists an organisation's events to organisers only),
// the organisation's upcoming published events, the only ones that take requests.
grpc::Status EventChoices(Console& console, const Request& request, const Person& person,
                          std::vector<events::v1::Event>* out) {
  auto& scheduling = console.site.backends.scheduling();
  events::v1::ListOrganisationEventsRequest req;
  req.mutable_page()->set_page_size(100);
  for (int page = 0; page < 20; ++page) {
    events::v1::ListEventsResponse resp;
    auto context = AsPerson(console, request, person);
    grpc::Status status = scheduling.ListOrganisationEvents(context.get(), req, &resp);
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) break;
    if (!status.ok()) return status;
    for (const auto& e : resp.events()) {
      if (e.status() != events::v1::EVENT_STATUS_DRAFT) out->push_back(e);
    }
    if (resp.next_page_token().empty()) return grpc::Status::OK;
    req.mutable_page()->set_page_token(resp.next_page_token());
  }
  if (!out->empty()) return grpc::Status::OK;
  events::v1::ListUpcomingEventsRequest up;
  up.mutable_page()->set_page_size(100);
  for (int page = 0; page < 20; ++page) {
    events::v1::ListEventsResponse resp;
    auto context = AsPerson(console, request, person);
    grpc::Status status = scheduling.ListUpcomingEvents(context.get(), up, &resp);
    if (!status.ok()) return status;
    for (const auto& e : resp.events()) {
      if (e.org_id() == person.me.member().org_id()) out->push_back(e);
    }
    if (resp.next_page_token().empty()) break;
    up.mutable_page()->set_page_token(resp.next_page_token());
  }
  return grpc::Status::OK;
}

// Upcoming first (soonest first), then past (latest first).
void SortEvents(std::vector<events::v1::Event>& events, int64_t now) {
  std::sort(events.begin(), events.end(), [now](const auto& a, const auto& b) {
    const bool a_up = a.end_unix_ms() >= now;
    const bool b_up = b.end_unix_ms() >= now;
    if (a_up != b_up) return a_up;
    return a_up ? a.start_unix_ms() < b.start_unix_ms() : a.start_unix_ms() > b.start_unix_ms();
  });
}

// The published counts of the event's requests (GetRequestCounts: withheld below the
// smallest group, published in steps).
Data Counts(const Site& site, const NeedLabels& labels, const events::v1::RequestCounts& c) {
  Data counts(Data::type::object);
  const std::string fewer =
      site.messages().Format("console_access_fewer_than", {{"n", absl::StrCat(c.min_group())}});
  counts.set("requests", c.requests() == 0 ? fewer : absl::StrCat(c.requests()));
  counts.set("late", c.late_withheld() ? fewer : absl::StrCat(c.late()));
  counts.set("at_risk", c.at_risk_withheld() ? fewer : absl::StrCat(c.at_risk()));
  counts.set("min_group", absl::StrCat(c.min_group()));
  Data rows(Data::type::list);
  for (const auto& n : c.counts()) {
    Data row(Data::type::object);
    row.set("need", NeedLabel(labels, n.need()));
    row.set("status", RequestStatusWords(site.messages(), n.status()));
    row.set("count", n.withheld() ? fewer : absl::StrCat(n.count()));
    rows.push_back(row);
  }
  counts.set("rows", rows);
  counts.set("has_rows", !rows.is_empty_list());
  return counts;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = AtDesk(console, request, &person)) return *page;
  Site& site = console.site;
  const int64_t now = NowMs();

  std::string event_id = request.Query("event");
  if (!event_id.empty() && !IsPathId(event_id)) return ErrorPage(site, 404, request);
  const std::string status_value = request.Query("status");
  const RequestStatusFilter* filter = &RequestStatusFilters()[0];
  for (const RequestStatusFilter& f : RequestStatusFilters()) {
    if (f.value == status_value) filter = &f;
  }
  const std::string after = request.Query("after");
  if (!after.empty() && !IsPageToken(after)) return ErrorPage(site, 404, request);

  std::vector<events::v1::Event> choices;
  grpc::Status status = EventChoices(console, request, person, &choices);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListEvents");
  SortEvents(choices, now);
  // No event chosen: the first of the list (the soonest upcoming).
  if (event_id.empty() && !choices.empty()) event_id = choices[0].id();

  Data data(Data::type::object);
  Data options(Data::type::list);
  bool chosen_listed = false;
  for (const auto& e : choices) {
    Data o(Data::type::object);
    o.set("value", e.id());
    o.set("label", absl::StrCat(e.details().title(), " (",
                                DateText(site.messages(), e.start_rfc3339()), ")"));
    if (e.id() == event_id) {
      o.set("selected", true);
      chosen_listed = true;
    }
    options.push_back(o);
  }
  Data statuses(Data::type::list);
  for (const RequestStatusFilter& f : RequestStatusFilters()) {
    Data o(Data::type::object);
    o.set("value", std::string(f.value));
    o.set("label", f.value.empty() ? site.Text("console_access_filter_all")
                                   : RequestStatusWords(site.messages(), f.status));
    if (&f == filter) o.set("selected", true);
    statuses.push_back(o);
  }
  data.set("statuses", statuses);

  if (event_id.empty()) {
    // Nothing to list: the service still decides whether the person may use the desk (its
    // audit log is theirs to read only as a coordinator; reading one entry records nothing).
    events::v1::ListAuditLogRequest probe;
    probe.mutable_page()->set_page_size(1);
    events::v1::ListAuditLogResponse ignored;
    auto context = AsPerson(console, request, person);
    status = site.backends.accessibility().ListAuditLog(context.get(), probe, &ignored);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListAuditLog");
    data.set("no_events", true);
    data.set("events", options);
    return ConsolePage(console, request, person, "console_access", data,
                       {site.Text("console_access_title"), false}, "access");
  }

  events::v1::ListRequestsRequest req;
  req.set_event_id(event_id);
  req.set_status(filter->status);
  req.mutable_page()->set_page_size(kPageSize);
  req.mutable_page()->set_page_token(after);
  events::v1::ListRequestsResponse resp;
  {
    auto context = AsPerson(console, request, person);
    status = site.backends.accessibility().ListRequests(context.get(), req, &resp);
  }
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(site, 404, request);  // not an event of theirs, or a forged page token
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListRequests");

  NeedLabels labels;
  if (auto page = LoadNeedLabels(console, request, person, &labels)) return *page;
  EventNames names(console, request, person);
  const events::v1::Event& event = names.Get(event_id);
  if (!chosen_listed) {
    Data o(Data::type::object);
    o.set("value", event_id);
    o.set("label", event.details().title().empty() ? event_id : event.details().title());
    o.set("selected", true);
    options.push_back(o);
  }
  data.set("events", options);

  events::v1::RequestCounts counts;
  {
    events::v1::GetRequestCountsRequest creq;
    creq.set_event_id(event_id);
    auto context = AsPerson(console, request, person);
    status = site.backends.accessibility().GetRequestCounts(context.get(), creq, &counts);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetRequestCounts");

  std::vector<AccessibilityRequest> requests(resp.requests().begin(), resp.requests().end());
  // Soonest deadline first (within the service's page; see docs/console.md).
  std::stable_sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) {
    return a.deadline_unix_ms() < b.deadline_unix_ms();
  });
  Data rows(Data::type::list);
  for (const AccessibilityRequest& r : requests) {
    rows.push_back(RequestRow(site, r, labels, event, now));
  }
  const std::string title = event.details().title().empty() ? event_id : event.details().title();
  data.set("chosen", true);
  data.set("event_title", title);
  data.set("event_when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  data.set("event_zone", ZoneText(site.messages(), event.details().time_zone()));
  data.set("provisions_href", ProvisionsHref(event_id));
  data.set("counts", Counts(site, labels, counts));
  data.set("rows", rows);
  data.set("none", rows.is_empty_list());
  const std::string base = absl::StrCat("/manage/access?event=", event_id,
                                        filter->value.empty() ? "" : "&status=", filter->value);
  if (!resp.next_page_token().empty()) {
    data.set("next_href", absl::StrCat(base, "&after=", resp.next_page_token()));
  }
  if (!after.empty()) data.set("first_href", base);
  return ConsolePage(
      console, request, person, "console_access", data,
      {site.messages().Format("console_access_list_title", {{"title", title}}), false}, "access");
}

Response AtRisk(Console& console, const Request& request) {
  Person person;
  if (auto page = AtDesk(console, request, &person)) return *page;
  Site& site = console.site;
  const std::string after = request.Query("after");
  if (!after.empty() && !IsPageToken(after)) return ErrorPage(site, 404, request);
  events::v1::ListAtRiskRequest req;
  req.mutable_page()->set_page_size(kPageSize);
  req.mutable_page()->set_page_token(after);
  events::v1::ListRequestsResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.accessibility().ListAtRisk(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListAtRisk");
  NeedLabels labels;
  if (auto page = LoadNeedLabels(console, request, person, &labels)) return *page;
  EventNames names(console, request, person);
  const int64_t now = NowMs();
  Data rows(Data::type::list);
  for (const AccessibilityRequest& r : resp.requests()) {
    rows.push_back(RequestRow(site, r, labels, names.Get(r.event_id()), now));
  }
  Data data(Data::type::object);
  data.set("rows", rows);
  data.set("none", rows.is_empty_list());
  if (!resp.next_page_token().empty()) {
    data.set("next_href", absl::StrCat("/manage/access/at-risk?after=", resp.next_page_token()));
  }
  if (!after.empty()) data.set("first_href", "/manage/access/at-risk");
  return ConsolePage(console, request, person, "console_access_at_risk", data,
                     {site.Text("console_access_at_risk_title"), false}, "access");
}

std::string RpcWords(const Site& site, const std::string& rpc) {
  struct Known {
    absl::string_view rpc;
    absl::string_view key;
  };
  static constexpr Known kKnown[] = {
      {"GetRequest", "console_access_rpc_get_request"},
      {"ListRequests", "console_access_rpc_list_requests"},
      {"ListAtRisk", "console_access_rpc_list_at_risk"},
      {"FulfilWithProvision", "console_access_rpc_fulfil"},
  };
  for (const Known& k : kKnown) {
    if (rpc == k.rpc) return site.Text(k.key);
  }
  return rpc;
}

Response Audit(Console& console, const Request& request) {
  Person person;
  if (auto page = AtDesk(console, request, &person)) return *page;
  Site& site = console.site;
  const std::string after = request.Query("after");
  if (!after.empty() && !IsPageToken(after)) return ErrorPage(site, 404, request);
  events::v1::ListAuditLogRequest req;
  req.mutable_page()->set_page_size(50);
  req.mutable_page()->set_page_token(after);
  events::v1::ListAuditLogResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.accessibility().ListAuditLog(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListAuditLog");
  EventNames names(console, request, person);
  Data entries(Data::type::list);
  for (const auto& e : resp.entries()) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, e.at_unix_ms(), console.zone));
    row.set("who", ActorWords(site.messages(), e.actor(), e.actor_name()));
    row.set("what", RpcWords(site, e.rpc()));
    Data links(Data::type::list);
    std::vector<std::string> ids;
    if (!e.request_id().empty()) ids.push_back(e.request_id());
    for (const std::string& id : e.request_ids()) ids.push_back(id);
    for (size_t i = 0; i < ids.size() && i < kIdsShown; ++i) {
      Data link(Data::type::object);
      link.set("id", ids[i]);
      link.set("href", AccessRequestHref(ids[i]));
      links.push_back(link);
    }
    row.set("requests", links);
    if (ids.size() > kIdsShown) {
      row.set("more", site.messages().Format("console_access_audit_more",
                                             {{"n", absl::StrCat(ids.size() - kIdsShown)}}));
    }
    if (!e.event_id().empty()) {
      const events::v1::Event& event = names.Get(e.event_id());
      row.set("event", event.details().title().empty() ? e.event_id() : event.details().title());
    }
    entries.push_back(row);
  }
  Data data(Data::type::object);
  data.set("entries", entries);
  data.set("none", entries.is_empty_list());
  if (!resp.next_page_token().empty()) {
    data.set("next_href", absl::StrCat("/manage/access/audit?after=", resp.next_page_token()));
  }
  return ConsolePage(console, request, person, "console_access_audit", data,
                     {site.Text("console_access_audit_title"), false}, "access");
}

}  // namespace

void AddAccessPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/access", [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/access/at-risk",
               [&console](const Request& r) { return AtRisk(console, r); });
  server.Route("GET", "/manage/access/audit",
               [&console](const Request& r) { return Audit(console, r); });
  AddAccessRequestPages(server, console);
  AddAccessProvisionPages(server, console);
}

}  // namespace events::web::console
