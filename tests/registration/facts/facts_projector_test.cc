// FactsProjector over the real partition streams, fed by the real scheduling service.
#include "services/registration/facts/facts_projector.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "common/bus/event_bus.h"
#include "common/redis/redis_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/registration/facts/fake_facts_writer.h"
#include "tests/registration/facts/in_process_scheduling.h"

namespace events::registration {
namespace {

using testing::FakeFactsWriter;

class FactsProjectorTest : public testing::InProcessSchedulingTest {
 protected:
  bus::ConsumerOptions Options(std::chrono::milliseconds claim_idle = std::chrono::seconds(60)) {
    bus::ConsumerOptions options;
    options.group = "registration-facts";
    options.consumer = "test-consumer";
    options.claim_idle = claim_idle;
    return options;
  }

  // Calls RunOnce until `done` holds, for up to 10 s. Returns whether it did.
  bool RunUntil(FactsProjector& projector, const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      absl::StatusOr<int> acked = projector.RunOnce();
      EXPECT_TRUE(acked.ok()) << acked.status();
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  // Creates, publishes and raises the capacity of an event; returns it at its last version.
  events::v1::Event CreatePublishUpdate() {
    events::v1::Event e = MustCreate();
    e = MustPublish(e.id());
    events::v1::UpdateEventRequest update;
    update.set_event_id(e.id());
    update.set_expected_version(e.version());
    *update.mutable_details() = e.details();
    update.mutable_details()->set_capacity(400);
    events::v1::Event out;
    grpc::Status s = stub_->UpdateEvent(Call(organiser_key_).get(), update, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // How many entries the group has handed out and not yet acked, over every partition.
  int64_t Pending(const std::string& group) {
    int64_t pending = 0;
    for (int p = 0; p < keys_->partitions(); ++p) {
      auto reply = redis_->Command({"XPENDING", keys_->Stream(p), group});
      if (reply.ok() && redis::IsArray(**reply) && redis::ArraySize(**reply) > 0) {
        pending += redis::AsInt(redis::ArrayAt(**reply, 0));
      }
    }
    return pending;
  }

  prometheus::Registry counters_registry_;
  prometheus::Family<prometheus::Counter>& family_ =
      prometheus::BuildCounter().Name("test_facts_total").Register(counters_registry_);
};

TEST_F(FactsProjectorTest, ProjectsTheLatestVersionAndAcksEverything) {
  events::v1::Event last = CreatePublishUpdate();
  ASSERT_EQ(last.version(), 3);

  bus::Consumer consumer(*redis_, *keys_, Options());
  FakeFactsWriter writer;
  FactsProjector projector(consumer, writer);
  ASSERT_TRUE(RunUntil(projector, [&] { return writer.VersionOf(last.id()) == 3; }));

  std::optional<EventFacts> facts = writer.Get(last.id());
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ(facts->org_id, org_);
  EXPECT_EQ(facts->status, events::v1::EVENT_STATUS_PUBLISHED);
  EXPECT_EQ(facts->capacity, 400);
  EXPECT_EQ(facts->start_unix_ms, last.start_unix_ms());
  EXPECT_EQ(facts->registration_opens_unix_ms, last.registration_opens_unix_ms());
  EXPECT_EQ(facts->time_zone, "Europe/London");
  // created, published, updated: each written once, in order.
  std::vector<int64_t> versions;
  for (const EventFacts& call : writer.calls()) versions.push_back(call.version);
  EXPECT_THAT(versions, ::testing::ElementsAre(1, 2, 3));

  absl::StatusOr<int> again = projector.RunOnce();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Pending("registration-facts"), 0);
  EXPECT_EQ(writer.calls().size(), 3u);
}

TEST_F(FactsProjectorTest, OtherEntriesAreAckedAndSkipped) {
  events::v1::Event created = MustCreate();
  // Another service's event, a reminder-like event.* with another payload, and an entry
  // that does not parse: none of them is facts.
  const int partition = keys_->PartitionOf(created.id());
  events::v1::DomainEvent other;
  other.set_id("de_other");
  other.set_type("registration.confirmed");
  other.set_data_type("events.v1.RegistrationChanged");
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, partition, other).ok());
  events::v1::DomainEvent reminder;
  reminder.set_id("de_reminder");
  reminder.set_type("event.reminder_due");
  reminder.set_data_type("events.v1.EventReminderDue");
  reminder.set_data("junk");
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, partition, reminder).ok());
  ASSERT_TRUE(redis_->Command({"XADD", keys_->Stream(partition), "*", "nonsense", "1"}).ok());
  events::v1::DomainEvent broken;
  broken.set_id("de_broken");
  broken.set_type("event.updated");
  broken.set_data_type("events.v1.EventChanged");
  broken.set_data("\xff\xff\xff");
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, partition, broken).ok());

  bus::Consumer consumer(*redis_, *keys_, Options());
  FakeFactsWriter writer;
  FactsProjector::Counters counters;
  counters.applied = &family_.Add({{"outcome", "applied"}});
  counters.ignored = &family_.Add({{"outcome", "ignored"}});
  counters.invalid = &family_.Add({{"outcome", "invalid"}});
  counters.errors = &family_.Add({{"outcome", "error"}});
  FactsProjector projector(consumer, writer, {}, counters);
  ASSERT_TRUE(RunUntil(projector, [&] {
    return counters.applied->Value() + counters.ignored->Value() + counters.invalid->Value() >= 5;
  }));
  EXPECT_EQ(counters.applied->Value(), 1);
  EXPECT_EQ(counters.ignored->Value(), 2);
  EXPECT_EQ(counters.invalid->Value(), 2);
  EXPECT_EQ(counters.errors->Value(), 0);
  EXPECT_EQ(writer.calls().size(), 1u);
  EXPECT_EQ(Pending("registration-facts"), 0);
}

TEST_F(FactsProjectorTest, AFailedWriteStaysPendingAndComesBack) {
  events::v1::Event created = MustCreate();
  bus::Consumer consumer(*redis_, *keys_, Options(std::chrono::milliseconds(20)));
  FakeFactsWriter writer;
  writer.FailNext(1, absl::InternalError("script failed"));
  FactsProjector::Counters counters;
  counters.errors = &family_.Add({{"outcome", "error"}});
  FactsProjector projector(consumer, writer, {}, counters);

  absl::StatusOr<int> first = projector.RunOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(writer.VersionOf(created.id()), 0);
  EXPECT_EQ(Pending("registration-facts"), 1);
  EXPECT_EQ(counters.errors->Value(), 1);

  ASSERT_TRUE(RunUntil(projector, [&] { return writer.VersionOf(created.id()) == 1; }));
  EXPECT_EQ(writer.calls().size(), 2u);
  EXPECT_EQ(Pending("registration-facts"), 0);
}

TEST_F(FactsProjectorTest, RedisTroubleInTheWriterEndsTheBatchAndLeavesTheRest) {
  events::v1::Event a = MustCreate();
  events::v1::Event b = MustCreate();
  bus::Consumer consumer(*redis_, *keys_, Options(std::chrono::milliseconds(20)));
  FakeFactsWriter writer;
  writer.FailNext(1);  // UNAVAILABLE
  FactsProjector projector(consumer, writer);

  absl::StatusOr<int> first = projector.RunOnce();
  EXPECT_TRUE(absl::IsUnavailable(first.status())) << first.status();
  EXPECT_EQ(writer.calls().size(), 1u);
  EXPECT_EQ(Pending("registration-facts"), 2);

  ASSERT_TRUE(RunUntil(
      projector, [&] { return writer.VersionOf(a.id()) == 1 && writer.VersionOf(b.id()) == 1; }));
  EXPECT_EQ(Pending("registration-facts"), 0);
}

TEST_F(FactsProjectorTest, TheThreadFollowsChangesAndStops) {
  bus::Consumer consumer(*redis_, *keys_, Options());
  FakeFactsWriter writer;
  FactsProjector projector(consumer, writer, {std::chrono::milliseconds(10)});
  projector.Start();
  projector.Start();  // already running: nothing happens
  events::v1::Event last = CreatePublishUpdate();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (writer.VersionOf(last.id()) < 3 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(writer.VersionOf(last.id()), 3);
  projector.Stop();
  projector.Stop();
}

}  // namespace
}  // namespace events::registration
