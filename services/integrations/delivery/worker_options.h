#pragma once

#include <chrono>
#include <string>

#include "common/bus/worker_options.h"

namespace events::integrations {

using events::bus::WorkerConsumerOptions;
// Consumer groups: webhook intake and the contacts projection read the streams apart, so an
// outage of the registration service never holds back webhook deliveries.
inline constexpr char kWebhookGroup[] = "integrations";
inline constexpr char kContactsGroup[] = "integrations-contacts";

}  // namespace events::integrations
