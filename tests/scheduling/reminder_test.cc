#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/store/fake_event_store.h"
#include "services/scheduling/worker/reminder_worker.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using testing::kDay;
using testing::kNow;
using testing::Webinar;

constexpr char kOrg[] = "org_riverside";

std::vector<events::v1::EventReminderDue> Reminders(const FakeEventStore& store) {
  std::vector<events::v1::EventReminderDue> out;
  for (const auto& e : store.Emitted()) {
    if (e.type() != "event.reminder_due") continue;
    events::v1::EventReminderDue r;
    r.ParseFromString(e.data());
    out.push_back(r);
  }
  return out;
}

class ReminderTest : public ::testing::Test {
 protected:
  ReminderWorker Worker() { return ReminderWorker(store_, clock_, {}, {}); }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  FakeEventStore store_;
  Scheduler scheduler_{store_, clock_, ids_};
};

TEST_F(ReminderTest, FiresEachReminderOnceWhenDue) {
  auto e = scheduler_.Create(kOrg, Webinar());
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e->id(), 0).ok());
  auto worker = Worker();
  EXPECT_EQ(worker.RunOnce().value(), 0);
  clock_.Set(e->start_unix_ms() - 7 * kDay - 1);
  EXPECT_EQ(worker.RunOnce().value(), 0);
  clock_.Set(e->start_unix_ms() - 7 * kDay);
  EXPECT_EQ(worker.RunOnce().value(), 1);
  EXPECT_EQ(worker.RunOnce().value(), 0);
  clock_.Set(e->start_unix_ms());
  EXPECT_EQ(worker.RunOnce().value(), 2);
  auto fired = Reminders(store_);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0].minutes_before(), 10080);
  EXPECT_EQ(fired[1].minutes_before(), 1440);
  EXPECT_EQ(fired[2].minutes_before(), 60);
  EXPECT_EQ(fired[0].event_id(), e->id());
}

TEST_F(ReminderTest, RescheduleMovesRemindersAndCancelRemovesThem) {
  auto e = scheduler_.Create(kOrg, Webinar());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e->id(), 0).ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-03-17T10:00");  // a week later
  end.set_value("2026-03-17T11:00");
  ASSERT_TRUE(scheduler_.Reschedule(kOrg, e->id(), 0, start, end, "", "").ok());
  auto worker = Worker();
  // At the old start every old reminder would be due; of the new ones only the 7-day one.
  clock_.Set(e->start_unix_ms());
  EXPECT_EQ(worker.RunOnce().value(), 1);
  auto fired = Reminders(store_);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].minutes_before(), 10080);
  EXPECT_EQ(fired[0].sequence(), 1);
  ASSERT_TRUE(scheduler_.Cancel(kOrg, e->id(), 0, "").ok());
  clock_.Set(e->start_unix_ms() + 8 * kDay);
  EXPECT_EQ(worker.RunOnce().value(), 0);
}

TEST_F(ReminderTest, ARestartedWorkerNeitherLosesNorDoubles) {
  auto e = scheduler_.Create(kOrg, Webinar());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e->id(), 0).ok());
  {
    auto first = Worker();
    clock_.Set(e->start_unix_ms() - 7 * kDay);
    EXPECT_EQ(first.RunOnce().value(), 1);
  }  // the first worker is gone; nothing of its state matters
  auto second = Worker();
  clock_.Set(e->start_unix_ms() - 7 * kDay + 1);
  EXPECT_EQ(second.RunOnce().value(), 0);
  clock_.Set(e->start_unix_ms());
  EXPECT_EQ(second.RunOnce().value(), 2);
  EXPECT_EQ(Reminders(store_).size(), 3u);
}

TEST_F(ReminderTest, ThreadedLoopFiresWithoutBeingAsked) {
  auto e = scheduler_.Create(kOrg, Webinar());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e->id(), 0).ok());
  clock_.Set(e->start_unix_ms());
  ReminderWorker worker(store_, clock_, {std::chrono::milliseconds(5), 100}, {});
  worker.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Reminders(store_).size() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  worker.Stop();
  EXPECT_EQ(Reminders(store_).size(), 3u);
}

}  // namespace
}  // namespace events::scheduling
