#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"

namespace events::testing {

// What CheckDomainEvents found.
struct DomainEventCheck {
  int events = 0;                     // entries read
  std::set<std::string> data_types;   // e.g. "events.v1.RegistrationChanged"
  std::vector<std::string> problems;  // one line each; empty when every event is sound
};

// Reads every entry of `streams` and parses each one's payload with the generated protobuf
// class its data_type names (the scripts write payloads byte by byte, with field numbers
// written by hand in Lua: this is what holds them to the .proto). A problem is: an envelope
// that does not read back, a data_type no generated class has, a payload that does not parse,
// any field the class does not know (a wrong field number or wire type ends up there), an
// enum value the .proto does not list, an org_id in the payload other than the envelope's, or
// a subject that is none of the payload's *_id fields.
// With `source` set, only the events of that source (the service whose scripts the test ran;
// events a test publishes itself as input are not the scripts').
DomainEventCheck CheckDomainEvents(redis::RedisClient& redis,
                                   const std::vector<std::string>& streams,
                                   const std::string& source = "");

// The same for every stream named "*:events" whose name starts with `prefix` (on every
// primary of a cluster).
DomainEventCheck CheckAllDomainEvents(redis::RedisClient& redis, const std::string& prefix,
                                      const std::string& source = "");

// For a fixture's TearDown: fails the running test with each problem CheckDomainEvents finds
// among `source`'s events in every partition stream of `keys`, so every test that makes a
// script emit events checks them. Reads each stream by name (XRANGE): no KEYS or SCAN, which
// a service's Redis user may not run (the redis_acl test runs store suites as those users).
void ExpectSoundDomainEvents(redis::RedisClient& redis, const bus::Keyspace& keys,
                             const std::string& source);

}  // namespace events::testing
