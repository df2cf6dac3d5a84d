#pragma once

#include <chrono>
#include <string>

#include "common/bus/event_bus.h"

namespace events::integrations {

// The consumer settings of the integrations workers (bus::StreamWorker over each group): an
// entry is never dead-lettered for being handed out often (a registration or Redis outage of
// any length must not lose events); only the worker drops entries, those that cannot be
// parsed or fail permanently (bus::IsPermanentError).
events::bus::ConsumerOptions WorkerConsumerOptions(std::string group, std::string consumer,
                                                   std::chrono::milliseconds claim_idle);
// Consumer groups: webhook intake and the contacts projection read the streams apart, so an
// outage of the registration service never holds back webhook deliveries.
inline constexpr char kWebhookGroup[] = "integrations";
inline constexpr char kContactsGroup[] = "integrations-contacts";

}  // namespace events::integrations
