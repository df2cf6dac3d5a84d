// Every accessibility RPC's request validation that runs without a store: the first byte
// picks the RPC, the rest is its request. Tokens, needs, attendee details, lead times,
// transitions (and the workflow step from every status), provisions, child ids and page
// sizes. See rpc_fuzz.h for what is asserted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "events/v1/accessibility.pb.h"
#include "fuzz/rpc_fuzz.h"
#include "services/accessibility/rules/catalogue.h"
#include "services/accessibility/rules/request_rules.h"
#include "services/accessibility/rules/workflow.h"

namespace ev = events::v1;
namespace acc = events::accessibility;
using events::fuzz::CheckRpcStatus;

namespace {

const events::PageLimits kPage{25, 100};

void Attendee(const std::string& token,
              const google::protobuf::RepeatedPtrField<std::string>& needs,
              const ev::RequestDetails& details, const google::protobuf::Message& r,
              absl::string_view rpc) {
  CheckRpcStatus(acc::ValidateToken(token), r, rpc);
  CheckRpcStatus(acc::ValidateNeeds(needs, details), r, rpc);
  CheckRpcStatus(acc::ValidateAttendeeDetails(details), r, rpc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int rpc = data[0] % 12;
  ++data;
  --size;
  switch (rpc) {
    case 0: {
      ev::GetCatalogueRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      if (!r.event_id().empty())
        CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "GetCatalogue");
      break;
    }
    case 1: {
      ev::SetLeadTimeRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateLeadTime(r.need(), r.lead_time_days()), r, "SetLeadTime");
      break;
    }
    case 2: {
      ev::SubmitRequestRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Attendee(r.registration_token(), r.needs(), r.details(), r, "SubmitRequest");
      break;
    }
    case 3: {
      ev::UpdateMyRequestRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      Attendee(r.registration_token(), r.needs(), r.details(), r, "UpdateMyRequest");
      break;
    }
    case 4: {
      ev::GetMyRequestRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateToken(r.registration_token()), r, "GetMyRequest");
      break;
    }
    case 5: {
      ev::ListRequestsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "ListRequests");
      CheckRpcStatus(events::PageSize(r.page().page_size(), kPage), r, "ListRequests");
      break;
    }
    case 6: {
      ev::GetRequestRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateChildId(r.request_id(), "ar", "request_id"), r, "GetRequest");
      break;
    }
    case 7: {
      ev::TransitionRequestRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateChildId(r.request_id(), "ar", "request_id"), r,
                     "TransitionRequest");
      const absl::Status valid = acc::ValidateTransition(r);
      CheckRpcStatus(valid, r, "TransitionRequest");
      if (valid.ok()) {
        // The stored request may be in any status.
        const auto from =
            static_cast<ev::RequestStatus>(static_cast<uint64_t>(r.expected_version()) % 8);
        CheckRpcStatus(acc::CoordinatorMayMove(from, r.to()), r, "TransitionRequest");
      }
      break;
    }
    case 8: {
      ev::ListAtRiskRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::PageSize(r.page().page_size(), kPage), r, "ListAtRisk");
      break;
    }
    case 9: {
      ev::AddProvisionRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateProvision(r), r, "AddProvision");
      break;
    }
    case 10: {
      ev::FulfilWithProvisionRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(acc::ValidateChildId(r.provision_id(), "pv", "provision_id"), r,
                     "FulfilWithProvision");
      for (int i = 0; i < r.request_ids_size(); ++i) {
        CheckRpcStatus(
            acc::ValidateChildId(r.request_ids(i), "ar", absl::StrCat("request_ids[", i, "]")), r,
            "FulfilWithProvision");
      }
      break;
    }
    case 11: {
      ev::ListProvisionsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      CheckRpcStatus(events::ValidateEventId(r.event_id()), r, "ListProvisions");
      break;
    }
  }
  return 0;
}
