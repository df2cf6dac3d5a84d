// Every integrations RPC's request validation that runs without a store: the first byte
// picks the RPC, the rest is its request. API key names, webhook URLs (production policy),
// event-type filters, descriptions, ids, page sizes and offset tokens, unsubscribe sources.
// See rpc_fuzz.h for what is asserted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "events/v1/integrations.pb.h"
#include "fuzz/rpc_fuzz.h"
#include "services/integrations/domain/input_rules.h"
#include "services/integrations/webhooks/event_types.h"
#include "services/integrations/webhooks/url_policy.h"

namespace ev = events::v1;
namespace in = events::integrations;
using events::fuzz::CheckRpcStatus;

namespace {

// The limits of integrations' domain (domain/integrations*.cc).
constexpr size_t kMaxNameLength = 100;
constexpr size_t kMaxDescriptionLength = 500;

void EventTypes(const google::protobuf::RepeatedPtrField<std::string>& given,
                const google::protobuf::Message& r, absl::string_view rpc) {
  const std::vector<std::string> types(given.begin(), given.end());
  const absl::Status valid = in::ValidateEventTypes(types, "event_types");
  CheckRpcStatus(valid, r, rpc);
  // Every pattern accepted is one the delivery can match against an event type.
  if (valid.ok()) (void)in::MatchesEventType(types, "registration.created");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int rpc = data[0] % 7;
  ++data;
  --size;
  switch (rpc) {
    case 0: {
      ev::CreateApiKeyRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(in::internal::CheckText(r.name(), "name", 1, kMaxNameLength), r,
                     "CreateApiKey");
      break;
    }
    case 1: {
      ev::CreateWebhookRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(in::CheckWebhookUrl(r.url(), "url", in::UrlPolicy{}), r, "CreateWebhook");
      EventTypes(r.event_types(), r, "CreateWebhook");
      CheckRpcStatus(
          in::internal::CheckText(r.description(), "description", 0, kMaxDescriptionLength), r,
          "CreateWebhook");
      break;
    }
    case 2: {
      ev::UpdateWebhookRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.webhook_id(), "wh");
      if (!r.event_types().empty()) EventTypes(r.event_types(), r, "UpdateWebhook");
      break;
    }
    case 3: {
      ev::ListDeliveriesRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      (void)events::IsWellFormedId(r.webhook_id(), "wh");
      CheckRpcStatus(events::PageSize(r.limit(), {25, 100}, "limit"), r, "ListDeliveries");
      break;
    }
    case 4: {
      ev::ListDeadLettersRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(in::internal::OffsetToken(r.page_token(), "page_token"), r, "ListDeadLetters");
      CheckRpcStatus(events::PageSize(r.page_size(), {25, 100}, "page_size"), r, "ListDeadLetters");
      break;
    }
    case 5: {
      ev::ListContactsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      if (!r.event_id().empty()) {
        CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "ListContacts");
      }
      CheckRpcStatus(events::PageSize(r.page_size(), {100, 500}, "page_size"), r, "ListContacts");
      break;
    }
    case 6: {
      ev::UnsubscribeRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(in::internal::CheckText(r.source(), "source", 0, 100), r, "Unsubscribe");
      break;
    }
  }
  return 0;
}
