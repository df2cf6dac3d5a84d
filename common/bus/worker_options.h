#pragma once

#include <chrono>
#include <string>

#include "common/bus/event_bus.h"

namespace events::bus {

// The consumer settings of a worker that must never lose an event (a StreamWorker over its
// own group: integrations' webhook intake and contacts, notifications' intake): an entry is
// never dead-lettered for being handed out often (an outage of any length of a peer or of
// Redis must not lose events); only the worker drops entries, those that cannot be parsed or
// fail permanently (IsPermanentError).
ConsumerOptions WorkerConsumerOptions(std::string group, std::string consumer,
                                      std::chrono::milliseconds claim_idle);

}  // namespace events::bus
