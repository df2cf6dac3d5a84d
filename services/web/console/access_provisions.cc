#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/console/access_common.h"
#include "services/web/console/access_pages.h"
#include "services/web/console/access_text.h"
#include "services/web/console/fields.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::AccessibilityRequest;

// The service's limit for a provision's description.
constexpr size_t kMaxDescriptionChars = 500;

bool IsOpen(events::v1::RequestStatus s) {
  return s == events::v1::REQUEST_STATUS_SUBMITTED ||
         s == events::v1::REQUEST_STATUS_ACKNOWLEDGED ||
         s == events::v1::REQUEST_STATUS_IN_PROGRESS ||
         s == events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION;
}

bool AsksFor(const AccessibilityRequest& r, const std::string& need) {
  for (const auto& n : r.needs()) {
    if (n.need() == need) return true;
  }
  return false;
}

struct PageState {
  const Form* form = nullptr;
  std::string form_name;  // "add", or the provision id whose fulfil form came back
  std::vector<FieldError> errors;
  std::string notice;
};

Response ProvisionsPage(Console& console, const Request& request, const Person& person,
                        const std::string& event_id, const PageState& state) {
  Site& site = console.site;
  auto& accessibility = site.backends.accessibility();
  events::v1::ListProvisionsRequest preq;
  preq.set_event_id(event_id);
  events::v1::ListProvisionsResponse provisions;
  {
    auto context = AsPerson(console, request, person);
    const grpc::Status status = accessibility.ListProvisions(context.get(), preq, &provisions);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
        status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return ErrorPage(site, 404, request);
    }
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListProvisions");
  }
  // The event's open requests, for the checkboxes (one page of the service's largest).
  events::v1::ListRequestsRequest lreq;
  lreq.set_event_id(event_id);
  lreq.mutable_page()->set_page_size(100);
  events::v1::ListRequestsResponse listed;
  {
    auto context = AsPerson(console, request, person);
    const grpc::Status status = accessibility.ListRequests(context.get(), lreq, &listed);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListRequests");
  }
  NeedLabels labels;
  if (auto page = LoadNeedLabels(console, request, person, &labels)) return *page;
  EventNames names(console, request, person);
  const events::v1::Event& event = names.Get(event_id);
  const int64_t now = NowMs();

  Data data(Data::type::object);
  const std::string title = event.details().title().empty() ? event_id : event.details().title();
  data.set("event_title", title);
  data.set("event_when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  data.set("back_href", absl::StrCat("/manage/access?event=", event_id));
  data.set("action", ProvisionsHref(event_id));
  std::set<std::string> posted;
  if (state.form != nullptr) {
    for (const std::string& id : state.form->All("request")) posted.insert(id);
  }
  Data rows(Data::type::list);
  for (const auto& p : provisions.provisions()) {
    Data row(Data::type::object);
    row.set("id", p.id());
    row.set("need", NeedLabel(labels, p.need()));
    row.set("description", p.description());
    row.set("booked", p.status() == events::v1::PROVISION_STATUS_BOOKED);
    row.set("status", site.Text(p.status() == events::v1::PROVISION_STATUS_BOOKED
                                    ? "console_access_provision_booked"
                                    : "console_access_provision_reconfirm"));
    row.set("met", absl::StrCat(p.request_ids_size()));
    row.set("fulfil_action", absl::StrCat(ProvisionsHref(event_id), "/", p.id(), "/fulfil"));
    const bool mine = state.form_name == p.id();
    Data choices(Data::type::list);
    int n = 0;
    for (const AccessibilityRequest& r : listed.requests()) {
      if (!IsOpen(r.status()) || !AsksFor(r, p.need())) continue;
      Data c(Data::type::object);
      c.set("value", r.id());
      c.set("input_id", absl::StrCat("request-", p.id(), "-", n == 0 ? "first" : r.id()));
      c.set("who", r.attendee_name().empty() ? r.id() : r.attendee_name());
      c.set("needs", NeedsText(labels, r));
      c.set("status", RequestStatusWords(site.messages(), r.status()));
      c.set("deadline",
            DeadlineWords(site.messages(), r.deadline_unix_ms(), now, event.details().time_zone()));
      if (mine && posted.count(r.id()) > 0) c.set("checked", true);
      choices.push_back(c);
      ++n;
    }
    row.set("choices", choices);
    row.set("has_choices", n > 0);
    row.set("first_id", absl::StrCat("request-", p.id(), "-first"));
    for (const FieldError& e : state.errors) {
      if (mine && e.field == absl::StrCat("request-", p.id(), "-first")) {
        row.set("error", e.message);
        row.set("error_id", absl::StrCat("request-", p.id(), "-error"));
      }
    }
    rows.push_back(row);
  }
  data.set("provisions", rows);
  data.set("none", rows.is_empty_list());
  const bool adding = state.form_name == "add";
  const std::string need = adding ? state.form->Get("need") : "";
  Data needs(Data::type::list);
  for (const auto& [code, label] : labels) {
    Data o(Data::type::object);
    o.set("value", code);
    o.set("label", label);
    if (code == need) o.set("selected", true);
    needs.push_back(o);
  }
  data.set("needs", needs);
  data.set("need", TextField("need", need, adding ? state.errors : std::vector<FieldError>{}));
  data.set("description", TextField("description", adding ? state.form->Get("description") : "",
                                    adding ? state.errors : std::vector<FieldError>{}));
  data.set("notice", state.notice);
  const std::string done = request.Query("done");
  if (state.form == nullptr && (done == "added" || done == "fulfilled")) {
    data.set("done", site.messages().Format(absl::StrCat("console_access_provision_done_", done),
                                            {{"n", request.Query("n")}}));
  }
  SetErrors(data, state.errors);
  return ConsolePage(console, request, person, "console_access_provisions", data,
                     {site.messages().Format("console_access_provisions_title", {{"title", title}}),
                      !state.errors.empty()},
                     "access");
}

Response Show(Console& console, const Request& request) {
  Person person;
  if (auto page = AtDesk(console, request, &person)) return *page;
  const std::string& event_id = request.params.at(0);
  if (!IsPathId(event_id)) return ErrorPage(console.site, 404, request);
  return ProvisionsPage(console, request, person, event_id, {});
}

Response Add(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = PostedAtDesk(console, request, &form, &person)) return *page;
  Site& site = console.site;
  const std::string& event_id = request.params.at(0);
  if (!IsPathId(event_id)) return ErrorPage(site, 404, request);
  PageState state;
  state.form = &form;
  state.form_name = "add";
  NeedLabels labels;
  if (auto page = LoadNeedLabels(console, request, person, &labels)) return *page;
  const std::string need = form.Get("need");
  const std::string description(absl::StripAsciiWhitespace(form.Get("description")));
  if (labels.count(need) == 0) {
    state.errors.push_back({"need", site.Text("console_access_err_need")});
  }
  if (description.empty()) {
    state.errors.push_back({"description", site.Text("console_access_err_description_required")});
  } else if (!CheckText(description, "description", 1, kMaxDescriptionChars, /*multiline=*/true)
                  .ok()) {
    state.errors.push_back({"description", site.Text("console_access_err_description_rule")});
  }
  if (state.errors.empty()) {
    events::v1::AddProvisionRequest req;
    req.set_event_id(event_id);
    req.set_need(need);
    req.set_description(description);
    events::v1::Provision added;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.accessibility().AddProvision(context.get(), req, &added);
    if (status.ok())
      return Response::Redirect(absl::StrCat(ProvisionsHref(event_id), "?done=added"));
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return ErrorPage(site, 404, request);
    if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
      return ConsoleRpcError(console, request, status, "AddProvision");
    }
    state.errors.push_back({"description", site.Text("console_access_err_description_rule")});
  }
  return ProvisionsPage(console, request, person, event_id, state);
}

Response Fulfil(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = PostedAtDesk(console, request, &form, &person)) return *page;
  Site& site = console.site;
  const std::string& event_id = request.params.at(0);
  const std::string& provision_id = request.params.at(1);
  if (!IsPathId(event_id) || !IsPathId(provision_id)) return ErrorPage(site, 404, request);
  PageState state;
  state.form = &form;
  state.form_name = provision_id;
  const std::vector<std::string> ids = form.All("request");
  const std::string first = absl::StrCat("request-", provision_id, "-first");
  if (ids.empty()) {
    state.errors.push_back({first, site.Text("console_access_err_choose_requests")});
  } else if (ids.size() > 500) {
    state.errors.push_back({first, site.Text("console_access_err_too_many_requests")});
  }
  for (const std::string& id : ids) {
    if (!IsPathId(id)) return ErrorPage(site, 400, request);
  }
  if (state.errors.empty()) {
    events::v1::FulfilWithProvisionRequest req;
    req.set_provision_id(provision_id);
    for (const std::string& id : ids) req.add_request_ids(id);
    events::v1::FulfilWithProvisionResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.accessibility().FulfilWithProvision(context.get(), req, &resp);
    if (status.ok()) {
      return Response::Redirect(
          absl::StrCat(ProvisionsHref(event_id), "?done=fulfilled&n=", resp.requests_size()));
    }
    switch (status.error_code()) {
      case grpc::StatusCode::NOT_FOUND:
      case grpc::StatusCode::FAILED_PRECONDITION:
      case grpc::StatusCode::ABORTED:
        // A request changed meanwhile (fulfilled by a colleague, withdrawn): nothing changed.
        state.notice = site.Text("console_access_notice_fulfil_refused");
        break;
      default:
        return ConsoleRpcError(console, request, status, "FulfilWithProvision");
    }
  }
  return ProvisionsPage(console, request, person, event_id, state);
}

}  // namespace

void AddAccessProvisionPages(WebServer& server, Console& console) {
  const std::string base = "/manage/access/events/{event}/provisions";
  server.Route("GET", base, [&console](const Request& r) { return Show(console, r); });
  server.Route("POST", base, [&console](const Request& r) { return Add(console, r); });
  server.Route("POST", base + "/{provision}/fulfil",
               [&console](const Request& r) { return Fulfil(console, r); });
}

}  // namespace events::web::console
