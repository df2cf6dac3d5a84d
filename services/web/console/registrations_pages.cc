#include "services/web/console/registrations_pages.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/web/console/registration_actions.h"
#include "services/web/console/registration_page.h"
#include "services/web/console/registration_settings_pages.h"
#include "services/web/console/registrations_common.h"

namespace events::web::console {
namespace {

using events::v1::Registration;
using events::v1::RegistrationStatus;

// One page of the unfiltered list.
constexpr int kPageSize = 50;
// A search reads the event's registrations page by page and keeps those whose name or e-mail
// contains the words: ListRegistrations has no search, and an event has hundreds of sign-ups,
// not millions. It stops after kSearchScan registrations (and says so on the page) and shows
// at most kSearchShown matches (docs/console.md, "Registrations").
constexpr int kSearchScan = 5000;
constexpr int kSearchPageSize = 100;  // the service's largest page
constexpr int kSearchShown = 200;
constexpr size_t kMaxSearchChars = 100;

struct StatusFilter {
  absl::string_view value;
  RegistrationStatus status;
  absl::string_view label_key;
};
constexpr StatusFilter kStatuses[] = {
    {"", events::v1::REGISTRATION_STATUS_UNSPECIFIED, "console_reg_filter_all"},
    {"confirmed", events::v1::REGISTRATION_STATUS_CONFIRMED, "console_reg_status_confirmed"},
    {"waiting", events::v1::REGISTRATION_STATUS_WAITLISTED, "console_reg_filter_waiting"},
    {"pending", events::v1::REGISTRATION_STATUS_PENDING_APPROVAL, "console_reg_status_pending"},
    {"cancelled", events::v1::REGISTRATION_STATUS_CANCELLED, "console_reg_status_cancelled"},
    {"rejected", events::v1::REGISTRATION_STATUS_REJECTED, "console_reg_status_rejected"},
};

bool Matches(const Registration& r, const std::string& words) {
  return absl::StrContains(absl::AsciiStrToLower(r.name()), words) ||
         absl::StrContains(absl::AsciiStrToLower(r.email()), words);
}

Data Row(const Site& site, const events::v1::Event& event, const Registration& r,
         const std::string& back) {
  Data row(Data::type::object);
  row.set("id", r.id());
  row.set("name", r.name());
  row.set("email", r.email());
  row.set("status", StatusWord(site, r));
  row.set("pool", r.pool().empty() ? std::string("general") : r.pool());
  row.set("companion", r.companion());
  row.set("back", back);
  const std::string base = absl::StrCat(RegistrationsHref(event), "/", r.id());
  row.set("action_base", base);
  const bool pending = r.status() == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
  const bool confirmed = r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED;
  row.set("pending", pending);
  row.set("confirmed", confirmed);
  row.set("attended", r.attended());
  row.set("grey", !confirmed && !pending);
  if (confirmed || pending || r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) {
    row.set("cancel_href", absl::StrCat(base, "/cancel", back.empty() ? "" : "?", back));
  }
  return row;
}

Data Counts(const events::v1::CapacitySummary& c) {
  Data counts(Data::type::object);
  counts.set("capacity", absl::StrCat(c.capacity()));
  counts.set("taken", absl::StrCat(c.confirmed_places()));
  counts.set("waiting", absl::StrCat(c.waitlisted()));
  counts.set("pending", absl::StrCat(c.pending_approval()));
  Data pools(Data::type::list);
  for (const auto& p : c.pools()) {
    Data pool(Data::type::object);
    pool.set("pool", p.pool());
    pool.set("places", absl::StrCat(p.places()));
    pool.set("taken", absl::StrCat(p.taken()));
    pool.set("waiting", absl::StrCat(p.waitlisted()));
    pools.push_back(pool);
  }
  counts.set("pools", pools);
  counts.set("has_pools", c.pools_size() > 0);
  return counts;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Site& site = console.site;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;

  const std::string status_value = request.Query("status");
  const StatusFilter* filter = nullptr;
  for (const StatusFilter& s : kStatuses) {
    if (s.value == status_value) filter = &s;
  }
  if (filter == nullptr) filter = &kStatuses[0];
  std::string pool = request.Query("pool");
  if (!pool.empty() && !IsPathId(pool)) pool.clear();
  std::string q(absl::StripAsciiWhitespace(request.Query("q")));
  if (q.size() > kMaxSearchChars) q.resize(kMaxSearchChars);
  std::string after = request.Query("after");
  if (after.size() > 200) after.clear();

  events::v1::CapacitySummary capacity;
  {
    events::v1::GetCapacityRequest req;
    req.set_event_id(event.id());
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.registration().GetCapacity(context.get(), req, &capacity);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "GetCapacity");
  }

  events::v1::ListRegistrationsRequest req;
  req.set_event_id(event.id());
  req.set_status(filter->status);
  req.set_pool(pool);
  const std::string back = ListQuery(std::string(filter->value), pool, q, after);
  const std::string words = absl::AsciiStrToLower(q);
  Data rows(Data::type::list);
  int shown = 0;
  int scanned = 0;
  bool more_matches = false;
  std::string next;
  req.mutable_page()->set_page_size(q.empty() ? kPageSize : kSearchPageSize);
  if (q.empty() && !after.empty()) req.mutable_page()->set_page_token(after);
  while (true) {
    events::v1::ListRegistrationsResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.registration().ListRegistrations(context.get(), req, &resp);
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT && !after.empty()) {
      return ErrorPage(site, 404, request);  // a page token that is not one
    }
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListRegistrations");
    for (const Registration& r : resp.registrations()) {
      ++scanned;
      if (!q.empty() && !Matches(r, words)) continue;
      if (shown == kSearchShown) {
        more_matches = true;
        continue;
      }
      rows.push_back(Row(site, event, r, back));
      ++shown;
    }
    if (q.empty()) {
      next = resp.next_page_token();
      break;
    }
    if (resp.next_page_token().empty() || scanned >= kSearchScan) {
      if (!resp.next_page_token().empty()) more_matches = true;
      break;
    }
    req.mutable_page()->set_page_token(resp.next_page_token());
  }

  Data data(Data::type::object);
  data.set("event", EventHeading(site, event));
  data.set("counts", Counts(capacity));
  // Only what the person can use: the services refuse a viewer's changes anyway.
  data.set("can_change", person.IsOrganiser());
  data.set("rows", rows);
  data.set("none", rows.is_empty_list());
  data.set("q", q);
  Data keep(Data::type::object);
  keep.set("status", std::string(filter->value));
  keep.set("pool", pool);
  keep.set("q", q);
  keep.set("after", after);
  data.set("keep", keep);
  data.set("searching", !q.empty());
  if (!q.empty()) {
    data.set("search_result", site.messages().Format("console_reg_search_result",
                                                     {{"count", absl::StrCat(shown)}, {"q", q}}));
  }
  if (more_matches) {
    data.set("search_capped", site.messages().Format("console_reg_search_capped",
                                                     {{"shown", absl::StrCat(kSearchShown)},
                                                      {"scanned", absl::StrCat(kSearchScan)}}));
  }
  Data statuses(Data::type::list);
  for (const StatusFilter& s : kStatuses) {
    Data o(Data::type::object);
    o.set("value", std::string(s.value));
    o.set("label", site.Text(s.label_key));
    if (&s == filter) o.set("selected", true);
    statuses.push_back(o);
  }
  data.set("statuses", statuses);
  Data pools(Data::type::list);
  {
    Data all(Data::type::object);
    all.set("value", "");
    all.set("label", site.Text("console_reg_filter_all_pools"));
    if (pool.empty()) all.set("selected", true);
    pools.push_back(all);
    Data general(Data::type::object);
    general.set("value", "general");
    general.set("label", site.Text("console_reg_pool_general"));
    if (pool == "general") general.set("selected", true);
    pools.push_back(general);
    for (const auto& p : capacity.pools()) {
      if (p.pool() == "general") continue;
      Data o(Data::type::object);
      o.set("value", p.pool());
      o.set("label", p.pool());
      if (pool == p.pool()) o.set("selected", true);
      pools.push_back(o);
    }
  }
  data.set("pools", pools);
  if (!next.empty()) {
    data.set("next_href", absl::StrCat(RegistrationsHref(event), "?",
                                       ListQuery(std::string(filter->value), pool, "", next)));
  }
  if (!after.empty()) {
    data.set("first_href", absl::StrCat(RegistrationsHref(event), "?",
                                        ListQuery(std::string(filter->value), pool, "", "")));
  }
  const std::string done = request.Query("done");
  for (absl::string_view word :
       {"approved", "rejected", "cancelled", "attended", "unattended", "stale", "too_early"}) {
    if (done == word) data.set("done", site.Text(absl::StrCat("console_reg_done_", word)));
  }
  return ConsolePage(
      console, request, person, "console_registrations", data,
      {site.messages().Format("console_reg_title", {{"title", event.details().title()}}), false},
      "overview");
}

Response Export(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  events::v1::ExportRegistrationsRequest req;
  req.set_event_id(event.id());
  events::v1::ExportFile file;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.registration().ExportRegistrations(context.get(), req, &file);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ExportRegistrations");
  Response r;
  r.content_type = file.content_type().empty() ? "text/csv; charset=utf-8" : file.content_type();
  r.body = file.content();
  r.caching = Caching::kNone;
  // The service names the file; only plain characters reach the header.
  std::string name = file.filename();
  name.erase(std::remove_if(name.begin(), name.end(),
                            [](char c) {
                              return !absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
                                     c != '-' && c != '_' && c != '.';
                            }),
             name.end());
  if (name.empty()) name = "registrations.csv";
  r.headers.emplace_back("Content-Disposition",
                         absl::StrCat("attachment; filename=\"", name, "\""));
  return r;
}

}  // namespace

void AddRegistrationsPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/registrations",
               [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/events/{id}/registrations/export",
               [&console](const Request& r) { return Export(console, r); });
  AddRegistrationActions(server, console);
  AddAttendanceUpload(server, console);
  AddRegistrationSettingsPages(server, console);
  // After the literal routes under /registrations/ (export): {rid} would match them.
  AddRegistrationPage(server, console);
}

}  // namespace events::web::console
