#include "services/web/pages/manage_pages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/http/form.h"
#include "services/web/pages/event_view.h"
#include "services/web/pages/format.h"
#include "services/web/pages/registration_form.h"

namespace events::web {
namespace {

// The registration behind a personal link, its event and its access request (if any).
struct Mine {
  std::string token;
  std::string base;  // "/manage/<token>"
  events::v1::Registration registration;
  events::v1::Event event;
  bool has_request = false;
  events::v1::AccessibilityRequest request;
};

std::optional<Response> LinkNotFound(Site& site) {
  Data data(Data::type::object);
  Response r = HtmlPage(site, "manage_unknown", data, {site.Text("manage_unknown_title"), false});
  r.status = 404;
  return r;
}

std::optional<Response> Load(Site& site, const Request& request, Mine* m) {
  m->token = request.params.at(0);
  if (!IsPathId(m->token)) return LinkNotFound(site);
  m->base = absl::StrCat("/manage/", m->token);
  events::v1::GetMyRegistrationRequest rreq;
  rreq.set_registration_token(m->token);
  auto context = site.backends.Context(request);
  grpc::Status status =
      site.backends.registration().GetMyRegistration(context.get(), rreq, &m->registration);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return LinkNotFound(site);
  }
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetMyRegistration");
  status = site.data.Event(request, m->registration.event_id(), &m->event);
  if (!status.ok()) return RpcErrorPage(site, status, request, "GetEvent");
  events::v1::GetMyRequestRequest areq;
  areq.set_registration_token(m->token);
  auto acontext = site.backends.Context(request);
  status = site.backends.accessibility().GetMyRequest(acontext.get(), areq, &m->request);
  if (status.ok()) {
    m->has_request = true;
  } else if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
    return RpcErrorPage(site, status, request, "GetMyRequest");
  }
  return std::nullopt;
}

std::string RequestStatusText(const Site& site, events::v1::RequestStatus s) {
  switch (s) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return site.Text("request_submitted");
    case events::v1::REQUEST_STATUS_ACKNOWLEDGED:
      return site.Text("request_acknowledged");
    case events::v1::REQUEST_STATUS_IN_PROGRESS:
      return site.Text("request_in_progress");
    case events::v1::REQUEST_STATUS_FULFILLED:
      return site.Text("request_fulfilled");
    case events::v1::REQUEST_STATUS_UNFULFILLABLE:
      return site.Text("request_unfulfillable");
    case events::v1::REQUEST_STATUS_WITHDRAWN:
      return site.Text("request_withdrawn");
    case events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION:
      return site.Text("request_reconfirming");
    default:
      return "";
  }
}

bool Active(const events::v1::Registration& r) {
  return r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED ||
         r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED ||
         r.status() == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
}

std::optional<events::v1::Catalogue> Needs(Site& site, const Request& request, const Mine& m,
                                           Response* error) {
  events::v1::GetCatalogueRequest req;
  req.set_event_id(m.registration.event_id());
  events::v1::Catalogue needs;
  auto context = site.backends.Context(request);
  const grpc::Status status =
      site.backends.accessibility().GetCatalogue(context.get(), req, &needs);
  if (!status.ok()) {
    *error = RpcErrorPage(site, status, request, "GetCatalogue");
    return std::nullopt;
  }
  return needs;
}

std::string NeedList(const events::v1::AccessibilityRequest& r,
                     const events::v1::Catalogue& needs) {
  std::string out;
  for (const auto& n : r.needs()) {
    std::string label = n.need();
    for (const auto& c : needs.needs()) {
      if (c.need() == n.need()) label = c.label();
    }
    absl::StrAppend(&out, out.empty() ? "" : ", ", label);
  }
  return out;
}

Data Common(Site& site, const Mine& m, const std::vector<FieldError>& errors) {
  Data data(Data::type::object);
  data.set("base", m.base);
  data.set("event_title", m.event.details().title());
  data.set("event_path", EventPath(m.event.id()));
  data.set("when", WhenText(site.messages(), m.event.start_rfc3339(), m.event.end_rfc3339()));
  data.set("zone", ZoneText(site.messages(), m.event.details().time_zone()));
  SetErrors(data, errors);
  return data;
}

Response Overview(Site& site, const Request& request, const Mine& m,
                  const std::vector<FieldError>& errors, const std::string& name_value) {
  Data data = Common(site, m, errors);
  const auto& r = m.registration;
  data.set("status_text", RegistrationStatusText(site, r));
  data.set("active", Active(r));
  if (!r.join_link().empty()) data.set("join_link", r.join_link());
  data.set("name", r.name());
  data.set("email", r.email());
  data.set("marketing", r.marketing_opt_in());
  Data name_field(Data::type::object);
  name_field.set("id", "name");
  name_field.set("value", name_value.empty() ? r.name() : name_value);
  for (const auto& e : errors) {
    if (e.field == "name") {
      name_field.set("error", e.message);
      name_field.set("error_id", "name-error");
    }
  }
  data.set("name_field", name_field);
  const std::string done = request.Query("done");
  if (done == "updated" || done == "cancelled" || done == "access_sent" ||
      done == "access_updated" || done == "access_withdrawn" || done == "access_erased") {
    data.set("notice", site.Text(absl::StrCat("notice_", done)));
  }
  if (m.has_request && !m.request.details_deleted() &&
      m.request.status() != events::v1::REQUEST_STATUS_WITHDRAWN) {
    Response error;
    auto needs = Needs(site, request, m, &error);
    if (!needs) return error;
    Data req(Data::type::object);
    req.set("status_text", RequestStatusText(site, m.request.status()));
    req.set("needs", NeedList(m.request, *needs));
    req.set("details", m.request.details().details());
    if (!m.request.details().offered_instead().empty()) {
      req.set("offered_instead", m.request.details().offered_instead());
    }
    if (!m.request.details().unfulfillable_reason().empty()) {
      req.set("unfulfillable_reason", m.request.details().unfulfillable_reason());
    }
    data.set("access", req);
  } else if (m.has_request) {
    Data req(Data::type::object);
    req.set("status_text", RequestStatusText(site, m.request.status()));
    data.set("access_closed", req);
  }
  data.set("can_erase", m.has_request && !m.request.details_deleted());
  data.set("calendar_path", absl::StrCat(m.base, "/calendar.ics"));
  return FormPage(site, request, "manage", data,
                  {site.messages().Format("manage_title", {{"event", m.event.details().title()}}),
                   !errors.empty()});
}

Response Show(Site& site, const Request& request) {
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  return Overview(site, request, m, {}, "");
}

Response UpdateDetails(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  std::vector<FieldError> errors;
  const std::string name(absl::StripAsciiWhitespace(form.Get("name")));
  if (name.empty()) {
    errors.push_back({"name", site.Text("err_name_required")});
  } else if (!CheckText(name, "name", 1, 200).ok()) {
    errors.push_back({"name", site.Text("err_name_invalid")});
  }
  if (!errors.empty()) return Overview(site, request, m, errors, form.Get("name"));
  events::v1::UpdateMyRegistrationRequest req;
  req.set_registration_token(m.token);
  if (name != m.registration.name()) req.set_name(name);
  req.set_update_marketing_opt_in(true);
  req.set_marketing_opt_in(form.Get("marketing") == "yes");
  events::v1::Registration updated;
  auto context = site.backends.Context(request);
  const grpc::Status status =
      site.backends.registration().UpdateMyRegistration(context.get(), req, &updated);
  if (!status.ok()) return RpcErrorPage(site, status, request, "UpdateMyRegistration");
  return Response::Redirect(absl::StrCat(m.base, "?done=updated"));
}

Response CancelQuestion(Site& site, const Request& request) {
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  if (!Active(m.registration)) return Response::Redirect(m.base);
  return FormPage(site, request, "manage_cancel", Common(site, m, {}),
                  {site.Text("cancel_title"), false});
}

Response Cancel(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  events::v1::CancelMyRegistrationRequest req;
  req.set_registration_token(m.token);
  events::v1::Registration cancelled;
  auto context = site.backends.Context(request);
  const grpc::Status status =
      site.backends.registration().CancelMyRegistration(context.get(), req, &cancelled);
  // Cancelled already (a second click): the page shows it.
  if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return RpcErrorPage(site, status, request, "CancelMyRegistration");
  }
  return Response::Redirect(absl::StrCat(m.base, "?done=cancelled"));
}

Response AccessFormPage(Site& site, const Request& request, const Mine& m,
                        const RegistrationAnswers& answers, const events::v1::Catalogue& needs,
                        const std::vector<FieldError>& errors) {
  Data data = AccessFormData(Common(site, m, errors), site.messages(), answers, needs, errors);
  data.set("existing", m.has_request && !m.request.details_deleted() &&
                           m.request.status() != events::v1::REQUEST_STATUS_WITHDRAWN);
  return FormPage(site, request, "manage_access", data,
                  {site.messages().Format("access_title", {{"event", m.event.details().title()}}),
                   !errors.empty()});
}

RegistrationAnswers FromRequest(const events::v1::AccessibilityRequest& r) {
  RegistrationAnswers a;
  for (const auto& n : r.needs()) a.needs.push_back(n.need());
  a.other_need = r.details().other_need();
  a.details = r.details().details();
  switch (r.details().contact_method()) {
    case events::v1::CONTACT_METHOD_EMAIL:
      a.contact_method = "email";
      break;
    case events::v1::CONTACT_METHOD_PHONE:
      a.contact_method = "phone";
      break;
    case events::v1::CONTACT_METHOD_TEXT_MESSAGE:
      a.contact_method = "text_message";
      break;
    case events::v1::CONTACT_METHOD_REGISTRATION_EMAIL:
      a.contact_method = "registration_email";
      break;
    default:
      break;
  }
  a.contact_value = r.details().contact_value();
  a.consent = true;
  return a;
}

bool HasLiveRequest(const Mine& m) {
  return m.has_request && !m.request.details_deleted() &&
         m.request.status() != events::v1::REQUEST_STATUS_WITHDRAWN;
}

Response AccessStart(Site& site, const Request& request) {
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  if (!Active(m.registration)) return Response::Redirect(m.base);
  Response error;
  auto needs = Needs(site, request, m, &error);
  if (!needs) return error;
  return AccessFormPage(site, request, m,
                        HasLiveRequest(m) ? FromRequest(m.request) : RegistrationAnswers{}, *needs,
                        {});
}

Response AccessSave(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  if (!Active(m.registration)) return Response::Redirect(m.base);
  Response error;
  auto needs = Needs(site, request, m, &error);
  if (!needs) return error;
  RegistrationAnswers answers = ReadAnswers(form, events::v1::RegistrationSettings{});
  const bool existing = HasLiveRequest(m);
  // Consent was given with the request; changing it does not ask again.
  if (existing) answers.consent = true;
  const std::vector<FieldError> errors = CheckAccess(site.messages(), answers, *needs);
  if (!errors.empty()) return AccessFormPage(site, request, m, answers, *needs, errors);
  events::v1::SubmitRequestRequest submit = ToAccessRequest(m.token, answers);
  events::v1::AccessibilityRequest saved;
  auto context = site.backends.Context(request);
  grpc::Status status;
  if (existing) {
    events::v1::UpdateMyRequestRequest update;
    update.set_registration_token(m.token);
    *update.mutable_needs() = submit.needs();
    *update.mutable_details() = submit.details();
    status = site.backends.accessibility().UpdateMyRequest(context.get(), update, &saved);
  } else {
    status = site.backends.accessibility().SubmitRequest(context.get(), submit, &saved);
  }
  if (!status.ok()) {
    return RpcErrorPage(site, status, request, existing ? "UpdateMyRequest" : "SubmitRequest");
  }
  return Response::Redirect(
      absl::StrCat(m.base, existing ? "?done=access_updated" : "?done=access_sent"));
}

// Withdraw or erase: a question page, then the POST.
Response AccessEndQuestion(Site& site, const Request& request, bool erase) {
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  if (!m.has_request || (!erase && !HasLiveRequest(m)) || m.request.details_deleted()) {
    return Response::Redirect(m.base);
  }
  Data data = Common(site, m, {});
  data.set("erase", erase);
  return FormPage(site, request, "manage_access_end", data,
                  {site.Text(erase ? "erase_title" : "withdraw_title"), false});
}

Response AccessEnd(Site& site, const Request& request, bool erase) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  if (!m.has_request) return Response::Redirect(m.base);
  events::v1::AccessibilityRequest result;
  auto context = site.backends.Context(request);
  grpc::Status status;
  if (erase) {
    events::v1::EraseMyRequestRequest req;
    req.set_registration_token(m.token);
    status = site.backends.accessibility().EraseMyRequest(context.get(), req, &result);
  } else {
    events::v1::WithdrawMyRequestRequest req;
    req.set_registration_token(m.token);
    status = site.backends.accessibility().WithdrawMyRequest(context.get(), req, &result);
  }
  if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return RpcErrorPage(site, status, request, erase ? "EraseMyRequest" : "WithdrawMyRequest");
  }
  return Response::Redirect(
      absl::StrCat(m.base, erase ? "?done=access_erased" : "?done=access_withdrawn"));
}

Response Calendar(Site& site, const Request& request) {
  Mine m;
  if (auto page = Load(site, request, &m)) return *page;
  return CalendarDownload(site, request, m.registration.event_id(), Caching::kNone);
}

}  // namespace

void AddManagePages(WebServer& server, Site& site) {
  server.Route("GET", "/manage/{token}", [&site](const Request& r) { return Show(site, r); });
  server.Route("POST", "/manage/{token}/details",
               [&site](const Request& r) { return UpdateDetails(site, r); });
  server.Route("GET", "/manage/{token}/cancel",
               [&site](const Request& r) { return CancelQuestion(site, r); });
  server.Route("POST", "/manage/{token}/cancel",
               [&site](const Request& r) { return Cancel(site, r); });
  server.Route("GET", "/manage/{token}/access",
               [&site](const Request& r) { return AccessStart(site, r); });
  server.Route("POST", "/manage/{token}/access",
               [&site](const Request& r) { return AccessSave(site, r); });
  server.Route("GET", "/manage/{token}/access/withdraw",
               [&site](const Request& r) { return AccessEndQuestion(site, r, false); });
  server.Route("POST", "/manage/{token}/access/withdraw",
               [&site](const Request& r) { return AccessEnd(site, r, false); });
  server.Route("GET", "/manage/{token}/access/erase",
               [&site](const Request& r) { return AccessEndQuestion(site, r, true); });
  server.Route("POST", "/manage/{token}/access/erase",
               [&site](const Request& r) { return AccessEnd(site, r, true); });
  server.Route("GET", "/manage/{token}/calendar.ics",
               [&site](const Request& r) { return Calendar(site, r); });
}

}  // namespace events::web
