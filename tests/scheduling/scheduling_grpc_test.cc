// The scheduling service through real gRPC, on a real Redis: what a client sees.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/testing/grpc_service_harness.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/ics_parse.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using events::v1::SchedulingService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kNow;
using testing::Webinar;

class SchedulingGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status connected = harness_.Connect();
    ASSERT_TRUE(connected.ok()) << connected;
    store_ = std::make_unique<RedisEventStore>(harness_.redis(), harness_.keys(),
                                               RedisEventStore::Options{});
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_, ids_);
    metrics_ = std::make_unique<SchedulingMetrics>(*harness_.registry());
    service_ = std::make_unique<SchedulingServiceImpl>(*scheduler_, harness_.auth(), *metrics_);
    absl::Status started = harness_.Start("scheduling", {service_.get()});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = SchedulingService::NewStub(harness_.Channel());

    auto boot = harness_.Bootstrap("Riverside Forum");
    ASSERT_TRUE(boot.ok()) << boot.status();
    org_ = boot->org_id;
    key_ = boot->key;
    auto other = harness_.Bootstrap("Elsewhere Trust");
    ASSERT_TRUE(other.ok());
    other_key_ = other->key;
  }
  void TearDown() override { harness_.Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Call(const std::string& key) {
    return events::testing::GrpcServiceHarness::Call(key);
  }
  events::v1::Event MustCreate(const events::v1::EventDetails& d = Webinar()) {
    events::v1::CreateEventRequest req;
    *req.mutable_details() = d;
    events::v1::Event e;
    grpc::Status s = stub_->CreateEvent(Call(key_).get(), req, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  events::testing::GrpcServiceHarness harness_{clock_, ids_};
  std::unique_ptr<RedisEventStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<SchedulingMetrics> metrics_;
  std::unique_ptr<SchedulingServiceImpl> service_;
  std::unique_ptr<SchedulingService::Stub> stub_;
  std::string org_, key_, other_key_;
};

TEST_F(SchedulingGrpcTest, CreateToCancelEmitsDomainEventsInOrder) {
  auto e = MustCreate();
  events::v1::Event out;
  events::v1::PublishEventRequest publish;
  publish.set_event_id(e.id());
  publish.set_expected_version(1);
  ASSERT_TRUE(stub_->PublishEvent(Call(key_).get(), publish, &out).ok());
  events::v1::RescheduleEventRequest reschedule;
  reschedule.set_event_id(e.id());
  reschedule.mutable_new_start()->set_value("2026-03-24T14:00");
  reschedule.mutable_new_end()->set_value("2026-03-24T15:30");
  reschedule.set_reason("Room clash");
  ASSERT_TRUE(stub_->RescheduleEvent(Call(key_).get(), reschedule, &out).ok());
  EXPECT_EQ(out.sequence(), 1);
  events::v1::CancelEventRequest cancel;
  cancel.set_event_id(e.id());
  cancel.set_reason("Speaker unwell");
  ASSERT_TRUE(stub_->CancelEvent(Call(key_).get(), cancel, &out).ok());
  EXPECT_EQ(out.status(), events::v1::EVENT_STATUS_CANCELLED);

  // Read the partition streams as a real consumer group would.
  bus::Consumer consumer(harness_.redis(), harness_.keys(), {"test-group", "test-consumer"});
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  auto deliveries = consumer.Poll();
  ASSERT_TRUE(deliveries.ok()) << deliveries.status();
  std::vector<std::string> types;
  std::vector<int64_t> versions;
  for (const auto& d : *deliveries) {
    if (d.event.subject() != e.id()) continue;
    types.push_back(d.event.type());
    events::v1::EventChanged change;
    ASSERT_TRUE(change.ParseFromString(d.event.data()));
    versions.push_back(change.version());
    EXPECT_EQ(d.event.org_id(), org_);
    EXPECT_TRUE(consumer.Ack(d).ok());
  }
  EXPECT_THAT(types, ElementsAre("event.created", "event.published", "event.rescheduled",
                                 "event.cancelled"));
  EXPECT_THAT(versions, ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(metrics_->created.Value(), 1);
  EXPECT_EQ(metrics_->published.Value(), 1);
  EXPECT_EQ(metrics_->rescheduled.Value(), 1);
  EXPECT_EQ(metrics_->cancelled.Value(), 1);
}

struct BadCase {
  std::string name;
  std::function<void(events::v1::EventDetails&)> change;
  std::string field;
};

TEST_F(SchedulingGrpcTest, BadInputGetsInvalidArgumentNamingTheField) {
  std::vector<BadCase> cases = {
      {"empty title", [](auto& d) { d.set_title(""); }, "details.title"},
      {"title too long", [](auto& d) { d.set_title(std::string(300, 'a')); }, "details.title"},
      {"wrong zone", [](auto& d) { d.set_time_zone("Europe/Atlantis"); }, "details.time_zone"},
      {"end before start", [](auto& d) { d.mutable_end()->set_value("2026-03-10T09:00"); },
       "details.end"},
      {"start missing", [](auto& d) { d.clear_start(); }, "details.start"},
      {"no capacity", [](auto& d) { d.set_capacity(0); }, "details.capacity"},
      {"plain http link", [](auto& d) { d.set_join_link("http://x.example.org"); },
       "details.join_link"},
      {"bad contact", [](auto& d) { d.mutable_organiser_contact()->set_email("sam@"); },
       "details.organiser_contact.email"},
      {"in the gap",
       [](auto& d) {
         d.mutable_start()->set_value("2026-03-29T01:00");
         d.mutable_end()->set_value("2026-03-29T03:00");
       },
       "details.start"},
  };
  for (const auto& c : cases) {
    auto d = Webinar();
    c.change(d);
    events::v1::CreateEventRequest req;
    *req.mutable_details() = d;
    events::v1::Event e;
    grpc::Status s = stub_->CreateEvent(Call(key_).get(), req, &e);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.name;
  }
  EXPECT_EQ(metrics_->created.Value(), 0);
}

TEST_F(SchedulingGrpcTest, CallersAreCheckedOnEveryChange) {
  auto e = MustCreate();
  events::v1::PublishEventRequest publish;
  publish.set_event_id(e.id());
  events::v1::Event out;

  grpc::Status missing = stub_->PublishEvent(Call("").get(), publish, &out);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(missing.error_message(), HasSubstr("authorization: Bearer"));
  EXPECT_EQ(stub_->PublishEvent(Call("evk_forged").get(), publish, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  grpc::Status other = stub_->PublishEvent(Call(other_key_).get(), publish, &out);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(other.error_message(), HasSubstr(e.id()));

  publish.set_event_id("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(stub_->PublishEvent(Call(key_).get(), publish, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  publish.set_event_id("");
  grpc::Status empty = stub_->PublishEvent(Call(key_).get(), publish, &out);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("event_id"));

  // An integration key may read its organisation's events, never change them.
  auto reader = auth::IssueKey(harness_.key_store(), ids_, clock_, org_, {auth::Role::kIntegration},
                               {"events:read"}, "mailing tool");
  ASSERT_TRUE(reader.ok());
  events::v1::CreateEventRequest create;
  *create.mutable_details() = Webinar();
  grpc::Status denied = stub_->CreateEvent(Call(reader->plaintext).get(), create, &out);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("organiser"));
  events::v1::ListOrganisationEventsRequest list;
  events::v1::ListEventsResponse listed;
  ASSERT_TRUE(stub_->ListOrganisationEvents(Call(reader->plaintext).get(), list, &listed).ok());
  EXPECT_EQ(listed.events_size(), 1);
  EXPECT_EQ(stub_->ListOrganisationEvents(Call("").get(), list, &listed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SchedulingGrpcTest, LifecycleRefusalsAreFailedPreconditionAndStaleVersionsAborted) {
  auto e = MustCreate();
  events::v1::Event out;
  events::v1::RescheduleEventRequest reschedule;
  reschedule.set_event_id(e.id());
  reschedule.mutable_new_start()->set_value("2026-03-24T14:00");
  reschedule.mutable_new_end()->set_value("2026-03-24T15:00");
  grpc::Status draft = stub_->RescheduleEvent(Call(key_).get(), reschedule, &out);
  EXPECT_EQ(draft.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(draft.error_message(), HasSubstr("draft"));
  events::v1::CompleteEventRequest complete;
  complete.set_event_id(e.id());
  EXPECT_EQ(stub_->CompleteEvent(Call(key_).get(), complete, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  events::v1::PublishEventRequest publish;
  publish.set_event_id(e.id());
  publish.set_expected_version(7);
  EXPECT_EQ(stub_->PublishEvent(Call(key_).get(), publish, &out).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(SchedulingGrpcTest, PublicReadsNeedNoKeyAndNeverShowTheJoinLink) {
  auto e = MustCreate();
  events::v1::GetEventRequest get;
  get.set_event_id(e.id());
  events::v1::Event out;
  EXPECT_EQ(stub_->GetEvent(Call("").get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);  // drafts are private
  events::v1::PublishEventRequest publish;
  publish.set_event_id(e.id());
  ASSERT_TRUE(stub_->PublishEvent(Call(key_).get(), publish, &out).ok());

  ASSERT_TRUE(stub_->GetEvent(Call("").get(), get, &out).ok());
  EXPECT_TRUE(out.details().join_link().empty());
  ASSERT_TRUE(stub_->GetEvent(Call(key_).get(), get, &out).ok());
  EXPECT_EQ(out.details().join_link(), Webinar().join_link());

  events::v1::ListUpcomingEventsRequest upcoming;
  events::v1::ListEventsResponse page;
  ASSERT_TRUE(stub_->ListUpcomingEvents(Call("").get(), upcoming, &page).ok());
  ASSERT_EQ(page.events_size(), 1);
  EXPECT_TRUE(page.events(0).details().join_link().empty());
  upcoming.mutable_page()->set_page_size(1000);
  grpc::Status too_big = stub_->ListUpcomingEvents(Call("").get(), upcoming, &page);
  EXPECT_EQ(too_big.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(too_big.error_message(), HasSubstr("page.page_size"));

  events::v1::GetEventCalendarRequest ics_req;
  ics_req.set_event_id(e.id());
  events::v1::CalendarFile ics;
  ASSERT_TRUE(stub_->GetEventCalendar(Call("").get(), ics_req, &ics).ok());
  auto parsed = ParseIcs(ics.content());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto vevents = parsed->Children("VEVENT");
  ASSERT_EQ(vevents.size(), 1u);
  EXPECT_EQ(ics.content().find("meet.example.org"), std::string::npos);
}

TEST_F(SchedulingGrpcTest, ASeriesThroughGrpc) {
  events::v1::CreateSeriesRequest req;
  *req.mutable_template_() = Webinar();
  req.mutable_rule()->set_frequency(events::v1::FREQUENCY_MONTHLY);
  req.mutable_rule()->set_count(3);
  events::v1::Series series;
  grpc::Status s = stub_->CreateSeries(Call(key_).get(), req, &series);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(series.event_ids_size(), 3);
  events::v1::PublishSeriesRequest publish;
  publish.set_series_id(series.id());
  ASSERT_TRUE(stub_->PublishSeries(Call(key_).get(), publish, &series).ok());
  events::v1::GetSeriesCalendarRequest ics_req;
  ics_req.set_series_id(series.id());
  events::v1::CalendarFile ics;
  ASSERT_TRUE(stub_->GetSeriesCalendar(Call("").get(), ics_req, &ics).ok());
  auto parsed = ParseIcs(ics.content());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Children("VEVENT").size(), 3u);
  req.mutable_rule()->set_count(0);
  EXPECT_EQ(stub_->CreateSeries(Call(key_).get(), req, &series).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace events::scheduling
