// The actions on one webhook: change (on or off, event types), send a test, rotate the
// signing secret (shown once), replay dead letters and delete ("Are you sure?" first for the
// last three).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "events/v1/integrations.grpc.pb.h"
#include "services/web/console/integrations_common.h"
#include "services/web/console/integrations_pages.h"
#include "services/web/console/integrations_webhooks.h"
#include "services/web/console/time_text.h"

namespace events::web::console {
namespace {

// A dead letter's id is "<partition>/<event id>/<webhook id>": ids, digits and the
// separators, well under 300 characters (the service's limit).
bool IsDeliveryId(absl::string_view id) {
  if (id.empty() || id.size() > 300) return false;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '/' && c != ':' && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

Response Done(const events::v1::Webhook& w, absl::string_view what) {
  return Response::Redirect(absl::StrCat(WebhookHref(w), "?done=", what));
}

// The prelude of every POST here: the form, the person, the webhook of the path.
std::optional<Response> Posted(Console& console, const Request& request, Form* form, Person* person,
                               events::v1::Webhook* w) {
  if (auto page = ReadPostedAsPerson(console, request, form, person)) return page;
  return LoadWebhook(console, request, *person, w);
}

// The service's answer to a change on a webhook that went meanwhile (deleted by a
// colleague): the page is gone.
std::optional<Response> Refused(Console& console, const Request& request,
                                const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return std::nullopt;
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return ErrorPage(console.site, 404, request);
  }
  return ConsoleRpcError(console, request, status, what);
}

Response Change(Console& console, const Request& request) {
  Form form;
  Person person;
  events::v1::Webhook w;
  if (auto page = Posted(console, request, &form, &person, &w)) return *page;
  const Site& site = console.site;
  std::vector<FieldError> errors;
  const std::string enabled = form.Get("enabled");
  if (enabled != "yes" && enabled != "no") {
    errors.push_back({"enabled-yes", site.Text("console_int_err_enabled_required")});
  }
  const std::vector<std::string> kept(w.event_types().begin(), w.event_types().end());
  const std::vector<std::string> types = ReadEvents(site, form, &errors, kept);
  if (!errors.empty()) return WebhookPage(console, request, person, w, &form, errors);
  events::v1::UpdateWebhookRequest req;
  req.set_webhook_id(w.id());
  req.set_update_enabled(true);
  req.set_enabled(enabled == "yes");
  for (const std::string& t : types) req.add_event_types(t);
  events::v1::Webhook changed;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.integrations().UpdateWebhook(context.get(), req, &changed);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return WebhookPage(
        console, request, person, w, &form,
        {{FirstBoxId("events"), site.messages().Format("console_int_err_refused",
                                                       {{"reason", status.error_message()}})}});
  }
  if (auto page = Refused(console, request, status, "UpdateWebhook")) return *page;
  return Done(w, "changed");
}

Response Test(Console& console, const Request& request) {
  Form form;
  Person person;
  events::v1::Webhook w;
  if (auto page = Posted(console, request, &form, &person, &w)) return *page;
  events::v1::TestWebhookRequest req;
  req.set_webhook_id(w.id());
  events::v1::TestWebhookResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().TestWebhook(context.get(), req, &resp);
  if (auto page = Refused(console, request, status, "TestWebhook")) return *page;
  return Done(w, "tested");
}

// GET: "Are you sure?" for rotating the secret, deleting, or replaying.
Response Confirm(Console& console, const Request& request, absl::string_view page,
                 absl::string_view title_key) {
  Person person;
  if (auto refused = SignedInAs(console, request, &person)) return *refused;
  events::v1::Webhook w;
  if (auto error = LoadWebhook(console, request, person, &w)) return *error;
  Data data(Data::type::object);
  data.set("href", WebhookHref(w));
  data.set("url", w.url());
  return ConsolePage(console, request, person, page, data, {console.site.Text(title_key), false},
                     "integrations");
}

Response Rotate(Console& console, const Request& request) {
  Form form;
  Person person;
  events::v1::Webhook w;
  if (auto page = Posted(console, request, &form, &person, &w)) return *page;
  events::v1::RotateWebhookSecretRequest req;
  req.set_webhook_id(w.id());
  events::v1::WebhookWithSecret rotated;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().RotateWebhookSecret(context.get(), req, &rotated);
  if (auto page = Refused(console, request, status, "RotateWebhookSecret")) return *page;
  // Shown once: this page is the POST's answer (no-store), never an address or a log.
  Data data(Data::type::object);
  data.set("href", WebhookHref(w));
  data.set("url", w.url());
  data.set("secret", rotated.secret());
  data.set("rotated", true);
  return ConsolePage(console, request, person, "console_int_webhook_secret", data,
                     {console.site.Text("console_int_webhook_rotated_title"), false},
                     "integrations");
}

Response Delete(Console& console, const Request& request) {
  Form form;
  Person person;
  events::v1::Webhook w;
  if (auto page = Posted(console, request, &form, &person, &w)) return *page;
  events::v1::DeleteWebhookRequest req;
  req.set_webhook_id(w.id());
  events::v1::DeleteWebhookResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().DeleteWebhook(context.get(), req, &resp);
  if (auto page = Refused(console, request, status, "DeleteWebhook")) return *page;
  return Response::Redirect("/manage/integrations/webhooks?deleted=yes");
}

// GET: one dead letter (?delivery=) or all of the webhook's (?all=yes), "Are you sure?".
Response ConfirmReplay(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Webhook w;
  if (auto error = LoadWebhook(console, request, person, &w)) return *error;
  std::vector<events::v1::DeadLetter> dead;
  bool more = false;
  if (auto page = WebhookDeadLetters(console, request, person, w, &dead, &more)) return *page;
  const bool all = request.Query("all") == "yes";
  const std::string delivery = request.Query("delivery");
  Data data(Data::type::object);
  data.set("href", WebhookHref(w));
  data.set("url", w.url());
  data.set("action", absl::StrCat(WebhookHref(w), "/replay"));
  if (all) {
    if (dead.empty()) return Done(w, "not_replayed");
    data.set("all", true);
    data.set("count", absl::StrCat(dead.size()));
  } else {
    const events::v1::DeadLetter* found = nullptr;
    for (const auto& d : dead) {
      if (d.delivery_id() == delivery) found = &d;
    }
    // Replayed meanwhile, or not this webhook's: nothing to ask about.
    if (found == nullptr) return Done(w, "not_replayed");
    data.set("delivery_id", found->delivery_id());
    data.set("event", found->event_type());
    data.set("when", ConsoleTimeText(console.site, found->dead_unix_ms(), console.zone));
  }
  return ConsolePage(console, request, person, "console_int_webhook_replay", data,
                     {console.site.Text("console_int_replay_title"), false}, "integrations");
}

Response Replay(Console& console, const Request& request) {
  Form form;
  Person person;
  events::v1::Webhook w;
  if (auto page = Posted(console, request, &form, &person, &w)) return *page;
  std::vector<std::string> ids;
  if (form.Get("all") == "yes") {
    std::vector<events::v1::DeadLetter> dead;
    bool more = false;
    if (auto page = WebhookDeadLetters(console, request, person, w, &dead, &more)) return *page;
    for (const auto& d : dead) ids.push_back(d.delivery_id());
  } else {
    const std::string id = form.Get("delivery");
    if (!IsDeliveryId(id)) return ErrorPage(console.site, 404, request);
    ids.push_back(id);
  }
  int replayed = 0;
  for (const std::string& id : ids) {
    events::v1::ReplayDeadLettersRequest req;
    req.set_delivery_id(id);
    events::v1::ReplayDeadLettersResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        console.site.backends.integrations().ReplayDeadLetters(context.get(), req, &resp);
    // Replayed by someone else meanwhile (or another organisation's id): nothing to do.
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ReplayDeadLetters");
    replayed += resp.replayed();
  }
  return Done(w, replayed > 0 ? "replayed" : "not_replayed");
}

}  // namespace

void AddWebhookActions(WebServer& server, Console& console) {
  const std::string base = "/manage/integrations/webhooks/{id}";
  server.Route("POST", base + "/change",
               [&console](const Request& r) { return Change(console, r); });
  server.Route("POST", base + "/test", [&console](const Request& r) { return Test(console, r); });
  server.Route("GET", base + "/rotate-secret", [&console](const Request& r) {
    return Confirm(console, r, "console_int_webhook_rotate", "console_int_rotate_title");
  });
  server.Route("POST", base + "/rotate-secret",
               [&console](const Request& r) { return Rotate(console, r); });
  server.Route("GET", base + "/delete", [&console](const Request& r) {
    return Confirm(console, r, "console_int_webhook_delete", "console_int_delete_title");
  });
  server.Route("POST", base + "/delete",
               [&console](const Request& r) { return Delete(console, r); });
  server.Route("GET", base + "/replay",
               [&console](const Request& r) { return ConfirmReplay(console, r); });
  server.Route("POST", base + "/replay",
               [&console](const Request& r) { return Replay(console, r); });
}

}  // namespace events::web::console
