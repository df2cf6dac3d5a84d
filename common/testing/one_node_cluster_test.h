#pragma once

#include <gtest/gtest.h>

#include "common/testing/own_redis_server.h"

namespace events::testing {

// The base of the stores' cluster contract tests: one redis-server in cluster mode with every
// slot (OwnRedisServer::StartOneNodeCluster), started once for the test suite and stopped
// after it. Redis then refuses any script that touches a slot other than its KEYS'. A
// fixture's SetUp checks `server() != nullptr` (null: the node did not come up).
class OneNodeClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new OwnRedisServer();
    if (!server_->StartOneNodeCluster()) {
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static OwnRedisServer* server() { return server_; }

 private:
  static inline OwnRedisServer* server_ = nullptr;
};

}  // namespace events::testing
