// Integrations: webhooks, their delivery log and dead letters.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/bus/keyspace.h"
#include "common/log/call_context.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "services/integrations/domain/input_rules.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/store/integrations_store.h"
#include "services/integrations/webhooks/event_types.h"
#include "services/integrations/webhooks/payload.h"
#include "services/integrations/webhooks/secret_box.h"
#include "services/integrations/webhooks/signature.h"

namespace events::integrations {

using internal::CheckText;

namespace {

constexpr size_t kMaxDescriptionLength = 500;
constexpr int kMaxWebhooksPerOrg = 50;
constexpr int kDefaultPage = 25;
constexpr int kMaxPage = 100;
constexpr int kMaxReplayAll = 1000;

}  // namespace

absl::Status Integrations::CheckWebhookId(const std::string& webhook_id) {
  if (webhook_id.empty()) return absl::InvalidArgumentError("webhook_id is required");
  if (!IsWellFormedId(webhook_id, "wh")) {
    return absl::InvalidArgumentError("webhook_id is not a webhook id (wh_...)");
  }
  return absl::OkStatus();
}

absl::StatusOr<events::v1::WebhookWithSecret> Integrations::Seal(const std::string& org_id,
                                                                 events::v1::Webhook webhook) {
  events::v1::WebhookWithSecret out;
  out.set_secret(NewWebhookSecret());
  StoredWebhook stored;
  EVENTS_ASSIGN_OR_RETURN(stored.sealed_secret, secrets_.Seal(out.secret(), webhook.id()));
  stored.secret_key_id = secrets_.key_id();
  stored.webhook = webhook;
  EVENTS_RETURN_IF_ERROR(store_.PutWebhook(org_id, stored));
  *out.mutable_webhook() = std::move(webhook);
  return out;
}

absl::StatusOr<events::v1::WebhookWithSecret> Integrations::CreateWebhook(
    const std::string& org_id, const events::v1::CreateWebhookRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookUrl(request.url(), "url", policy_).status());
  std::vector<std::string> types(request.event_types().begin(), request.event_types().end());
  EVENTS_RETURN_IF_ERROR(ValidateEventTypes(types, "event_types"));
  EVENTS_RETURN_IF_ERROR(CheckText(request.description(), "description", 0, kMaxDescriptionLength));
  EVENTS_ASSIGN_OR_RETURN(std::vector<StoredWebhook> existing, store_.ListWebhooks(org_id));
  if (existing.size() >= static_cast<size_t>(kMaxWebhooksPerOrg)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an organisation may have at most ", kMaxWebhooksPerOrg, " webhooks; delete one first"));
  }
  events::v1::Webhook webhook;
  webhook.set_id(ids_.New("wh"));
  webhook.set_url(request.url());
  for (const std::string& t : types) webhook.add_event_types(t);
  webhook.set_description(request.description());
  webhook.set_created_unix_ms(clock_.NowUnixMs());
  webhook.set_enabled(true);
  return Seal(org_id, std::move(webhook));
}

absl::StatusOr<events::v1::ListWebhooksResponse> Integrations::ListWebhooks(
    const std::string& org_id) {
  EVENTS_ASSIGN_OR_RETURN(std::vector<StoredWebhook> all, store_.ListWebhooks(org_id));
  events::v1::ListWebhooksResponse out;
  for (auto& w : all) *out.add_webhooks() = std::move(w.webhook);
  return out;
}

absl::StatusOr<events::v1::Webhook> Integrations::UpdateWebhook(
    const std::string& org_id, const events::v1::UpdateWebhookRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookId(request.webhook_id()));
  if (!request.update_enabled() && request.event_types().empty()) {
    return absl::InvalidArgumentError(
        "nothing to change: give event_types, or update_enabled with enabled");
  }
  EVENTS_ASSIGN_OR_RETURN(StoredWebhook stored, store_.GetWebhook(org_id, request.webhook_id()));
  if (!request.event_types().empty()) {
    std::vector<std::string> types(request.event_types().begin(), request.event_types().end());
    EVENTS_RETURN_IF_ERROR(ValidateEventTypes(types, "event_types"));
    stored.webhook.clear_event_types();
    for (const std::string& t : types) stored.webhook.add_event_types(t);
    EVENTS_RETURN_IF_ERROR(store_.PutWebhook(org_id, stored));
  }
  if (request.update_enabled()) {
    EVENTS_RETURN_IF_ERROR(store_.SetWebhookEnabled(org_id, request.webhook_id(), request.enabled(),
                                                    "disabled by the organiser"));
  }
  EVENTS_ASSIGN_OR_RETURN(stored, store_.GetWebhook(org_id, request.webhook_id()));
  return stored.webhook;
}

absl::StatusOr<events::v1::WebhookWithSecret> Integrations::RotateSecret(
    const std::string& org_id, const std::string& webhook_id) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookId(webhook_id));
  EVENTS_ASSIGN_OR_RETURN(StoredWebhook stored, store_.GetWebhook(org_id, webhook_id));
  return Seal(org_id, stored.webhook);
}

absl::Status Integrations::DeleteWebhook(const std::string& org_id, const std::string& webhook_id) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookId(webhook_id));
  return store_.DeleteWebhook(org_id, webhook_id);
}

absl::StatusOr<events::v1::TestWebhookResponse> Integrations::TestWebhook(
    const std::string& org_id, const std::string& webhook_id) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookId(webhook_id));
  EVENTS_ASSIGN_OR_RETURN(StoredWebhook stored, store_.GetWebhook(org_id, webhook_id));
  events::v1::DomainEvent event;
  event.set_id(ids_.New("wht"));
  event.set_type("webhook.test");
  event.set_source("integrations");
  event.set_time_unix_ms(clock_.NowUnixMs());
  event.set_subject(webhook_id);
  event.set_org_id(org_id);
  const int partition = keyspace_.PartitionOf(event.id());
  EVENTS_RETURN_IF_ERROR(
      store_
          .Enqueue(partition,
                   {NewDelivery{absl::StrCat(partition, "/", event.id(), "/", webhook_id), org_id,
                                webhook_id, event.id(), event.type(), WebhookBody(event),
                                logging::CurrentTraceParent()}},
                   clock_.NowUnixMs())
          .status());
  events::v1::TestWebhookResponse out;
  out.set_message_id(event.id());
  return out;
}

absl::StatusOr<events::v1::ListDeliveriesResponse> Integrations::ListDeliveries(
    const std::string& org_id, const events::v1::ListDeliveriesRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckWebhookId(request.webhook_id()));
  EVENTS_RETURN_IF_ERROR(store_.GetWebhook(org_id, request.webhook_id()).status());
  EVENTS_ASSIGN_OR_RETURN(const int limit,
                          events::PageSize(request.limit(), {kDefaultPage, kMaxPage}, "limit"));
  EVENTS_ASSIGN_OR_RETURN(std::vector<events::v1::DeliveryAttempt> attempts,
                          store_.ListLog(org_id, request.webhook_id(), limit));
  events::v1::ListDeliveriesResponse out;
  for (auto& a : attempts) *out.add_attempts() = std::move(a);
  return out;
}

absl::StatusOr<events::v1::ListDeadLettersResponse> Integrations::ListDeadLetters(
    const std::string& org_id, const events::v1::ListDeadLettersRequest& request) {
  EVENTS_ASSIGN_OR_RETURN(int64_t offset,
                          internal::OffsetToken(request.page_token(), "page_token"));
  EVENTS_ASSIGN_OR_RETURN(
      const int size, events::PageSize(request.page_size(), {kDefaultPage, kMaxPage}, "page_size"));
  EVENTS_ASSIGN_OR_RETURN(auto page, store_.ListDeadLetters(org_id, offset, size));
  events::v1::ListDeadLettersResponse out;
  for (auto& d : page.first) *out.add_dead_letters() = std::move(d);
  if (page.second > 0) out.set_next_page_token(absl::StrCat(page.second));
  return out;
}

absl::StatusOr<events::v1::ReplayDeadLettersResponse> Integrations::Replay(
    const std::string& org_id, const events::v1::ReplayDeadLettersRequest& request) {
  events::v1::ReplayDeadLettersResponse out;
  if (!request.all()) {
    if (request.delivery_id().empty()) {
      return absl::InvalidArgumentError("delivery_id is required (or set all)");
    }
    if (request.delivery_id().size() > 300) {
      return absl::InvalidArgumentError("delivery_id is not a dead letter's id");
    }
    EVENTS_RETURN_IF_ERROR(store_.Replay(org_id, request.delivery_id(), clock_.NowUnixMs()));
    out.set_replayed(1);
    return out;
  }
  // Always from the start: replayed ones leave the list.
  EVENTS_ASSIGN_OR_RETURN(auto page, store_.ListDeadLetters(org_id, 0, kMaxReplayAll));
  for (const events::v1::DeadLetter& d : page.first) {
    absl::Status s = store_.Replay(org_id, d.delivery_id(), clock_.NowUnixMs());
    if (absl::IsNotFound(s)) continue;
    EVENTS_RETURN_IF_ERROR(s);
    out.set_replayed(out.replayed() + 1);
  }
  return out;
}

}  // namespace events::integrations
