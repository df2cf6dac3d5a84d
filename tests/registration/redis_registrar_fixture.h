#pragma once

// A Registrar on a real Redis (EVENTS_TEST_REDIS_URL), with scheduling faked, for tests that
// change an event's capacity and pools and then read what the scripts stored: the
// registrations, the counts, the waiting lists and the domain events.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/store/redis_registration_store.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration::testing {

inline constexpr char kOrg[] = "org_riverside";

// One registration as stored (services/registration/store/lua/common.lua).
struct StoredRow {
  std::string id, pool, seat;
  int status = 0, places = 0;
  int64_t seq = 0;
};

// Reserved pools as (id, places), in order.
using Pools = std::vector<std::pair<std::string, int>>;

class RedisRegistrarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    RedisRegistrationStore::Options store_options;
    store_options.register_senders = 0;
    store_options.clock = &clock_;
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_, store_options);
    RegistrarOptions options;
    options.limit_per_address_per_minute = 0;
    options.limit_per_event_per_second = 0;
    registrar_ = std::make_unique<Registrar>(*store_, directory_, clock_, ids_, options);
  }

  // A published, open event of `capacity` places, known to scheduling (the fake).
  std::string NewEvent(int capacity) {
    std::string event = ids_.New("ev");
    directory_.Put(OpenEvent(event, capacity));
    return event;
  }

  absl::Status Configure(const std::string& event, const Pools& pools, bool approval = false) {
    events::v1::RegistrationSettings s;
    s.set_event_id(event);
    s.set_requires_approval(approval);
    for (const auto& [id, places] : pools) {
      events::v1::ReservedPool* p = s.add_pools();
      p->set_id(id);
      p->set_name("Pool " + id);
      p->set_places(places);
    }
    return registrar_->Configure(kOrg, s, 0).status();
  }

  // Registration n (e-mail personN@example.org) for `pool` ("" general).
  absl::StatusOr<Registered> Register(const std::string& event, int n, const std::string& pool,
                                      bool companion = false) {
    events::v1::RegisterRequest r = Person(event, n);
    r.set_pool(pool);
    r.set_companion(companion);
    return registrar_->Register(r, "10.0.0.1");
  }
  Registered MustRegister(const std::string& event, int n, const std::string& pool) {
    absl::StatusOr<Registered> r = Register(event, n, pool);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(Registered{});
  }

  // Every registration of the event as stored, by sequence.
  std::vector<StoredRow> Rows(const std::string& event) {
    std::vector<StoredRow> rows;
    auto ids = redis_->Command({"ZRANGE", store_->EventPrefix(event) + "all", "0", "-1"});
    EXPECT_TRUE(ids.ok()) << ids.status();
    if (!ids.ok() || redis::ArraySize(**ids) == 0) return rows;
    std::vector<std::vector<std::string>> gets;
    for (size_t i = 0; i < redis::ArraySize(**ids); ++i) {
      gets.push_back({"HMGET",
                      store_->RegistrationPrefix(event) + redis::AsString(redis::ArrayAt(**ids, i)),
                      "status", "pool", "seat", "places", "seq"});
    }
    auto loaded = redis_->Pipeline(gets);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    if (!loaded.ok()) return rows;
    for (size_t i = 0; i < loaded->size(); ++i) {
      const redisReply& f = *(*loaded)[i];
      StoredRow row;
      row.id = redis::AsString(redis::ArrayAt(**ids, i));
      row.status = std::stoi(redis::AsString(redis::ArrayAt(f, 0)));
      row.pool = redis::AsString(redis::ArrayAt(f, 1));
      row.seat = redis::AsString(redis::ArrayAt(f, 2));
      row.places = std::stoi(redis::AsString(redis::ArrayAt(f, 3)));
      row.seq = std::stoll(redis::AsString(redis::ArrayAt(f, 4)));
      rows.push_back(std::move(row));
    }
    // B.."all" is in creation order; a registration approved onto a full event takes a new
    // sequence (its place in the queue) without moving there.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const StoredRow& a, const StoredRow& b) { return a.seq < b.seq; });
    return rows;
  }

  // The fields of every entry of the event's partition stream, oldest first.
  std::vector<std::map<std::string, std::string>> StreamEntries(const std::string& event) {
    std::vector<std::map<std::string, std::string>> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event)), "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      std::map<std::string, std::string>& entry = out.emplace_back();
      for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
        entry[redis::AsString(redis::ArrayAt(fields, f))] =
            redis::AsString(redis::ArrayAt(fields, f + 1));
      }
    }
    return out;
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisRegistrationStore> store_;
  FakeEventDirectory directory_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Registrar> registrar_;
};

}  // namespace events::registration::testing
