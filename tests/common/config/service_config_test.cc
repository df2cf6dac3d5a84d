#include "common/config/service_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace events::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

EnvReader ReaderOver(const std::map<std::string, std::string>& vars) {
  return EnvReader([&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(ServiceConfigTest, Defaults) {
  std::map<std::string, std::string> vars;
  EnvReader env = ReaderOver(vars);
  ServiceConfig c = ReadServiceConfig(env, "scheduling", 50051, 9091);
  ASSERT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_EQ(c.service_name, "scheduling");
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.grpc_port, 50051);
  EXPECT_EQ(c.metrics_port, 9091);
  EXPECT_EQ(c.redis_url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(c.partitions, 256);  // kDefaultPartitions
  EXPECT_EQ(c.key_prefix, "");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.shutdown_grace_ms, 0);
  EXPECT_EQ(c.drain_timeout_ms, 10000);
  EXPECT_EQ(c.redis_pool_size, 8);
  EXPECT_EQ(c.redis_timeout_ms, 2000);
  EXPECT_EQ(c.max_request_bytes, 256 * 1024);
  EXPECT_EQ(c.grpc_memory_bytes, 64 << 20);
  EXPECT_EQ(c.grpc_max_threads, 8);
}

TEST(ServiceConfigTest, RequestSizeLimitIsTheSameSmallOneForEveryService) {
  for (const char* service :
       {"scheduling", "registration", "accessibility", "feedback", "integrations"}) {
    EXPECT_EQ(DefaultMaxRequestBytes(service), 256 * 1024) << service;
  }
}

TEST(ServiceConfigTest, ReadsEveryVariable) {
  std::map<std::string, std::string> vars = {
      {"EVENTS_LISTEN_HOST", "127.0.0.1"},   {"EVENTS_GRPC_PORT", "6000"},
      {"EVENTS_METRICS_PORT", "0"},          {"EVENTS_REDIS_URL", "redis://:pw@redis:6380/2"},
      {"EVENTS_PARTITIONS", "64"},           {"EVENTS_REDIS_KEY_PREFIX", "test1:"},
      {"EVENTS_LOG_FORMAT", "text"},         {"EVENTS_LOG_LEVEL", "debug"},
      {"EVENTS_SHUTDOWN_GRACE_MS", "5000"},  {"EVENTS_DRAIN_TIMEOUT_MS", "20000"},
      {"EVENTS_REDIS_POOL_SIZE", "4"},       {"EVENTS_REDIS_TIMEOUT_MS", "500"},
      {"EVENTS_MAX_REQUEST_BYTES", "65536"}, {"EVENTS_GRPC_MEMORY_BYTES", "33554432"},
      {"EVENTS_GRPC_MAX_THREADS", "8"},
  };
  EnvReader env = ReaderOver(vars);
  ServiceConfig c = ReadServiceConfig(env, "registration", 50052, 9092);
  ASSERT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.grpc_port, 6000);
  EXPECT_EQ(c.metrics_port, 0);
  EXPECT_EQ(c.redis_url, "redis://:pw@redis:6380/2");
  EXPECT_EQ(c.partitions, 64);
  EXPECT_EQ(c.key_prefix, "test1:");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.shutdown_grace_ms, 5000);
  EXPECT_EQ(c.drain_timeout_ms, 20000);
  EXPECT_EQ(c.redis_pool_size, 4);
  EXPECT_EQ(c.redis_timeout_ms, 500);
  EXPECT_EQ(c.max_request_bytes, 65536);
  EXPECT_EQ(c.grpc_memory_bytes, 32 << 20);
  EXPECT_EQ(c.grpc_max_threads, 8);
}

TEST(ServiceConfigTest, ReportsEveryProblemAtOnce) {
  std::map<std::string, std::string> vars = {
      {"EVENTS_GRPC_PORT", "abc"},
      {"EVENTS_PARTITIONS", "2000"},
      {"EVENTS_REDIS_KEY_PREFIX", "{bad}"},
      {"EVENTS_LOG_LEVEL", "verbose"},
      {"EVENTS_REDIS_URL", "http://user:secret@host"},
  };
  EnvReader env = ReaderOver(vars);
  ReadServiceConfig(env, "feedback", 50054, 9094);
  absl::Status status = env.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      status.message(),
      AllOf(HasSubstr("EVENTS_GRPC_PORT=\"abc\" is not a whole number; set it to a port between "
                      "1 and 65535"),
            HasSubstr("EVENTS_PARTITIONS=\"2000\" is out of range"),
            HasSubstr("EVENTS_REDIS_KEY_PREFIX=\"{bad}\" contains '{' or '}'"),
            HasSubstr("EVENTS_LOG_LEVEL=\"verbose\" is not allowed; set it to one of: trace, "
                      "debug, info, warn, error"),
            HasSubstr("EVENTS_REDIS_URL=\"http://***@host\" is not a Redis URL")));
  // A password never reaches an error message (which ends up in logs).
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr("secret")));
}

TEST(ServiceConfigTest, RedactsRedisPassword) {
  EXPECT_EQ(RedactedRedisUrl("redis://:pw@redis:6379/0"), "redis://***@redis:6379/0");
  EXPECT_EQ(RedactedRedisUrl("redis://user:p@ss@h/1"), "redis://***@h/1");
  EXPECT_EQ(RedactedRedisUrl("redis+cluster://registration:pw@a:7000,b:7001"),
            "redis+cluster://***@a:7000,b:7001");
  EXPECT_EQ(RedactedRedisUrl("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
}

TEST(ServiceConfigTest, TakesAClusterUrlAndTheFailoverWait) {
  std::map<std::string, std::string> vars = {
      {"EVENTS_REDIS_URL", "redis+cluster://registration:pw@a:7000,b:7001"},
      {"EVENTS_REDIS_FAILOVER_WAIT_MS", "7000"}};
  EnvReader env = ReaderOver(vars);
  ServiceConfig c = ReadServiceConfig(env, "registration", 50052, 9092);
  ASSERT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_EQ(c.redis_url, "redis+cluster://registration:pw@a:7000,b:7001");
  EXPECT_EQ(c.redis_failover_wait_ms, 7000);
}

TEST(ServiceConfigTest, WaitForReplicasIsOffUnlessAskedAndItsTimeoutFitsTheCommands) {
  {
    std::map<std::string, std::string> vars;
    EnvReader env = ReaderOver(vars);
    ServiceConfig c = ReadServiceConfig(env, "registration", 50052, 9092);
    ASSERT_TRUE(env.Finish().ok()) << env.Finish();
    EXPECT_EQ(c.redis_wait_replicas, 0);
    EXPECT_EQ(c.redis_wait_timeout_ms, 1000);
  }
  {
    std::map<std::string, std::string> vars = {{"EVENTS_REDIS_WAIT_REPLICAS", "1"},
                                               {"EVENTS_REDIS_WAIT_TIMEOUT_MS", "300"}};
    EnvReader env = ReaderOver(vars);
    ServiceConfig c = ReadServiceConfig(env, "registration", 50052, 9092);
    ASSERT_TRUE(env.Finish().ok()) << env.Finish();
    EXPECT_EQ(c.redis_wait_replicas, 1);
    EXPECT_EQ(c.redis_wait_timeout_ms, 300);
  }
  {
    // WAIT as long as the command timeout: the socket would give up before Redis answers.
    std::map<std::string, std::string> vars = {{"EVENTS_REDIS_WAIT_REPLICAS", "1"},
                                               {"EVENTS_REDIS_WAIT_TIMEOUT_MS", "2000"}};
    EnvReader env = ReaderOver(vars);
    ReadServiceConfig(env, "registration", 50052, 9092);
    EXPECT_THAT(std::string(env.Finish().message()),
                HasSubstr("EVENTS_REDIS_WAIT_TIMEOUT_MS=2000 is not less than "
                          "EVENTS_REDIS_TIMEOUT_MS=2000"));
  }
}

}  // namespace
}  // namespace events::config
