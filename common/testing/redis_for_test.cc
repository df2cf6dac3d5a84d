// Test support for code that talks to a real redis-server.

#include "common/testing/redis_for_test.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace events::testing {

redis::RedisOptions TestRedisOptions() {
  const char* url = std::getenv("EVENTS_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "EVENTS_TEST_REDIS_URL is not set: run ./scripts/test, which starts a "
                     "throwaway redis-server (or start one yourself and export "
                     "EVENTS_TEST_REDIS_URL=redis://127.0.0.1:<port>)";
    return redis::RedisOptions();
  }
  absl::StatusOr<redis::RedisOptions> options = redis::ParseRedisUrl(url);
  if (!options.ok()) {
    ADD_FAILURE() << "EVENTS_TEST_REDIS_URL is not usable: " << options.status().message();
    return redis::RedisOptions();
  }
  return *options;
}

redis::RedisOptions TestAdminRedisOptions() {
  const char* url = std::getenv("EVENTS_TEST_ADMIN_REDIS_URL");
  if (url == nullptr || *url == '\0') return TestRedisOptions();
  absl::StatusOr<redis::RedisOptions> options = redis::ParseRedisUrl(url);
  if (!options.ok()) {
    ADD_FAILURE() << "EVENTS_TEST_ADMIN_REDIS_URL is not usable: " << options.status().message();
    return redis::RedisOptions();
  }
  return *options;
}

std::string UniqueKeyPrefix() {
  // The counter makes prefixes unique within a process; the pid and a per-process random
  // token make them unique across processes, even across pid reuse.
  static const uint32_t token = [] {
    std::random_device device;
    return static_cast<uint32_t>(device());
  }();
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat("t:", getpid(), ":", counter.fetch_add(1), ":", absl::Hex(token), ":");
}

std::vector<std::string> KeysMatching(redis::RedisClient& redis, const std::string& pattern) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<redis::ReplyPtr>> replies =
      redis.CommandOnEveryPrimary({"KEYS", pattern});
  if (!replies.ok()) {
    ADD_FAILURE() << "KEYS " << pattern << ": " << replies.status();
    return out;
  }
  for (const redis::ReplyPtr& reply : *replies) {
    for (size_t i = 0; i < redis::ArraySize(*reply); ++i) {
      out.push_back(redis::AsString(redis::ArrayAt(*reply, i)));
    }
  }
  return out;
}

redis::RedisOptions UnreachableRedisOptions(redis::RedisOptions base) {
  base.cluster_seeds.clear();
  base.host = "127.0.0.1";
  base.port = 1;  // nothing listens there
  base.connect_timeout = std::chrono::milliseconds(200);
  return base;
}

bool TestRedisIsCluster() {
  const char* url = std::getenv("EVENTS_TEST_REDIS_URL");
  return url != nullptr && absl::StartsWith(url, "redis+cluster://");
}

}  // namespace events::testing
