// Webhooks: the list, a new webhook (its signing secret shown once, on the POST's answer
// page), and a webhook's page: its settings, the change form, its deliveries and its dead
// letters. The actions on one webhook are in integrations_webhook_actions.cc.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "events/v1/integrations.grpc.pb.h"
#include "services/web/console/fields.h"
#include "services/web/console/integrations_common.h"
#include "services/web/console/integrations_pages.h"
#include "services/web/console/integrations_webhooks.h"
#include "services/web/console/time_text.h"

namespace events::web::console {
namespace {

constexpr char kWebhooks[] = "/manage/integrations/webhooks";
constexpr size_t kMaxDescription = 500;  // the service's rule
constexpr int kDeliveriesShown = 50;

Data WebhookRow(Console& console, const events::v1::Webhook& w) {
  const Site& site = console.site;
  Data row(Data::type::object);
  row.set("id", w.id());
  row.set("href", WebhookHref(w));
  row.set("url", w.url());
  row.set("description", w.description());
  row.set("events", EventTypesText(site, w.event_types()));
  row.set("enabled", w.enabled());
  row.set("status", site.Text(w.enabled() ? "console_int_webhook_on" : "console_int_webhook_off"));
  row.set("disabled_reason", w.disabled_reason());
  row.set("created", ConsoleTimeText(site, w.created_unix_ms(), console.zone));
  return row;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::ListWebhooksResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.integrations().ListWebhooks(context.get(), {}, &resp);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListWebhooks");
  Data rows(Data::type::list);
  for (const events::v1::Webhook& w : resp.webhooks()) rows.push_back(WebhookRow(console, w));
  Data data(Data::type::object);
  data.set("webhooks", rows);
  data.set("has_webhooks", resp.webhooks_size() > 0);
  data.set("organiser", person.IsOrganiser());
  if (request.Query("deleted") == "yes") data.set("was_deleted", true);
  return ConsolePage(console, request, person, "console_int_webhooks", data,
                     {console.site.Text("console_int_webhooks_title"), false}, "integrations");
}

Response NewWebhookForm(Console& console, const Request& request, const Person& person,
                        const Form* form, const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("url", TextField("url", form ? form->Get("url") : "", errors));
  data.set("description", TextField("description", form ? form->Get("description") : "", errors));
  data.set("events",
           EventsField(site, {}, form ? form->All("events") : std::vector<std::string>{}, errors));
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_int_webhook_new", data,
                     {site.Text("console_int_webhook_new_title"), !errors.empty()}, "integrations");
}

Response NewWebhook(Console& console, const Request& request) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return *r;
  return NewWebhookForm(console, request, std::get<Person>(signed_in), nullptr, {});
}

Response CreateWebhook(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  const Site& site = console.site;
  std::vector<FieldError> errors;
  const std::string url(absl::StripAsciiWhitespace(form.Get("url")));
  const std::string description(absl::StripAsciiWhitespace(form.Get("description")));
  if (const std::string problem = WebhookAddressProblem(url); !problem.empty()) {
    errors.push_back({"url", site.Text(problem)});
  }
  if (!CheckText(description, "description", 0, kMaxDescription).ok()) {
    errors.push_back({"description", site.Text("console_int_err_description_rule")});
  }
  const std::vector<std::string> types = ReadEvents(site, form, &errors);
  if (!errors.empty()) return NewWebhookForm(console, request, person, &form, errors);
  events::v1::CreateWebhookRequest req;
  req.set_url(url);
  req.set_description(description);
  for (const std::string& t : types) req.add_event_types(t);
  events::v1::WebhookWithSecret made;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.integrations().CreateWebhook(context.get(), req, &made);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    const std::string& why = status.error_message();
    std::string field = "url";
    if (absl::StartsWith(why, "event_types")) field = FirstBoxId("events");
    if (absl::StartsWith(why, "description")) field = "description";
    return NewWebhookForm(
        console, request, person, &form,
        {{field, site.messages().Format("console_int_err_refused", {{"reason", why}})}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "CreateWebhook");
  Data data = WebhookRow(console, made.webhook());
  data.set("secret", made.secret());
  data.set("made", true);
  return ConsolePage(console, request, person, "console_int_webhook_secret", data,
                     {site.Text("console_int_webhook_made_title"), false}, "integrations");
}

std::string StateText(const Site& site, events::v1::DeliveryState state) {
  switch (state) {
    case events::v1::DELIVERY_STATE_PENDING:
      return site.Text("console_int_state_pending");
    case events::v1::DELIVERY_STATE_DELIVERED:
      return site.Text("console_int_state_delivered");
    case events::v1::DELIVERY_STATE_GONE:
      return site.Text("console_int_state_gone");
    case events::v1::DELIVERY_STATE_DEAD:
      return site.Text("console_int_state_dead");
    case events::v1::DELIVERY_STATE_DROPPED:
      return site.Text("console_int_state_dropped");
    default:
      return "";
  }
}

std::string AnswerText(const Site& site, int http_status, const std::string& error) {
  if (http_status > 0) return absl::StrCat(http_status);
  return error.empty()
             ? site.Text("console_int_no_answer")
             : site.messages().Format("console_int_no_answer_because", {{"error", error}});
}

Data Deliveries(Console& console, const Request& request, const Person& person,
                const events::v1::Webhook& w, grpc::Status* status) {
  const Site& site = console.site;
  events::v1::ListDeliveriesRequest req;
  req.set_webhook_id(w.id());
  req.set_limit(kDeliveriesShown);
  events::v1::ListDeliveriesResponse resp;
  auto context = AsPerson(console, request, person);
  *status = site.backends.integrations().ListDeliveries(context.get(), req, &resp);
  Data rows(Data::type::list);
  for (const events::v1::DeliveryAttempt& a : resp.attempts()) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, a.time_unix_ms(), console.zone));
    row.set("event", a.event_type());
    row.set("outcome", StateText(site, a.state()));
    row.set("attempt", absl::StrCat(a.attempt()));
    row.set("answer", AnswerText(site, a.http_status(), a.error()));
    row.set("message_id", a.message_id());
    rows.push_back(row);
  }
  return rows;
}

Data DeadLetterRows(Console& console, const std::vector<events::v1::DeadLetter>& dead,
                    const events::v1::Webhook& w) {
  const Site& site = console.site;
  Data rows(Data::type::list);
  for (const events::v1::DeadLetter& d : dead) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, d.dead_unix_ms(), console.zone));
    row.set("event", d.event_type());
    row.set("attempts", absl::StrCat(d.attempts()));
    row.set("answer", AnswerText(site, d.last_http_status(), d.last_error()));
    row.set("delivery_id", d.delivery_id());
    row.set("replay_href", ReplayHref(w, d.delivery_id()));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

Data EventsField(const Site& site, const std::vector<std::string>& extra,
                 const std::vector<std::string>& checked, const std::vector<FieldError>& errors) {
  std::vector<Checkbox> boxes;
  for (const std::string& c : WebhookEventChoices()) {
    const std::string key = EventChoiceLabelKey(c);
    boxes.push_back({c, site.Text(key), site.Text(absl::StrCat(key, "_hint"))});
  }
  for (const std::string& t : extra) {
    if (EventChoiceLabelKey(t).empty()) {
      boxes.push_back({t, t, site.Text("console_int_events_other_hint")});
    }
  }
  Data field = CheckboxesField("events", boxes, checked, errors);
  field.set("legend", site.Text("console_int_events_legend"));
  field.set("legend_hint", site.Text("console_int_events_hint"));
  return field;
}

std::vector<std::string> ReadEvents(const Site& site, const Form& form,
                                    std::vector<FieldError>* errors,
                                    const std::vector<std::string>& kept) {
  std::vector<std::string> types;
  for (const std::string& t : form.All("events")) {
    const bool offered =
        !EventChoiceLabelKey(t).empty() || std::find(kept.begin(), kept.end(), t) != kept.end();
    if (offered && std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  if (types.empty()) {
    errors->push_back({FirstBoxId("events"), site.Text("console_int_err_events_required")});
  }
  return types;
}

std::string ReplayHref(const events::v1::Webhook& w, absl::string_view delivery_id) {
  return absl::StrCat(WebhookHref(w), "/replay?delivery=", UrlEncode(delivery_id));
}

std::optional<Response> WebhookDeadLetters(Console& console, const Request& request,
                                           const Person& person, const events::v1::Webhook& w,
                                           std::vector<events::v1::DeadLetter>* out, bool* more) {
  events::v1::ListDeadLettersRequest req;
  req.set_page_size(100);
  *more = false;
  // The service lists the organisation's dead letters (all its webhooks, oldest first): this
  // keeps the webhook's, reading at most kDeadLetterPages pages.
  for (int page = 0; page < kDeadLetterPages; ++page) {
    events::v1::ListDeadLettersResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        console.site.backends.integrations().ListDeadLetters(context.get(), req, &resp);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListDeadLetters");
    for (const events::v1::DeadLetter& d : resp.dead_letters()) {
      if (d.webhook_id() == w.id()) out->push_back(d);
    }
    if (resp.next_page_token().empty()) return std::nullopt;
    req.set_page_token(resp.next_page_token());
  }
  *more = true;
  return std::nullopt;
}

Response WebhookPage(Console& console, const Request& request, const Person& person,
                     const events::v1::Webhook& w, const Form* form,
                     const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data = WebhookRow(console, w);
  const std::vector<std::string> current(w.event_types().begin(), w.event_types().end());
  data.set("events_field",
           EventsField(site, current, form ? form->All("events") : current, errors));
  const bool enabled = form ? form->Get("enabled") == "yes" : w.enabled();
  data.set("enabled_yes", enabled);
  data.set("organiser", person.IsOrganiser());
  grpc::Status status;
  Data deliveries = Deliveries(console, request, person, w, &status);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListDeliveries");
  data.set("deliveries", deliveries);
  data.set("has_deliveries", !deliveries.is_empty_list());
  std::vector<events::v1::DeadLetter> dead;
  bool more = false;
  if (auto page = WebhookDeadLetters(console, request, person, w, &dead, &more)) return *page;
  data.set("dead_letters", DeadLetterRows(console, dead, w));
  data.set("has_dead_letters", !dead.empty());
  data.set("dead_count", absl::StrCat(dead.size()));
  data.set("more_dead", more);
  data.set("replay_all_href", absl::StrCat(WebhookHref(w), "/replay?all=yes"));
  const std::string flash = request.Query("done");
  for (absl::string_view known : {"changed", "tested", "replayed", "not_replayed"}) {
    if (flash == known) data.set("flash", site.Text(absl::StrCat("console_int_flash_", flash)));
  }
  SetErrors(data, errors);
  return ConsolePage(
      console, request, person, "console_int_webhook", data,
      {site.messages().Format("console_int_webhook_title", {{"url", w.url()}}), !errors.empty()},
      "integrations");
}

namespace {

Response ShowWebhook(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Webhook w;
  if (auto page = LoadWebhook(console, request, person, &w)) return *page;
  return WebhookPage(console, request, person, w, nullptr, {});
}

}  // namespace

void AddWebhooksPages(WebServer& server, Console& console) {
  server.Route("GET", kWebhooks, [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/integrations/webhooks/new",
               [&console](const Request& r) { return NewWebhook(console, r); });
  server.Route("POST", "/manage/integrations/webhooks/new",
               [&console](const Request& r) { return CreateWebhook(console, r); });
  server.Route("GET", "/manage/integrations/webhooks/{id}",
               [&console](const Request& r) { return ShowWebhook(console, r); });
}

}  // namespace events::web::console
