#pragma once

#include <string>
#include <vector>

#include "common/redis/redis_client.h"

namespace events::testing {

// Where the test Redis is, from EVENTS_TEST_REDIS_URL (set by ./scripts/test, which starts a
// throwaway redis-server). When it is unset or bad, the current test fails with a message
// saying so, rather than skipping silently, and the defaults come back. Call it from inside
// a test (or a fixture's SetUp), then stop the test on failure, e.g.
// ASSERT_FALSE(HasFailure()), so it does not go on to use a Redis at the default address.
redis::RedisOptions TestRedisOptions();

// For what a test sets up that its service's own Redis user may not write (an organisation
// and its API keys, another service's data beside it): EVENTS_TEST_ADMIN_REDIS_URL when it is
// set (the redis_acl test sets it to the "admin" user while the suite runs as its service's
// user, docs/redis-acl.md), else TestRedisOptions(). Failures as TestRedisOptions().
redis::RedisOptions TestAdminRedisOptions();

// A fresh key prefix, "t:<pid>:<n>:<random>:", different on every call and in every process,
// so tests running in parallel against one Redis never touch each other's keys. Pass it
// as the Keyspace prefix. Thread-safe.
std::string UniqueKeyPrefix();

// Every key matching `pattern` (a KEYS glob), from every primary when the test Redis is a
// cluster (KEYS describes one node only). Fails the current test if Redis does not answer.
std::vector<std::string> KeysMatching(redis::RedisClient& redis, const std::string& pattern);

// `base` pointed at a Redis that is not there (127.0.0.1, port 1, a short connect timeout),
// as one Redis even when `base` named a cluster: for tests of what an unreachable Redis
// does.
redis::RedisOptions UnreachableRedisOptions(redis::RedisOptions base);

// True when the test Redis is a cluster (./scripts/test --redis-cluster).
bool TestRedisIsCluster();

}  // namespace events::testing
