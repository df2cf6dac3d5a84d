#include "services/web/console/registration_actions.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/console/fields.h"
#include "services/web/console/registrations_common.h"
#include "services/web/http/form.h"

namespace events::web::console {
namespace {

using events::v1::Registration;

constexpr size_t kMaxReasonChars = 500;

std::string Encode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      constexpr absl::string_view kHex = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Where an action returns: the registration's own page when it was taken there
// (from=page), else the list with the filters it was taken on (re-encoded from the form's
// fields, so a forged field can only ever change the list's own filters).
std::string Back(const events::v1::Event& event, const Registration& r, const Form& form,
                 absl::string_view done) {
  if (form.Get("from") == "page") {
    return absl::StrCat(RegistrationsHref(event), "/", r.id(), "?done=", done);
  }
  std::string query =
      ListQuery(form.Get("status"), form.Get("pool"), form.Get("q"), form.Get("after"));
  absl::StrAppend(&query, query.empty() ? "" : "&", "done=", done);
  return absl::StrCat(RegistrationsHref(event), "?", query);
}

// Reads the posted form, the person, the event and the registration: nullopt when all are
// there, or the page to show instead.
struct Posted {
  Form form;
  Person person;
  events::v1::Event event;
  Registration registration;
};
std::optional<Response> ReadPosted(Console& console, const Request& request, Posted* posted) {
  if (auto page = ReadPostedAsPerson(console, request, &posted->form, &posted->person)) {
    return page;
  }
  if (auto page = LoadEvent(console, request, posted->person, &posted->event)) return page;
  return LoadConsoleRegistration(console, request, posted->person, posted->event,
                                 &posted->registration);
}

Response Decide(Console& console, const Request& request, bool approve) {
  Posted p;
  if (auto page = ReadPosted(console, request, &p)) return *page;
  events::v1::DecideRegistrationRequest req;
  req.set_event_id(p.event.id());
  req.set_registration_id(p.registration.id());
  Registration decided;
  auto context = AsPerson(console, request, p.person);
  auto& registration = console.site.backends.registration();
  const grpc::Status status = approve
                                  ? registration.ApproveRegistration(context.get(), req, &decided)
                                  : registration.RejectRegistration(context.get(), req, &decided);
  // Decided already (by a colleague, or a second click): the list shows how it stands.
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Response::Redirect(Back(p.event, p.registration, p.form, "stale"));
  }
  if (!status.ok()) {
    return ConsoleRpcError(console, request, status,
                           approve ? "ApproveRegistration" : "RejectRegistration");
  }
  return Response::Redirect(
      Back(p.event, p.registration, p.form, approve ? "approved" : "rejected"));
}

Response Attendance(Console& console, const Request& request) {
  Posted p;
  if (auto page = ReadPosted(console, request, &p)) return *page;
  const bool attended = p.form.Get("attended") == "yes";
  events::v1::MarkAttendanceRequest req;
  req.set_event_id(p.event.id());
  req.add_registration_ids(p.registration.id());
  req.set_attended(attended);
  events::v1::MarkAttendanceResponse resp;
  auto context = AsPerson(console, request, p.person);
  const grpc::Status status =
      console.site.backends.registration().MarkAttendance(context.get(), req, &resp);
  // Attendance opens 30 minutes before the event starts (the registration service's rule).
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Response::Redirect(Back(p.event, p.registration, p.form, "too_early"));
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "MarkAttendance");
  if (resp.marked() == 0) return Response::Redirect(Back(p.event, p.registration, p.form, "stale"));
  return Response::Redirect(
      Back(p.event, p.registration, p.form, attended ? "attended" : "unattended"));
}

Response CancelPage(Console& console, const Request& request, const Person& person,
                    const events::v1::Event& event, const Registration& r, const Form* form,
                    const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("event", EventHeading(site, event));
  data.set("name", r.name());
  data.set("email", r.email());
  data.set("status", StatusWord(site, r));
  data.set("action", absl::StrCat(RegistrationsHref(event), "/", r.id(), "/cancel"));
  data.set("reason", TextField("reason", form ? form->Get("reason") : "", errors));
  for (const char* name : {"status", "pool", "q", "after"}) {
    data.set(absl::StrCat("keep_", name), form ? form->Get(name) : request.Query(name));
  }
  // Asked from the registration's own page: back there, and the answer returns there too.
  const bool from_page = (form ? form->Get("from") : request.Query("from")) == "page";
  data.set("keep_from", from_page ? "page" : "");
  data.set("back_href",
           from_page ? absl::StrCat(RegistrationsHref(event), "/", r.id())
                     : absl::StrCat(RegistrationsHref(event), "?",
                                    form ? ListQuery(form->Get("status"), form->Get("pool"),
                                                     form->Get("q"), form->Get("after"))
                                         : ListQuery(request.Query("status"), request.Query("pool"),
                                                     request.Query("q"), request.Query("after"))));
  SetErrors(data, errors);
  return ConsolePage(
      console, request, person, "console_registrations_cancel", data,
      {site.messages().Format("console_reg_cancel_title", {{"name", r.name()}}), !errors.empty()},
      "overview");
}

Response ConfirmCancel(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  Registration r;
  if (auto page = LoadConsoleRegistration(console, request, person, event, &r)) return *page;
  return CancelPage(console, request, person, event, r, nullptr, {});
}

Response Cancel(Console& console, const Request& request) {
  Posted p;
  if (auto page = ReadPosted(console, request, &p)) return *page;
  const Site& site = console.site;
  const std::string reason(absl::StripAsciiWhitespace(p.form.Get("reason")));
  std::vector<FieldError> errors;
  if (reason.empty()) {
    errors.push_back({"reason", site.Text("err_console_reg_reason_required")});
  } else if (!CheckText(reason, "reason", 1, kMaxReasonChars, /*multiline=*/true).ok()) {
    errors.push_back({"reason", site.Text("err_console_reg_reason_rule")});
  }
  if (!errors.empty()) {
    return CancelPage(console, request, p.person, p.event, p.registration, &p.form, errors);
  }
  events::v1::CancelRegistrationRequest req;
  req.set_event_id(p.event.id());
  req.set_registration_id(p.registration.id());
  req.set_reason(reason);
  Registration cancelled;
  auto context = AsPerson(console, request, p.person);
  const grpc::Status status =
      site.backends.registration().CancelRegistration(context.get(), req, &cancelled);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return Response::Redirect(Back(p.event, p.registration, p.form, "stale"));
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "CancelRegistration");
  return Response::Redirect(Back(p.event, p.registration, p.form, "cancelled"));
}

}  // namespace

std::string ListQuery(const std::string& status, const std::string& pool, const std::string& q,
                      const std::string& after) {
  std::string out;
  auto add = [&out](absl::string_view name, absl::string_view value) {
    if (value.empty() || value.size() > 200) return;
    absl::StrAppend(&out, out.empty() ? "" : "&", name, "=", Encode(value));
  };
  add("status", status);
  add("pool", pool);
  add("q", q);
  add("after", after);
  return out;
}

void AddRegistrationActions(WebServer& server, Console& console) {
  const std::string base = "/manage/events/{id}/registrations/{rid}";
  server.Route("POST", base + "/approve",
               [&console](const Request& r) { return Decide(console, r, true); });
  server.Route("POST", base + "/reject",
               [&console](const Request& r) { return Decide(console, r, false); });
  server.Route("POST", base + "/attendance",
               [&console](const Request& r) { return Attendance(console, r); });
  server.Route("GET", base + "/cancel",
               [&console](const Request& r) { return ConfirmCancel(console, r); });
  server.Route("POST", base + "/cancel",
               [&console](const Request& r) { return Cancel(console, r); });
}

}  // namespace events::web::console
