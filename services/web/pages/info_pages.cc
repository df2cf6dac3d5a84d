#include "services/web/pages/info_pages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/http/form.h"
#include "services/web/pages/event_view.h"
#include "services/web/pages/registration_form.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

Response Static(Site& site, absl::string_view page, absl::string_view title_key) {
  return HtmlPage(site, page, Data(Data::type::object), {site.Text(title_key), false},
                  Caching::kRevalidate);
}

Response Asset(const Request& request, absl::string_view name, absl::string_view type) {
  (void)request;
  Response r;
  const auto text = EmbeddedText(absl::StrCat("assets/", name));
  if (!text) {
    r.status = 404;
    return r;
  }
  r.body = std::string(*text);
  r.content_type = std::string(type);
  r.caching = Caching::kAsset;
  return r;
}

// "Lost your link?": the answer is the same whether or not the address is registered, so
// the page tells nobody who is on an event's list.
Data LostLinkData(Site& site, const events::v1::Event& event, const std::string& email,
                  const std::vector<FieldError>& errors) {
  Data data(Data::type::object);
  data.set("event_title", event.details().title());
  data.set("event_path", EventPath(event.id()));
  data.set("action", absl::StrCat(EventPath(event.id()), "/lost-link"));
  Data field(Data::type::object);
  field.set("id", "email");
  field.set("value", email);
  for (const auto& e : errors) {
    field.set("error", e.message);
    field.set("error_id", "email-error");
  }
  data.set("email", field);
  SetErrors(data, errors);
  (void)site;
  return data;
}

std::optional<Response> LoadEvent(Site& site, const Request& request, events::v1::Event* event) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(site, 404, request);
  const grpc::Status status = site.data.Event(request, id, event);
  if (!status.ok()) return PathLookupErrorPage(site, status, request, "GetEvent");
  return std::nullopt;
}

Response LostLink(Site& site, const Request& request) {
  events::v1::Event event;
  if (auto page = LoadEvent(site, request, &event)) return *page;
  return FormPage(site, request, "lost_link", LostLinkData(site, event, "", {}),
                  {site.Text("lost_link_title"), false});
}

Response LostLinkSend(Site& site, const Request& request) {
  Form form;
  if (auto page = ReadPostedForm(site, request, &form)) return *page;
  events::v1::Event event;
  if (auto page = LoadEvent(site, request, &event)) return *page;
  const std::string email(absl::StripAsciiWhitespace(form.Get("email")));
  std::vector<FieldError> errors;
  if (email.empty()) {
    errors.push_back({"email", site.Text("err_email_required")});
  } else if (!CheckEmail(NormaliseEmailAddress(email), "email").ok()) {
    errors.push_back({"email", site.Text("err_email_format")});
  }
  if (!errors.empty()) {
    return FormPage(site, request, "lost_link", LostLinkData(site, event, email, errors),
                    {site.Text("lost_link_title"), true});
  }
  events::v1::ResendLinkRequest req;
  req.set_event_id(event.id());
  req.set_email(email);
  events::v1::ResendLinkResponse resp;
  auto context = site.backends.Context(request);
  const grpc::Status status = site.backends.registration().ResendLink(context.get(), req, &resp);
  if (!status.ok()) return RpcErrorPage(site, status, request, "ResendLink");
  Data data = LostLinkData(site, event, "", {});
  data.set("email_given", email);
  return HtmlPage(site, "lost_link_sent", data, {site.Text("lost_link_sent_title"), false});
}

}  // namespace

void AddInfoPages(WebServer& server, Site& site, const std::atomic<bool>& draining) {
  server.Route("GET", "/accessibility", [&site](const Request&) {
    return Static(site, "accessibility", "accessibility_title");
  });
  server.Route("GET", "/privacy",
               [&site](const Request&) { return Static(site, "privacy", "privacy_title"); });
  server.Route("GET", "/events/{id}/lost-link",
               [&site](const Request& r) { return LostLink(site, r); });
  server.Route("POST", "/events/{id}/lost-link",
               [&site](const Request& r) { return LostLinkSend(site, r); });
  server.Route("GET", "/assets/site.css",
               [](const Request& r) { return Asset(r, "site.css", "text/css; charset=utf-8"); });
  server.Route("GET", "/favicon.ico",
               [](const Request& r) { return Asset(r, "favicon.svg", "image/svg+xml"); });
  server.Route("GET", "/healthz", [](const Request&) {
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok\n";
    return r;
  });
  server.Route("GET", "/readyz", [&site, &draining](const Request&) {
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    if (draining.load()) {
      r.status = 503;
      r.body = "shutting down\n";
    } else if (!site.backends.Ready()) {
      r.status = 503;
      r.body = "scheduling or registration is not serving\n";
    } else {
      r.body = "ready\n";
    }
    return r;
  });
}

}  // namespace events::web
