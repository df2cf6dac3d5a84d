// What happens to places and waiting lists when an event's pools or capacity change, on a
// real Redis (EVENTS_TEST_REDIS_URL): the cases outside testing found (issue 12, items 1, 7
// and 21), each as it was reported. The rules are in docs/registration.md ("When the
// capacity or the pools change").
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/registration/redis_registrar_fixture.h"

namespace events::registration {
namespace {

using events::v1::REGISTRATION_STATUS_CONFIRMED;
using events::v1::REGISTRATION_STATUS_WAITLISTED;
using testing::kNow;
using testing::kOrg;

constexpr char kPool[] = "lived_experience";

class PoolChangesTest : public testing::RedisRegistrarTest {
 protected:
  // Capacity 10, a pool of 5: persons 1-5 hold the general places, 6-10 the pool's; then
  // 11 (general), 12 (pool), 13, 14, 15, 16 wait, alternating.
  std::string FullEvent() {
    std::string event = NewEvent(10);
    EXPECT_TRUE(Configure(event, {{kPool, 5}}).ok());
    for (int n = 1; n <= 16; ++n) {
      const bool pool = (n >= 6 && n <= 10) || (n > 10 && n % 2 == 0);
      people_[n] = MustRegister(event, n, pool ? kPool : "");
      EXPECT_EQ(people_[n].registration.status(),
                n <= 10 ? REGISTRATION_STATUS_CONFIRMED : REGISTRATION_STATUS_WAITLISTED)
          << n;
    }
    return event;
  }

  events::v1::CapacitySummary Summary(const std::string& event) {
    auto s = registrar_->Capacity(kOrg, event);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.value_or(events::v1::CapacitySummary{});
  }
  static const events::v1::PoolSummary& PoolOf(const events::v1::CapacitySummary& s,
                                               const std::string& pool) {
    for (const auto& p : s.pools()) {
      if (p.pool() == pool) return p;
    }
    static const events::v1::PoolSummary none;
    return none;
  }

  // Places held, recounted from the registrations themselves.
  int Held(const std::string& event) {
    int held = 0;
    for (const auto& r : Rows(event)) held += r.status == 1 ? r.places : 0;
    return held;
  }

  events::v1::Registration Mine(int n) {
    auto r = registrar_->GetMine(people_[n].token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(events::v1::Registration{});
  }

  void Cancel(int n) { ASSERT_TRUE(registrar_->CancelMine(people_[n].token).ok()) << n; }

  // Scheduling changes the event's capacity (UpdateEvent), as the facts projector applies it.
  void SchedulingSetsCapacity(const std::string& event, int capacity) {
    EventFacts f = *directory_.Fetch(event);
    f.capacity = capacity;
    f.version += 1;
    directory_.Put(f);
    ASSERT_TRUE(store_->UpsertFacts(f).ok());
  }

  std::map<int, Registered> people_;
};

TEST_F(PoolChangesTest, RemovingAPoolKeepsItsPlacesHeldAndMovesItsWaitingListToGeneralInOrder) {
  const std::string event = FullEvent();
  ASSERT_TRUE(Configure(event, {}).ok());

  const auto summary = Summary(event);
  EXPECT_EQ(summary.confirmed_places(), 10);  // was 8: the pool's places were forgotten
  EXPECT_EQ(Held(event), 10);
  EXPECT_EQ(PoolOf(summary, "general").places(), 10);
  EXPECT_EQ(PoolOf(summary, "general").taken(), 10);
  EXPECT_EQ(PoolOf(summary, "general").waitlisted(), 6);
  // The pool's waiting people are general now, in the order everyone registered.
  for (int n = 11; n <= 16; ++n) {
    EXPECT_EQ(Mine(n).pool(), "general") << n;
    EXPECT_EQ(Mine(n).waitlist_position(), n - 10) << n;
  }
  // Newcomers wait (five were confirmed: 15 of 10).
  auto newcomer = Register(event, 17, "");
  ASSERT_TRUE(newcomer.ok());
  EXPECT_EQ(newcomer->registration.status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(newcomer->registration.waitlist_position(), 7);
  // A freed place goes to whoever waited longest, the former pool's people included.
  Cancel(6);
  EXPECT_EQ(Mine(11).status(), REGISTRATION_STATUS_CONFIRMED);
  Cancel(1);
  EXPECT_EQ(Mine(12).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(13).status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Held(event), 10);
  EXPECT_EQ(Summary(event).confirmed_places(), 10);
}

TEST_F(PoolChangesTest, ShrinkingAPoolKeepsItsHoldersAndOverbooksNobody) {
  const std::string event = FullEvent();
  ASSERT_TRUE(Configure(event, {{kPool, 2}}).ok());
  auto summary = Summary(event);
  EXPECT_EQ(summary.confirmed_places(), 10);  // was 13 of 10 after newcomers
  EXPECT_EQ(PoolOf(summary, kPool).places(), 2);
  EXPECT_EQ(PoolOf(summary, kPool).taken(), 2);  // the earliest two; three count as general
  EXPECT_EQ(PoolOf(summary, "general").places(), 8);
  EXPECT_EQ(PoolOf(summary, "general").taken(), 8);
  EXPECT_EQ(Register(event, 17, "")->registration.status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Register(event, 18, kPool)->registration.status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Held(event), 10);
  // A pool place freed goes to the first of the pool's waiting list.
  Cancel(6);
  EXPECT_EQ(Mine(12).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(11).status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Held(event), 10);
}

TEST_F(PoolChangesTest, GrowingAPoolWhileGeneralPlacesAreFullOverbooksNobody) {
  const std::string event = FullEvent();
  ASSERT_TRUE(Configure(event, {{kPool, 7}}).ok());
  auto summary = Summary(event);
  EXPECT_EQ(summary.confirmed_places(), 10);  // was 12 of 10
  EXPECT_EQ(PoolOf(summary, kPool).places(), 7);
  EXPECT_EQ(PoolOf(summary, kPool).taken(), 5);
  EXPECT_EQ(PoolOf(summary, "general").places(), 3);
  EXPECT_EQ(PoolOf(summary, "general").taken(), 5);  // held above its places: none given
  EXPECT_EQ(Register(event, 17, kPool)->registration.status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Mine(12).status(), REGISTRATION_STATUS_WAITLISTED);
  // Once a general holder leaves, the pool grows into its new size.
  Cancel(1);
  EXPECT_EQ(Mine(12).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(11).status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Held(event), 10);
}

TEST_F(PoolChangesTest, RenamingAPoolMakesItsHoldersGeneralAndOverbooksNobody) {
  const std::string event = FullEvent();
  ASSERT_TRUE(Configure(event, {{"lived", 5}}).ok());
  auto summary = Summary(event);
  EXPECT_EQ(summary.confirmed_places(), 10);
  EXPECT_EQ(PoolOf(summary, "lived").taken(), 0);
  EXPECT_EQ(PoolOf(summary, "general").taken(), 10);
  EXPECT_EQ(PoolOf(summary, "general").waitlisted(), 6);
  for (int n = 17; n <= 21; ++n) {  // five were confirmed: 15 of 10
    EXPECT_EQ(Register(event, n, "lived")->registration.status(), REGISTRATION_STATUS_WAITLISTED)
        << n;
  }
  EXPECT_EQ(Held(event), 10);
  EXPECT_EQ(Mine(7).pool(), "general");  // the place they hold is a general one now
}

TEST_F(PoolChangesTest, SchedulingCuttingCapacityBelowAPoolCutsThePool) {
  const std::string event = NewEvent(10);
  ASSERT_TRUE(Configure(event, {{kPool, 5}}).ok());
  SchedulingSetsCapacity(event, 3);
  for (int n = 1; n <= 6; ++n) people_[n] = MustRegister(event, n, kPool);
  for (int n = 1; n <= 6; ++n) {
    EXPECT_EQ(people_[n].registration.status(),
              n <= 3 ? REGISTRATION_STATUS_CONFIRMED : REGISTRATION_STATUS_WAITLISTED)
        << n;  // all six were confirmed
  }
  auto summary = Summary(event);
  EXPECT_EQ(summary.confirmed_places(), 3);
  EXPECT_EQ(PoolOf(summary, kPool).places(), 3);
  EXPECT_EQ(PoolOf(summary, "general").places(), 0);
}

TEST_F(PoolChangesTest, ACapacityCutKeepsPlacesHeldAndGivesNoneUntilBelowIt) {
  const std::string event = FullEvent();
  SchedulingSetsCapacity(event, 3);
  EXPECT_EQ(Held(event), 10);  // never taken away
  EXPECT_EQ(Register(event, 17, kPool)->registration.status(), REGISTRATION_STATUS_WAITLISTED);
  // Each cancellation frees a place; none is given while 3 or more are held.
  for (int k = 1; k <= 9; ++k) {
    Cancel(k);
    EXPECT_EQ(Held(event), std::max(3, 10 - k)) << "after cancelling " << k;
    EXPECT_EQ(Summary(event).confirmed_places(), std::max(3, 10 - k));
  }
  // Only the pool's waiting people could get one (the pool is cut to the 3 places).
  EXPECT_EQ(Mine(12).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(14).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(11).status(), REGISTRATION_STATUS_WAITLISTED);
}

// Item 7: a promotion is a promotion whatever caused it, with its time.
TEST_F(PoolChangesTest, PromotionsByACapacityRiseAreDomainEventsWithTheirTime) {
  const std::string event = NewEvent(1);
  for (int n = 1; n <= 4; ++n) people_[n] = MustRegister(event, n, "");
  auto promoted_at = [&](int n) -> std::string {
    for (const auto& e : StreamEntries(event)) {
      if (e.at("type") == "registration.promoted" &&
          e.at("subject") == people_[n].registration.id()) {
        return e.at("time");
      }
    }
    return "(no registration.promoted)";
  };

  clock_.Set(kNow + 5000);
  ASSERT_TRUE(registrar_->ChangeCapacity(kOrg, event, 2, "Bearer organiser").ok());
  EXPECT_EQ(Mine(2).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(promoted_at(2), std::to_string(kNow + 5000));  // was 0

  clock_.Set(kNow + 6000);
  SchedulingSetsCapacity(event, 3);
  EXPECT_EQ(promoted_at(3), std::to_string(kNow + 6000));

  clock_.Set(kNow + 7000);
  ASSERT_TRUE(registrar_->ChangeCapacity(kOrg, event, 5, "Bearer organiser").ok());
  EXPECT_EQ(promoted_at(4), std::to_string(kNow + 7000));
  for (const auto& e : StreamEntries(event)) {
    EXPECT_NE(e.at("time"), "0") << e.at("type") << " " << e.at("subject");
  }
}

// Item 21: Registration.pool is the pool the place is in.
TEST_F(PoolChangesTest, APoolMemberHoldingAGeneralPlaceShowsTheGeneralPool) {
  const std::string event = NewEvent(3);
  ASSERT_TRUE(Configure(event, {{kPool, 1}}).ok());
  people_[1] = MustRegister(event, 1, kPool);
  people_[2] = MustRegister(event, 2, kPool);  // the pool is full: a general place
  people_[3] = MustRegister(event, 3, "");
  people_[4] = MustRegister(event, 4, kPool);  // everything is full: waits for the pool
  EXPECT_EQ(people_[1].registration.pool(), kPool);
  EXPECT_EQ(people_[2].registration.status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(people_[2].registration.pool(), "general");
  EXPECT_EQ(Mine(2).pool(), "general");
  EXPECT_EQ(Mine(1).pool(), kPool);
  EXPECT_EQ(people_[4].registration.status(), REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(Mine(4).pool(), kPool);
  events::v1::ListRegistrationsRequest list;
  list.set_event_id(event);
  auto listed = registrar_->List(kOrg, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->registrations_size(), 4);
  EXPECT_EQ(listed->registrations(1).pool(), "general");
  // Promoted into the pool's place, the waiting member shows the pool.
  Cancel(1);
  EXPECT_EQ(Mine(4).status(), REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(4).pool(), kPool);
}

}  // namespace
}  // namespace events::registration
