// AccessDesk on RedisAccessibilityStore against a real redis-server: the scripts are the
// rules (an in-memory fake that re-implemented them is gone).
#include "services/accessibility/domain/access_desk.h"

#include <map>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/accessibility/rules/request_rules.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/job_worker.h"
#include "tests/accessibility/accessibility_test_support.h"

namespace events::accessibility {
namespace {

using events::v1::AccessibilityRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using namespace testing;  // NOLINT: the test support constants

class AccessDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    redis_store_ = std::make_unique<RedisAccessibilityStore>(*redis_, *keys_,
                                                             RedisAccessibilityStore::Options{});
    store_ = redis_store_.get();
    event_ = ids_.New("ev");
    events_.Put(Webinar(event_, "org_riverside"));
    desk_ = std::make_unique<AccessDesk>(*store_, events_, registrations_, cipher_, clock_, ids_);
  }

  // The domain events appended so far for the test's event, oldest first.
  std::vector<events::v1::DomainEvent> Events() {
    std::vector<events::v1::DomainEvent> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
    EXPECT_TRUE(reply.ok());
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t j = 0; j + 1 < redis::ArraySize(fields); j += 2) {
        pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, j)),
                           redis::AsString(redis::ArrayAt(fields, j + 1)));
      }
      auto e = bus::FromStreamFields(pairs);
      EXPECT_TRUE(e.ok());
      if (e.ok()) out.push_back(*e);
    }
    return out;
  }
  std::vector<std::string> EventTypes() {
    std::vector<std::string> out;
    for (const auto& e : Events()) out.push_back(e.type());
    return out;
  }

  AccessibilityRequest MustSubmit(const std::string& token, const std::vector<std::string>& needs,
                                  const std::string& details = "Please book a BSL interpreter") {
    events::v1::SubmitRequestRequest r;
    r.set_registration_token(token);
    for (const auto& n : needs) r.add_needs(n);
    r.mutable_details()->set_details(details);
    r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
    r.set_consent(true);
    auto out = desk_->Submit(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : AccessibilityRequest();
  }
  absl::StatusOr<AccessibilityRequest> Move(const std::string& id, events::v1::RequestStatus to,
                                            const std::string& reason = "") {
    events::v1::TransitionRequestRequest t;
    t.set_request_id(id);
    t.set_to(to);
    t.set_reason(reason);
    return desk_->Transition(coordinator_, t);
  }
  events::v1::Provision MustBook(const std::string& need) {
    events::v1::AddProvisionRequest p;
    p.set_event_id(event_);
    p.set_need(need);
    p.set_description("BSL interpreter booked for the whole webinar");
    auto out = desk_->AddProvision(coordinator_, p);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : events::v1::Provision();
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisAccessibilityStore> redis_store_;
  AccessibilityStore* store_ = nullptr;
  FakeEventDirectory events_;
  FakeRegistrationDirectory registrations_;
  DetailCipher cipher_{{"k1", std::string(32, 'k')}};
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<AccessDesk> desk_;
  std::string event_;
  Staff coordinator_{"org_riverside", "key_coord", "Cora Coordinator"};
};

TEST_F(AccessDeskTest, SubmitsWithDeadlinesFromTheEventsZone) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"bsl_interpreter", "quiet_space"});
  EXPECT_EQ(r.status(), events::v1::REQUEST_STATUS_SUBMITTED);
  ASSERT_EQ(r.needs_size(), 2);
  // 14 days before 10:00 BST is 10:00 GMT: one hour more than 14 x 24 hours.
  EXPECT_EQ(r.needs(0).deadline_unix_ms(), kStart - 14 * kDay + kHour);
  EXPECT_EQ(r.deadline_unix_ms(), r.needs(0).deadline_unix_ms());
  EXPECT_FALSE(r.late());
  EXPECT_FALSE(r.consent_wording().empty());
  EXPECT_EQ(r.consent_unix_ms(), kNow);

  auto mine = desk_->GetMine(token);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->details().details(), "Please book a BSL interpreter");
  EXPECT_EQ(mine->history_size(), 1);
  EXPECT_EQ(mine->history(0).actor(), "attendee");

  events::v1::SubmitRequestRequest again;
  again.set_registration_token(token);
  again.add_needs("large_print");
  again.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  again.set_consent(true);
  EXPECT_EQ(desk_->Submit(again).status().code(), absl::StatusCode::kAlreadyExists);
  again.set_consent(false);
  EXPECT_THAT(desk_->Submit(again).status().message(), HasSubstr("consent"));
  EXPECT_THAT(EventTypes(), ElementsAre("accessibility.request_submitted"));
}

TEST_F(AccessDeskTest, ARequestAfterItsDeadlineIsAcceptedAndMarkedLate) {
  clock_.Set(kStart - 5 * kDay);
  AccessibilityRequest r =
      MustSubmit(registrations_.Register(event_), {"bsl_interpreter", "quiet_space"});
  EXPECT_TRUE(r.late());
  EXPECT_TRUE(r.needs(0).late());
  EXPECT_FALSE(r.needs(1).late());
}

TEST_F(AccessDeskTest, TheWorkflowAllowsForwardMovesAndRefusesOthers) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_IN_PROGRESS).ok());
  absl::Status back = Move(r.id(), events::v1::REQUEST_STATUS_ACKNOWLEDGED).status();
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(back.message(), HasSubstr("from in progress to acknowledged"));
  auto done = Move(r.id(), events::v1::REQUEST_STATUS_FULFILLED);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status(), events::v1::REQUEST_STATUS_FULFILLED);
  EXPECT_TRUE(done->details().details().empty());
  EXPECT_EQ(Move(r.id(), events::v1::REQUEST_STATUS_UNFULFILLABLE, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto read = desk_->Read(coordinator_, r.id(), "GetRequest");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->history_size(), 4);
  EXPECT_EQ(read->history(3).from(), events::v1::REQUEST_STATUS_IN_PROGRESS);
  EXPECT_EQ(read->history(3).to(), events::v1::REQUEST_STATUS_FULFILLED);
  EXPECT_EQ(read->history(3).actor(), "key_coord");
  EXPECT_THAT(EventTypes(),
              ElementsAre("accessibility.request_submitted", "accessibility.request_acknowledged",
                          "accessibility.request_in_progress", "accessibility.request_fulfilled"));
}

TEST_F(AccessDeskTest, CannotBeFulfilledKeepsTheReasonWithTheDetails) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"lipspeaker"});
  ASSERT_TRUE(
      Move(r.id(), events::v1::REQUEST_STATUS_UNFULFILLABLE, "No lipspeaker is free that day")
          .ok());
  auto read = desk_->Read(coordinator_, r.id(), "GetRequest");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->details().unfulfillable_reason(), "No lipspeaker is free that day");
  EXPECT_EQ(read->details().details(), "Please book a BSL interpreter");
  EXPECT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_IN_PROGRESS).ok());
}

// The at-risk and purge jobs kept their members when the job format was shared
// ("risk:<request id>", "purge:<event id>" by due ms), so those a deployed Redis holds fire as
// before: here written into the queue directly, as the version before wrote them.
TEST_F(AccessDeskTest, JobsStoredBeforeTheSharedFormatStillFire) {
  AccessibilityRequest open = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  const std::string partition = keys_->PartitionPrefix(keys_->PartitionOf(event_)) + "acc:";
  const std::string now = std::to_string(clock_.NowUnixMs());
  ASSERT_TRUE(redis_->Command({"DEL", partition + "jobs"}).ok());
  ASSERT_TRUE(redis_->Command({"ZADD", partition + "jobs", now, "risk:" + open.id()}).ok());
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 1);
  auto at_risk = desk_->AtRisk(coordinator_, {});
  ASSERT_TRUE(at_risk.ok()) << at_risk.status();
  ASSERT_EQ(at_risk->requests_size(), 1);
  EXPECT_EQ(at_risk->requests(0).id(), open.id());

  auto sealed = redis_->Command({"HEXISTS", partition + "r:" + open.id(), "sealed"});
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(redis::AsInt(**sealed), 1);
  ASSERT_TRUE(redis_->Command({"ZADD", partition + "jobs", now, "purge:" + event_}).ok());
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 1);
  sealed = redis_->Command({"HEXISTS", partition + "r:" + open.id(), "sealed"});
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(redis::AsInt(**sealed), 0);
  auto left = redis_->Command({"ZCARD", partition + "jobs"});
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(redis::AsInt(**left), 0);
}

TEST_F(AccessDeskTest, AtRiskIsRaisedByTheInjectedClock) {
  AccessibilityRequest open = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  AccessibilityRequest met = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(Move(met.id(), events::v1::REQUEST_STATUS_FULFILLED).ok());
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 0);
  EXPECT_EQ(desk_->AtRisk(coordinator_, {})->requests_size(), 0);

  // 48 hours before the deadline.
  clock_.Set(open.deadline_unix_ms() - 48 * kHour);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 1);
  auto at_risk = desk_->AtRisk(coordinator_, {});
  ASSERT_TRUE(at_risk.ok()) << at_risk.status();
  ASSERT_EQ(at_risk->requests_size(), 1);
  EXPECT_EQ(at_risk->requests(0).id(), open.id());
  EXPECT_TRUE(at_risk->requests(0).at_risk());
  EXPECT_TRUE(at_risk->requests(0).details().details().empty());
  EXPECT_EQ(EventTypes().back(), "accessibility.request_at_risk");
  EXPECT_EQ(desk_->AtRisk({"org_other", "k", "Kim Other"}, {})->requests_size(), 0);

  // Met in time: no longer at risk.
  ASSERT_TRUE(Move(open.id(), events::v1::REQUEST_STATUS_FULFILLED).ok());
  EXPECT_EQ(desk_->AtRisk(coordinator_, {})->requests_size(), 0);
}

TEST_F(AccessDeskTest, OneProvisionFulfilsSeveralRequests) {
  AccessibilityRequest a = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  AccessibilityRequest b = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  AccessibilityRequest c =
      MustSubmit(registrations_.Register(event_), {"bsl_interpreter", "large_print"});
  AccessibilityRequest other = MustSubmit(registrations_.Register(event_), {"quiet_space"});
  events::v1::Provision p = MustBook("bsl_interpreter");
  EXPECT_EQ(p.status(), events::v1::PROVISION_STATUS_BOOKED);

  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(p.id());
  auto done = desk_->Fulfil(coordinator_, f);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->provision().request_ids_size(), 3);
  ASSERT_EQ(done->requests_size(), 3);
  EXPECT_EQ(desk_->Read(coordinator_, a.id(), "t")->status(), events::v1::REQUEST_STATUS_FULFILLED);
  EXPECT_EQ(desk_->Read(coordinator_, b.id(), "t")->status(), events::v1::REQUEST_STATUS_FULFILLED);
  // Large print is not met yet.
  EXPECT_EQ(desk_->Read(coordinator_, c.id(), "t")->status(),
            events::v1::REQUEST_STATUS_IN_PROGRESS);
  EXPECT_EQ(desk_->Read(coordinator_, other.id(), "t")->status(),
            events::v1::REQUEST_STATUS_SUBMITTED);

  // Naming a request that does not ask for the need is refused.
  f.add_request_ids(other.id());
  EXPECT_THAT(desk_->Fulfil(coordinator_, f).status().message(), HasSubstr("does not ask for"));
  auto list = desk_->Provisions(coordinator_, event_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->provisions_size(), 1);
  EXPECT_EQ(list->provisions(0).request_ids_size(), 3);
}

TEST_F(AccessDeskTest, ARescheduleSendsProvisionsBackToReconfirmation) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest a = MustSubmit(token, {"bsl_interpreter"});
  events::v1::Provision p = MustBook("bsl_interpreter");
  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(p.id());
  ASSERT_TRUE(desk_->Fulfil(coordinator_, f).ok());

  events::v1::EventChanged change;
  change.set_event_id(event_);
  change.set_org_id("org_riverside");
  change.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  change.set_version(3);
  change.set_start_unix_ms(kStart + 7 * kDay);
  change.set_end_unix_ms(kStart + 7 * kDay + int64_t{90} * 60000);
  change.set_time_zone("Europe/London");
  ASSERT_TRUE(desk_->OnEventChanged("event.rescheduled", change).ok());

  auto provisions = desk_->Provisions(coordinator_, event_);
  ASSERT_TRUE(provisions.ok());
  EXPECT_EQ(provisions->provisions(0).status(), events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
  auto read = desk_->Read(coordinator_, a.id(), "GetRequest");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status(), events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(read->history().rbegin()->actor(), "system");
  // The deadline follows the new start: 10:00 on 29 March, the day the clocks went forward,
  // so 7 days less an hour after the old one (10:00 GMT on 22 March).
  EXPECT_EQ(read->deadline_unix_ms(), a.deadline_unix_ms() + 7 * kDay - kHour);
  EXPECT_EQ(read->details().details(), "Please book a BSL interpreter");
  auto types = EventTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "accessibility.provision_needs_reconfirmation"),
            types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "accessibility.request_needs_reconfirmation"),
            types.end());
  // The attendee sees it too.
  EXPECT_EQ(desk_->GetMine(token)->status(), events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  // Redelivered: nothing more happens.
  const size_t before = types.size();
  ASSERT_TRUE(desk_->OnEventChanged("event.rescheduled", change).ok());
  EXPECT_EQ(EventTypes().size(), before);

  // The coordinator confirms the booking again.
  auto again = desk_->Fulfil(coordinator_, f);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->provision().status(), events::v1::PROVISION_STATUS_BOOKED);
  auto mine = desk_->GetMine(token);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->status(), events::v1::REQUEST_STATUS_FULFILLED);
  ASSERT_GE(mine->history_size(), 2);
  EXPECT_EQ(mine->history(mine->history_size() - 2).to(),
            events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
}

TEST_F(AccessDeskTest, OrganisersGetCountsAndOtherOrganisationsNothing) {
  for (int i = 0; i < 5; ++i) {
    MustSubmit(registrations_.Register(event_), {"bsl_interpreter", "quiet_space"});
  }
  AccessibilityRequest b = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(Move(b.id(), events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  auto counts = desk_->Counts({"org_riverside", "key_org", "Olu Organiser"}, event_);
  ASSERT_TRUE(counts.ok()) << counts.status();
  // The five alike are published; the sixth (a group of one) is not yet.
  EXPECT_EQ(counts->requests(), 5);
  EXPECT_EQ(counts->min_group(), 5);
  EXPECT_EQ(counts->published_unix_ms(), kNow);
  ASSERT_EQ(counts->counts_size(), 2);
  EXPECT_EQ(counts->counts(0).need(), "bsl_interpreter");
  EXPECT_EQ(counts->counts(0).status(), events::v1::REQUEST_STATUS_SUBMITTED);
  EXPECT_EQ(counts->counts(0).count(), 5);
  EXPECT_FALSE(counts->counts(0).withheld());

  Staff stranger{"org_other", "key_x", "Stranger"};
  EXPECT_EQ(desk_->Counts(stranger, event_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(desk_->Read(stranger, b.id(), "GetRequest").status().code(),
            absl::StatusCode::kNotFound);
  events::v1::ListRequestsRequest list;
  list.set_event_id(event_);
  EXPECT_EQ(desk_->List(stranger, list).status().code(), absl::StatusCode::kNotFound);
  auto listed = desk_->List(coordinator_, list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->requests_size(), 6);
  EXPECT_TRUE(listed->requests(0).details().details().empty());
}

// The attack of issue 12: an organiser reads GetRequestCounts right after each
// accessibility.request_submitted webhook (with the registration.created just before it
// naming the person) and takes the difference. No read may tell one submission's needs.
TEST_F(AccessDeskTest, CountsReadAfterEachSubmissionTieNoNeedsToASubmitter) {
  const Staff organiser{"org_riverside", "key_org", "Olu Organiser"};
  const std::vector<std::vector<std::string>> asked = {{"bsl_interpreter"},
                                                       {"deafblind_interpreter"},
                                                       {"live_captions", "quiet_space"},
                                                       {"easy_read"},
                                                       {"bsl_interpreter", "large_print"},
                                                       {"step_free_access", "live_captions"},
                                                       {"carer_place", "live_captions"},
                                                       {"hearing_loop", "live_captions"},
                                                       {"regular_breaks", "live_captions"},
                                                       {"bsl_interpreter"},
                                                       {"lipspeaker"},
                                                       {"live_captions"},
                                                       {"bsl_interpreter"}};
  auto first = desk_->Counts(organiser, event_);
  ASSERT_TRUE(first.ok()) << first.status();
  events::v1::RequestCounts previous = *first;
  std::vector<std::string> ids;
  int changes_seen = 0;
  for (const auto& needs : asked) {
    ids.push_back(MustSubmit(registrations_.Register(event_), needs).id());
    auto now = desk_->Counts(organiser, event_);
    ASSERT_TRUE(now.ok()) << now.status();
    const int newly_shown = now->requests() - previous.requests();
    if (newly_shown == 0) {
      // Nothing moved: the read says nothing about the submission just made.
      EXPECT_EQ(now->SerializeAsString(), previous.SerializeAsString());
    } else {
      // A change is the sum of at least min_group submissions.
      EXPECT_GE(newly_shown, 5);
      ++changes_seen;
    }
    for (const auto& c : now->counts()) {
      // No count small enough to single anyone out is ever shown.
      EXPECT_TRUE(c.withheld() ? c.count() == 0 : c.count() >= 5) << c.ShortDebugString();
    }
    previous = *now;
  }
  EXPECT_EQ(changes_seen, 2);
  EXPECT_EQ(previous.requests(), 10);
  // Of the ten published, five asked for live captions (shown), three for a BSL
  // interpreter and one for a deafblind interpreter (withheld, not shown as 3 or 1).
  std::map<std::string, events::v1::NeedCount> by_need;
  for (const auto& c : previous.counts()) by_need[c.need()] = c;
  EXPECT_EQ(by_need["live_captions"].count(), 5);
  EXPECT_TRUE(by_need["bsl_interpreter"].withheld());
  EXPECT_EQ(by_need["bsl_interpreter"].count(), 0);
  EXPECT_TRUE(by_need["deafblind_interpreter"].withheld());
  EXPECT_TRUE(previous.late_withheld());  // the deafblind request came after its deadline
  EXPECT_EQ(previous.late(), 0);

  // A coordinator's moves are published the same way: one acknowledgement shows nothing,
  // five do.
  ASSERT_TRUE(Move(ids[0], events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  EXPECT_EQ(desk_->Counts(organiser, event_)->SerializeAsString(), previous.SerializeAsString());
  for (int i = 1; i < 5; ++i) {
    ASSERT_TRUE(Move(ids[i], events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  }
  auto moved = desk_->Counts(organiser, event_);
  ASSERT_TRUE(moved.ok());
  EXPECT_NE(moved->SerializeAsString(), previous.SerializeAsString());
  EXPECT_EQ(moved->requests(), 10);
}

TEST_F(AccessDeskTest, EveryReadOfDetailsIsAudited) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(desk_->Read(coordinator_, r.id(), "GetRequest").ok());
  clock_.Advance(1000);
  ASSERT_TRUE(desk_->Read({"org_riverside", "key_other", "Oli Other"}, r.id(), "GetRequest").ok());
  events::v1::PageRequest page;
  page.set_page_size(1);
  auto first = desk_->Audit(coordinator_, page);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->entries_size(), 1);
  EXPECT_EQ(first->entries(0).actor(), "key_other");
  EXPECT_EQ(first->entries(0).request_id(), r.id());
  EXPECT_EQ(first->entries(0).rpc(), "GetRequest");
  EXPECT_EQ(first->entries(0).at_unix_ms(), kNow + 1000);
  page.set_page_token(first->next_page_token());
  auto second = desk_->Audit(coordinator_, page);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->entries_size(), 1);
  EXPECT_EQ(second->entries(0).actor(), "key_coord");
  EXPECT_TRUE(second->next_page_token().empty());
  EXPECT_EQ(desk_->Audit({"org_other", "k", "Kim Other"}, {})->entries_size(), 0);
}

// A page token this service did not give is INVALID_ARGUMENT naming page.page_token, on every
// paged call, before the store (and Redis) sees it: 0-0 used to reach XREVRANGE and come
// back INTERNAL with Redis's own text.
TEST_F(AccessDeskTest, AnyBadPageTokenIsInvalidArgumentNamingIt) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(desk_->Read(coordinator_, r.id(), "GetRequest").ok());
  for (const char* token : {"0-0", "-", "1-", "-1", "1-2-3", " 1-0", "1-0 ", "+1-0", "1-+0", "abc",
                            "0x10", "18446744073709551616-0", "1-18446744073709551616", "(1-0", "+",
                            "99999999999", "1\n0", "\xff"}) {
    events::v1::PageRequest page;
    page.set_page_token(token);
    const absl::Status audit = desk_->Audit(coordinator_, page).status();
    EXPECT_EQ(audit.code(), absl::StatusCode::kInvalidArgument) << token << ": " << audit;
    EXPECT_THAT(audit.message(), HasSubstr("page.page_token")) << token;
    if (absl::StrContains(token, "-")) continue;  // offsets: only the digit-free ones below
    events::v1::ListRequestsRequest list;
    list.set_event_id(event_);
    *list.mutable_page() = page;
    const absl::Status listed = desk_->List(coordinator_, list).status();
    EXPECT_EQ(listed.code(), absl::StatusCode::kInvalidArgument) << token << ": " << listed;
    EXPECT_THAT(listed.message(), HasSubstr("page.page_token")) << token;
    const absl::Status at_risk = desk_->AtRisk(coordinator_, page).status();
    EXPECT_EQ(at_risk.code(), absl::StatusCode::kInvalidArgument) << token << ": " << at_risk;
  }
  for (const char* token : {"-1", " 1", "1 ", "+1", "1-0"}) {
    events::v1::PageRequest page;
    page.set_page_token(token);
    EXPECT_EQ(desk_->AtRisk(coordinator_, page).status().code(), absl::StatusCode::kInvalidArgument)
        << token;
  }
}

TEST_F(AccessDeskTest, WithdrawalAndErasureDeleteTheDetailsAtOnce) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"bsl_interpreter"});
  auto withdrawn = desk_->WithdrawMine(token);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->status(), events::v1::REQUEST_STATUS_WITHDRAWN);
  EXPECT_TRUE(withdrawn->details_deleted());
  auto read = desk_->Read(coordinator_, r.id(), "GetRequest");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->details_deleted());
  EXPECT_TRUE(read->details().details().empty());
  EXPECT_EQ(desk_->WithdrawMine(token).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(desk_->EraseMine(token).ok());
  EXPECT_EQ(desk_->GetMine(token).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(desk_->Read(coordinator_, r.id(), "GetRequest")->registration_id().empty());
  // A new request may follow.
  MustSubmit(token, {"large_print"});
  // Domain events carry ids, statuses, flags and times only: every payload decodes as
  // AccessibilityRequestChanged with no field but those, and no unknown ones.
  const std::set<std::string> allowed = {"request_id", "event_id",         "registration_id",
                                         "org_id",     "status",           "previous_status",
                                         "late",       "deadline_unix_ms", "version"};
  std::vector<events::v1::DomainEvent> events = Events();
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) {
    ASSERT_EQ(e.data_type(), "events.v1.AccessibilityRequestChanged") << e.type();
    events::v1::AccessibilityRequestChanged data;
    ASSERT_TRUE(data.ParseFromString(e.data())) << e.type();
    std::vector<const google::protobuf::FieldDescriptor*> set;
    events::v1::AccessibilityRequestChanged::GetReflection()->ListFields(data, &set);
    for (const auto* field : set) EXPECT_EQ(allowed.count(field->name()), 1u) << field->name();
    EXPECT_TRUE(data.GetReflection()->GetUnknownFields(data).empty()) << e.type();
    EXPECT_EQ(data.request_id(), e.subject());
  }
}

TEST_F(AccessDeskTest, DetailsAreDeletedAfterTheRetentionTime) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"bsl_interpreter"});
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_FULFILLED).ok());
  clock_.Set(kStart + int64_t{90} * 60000 + 30 * kDay - 1);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 0);
  EXPECT_FALSE(desk_->GetMine(token)->details_deleted());
  clock_.Advance(1);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 1);
  auto mine = desk_->GetMine(token);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->details_deleted());
  EXPECT_EQ(mine->status(), events::v1::REQUEST_STATUS_FULFILLED);
}

// ACCESSIBILITY_RETENTION_DAYS=0 is allowed: details go as soon as the event ends.
TEST_F(AccessDeskTest, ZeroRetentionDaysPurgesAsSoonAsTheEventEnds) {
  DeskOptions options;
  options.retention_days = 0;
  desk_ = std::make_unique<AccessDesk>(*store_, events_, registrations_, cipher_, clock_, ids_,
                                       options);
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"quiet_space"});
  ASSERT_FALSE(r.id().empty());
  events::v1::UpdateMyRequestRequest u;
  u.set_registration_token(token);
  u.add_needs("quiet_space");
  u.add_needs("regular_breaks");
  u.mutable_details()->set_details("changed");
  u.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  ASSERT_TRUE(desk_->UpdateMine(u).ok());
  const int64_t end = kStart + int64_t{90} * 60000;
  clock_.Set(end - 1);
  ASSERT_TRUE(JobWorker(*desk_).RunOnce().ok());
  EXPECT_FALSE(desk_->GetMine(token)->details_deleted());
  clock_.Set(end);
  ASSERT_TRUE(JobWorker(*desk_).RunOnce().ok());
  auto mine = desk_->GetMine(token);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->details_deleted());
}

TEST_F(AccessDeskTest, UpdatingGoesBackToSubmitted) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"bsl_interpreter"});
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_FULFILLED).ok());
  events::v1::UpdateMyRequestRequest u;
  u.set_registration_token(token);
  u.add_needs("bsl_interpreter");
  u.add_needs("large_print");
  u.mutable_details()->set_details("And large print, please");
  u.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  auto updated = desk_->UpdateMine(u);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->status(), events::v1::REQUEST_STATUS_SUBMITTED);
  EXPECT_EQ(updated->needs_size(), 2);
  EXPECT_EQ(updated->details().details(), "And large print, please");
  EXPECT_EQ(EventTypes().back(), "accessibility.request_updated");
}

TEST_F(AccessDeskTest, AStaleWriteChangesNothing) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  auto stored = store_->GetRequest(r.id());
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  // A write based on the version read before the move is refused, and so is the whole batch.
  RequestWrite w;
  w.after = *stored;
  w.after.request.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  w.after.request.set_version(stored->request.version() + 1);
  w.expected_version = stored->request.version();
  ProvisionWrite p;
  p.after.org_id = "org_riverside";
  p.after.provision.set_id("pv_x");
  p.after.provision.set_event_id(event_);
  p.after.provision.set_version(1);
  Batch batch;
  batch.event_id = event_;
  batch.retention_ms = 30 * kDay;
  batch.provisions.push_back(p);
  batch.requests.push_back(w);
  EXPECT_EQ(store_->Apply(batch, kNow).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->GetRequest(r.id())->request.status(), events::v1::REQUEST_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(desk_->Provisions(coordinator_, event_)->provisions_size(), 0);
  events::v1::TransitionRequestRequest t;
  t.set_request_id(r.id());
  t.set_to(events::v1::REQUEST_STATUS_IN_PROGRESS);
  t.set_expected_version(1);
  EXPECT_EQ(desk_->Transition(coordinator_, t).status().code(), absl::StatusCode::kAborted);
}

TEST_F(AccessDeskTest, ACancellationAsksForReconfirmationAndStopsAtRiskJobs) {
  AccessibilityRequest met = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  AccessibilityRequest open = MustSubmit(registrations_.Register(event_), {"large_print"});
  events::v1::Provision p = MustBook("bsl_interpreter");
  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(p.id());
  ASSERT_TRUE(desk_->Fulfil(coordinator_, f).ok());
  ASSERT_EQ(desk_->Read(coordinator_, met.id(), "t")->status(),
            events::v1::REQUEST_STATUS_FULFILLED);
  events::v1::EventChanged change;
  change.set_event_id(event_);
  change.set_org_id("org_riverside");
  change.set_status(events::v1::EVENT_STATUS_CANCELLED);
  change.set_version(3);
  change.set_start_unix_ms(kStart);
  change.set_end_unix_ms(kStart + int64_t{90} * 60000);
  ASSERT_TRUE(desk_->OnEventChanged("event.cancelled", change).ok());
  EXPECT_EQ(desk_->Read(coordinator_, met.id(), "t")->status(),
            events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(desk_->Provisions(coordinator_, event_)->provisions(0).status(),
            events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(desk_->Read(coordinator_, open.id(), "t")->status(),
            events::v1::REQUEST_STATUS_SUBMITTED);
  clock_.Set(open.deadline_unix_ms());
  EXPECT_EQ(*JobWorker(*desk_).RunOnce(), 0);
  EXPECT_EQ(desk_->AtRisk(coordinator_, {})->requests_size(), 0);
  // An event nobody asked anything for is ignored.
  change.set_event_id(ids_.New("ev"));
  EXPECT_TRUE(desk_->OnEventChanged("event.cancelled", change).ok());
}

// --- Retention cannot be undone (H1, H2) ---------------------------------------------------

constexpr int64_t kEnd = kStart + int64_t{90} * 60000;
constexpr int64_t kPurgeAt = kEnd + 30 * kDay;

events::v1::UpdateMyRequestRequest Update(const std::string& token,
                                          const std::vector<std::string>& needs) {
  events::v1::UpdateMyRequestRequest u;
  u.set_registration_token(token);
  for (const auto& n : needs) u.add_needs(n);
  u.mutable_details()->set_details("Changed my mind");
  u.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  return u;
}

TEST_F(AccessDeskTest, AttendeesCannotChangeARequestOnceTheEventHasEnded) {
  const std::string token = registrations_.Register(event_);
  MustSubmit(token, {"bsl_interpreter"});
  clock_.Set(kPurgeAt);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 2);  // its at-risk job and the event's purge
  ASSERT_TRUE(desk_->GetMine(token)->details_deleted());
  absl::Status s = desk_->UpdateMine(Update(token, {"bsl_interpreter"})).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("has ended"));
  EXPECT_TRUE(desk_->GetMine(token)->details_deleted());
}

TEST_F(AccessDeskTest, WritingDetailsAfterThePurgeReArmsIt) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  clock_.Set(kPurgeAt);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 2);  // its at-risk job and the event's purge
  // Any write of details (here straight to the store) puts the purge job back.
  auto stored = store_->GetRequest(r.id());
  ASSERT_TRUE(stored.ok());
  RequestWrite w;
  w.after = *stored;
  w.after.request.clear_history();
  w.after.request.set_version(stored->request.version() + 1);
  w.expected_version = stored->request.version();
  events::v1::RequestDetails details;
  details.set_details("written late");
  w.after.sealed = *cipher_.Seal(details, r.id());
  Batch batch;
  batch.event_id = event_;
  batch.requests.push_back(w);
  // Refused without the retention time (a bug of the caller, not bad input).
  const absl::Status no_retention = store_->Apply(batch, kPurgeAt);
  EXPECT_EQ(no_retention.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(no_retention.message(), HasSubstr("ACCESSIBILITY_RETENTION_DAYS"));
  batch.retention_ms = 30 * kDay;
  ASSERT_TRUE(store_->Apply(batch, kPurgeAt).ok());
  EXPECT_FALSE(store_->GetRequest(r.id())->sealed.key_id.empty());
  // Due at the event's end plus retention, which has passed: it fires at once.
  EXPECT_EQ(*JobWorker(*desk_).RunOnce(), 1);
  EXPECT_TRUE(store_->GetRequest(r.id())->sealed.key_id.empty());
}

TEST_F(AccessDeskTest, NoReasonIsRecordedOnceTheDetailsWereDeleted) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  ASSERT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_ACKNOWLEDGED).ok());
  clock_.Set(kPurgeAt);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 2);  // its at-risk job and the event's purge
  absl::Status s =
      Move(r.id(), events::v1::REQUEST_STATUS_UNFULFILLABLE, "No interpreter was free").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("retention"));
  auto read = desk_->Read(coordinator_, r.id(), "GetRequest");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->details_deleted());
  EXPECT_EQ(read->status(), events::v1::REQUEST_STATUS_ACKNOWLEDGED);
  // Moves that write no details are still allowed.
  EXPECT_TRUE(Move(r.id(), events::v1::REQUEST_STATUS_FULFILLED).ok());
  EXPECT_EQ(*JobWorker(*desk_).RunOnce(), 0);
}

// --- Reschedules are never lost (H3) -------------------------------------------------------

events::v1::EventChanged Moved(const std::string& event, int64_t version, int64_t by_ms) {
  events::v1::EventChanged change;
  change.set_event_id(event);
  change.set_org_id("org_riverside");
  change.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  change.set_version(version);
  change.set_start_unix_ms(kStart + by_ms);
  change.set_end_unix_ms(kEnd + by_ms);
  change.set_time_zone("Europe/London");
  return change;
}

TEST_F(AccessDeskTest, ASubmissionBetweenARescheduleAndItsHandlingStillAsksForReconfirmation) {
  AccessibilityRequest a = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  events::v1::Provision p = MustBook("bsl_interpreter");
  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(p.id());
  ASSERT_TRUE(desk_->Fulfil(coordinator_, f).ok());
  // Scheduling moves the event a week later; the listener has not handled it yet.
  const events::v1::EventChanged change = Moved(event_, 3, 7 * kDay);
  EventFacts later = Webinar(event_, "org_riverside");
  later.version = 3;
  later.start_unix_ms = change.start_unix_ms();
  later.end_unix_ms = change.end_unix_ms();
  events_.Put(later);
  AccessibilityRequest b = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});

  ASSERT_TRUE(desk_->OnEventChanged("event.rescheduled", change).ok());
  EXPECT_EQ(desk_->Read(coordinator_, a.id(), "t")->status(),
            events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(desk_->Provisions(coordinator_, event_)->provisions(0).status(),
            events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
  // Both deadlines follow the new start.
  const int64_t deadline = a.deadline_unix_ms() + 7 * kDay - kHour;
  EXPECT_EQ(desk_->Read(coordinator_, a.id(), "t")->deadline_unix_ms(), deadline);
  EXPECT_EQ(desk_->Read(coordinator_, b.id(), "t")->deadline_unix_ms(), deadline);
}

TEST_F(AccessDeskTest, ARescheduleOvertakenByALaterChangeIsNotLost) {
  AccessibilityRequest a = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  events::v1::Provision p = MustBook("bsl_interpreter");
  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(p.id());
  ASSERT_TRUE(desk_->Fulfil(coordinator_, f).ok());
  // event.rescheduled (version 3) failed and stays pending; event.updated (version 4, with
  // the new times) is handled first.
  ASSERT_TRUE(desk_->OnEventChanged("event.updated", Moved(event_, 4, 7 * kDay)).ok());
  EXPECT_EQ(desk_->Read(coordinator_, a.id(), "t")->status(),
            events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(desk_->Provisions(coordinator_, event_)->provisions(0).status(),
            events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
  const size_t before = Events().size();
  ASSERT_TRUE(desk_->OnEventChanged("event.rescheduled", Moved(event_, 3, 7 * kDay)).ok());
  EXPECT_EQ(Events().size(), before);
  // A change that moves nothing only refreshes the facts.
  ASSERT_TRUE(desk_->OnEventChanged("event.updated", Moved(event_, 5, 7 * kDay)).ok());
  EXPECT_EQ(Events().size(), before);
}

TEST_F(AccessDeskTest, BatchesExpectTheFactsAndRequestsTheyWereComputedFrom) {
  AccessibilityRequest r = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  auto stored = store_->GetRequest(r.id());
  ASSERT_TRUE(stored.ok());
  RequestWrite w;
  w.after = *stored;
  w.after.request.clear_history();
  w.after.sealed = SealedDetails{};
  w.after.request.set_version(stored->request.version() + 1);
  w.after.request.set_deadline_unix_ms(1);
  w.expected_version = stored->request.version();
  Batch batch;
  batch.event_id = event_;
  batch.requests.push_back(w);
  batch.expected_facts_version = 1;  // stored: 2
  EXPECT_EQ(store_->Apply(batch, kNow).code(), absl::StatusCode::kAborted);
  batch.expected_facts_version = 2;
  batch.expected_request_count = 2;  // stored: 1
  EXPECT_EQ(store_->Apply(batch, kNow).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->GetRequest(r.id())->request.deadline_unix_ms(), r.deadline_unix_ms());
  batch.expected_request_count = 1;
  EXPECT_TRUE(store_->Apply(batch, kNow).ok());
  // Submissions store facts only while none are stored: scheduling's newer answer does not
  // overwrite them (only the listener advances them).
  EventFacts later = Webinar(event_, "org_riverside");
  later.version = 9;
  later.start_unix_ms += kDay;
  events_.Put(later);
  MustSubmit(registrations_.Register(event_), {"quiet_space"});
  EXPECT_EQ((*store_->GetFacts(event_))->version, 2);
}

// --- Erasure (H4) ----------------------------------------------------------------------------

TEST_F(AccessDeskTest, ErasureUnlinksEveryRequestOfTheRegistration) {
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest first = MustSubmit(token, {"bsl_interpreter"});
  ASSERT_TRUE(desk_->WithdrawMine(token).ok());
  AccessibilityRequest second = MustSubmit(token, {"large_print"});
  ASSERT_FALSE(first.registration_id().empty());
  ASSERT_TRUE(desk_->EraseMine(token).ok());
  for (const std::string& id : {first.id(), second.id()}) {
    auto read = desk_->Read(coordinator_, id, "GetRequest");
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(read->registration_id().empty()) << id;
    EXPECT_TRUE(read->details_deleted()) << id;
  }
  EXPECT_EQ(desk_->GetMine(token).status().code(), absl::StatusCode::kNotFound);
  // Another registration's request is untouched.
  const std::string other = registrations_.Register(event_);
  AccessibilityRequest kept = MustSubmit(other, {"quiet_space"});
  EXPECT_FALSE(desk_->Read(coordinator_, kept.id(), "t")->registration_id().empty());
}

// --- Changes go through Submit's checks (M6) -------------------------------------------------

TEST_F(AccessDeskTest, AChangeKeepsTheLateFlagsOfUnchangedNeeds) {
  clock_.Set(kStart - 5 * kDay);
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest r = MustSubmit(token, {"bsl_interpreter", "quiet_space"});
  ASSERT_TRUE(r.needs(0).late());
  ASSERT_FALSE(r.needs(1).late());
  // Past quiet_space's deadline (3 days before) now, but it was asked for in time.
  clock_.Set(kStart - 2 * kDay);
  auto updated = desk_->UpdateMine(Update(token, {"quiet_space", "large_print"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(updated->needs_size(), 2);
  EXPECT_FALSE(updated->needs(0).late());
  EXPECT_TRUE(updated->needs(1).late());
  EXPECT_TRUE(updated->late());
  auto only_in_time = desk_->UpdateMine(Update(token, {"quiet_space"}));
  ASSERT_TRUE(only_in_time.ok());
  EXPECT_FALSE(only_in_time->late());
}

TEST_F(AccessDeskTest, AChangeIsRefusedForACancelledRegistrationOrAnUnpublishedEvent) {
  const std::string token = registrations_.Register(event_);
  MustSubmit(token, {"bsl_interpreter"});
  EventFacts cancelled = Webinar(event_, "org_riverside");
  cancelled.status = events::v1::EVENT_STATUS_CANCELLED;
  events_.Put(cancelled);
  absl::Status s = desk_->UpdateMine(Update(token, {"large_print"})).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("not open for requests"));
  events_.Put(Webinar(event_, "org_riverside"));
  registrations_.SetStatus(token, events::v1::REGISTRATION_STATUS_CANCELLED);
  s = desk_->UpdateMine(Update(token, {"large_print"})).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("cancelled"));
  EXPECT_EQ(desk_->GetMine(token)->needs(0).need(), "bsl_interpreter");
}

// --- Listings are audited (M4) ---------------------------------------------------------------

TEST_F(AccessDeskTest, ListingsOfRequestsAreAudited) {
  AccessibilityRequest a = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  AccessibilityRequest b = MustSubmit(registrations_.Register(event_), {"bsl_interpreter"});
  auto newest = [&]() {
    auto page = desk_->Audit(coordinator_, {});
    EXPECT_TRUE(page.ok());
    return page.ok() && page->entries_size() > 0 ? page->entries(0) : events::v1::AuditEntry();
  };
  events::v1::ListRequestsRequest list;
  list.set_event_id(event_);
  ASSERT_TRUE(desk_->List(coordinator_, list).ok());
  events::v1::AuditEntry e = newest();
  EXPECT_EQ(e.rpc(), "ListRequests");
  EXPECT_EQ(e.actor(), "key_coord");
  EXPECT_EQ(e.event_id(), event_);
  EXPECT_THAT(e.request_ids(), UnorderedElementsAre(a.id(), b.id()));

  clock_.Set(a.deadline_unix_ms() - 48 * kHour);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 2);
  ASSERT_EQ(desk_->AtRisk(coordinator_, {})->requests_size(), 2);
  e = newest();
  EXPECT_EQ(e.rpc(), "ListAtRisk");
  EXPECT_EQ(e.request_ids_size(), 2);

  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(MustBook("bsl_interpreter").id());
  f.add_request_ids(b.id());
  ASSERT_TRUE(desk_->Fulfil(coordinator_, f).ok());
  e = newest();
  EXPECT_EQ(e.rpc(), "FulfilWithProvision");
  EXPECT_THAT(e.request_ids(), ElementsAre(b.id()));
  EXPECT_EQ(desk_->Audit(coordinator_, {})->entries_size(), 3);
}

TEST_F(AccessDeskTest, FulfilmentOfEveryMatchingRequestKeepsToTheLimit) {
  for (int i = 0; i <= kMaxRequestsPerProvision; ++i) {
    MustSubmit(registrations_.Register(event_), {"quiet_space"});
  }
  events::v1::FulfilWithProvisionRequest f;
  f.set_provision_id(MustBook("quiet_space").id());
  absl::Status s = desk_->Fulfil(coordinator_, f).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("request_ids"));
}

}  // namespace
}  // namespace events::accessibility
