#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/time/local_time.h"
#include "common/util/text_rules.h"
#include "services/web/console/access_common.h"
#include "services/web/console/access_pages.h"
#include "services/web/console/access_text.h"
#include "services/web/console/fields.h"
#include "services/web/console/time_text.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

using events::v1::AccessibilityRequest;
using events::v1::RequestStatus;

// The service's limit for a reason and an offer.
constexpr size_t kMaxReasonChars = 1000;

struct Move {
  RequestStatus to;
  absl::string_view value;  // the form's "to"
  absl::string_view button_key;
  absl::string_view done_key;
};
constexpr Move kMoves[] = {
    {events::v1::REQUEST_STATUS_ACKNOWLEDGED, "acknowledged", "console_access_move_acknowledge",
     "console_access_done_acknowledged"},
    {events::v1::REQUEST_STATUS_IN_PROGRESS, "in-progress", "console_access_move_in_progress",
     "console_access_done_in_progress"},
    {events::v1::REQUEST_STATUS_FULFILLED, "fulfilled", "console_access_move_fulfilled",
     "console_access_done_fulfilled"},
    {events::v1::REQUEST_STATUS_UNFULFILLABLE, "cannot-be-fulfilled",
     "console_access_move_unfulfillable", "console_access_done_unfulfillable"},
};

const Move* MoveTo(RequestStatus to) {
  for (const Move& m : kMoves) {
    if (m.to == to) return &m;
  }
  return nullptr;
}

const Move* MoveNamed(absl::string_view value) {
  for (const Move& m : kMoves) {
    if (m.value == value) return &m;
  }
  return nullptr;
}

std::string ContactText(const Site& site, const events::v1::RequestDetails& d) {
  switch (d.contact_method()) {
    case events::v1::CONTACT_METHOD_EMAIL:
      return site.messages().Format("console_access_contact_email", {{"value", d.contact_value()}});
    case events::v1::CONTACT_METHOD_PHONE:
      return site.messages().Format("console_access_contact_phone", {{"value", d.contact_value()}});
    case events::v1::CONTACT_METHOD_TEXT_MESSAGE:
      return site.messages().Format("console_access_contact_text", {{"value", d.contact_value()}});
    case events::v1::CONTACT_METHOD_REGISTRATION_EMAIL:
      return site.Text("console_access_contact_registration");
    default:
      return "";
  }
}

// The request of the path, read (and so audited) as the person: 404 for an id that is not
// one, an unknown request, or another organisation's (the service does not tell them apart).
std::optional<Response> ReadRequest(Console& console, const Request& request, const Person& person,
                                    AccessibilityRequest* out) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(console.site, 404, request);
  events::v1::GetRequestRequest req;
  req.set_request_id(id);
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.accessibility().GetRequest(context.get(), req, out);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetRequest");
  return std::nullopt;
}

struct PageState {
  const Form* form = nullptr;  // the move's form, when it comes back with errors
  std::vector<FieldError> errors;
  std::string notice;  // a move the service refused (changed meanwhile...)
};

Response RequestPage(Console& console, const Request& request, const Person& person,
                     const AccessibilityRequest& r, const PageState& state) {
  Site& site = console.site;
  NeedLabels labels;
  if (auto page = LoadNeedLabels(console, request, person, &labels)) return *page;
  EventNames names(console, request, person);
  const events::v1::Event& event = names.Get(r.event_id());
  const std::string zone =
      event.details().time_zone().empty() ? "UTC" : event.details().time_zone();
  const int64_t now = NowMs();

  Data data(Data::type::object);
  data.set("row", RequestRow(site, r, labels, event, now));
  data.set("event_when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  data.set("event_zone", ZoneText(site.messages(), event.details().time_zone()));
  data.set("back_href", absl::StrCat("/manage/access?event=", r.event_id()));
  data.set("provisions_href", ProvisionsHref(r.event_id()));
  Data needs(Data::type::list);
  for (const auto& n : r.needs()) {
    Data need(Data::type::object);
    need.set("label", NeedLabel(labels, n.need()));
    need.set("deadline",
             DateText(site.messages(), events::time::FormatRfc3339(n.deadline_unix_ms(), zone)));
    need.set("words", DeadlineWords(site.messages(), n.deadline_unix_ms(), now, zone));
    need.set("late", n.late());
    needs.push_back(need);
  }
  data.set("needs", needs);
  data.set("details_deleted", r.details_deleted());
  if (!r.details_deleted()) {
    const events::v1::RequestDetails& d = r.details();
    data.set("details", d.details());
    data.set("other_need", d.other_need());
    data.set("contact", ContactText(site, d));
    data.set("unfulfillable_reason", d.unfulfillable_reason());
    data.set("offered_instead", d.offered_instead());
  }
  data.set("consent_when", ConsoleTimeText(site, r.consent_unix_ms(), console.zone));
  data.set("consent_wording", r.consent_wording());
  data.set("provision_count", absl::StrCat(r.provision_ids_size()));
  data.set("has_provisions", r.provision_ids_size() > 0);

  Data history(Data::type::list);
  for (const auto& t : r.history()) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, t.at_unix_ms(), console.zone));
    row.set("from", t.from() == events::v1::REQUEST_STATUS_UNSPECIFIED
                        ? site.Text("console_access_history_new")
                        : RequestStatusWords(site.messages(), t.from()));
    row.set("to", RequestStatusWords(site.messages(), t.to()));
    row.set("who", ActorWords(site.messages(), t.actor(), t.actor_name()));
    history.push_back(row);
  }
  data.set("history", history);

  Data moves(Data::type::list);
  for (RequestStatus to : CoordinatorMoves(r.status())) {
    const Move* m = MoveTo(to);
    if (m == nullptr) continue;
    Data move(Data::type::object);
    move.set("to", std::string(m->value));
    move.set("button", site.Text(m->button_key));
    move.set("action", absl::StrCat(AccessRequestHref(r.id()), "/transition"));
    if (to == events::v1::REQUEST_STATUS_UNFULFILLABLE) {
      move.set("cannot", true);
      const bool mine = state.form != nullptr && state.form->Get("to") == m->value;
      move.set("reason", TextField("reason", mine ? state.form->Get("reason") : "", state.errors));
      move.set("offered",
               TextField("offered", mine ? state.form->Get("offered") : "", state.errors));
    }
    moves.push_back(move);
  }
  data.set("moves", moves);
  data.set("has_moves", !moves.is_empty_list());
  data.set("version", absl::StrCat(r.version()));
  data.set("notice", state.notice);
  const std::string done = request.Query("done");
  if (const Move* m = MoveNamed(done); m != nullptr && state.form == nullptr) {
    data.set("done", site.Text(m->done_key));
  }
  SetErrors(data, state.errors);
  const std::string who = r.attendee_name().empty() ? r.id() : r.attendee_name();
  return ConsolePage(console, request, person, "console_access_request", data,
                     {site.messages().Format("console_access_request_title", {{"name", who}}),
                      !state.errors.empty()},
                     "access");
}

Response Show(Console& console, const Request& request) {
  Person person;
  if (auto page = AtDesk(console, request, &person)) return *page;
  AccessibilityRequest r;
  if (auto page = ReadRequest(console, request, person, &r)) return *page;
  return RequestPage(console, request, person, r, {});
}

Response Transition(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = PostedAtDesk(console, request, &form, &person)) return *page;
  Site& site = console.site;
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(site, 404, request);
  const Move* move = MoveNamed(form.Get("to"));
  int64_t version = 0;
  if (move == nullptr || !absl::SimpleAtoi(form.Get("version"), &version) || version < 1) {
    return ErrorPage(site, 400, request);  // not a form of the request's page
  }
  PageState state;
  state.form = &form;
  const std::string reason(absl::StripAsciiWhitespace(form.Get("reason")));
  const std::string offered(absl::StripAsciiWhitespace(form.Get("offered")));
  if (move->to == events::v1::REQUEST_STATUS_UNFULFILLABLE) {
    if (reason.empty()) {
      state.errors.push_back({"reason", site.Text("console_access_err_reason_required")});
    } else if (!CheckText(reason, "reason", 1, kMaxReasonChars, /*multiline=*/true).ok()) {
      state.errors.push_back({"reason", site.Text("console_access_err_reason_rule")});
    }
    if (!offered.empty() &&
        !CheckText(offered, "offered", 1, kMaxReasonChars, /*multiline=*/true).ok()) {
      state.errors.push_back({"offered", site.Text("console_access_err_offered_rule")});
    }
  }
  if (state.errors.empty()) {
    events::v1::TransitionRequestRequest req;
    req.set_request_id(id);
    req.set_to(move->to);
    req.set_expected_version(version);
    if (move->to == events::v1::REQUEST_STATUS_UNFULFILLABLE) {
      req.set_reason(reason);
      req.set_offered_instead(offered);
    }
    AccessibilityRequest moved;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        site.backends.accessibility().TransitionRequest(context.get(), req, &moved);
    if (status.ok()) {
      return Response::Redirect(
          absl::StrCat(AccessRequestHref(id), "?done=", std::string(move->value)));
    }
    switch (status.error_code()) {
      case grpc::StatusCode::NOT_FOUND:
        return ErrorPage(site, 404, request);
      case grpc::StatusCode::ABORTED:
        state.notice = site.Text("console_access_notice_changed");
        break;
      case grpc::StatusCode::FAILED_PRECONDITION:
        state.notice = site.messages().Format("console_access_notice_refused",
                                              {{"to", site.Text(move->button_key)}});
        break;
      case grpc::StatusCode::INVALID_ARGUMENT:
        state.errors.push_back({"reason", site.Text("console_access_err_reason_rule")});
        break;
      default:
        return ConsoleRpcError(console, request, status, "TransitionRequest");
    }
  }
  // Back to the page as the request is now (read again, and so audited again).
  AccessibilityRequest r;
  if (auto page = ReadRequest(console, request, person, &r)) return *page;
  return RequestPage(console, request, person, r, state);
}

}  // namespace

void AddAccessRequestPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/access/requests/{id}",
               [&console](const Request& r) { return Show(console, r); });
  server.Route("POST", "/manage/access/requests/{id}/transition",
               [&console](const Request& r) { return Transition(console, r); });
}

}  // namespace events::web::console
