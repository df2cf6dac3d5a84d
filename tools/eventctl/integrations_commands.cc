// eventctl keys ..., webhooks ... and contacts ...: the calls of
// events.v1.IntegrationsService (organisers, or integration keys with the right scope).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>

#include "events/v1/integrations.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/integrations_printer.h"
#include "tools/eventctl/output.h"

namespace events::eventctl {
namespace {

using events::v1::IntegrationsService;

template <typename Method, typename Request, typename Response>
grpc::Status Call(const CliContext& ctx, Method method, const Request& req, Response* resp) {
  return ctx.Call(Target::kIntegrations, Credential::kKey, method, req, resp);
}

int Fail(const CliContext& ctx, const grpc::Status& status, const std::string& doing) {
  return ctx.Fail(status, doing, Target::kIntegrations);
}

// Runs a call and prints its answer with `print`, or as JSON when `format` is "json"; the
// exit code.
template <typename Request, typename Response, typename Method, typename Print>
int Run(const CliContext& ctx, Method method, const Request& req, const std::string& doing,
        Print print, const std::string& format = kTextFormat) {
  Response resp;
  grpc::Status s = Call(ctx, method, req, &resp);
  if (!s.ok()) return Fail(ctx, s, doing);
  return Emit(format, resp, print(resp));
}

template <typename T>
std::vector<T> Vec(const google::protobuf::RepeatedPtrField<T>& field) {
  return {field.begin(), field.end()};
}

void AddKeys(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* keys = app.add_subcommand("keys", "API keys for integrations (organisers)");
  keys->require_subcommand(1);

  auto create = std::make_shared<events::v1::CreateApiKeyRequest>();
  auto scopes = std::make_shared<std::vector<std::string>>();
  CLI::App* c = keys->add_subcommand("create", "Make an integration key (shown once)");
  c->add_option("--name", *create->mutable_name(), "What it is for, e.g. \"Mailchimp sync\"")
      ->required();
  c->add_option("--scope", *scopes,
                "events:read, registrations:read, contacts:read, contacts:write, "
                "webhooks:manage, feedback:read, accessibility:counts (repeat for more)")
      ->required();
  c->callback([&ctx, create, scopes, &exit_code] {
    for (const auto& s : *scopes) create->add_scopes(s);
    exit_code = Run<events::v1::CreateApiKeyRequest, events::v1::CreateApiKeyResponse>(
        ctx, &IntegrationsService::Stub::CreateApiKey, *create, "create the key",
        [](const auto& r) { return DescribeNewKey(r); });
  });

  auto keys_format = std::make_shared<std::string>();
  CLI::App* l = keys->add_subcommand("list", "List the organisation's integration keys");
  AddFormatOption(l, *keys_format);
  l->callback([&ctx, keys_format, &exit_code] {
    exit_code = Run<events::v1::ListApiKeysRequest, events::v1::ListApiKeysResponse>(
        ctx, &IntegrationsService::Stub::ListApiKeys, {}, "list keys",
        [](const auto& r) { return KeyTable(Vec(r.keys())); }, *keys_format);
  });

  auto revoke = std::make_shared<events::v1::RevokeApiKeyRequest>();
  CLI::App* r = keys->add_subcommand("revoke", "Revoke a key: it stops working at once");
  r->add_option("KEY_ID", *revoke->mutable_key_id())->required();
  r->callback([&ctx, revoke, &exit_code] {
    exit_code = Run<events::v1::RevokeApiKeyRequest, events::v1::ApiKey>(
        ctx, &IntegrationsService::Stub::RevokeApiKey, *revoke, "revoke the key",
        [](const auto& k) { return KeyTable({k}); });
  });
}

void AddWebhooks(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* wh = app.add_subcommand("webhooks", "Signed webhooks to mailing tools and scripts");
  wh->require_subcommand(1);

  auto add = std::make_shared<events::v1::CreateWebhookRequest>();
  auto types = std::make_shared<std::vector<std::string>>();
  CLI::App* a = wh->add_subcommand("add", "Subscribe an HTTPS endpoint (prints its secret once)");
  a->add_option("URL", *add->mutable_url())->required();
  a->add_option("--type", *types,
                "Event type or prefix, e.g. registration.* or event.reminder_due (repeat)")
      ->required();
  a->add_option("--description", *add->mutable_description());
  a->callback([&ctx, add, types, &exit_code] {
    if (absl::Status checked = CheckWebhookTypes(*types); !checked.ok()) {
      exit_code = UsageError(std::string(checked.message()));
      return;
    }
    for (const auto& type : *types) add->add_event_types(type);
    exit_code = Run<events::v1::CreateWebhookRequest, events::v1::WebhookWithSecret>(
        ctx, &IntegrationsService::Stub::CreateWebhook, *add, "add the webhook",
        [](const auto& r) { return DescribeNewWebhook(r); });
  });

  auto list_format = std::make_shared<std::string>();
  CLI::App* wl = wh->add_subcommand("list", "List webhooks");
  AddFormatOption(wl, *list_format);
  wl->callback([&ctx, list_format, &exit_code] {
    exit_code = Run<events::v1::ListWebhooksRequest, events::v1::ListWebhooksResponse>(
        ctx, &IntegrationsService::Stub::ListWebhooks, {}, "list webhooks",
        [](const auto& r) { return WebhookTable(Vec(r.webhooks())); }, *list_format);
  });

  for (bool enable : {true, false}) {
    auto update = std::make_shared<events::v1::UpdateWebhookRequest>();
    CLI::App* e = wh->add_subcommand(enable ? "enable" : "disable",
                                     enable ? "Deliver again (after a 410, say)"
                                            : "Stop delivering; failed deliveries dead-letter");
    e->add_option("WEBHOOK_ID", *update->mutable_webhook_id())->required();
    e->callback([&ctx, update, enable, &exit_code] {
      update->set_update_enabled(true);
      update->set_enabled(enable);
      exit_code = Run<events::v1::UpdateWebhookRequest, events::v1::Webhook>(
          ctx, &IntegrationsService::Stub::UpdateWebhook, *update, "change the webhook",
          [](const auto& w) { return WebhookTable({w}); });
    });
  }

  auto rotate = std::make_shared<events::v1::RotateWebhookSecretRequest>();
  CLI::App* rs = wh->add_subcommand("rotate-secret", "A new signing secret (printed once)");
  rs->add_option("WEBHOOK_ID", *rotate->mutable_webhook_id())->required();
  rs->callback([&ctx, rotate, &exit_code] {
    exit_code = Run<events::v1::RotateWebhookSecretRequest, events::v1::WebhookWithSecret>(
        ctx, &IntegrationsService::Stub::RotateWebhookSecret, *rotate, "rotate the secret",
        [](const auto& r) { return DescribeNewWebhook(r); });
  });

  auto test = std::make_shared<events::v1::TestWebhookRequest>();
  CLI::App* te = wh->add_subcommand("test", "Send a signed webhook.test delivery");
  te->add_option("WEBHOOK_ID", *test->mutable_webhook_id())->required();
  te->callback([&ctx, test, &exit_code] {
    exit_code = Run<events::v1::TestWebhookRequest, events::v1::TestWebhookResponse>(
        ctx, &IntegrationsService::Stub::TestWebhook, *test, "send a test", [](const auto& r) {
          return "Queued webhook.test with webhook-id " + r.message_id() +
                 "; see it with: eventctl webhooks deliveries WEBHOOK_ID\n";
        });
  });

  auto deliveries = std::make_shared<events::v1::ListDeliveriesRequest>();
  CLI::App* d = wh->add_subcommand("deliveries", "The delivery log of a webhook, newest first");
  d->add_option("WEBHOOK_ID", *deliveries->mutable_webhook_id())->required();
  auto limit = std::make_shared<int>(0);
  d->add_option("--limit", *limit, "At most this many");
  auto deliveries_format = std::make_shared<std::string>();
  AddFormatOption(d, *deliveries_format);
  d->callback([&ctx, deliveries, limit, deliveries_format, &exit_code] {
    deliveries->set_limit(*limit);
    exit_code = Run<events::v1::ListDeliveriesRequest, events::v1::ListDeliveriesResponse>(
        ctx, &IntegrationsService::Stub::ListDeliveries, *deliveries, "list deliveries",
        [](const auto& r) { return DeliveryTable(Vec(r.attempts())); }, *deliveries_format);
  });

  auto dead = std::make_shared<events::v1::ListDeadLettersRequest>();
  CLI::App* dl = wh->add_subcommand("dead-letters", "Deliveries that failed every try");
  dl->add_option("--page-token", *dead->mutable_page_token());
  auto dead_format = std::make_shared<std::string>();
  AddFormatOption(dl, *dead_format);
  dl->callback([&ctx, dead, dead_format, &exit_code] {
    exit_code = Run<events::v1::ListDeadLettersRequest, events::v1::ListDeadLettersResponse>(
        ctx, &IntegrationsService::Stub::ListDeadLetters, *dead, "list dead letters",
        [](const auto& r) {
          std::string out = DeadLetterTable(Vec(r.dead_letters()));
          if (!r.next_page_token().empty()) {
            out += "More: --page-token " + r.next_page_token() + "\n";
          }
          return out;
        },
        *dead_format);
  });

  auto replay = std::make_shared<events::v1::ReplayDeadLettersRequest>();
  auto all = std::make_shared<bool>(false);
  CLI::App* rp = wh->add_subcommand("replay", "Try dead letters again (same webhook-id)");
  rp->add_option("DELIVERY_ID", *replay->mutable_delivery_id());
  rp->add_flag("--all", *all, "Every dead letter of the organisation");
  rp->callback([&ctx, replay, all, &exit_code] {
    if (replay->delivery_id().empty() && !*all) {
      exit_code = UsageError("give a DELIVERY_ID (from webhooks dead-letters) or --all");
      return;
    }
    replay->set_all(*all);
    exit_code = Run<events::v1::ReplayDeadLettersRequest, events::v1::ReplayDeadLettersResponse>(
        ctx, &IntegrationsService::Stub::ReplayDeadLetters, *replay, "replay",
        [](const auto& r) { return "Replayed " + std::to_string(r.replayed()) + ".\n"; });
  });

  auto remove = std::make_shared<events::v1::DeleteWebhookRequest>();
  CLI::App* rm = wh->add_subcommand("remove", "Delete a webhook (pending deliveries are dropped)");
  rm->add_option("WEBHOOK_ID", *remove->mutable_webhook_id())->required();
  rm->callback([&ctx, remove, &exit_code] {
    exit_code = Run<events::v1::DeleteWebhookRequest, events::v1::DeleteWebhookResponse>(
        ctx, &IntegrationsService::Stub::DeleteWebhook, *remove, "remove the webhook",
        [](const auto&) { return std::string("Removed.\n"); });
  });
}

void AddContacts(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* contacts =
      app.add_subcommand("contacts", "Registrants who opted in to marketing (mailing tools)");
  contacts->require_subcommand(1);

  auto exp = std::make_shared<events::v1::ExportContactsRequest>();
  auto output = std::make_shared<std::string>();
  CLI::App* e = contacts->add_subcommand("export", "CSV: email,first_name,last_name,tags");
  e->add_option("--event-id", *exp->mutable_event_id(), "Only this event's contacts");
  e->add_option("--output,-o", *output, "Write to this file instead of standard output");
  e->callback([&ctx, exp, output, &exit_code] {
    events::v1::ContactsExport file;
    grpc::Status s = Call(ctx, &IntegrationsService::Stub::ExportContacts, *exp, &file);
    if (!s.ok()) {
      exit_code = Fail(ctx, s, "export contacts");
      return;
    }
    if (output->empty()) {
      std::fwrite(file.content().data(), 1, file.content().size(), stdout);
    } else {
      std::ofstream out(*output, std::ios::binary);
      out << file.content();
      if (!out) {
        exit_code = LocalError("could not write " + *output);
        return;
      }
      std::fprintf(stderr, "Wrote %d contacts to %s\n", file.rows(), output->c_str());
    }
  });

  auto feed = std::make_shared<events::v1::ListContactsRequest>();
  CLI::App* f = contacts->add_subcommand("feed", "Changes after a cursor (incremental sync)");
  auto after = std::make_shared<int64_t>(0);
  f->add_option("--after", *after, "The cursor printed by the previous feed (default: start)");
  f->add_option("--event-id", *feed->mutable_event_id());
  auto feed_format = std::make_shared<std::string>();
  AddFormatOption(f, *feed_format);
  f->callback([&ctx, feed, after, feed_format, &exit_code] {
    feed->set_after_cursor(*after);
    exit_code = Run<events::v1::ListContactsRequest, events::v1::ListContactsResponse>(
        ctx, &IntegrationsService::Stub::ListContacts, *feed, "read the contacts feed",
        [](const auto& r) {
          return ContactTable(Vec(r.contacts())) + "Next: --after " +
                 std::to_string(r.next_cursor()) + "\n";
        },
        *feed_format);
  });

  auto unsub = std::make_shared<events::v1::UnsubscribeRequest>();
  CLI::App* u = contacts->add_subcommand(
      "unsubscribe", "Withdraw marketing consent for an e-mail across the organisation");
  u->add_option("EMAIL", *unsub->mutable_email())->required();
  u->add_option("--source", *unsub->mutable_source(), "Where it came from, e.g. mailchimp");
  u->callback([&ctx, unsub, &exit_code] {
    exit_code = Run<events::v1::UnsubscribeRequest, events::v1::UnsubscribeResponse>(
        ctx, &IntegrationsService::Stub::Unsubscribe, *unsub, "unsubscribe", [](const auto& r) {
          return "Unsubscribed: consent withdrawn on " + std::to_string(r.registrations_changed()) +
                 " registration(s).\n";
        });
  });
}

}  // namespace

void AddIntegrationsCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  AddKeys(app, ctx, exit_code);
  AddWebhooks(app, ctx, exit_code);
  AddContacts(app, ctx, exit_code);
}

}  // namespace events::eventctl
