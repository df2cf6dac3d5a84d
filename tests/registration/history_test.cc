// A registration's history (docs/registration.md, "History") through real gRPC on a real
// Redis: each change with its time and who made it (a signed-in person, an API key, the
// attendee, the service itself), the organiser's reason, the bound, and a race of many
// clients on two replicas changing one registration.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/api_key.h"
#include "common/auth/authenticator.h"
#include "common/auth/people_keys.h"
#include "common/util/ids.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/registration/registration_grpc_fixture.h"

namespace events::registration {
namespace {

using events::v1::Registration;
using events::v1::RegistrationHistoryEntry;
using ::testing::HasSubstr;

constexpr int64_t kMinute = 60000;

constexpr auto kRegistered = events::v1::REGISTRATION_CHANGE_REGISTERED;
constexpr auto kApproved = events::v1::REGISTRATION_CHANGE_APPROVED;
constexpr auto kRejected = events::v1::REGISTRATION_CHANGE_REJECTED;
constexpr auto kByAttendee = events::v1::REGISTRATION_CHANGE_CANCELLED_BY_ATTENDEE;
constexpr auto kByOrganiser = events::v1::REGISTRATION_CHANGE_CANCELLED_BY_ORGANISER;
constexpr auto kPromoted = events::v1::REGISTRATION_CHANGE_PROMOTED;
constexpr auto kAttended = events::v1::REGISTRATION_CHANGE_ATTENDED;
constexpr auto kNotAttended = events::v1::REGISTRATION_CHANGE_NOT_ATTENDED;

constexpr auto kConfirmed = events::v1::REGISTRATION_STATUS_CONFIRMED;
constexpr auto kWaitlisted = events::v1::REGISTRATION_STATUS_WAITLISTED;
constexpr auto kPending = events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
constexpr auto kCancelled = events::v1::REGISTRATION_STATUS_CANCELLED;
constexpr auto kRejectedStatus = events::v1::REGISTRATION_STATUS_REJECTED;

constexpr auto kPerson = events::v1::REGISTRATION_ACTOR_PERSON;
constexpr auto kApiKey = events::v1::REGISTRATION_ACTOR_API_KEY;
constexpr auto kAttendee = events::v1::REGISTRATION_ACTOR_ATTENDEE;
constexpr auto kAutomatic = events::v1::REGISTRATION_ACTOR_AUTOMATIC;

// One entry as the test expects it: the change, the status after it, who, their name, the
// reason.
struct Expected {
  events::v1::RegistrationChange change;
  events::v1::RegistrationStatus status;
  events::v1::RegistrationActor actor;
  std::string name;
  std::string reason;
};

void ExpectHistory(const Registration& r, const std::vector<Expected>& expected) {
  ASSERT_EQ(r.history_size(), static_cast<int>(expected.size())) << r.DebugString();
  for (size_t i = 0; i < expected.size(); ++i) {
    const RegistrationHistoryEntry& e = r.history(static_cast<int>(i));
    SCOPED_TRACE(absl::StrCat("entry ", i, ": ", e.ShortDebugString()));
    EXPECT_EQ(e.change(), expected[i].change);
    EXPECT_EQ(e.status(), expected[i].status);
    EXPECT_EQ(e.actor(), expected[i].actor);
    EXPECT_EQ(e.actor_name(), expected[i].name);
    EXPECT_EQ(e.reason(), expected[i].reason);
  }
}

class HistoryTest : public RegistrationGrpcTest {
 protected:
  void SetUp() override {
    RegistrationGrpcTest::SetUp();
    if (HasFailure()) return;
    auto caller = auth_->Authenticate("Bearer " + key_);
    ASSERT_TRUE(caller.ok()) << caller.status();
    org_ = caller->org_id;
    rae_ = SignIn("mem_rae", "Rae Registrations");
    auto tool = events::auth::IssueKey(*key_store_, ids_, clock_, org_,
                                       {events::auth::Role::kOrganiser}, {}, "Mailing tool");
    ASSERT_TRUE(tool.ok()) << tool.status();
    tool_ = tool->plaintext;
  }

  // A session of an organiser of the test's organisation, written as the people service
  // writes one (common/auth/lua/session.lua reads it); returns its token.
  std::string SignIn(const std::string& member_id, const std::string& name) {
    std::string token = absl::StrCat(events::auth::kSessionPrefix, std::string(40, 'r'),
                                     member_id.substr(member_id.size() - 3));
    // The Authenticator reads sessions on the system clock, not the test's.
    const int64_t now = SystemClock().NowUnixMs();
    const int64_t year = int64_t{365} * 86400000;
    EXPECT_TRUE(redis_
                    ->Command({"HSET", events::auth::SessionKey(*keys_, events::Sha256Hex(token)),
                               "member_id", member_id, "org_id", org_, "expires_ms",
                               absl::StrCat(now + year), "idle_ms", absl::StrCat(year), "seen_ms",
                               absl::StrCat(now), "second_factor", "1"})
                    .ok());
    EXPECT_TRUE(redis_
                    ->Command({"HSET", events::auth::MemberKey(*keys_, member_id), "org_id", org_,
                               "name", name, "roles", "organiser", "status", "active"})
                    .ok());
    return token;
  }

  void RequireApproval(const std::string& event_id) {
    events::v1::ConfigureRegistrationRequest req;
    req.mutable_settings()->set_event_id(event_id);
    req.mutable_settings()->set_requires_approval(true);
    events::v1::RegistrationSettings out;
    grpc::Status s = stub_->ConfigureRegistration(Call(key_).get(), req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  events::v1::RegisterResponse Register(int n, const std::string& event_id = "") {
    events::v1::RegisterResponse out;
    grpc::Status s = stub_->Register(
        Call().get(), testing::Person(event_id.empty() ? event_ : event_id, n), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Decide(const std::string& key, const std::string& id, bool approve) {
    events::v1::DecideRegistrationRequest req;
    req.set_event_id(event_);
    req.set_registration_id(id);
    Registration out;
    return approve ? stub_->ApproveRegistration(Call(key).get(), req, &out)
                   : stub_->RejectRegistration(Call(key).get(), req, &out);
  }

  grpc::Status Cancel(const std::string& key, const std::string& id, const std::string& reason) {
    events::v1::CancelRegistrationRequest req;
    req.set_event_id(event_);
    req.set_registration_id(id);
    req.set_reason(reason);
    Registration out;
    return stub_->CancelRegistration(Call(key).get(), req, &out);
  }

  Registration Get(const std::string& id, const std::string& key = "") {
    events::v1::GetRegistrationRequest req;
    req.set_event_id(event_);
    req.set_registration_id(id);
    Registration out;
    grpc::Status s = stub_->GetRegistration(Call(key.empty() ? key_ : key).get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The registration.* domain events of `id` in the event's partition stream: type and
  // payload.
  std::vector<std::pair<std::string, events::v1::RegistrationChanged>> Emitted(
      const std::string& id) {
    std::vector<std::pair<std::string, events::v1::RegistrationChanged>> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
    EXPECT_TRUE(reply.ok());
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      std::map<std::string, std::string> f;
      for (size_t k = 0; k + 1 < redis::ArraySize(fields); k += 2) {
        f[redis::AsString(redis::ArrayAt(fields, k))] =
            redis::AsString(redis::ArrayAt(fields, k + 1));
      }
      if (f["subject"] != id || f["data_type"] != "events.v1.RegistrationChanged") continue;
      events::v1::RegistrationChanged changed;
      EXPECT_TRUE(changed.ParseFromString(f["data"]));
      out.emplace_back(f["type"], changed);
    }
    return out;
  }

  std::string org_, rae_, tool_;
};

TEST_F(HistoryTest, EachChangeIsKeptWithItsTimeAndWhoMadeItByName) {
  RequireApproval(event_);
  auto ann = Register(1);
  auto bob = Register(2);
  const std::string a = ann.registration().id(), b = bob.registration().id();
  clock_.Advance(kMinute * 3);
  ASSERT_TRUE(Decide(rae_, a, true).ok());  // the one place
  clock_.Advance(kMinute);
  ASSERT_TRUE(Decide(rae_, b, true).ok());  // full: the waiting list
  clock_.Advance(kMinute);
  events::v1::CancelMyRegistrationRequest mine;
  mine.set_registration_token(ann.registration_token());
  Registration cancelled;
  ASSERT_TRUE(stub_->CancelMyRegistration(Call().get(), mine, &cancelled).ok());  // Bob's turn
  clock_.Advance(kMinute);
  ASSERT_TRUE(Cancel(tool_, b, "  Registered twice;\nwe kept the other one  ").ok());

  const Registration ann_now = Get(a);
  ExpectHistory(ann_now, {{kRegistered, kPending, kAttendee, "", ""},
                          {kApproved, kConfirmed, kPerson, "Rae Registrations", ""},
                          {kByAttendee, kCancelled, kAttendee, "", ""}});
  EXPECT_EQ(ann_now.history(0).at_unix_ms(), testing::kNow);
  EXPECT_EQ(ann_now.history(1).at_unix_ms(), testing::kNow + 3 * kMinute);
  EXPECT_EQ(ann_now.history(2).at_unix_ms(), testing::kNow + 5 * kMinute);
  const Registration bob_now = Get(b);
  ExpectHistory(bob_now, {{kRegistered, kPending, kAttendee, "", ""},
                          {kApproved, kWaitlisted, kPerson, "Rae Registrations", ""},
                          {kPromoted, kConfirmed, kAutomatic, "", ""},
                          {kByOrganiser, kCancelled, kApiKey, "Mailing tool",
                           "Registered twice;\nwe kept the other one"}});
  EXPECT_EQ(bob_now.history(2).at_unix_ms(), testing::kNow + 5 * kMinute);
  EXPECT_EQ(bob_now.history(3).at_unix_ms(), testing::kNow + 6 * kMinute);

  // The history is the organisers' (GetRegistration), not in listings nor the attendee's view.
  events::v1::ListRegistrationsRequest list;
  list.set_event_id(event_);
  events::v1::ListRegistrationsResponse listed;
  ASSERT_TRUE(stub_->ListRegistrations(Call(key_).get(), list, &listed).ok());
  ASSERT_EQ(listed.registrations_size(), 2);
  for (const auto& r : listed.registrations()) EXPECT_EQ(r.history_size(), 0);
  events::v1::GetMyRegistrationRequest get_mine;
  get_mine.set_registration_token(bob.registration_token());
  Registration seen;
  ASSERT_TRUE(stub_->GetMyRegistration(Call().get(), get_mine, &seen).ok());
  EXPECT_EQ(seen.history_size(), 0);
  // Another organisation sees neither the registration nor its history.
  events::v1::GetRegistrationRequest other;
  other.set_event_id(event_);
  other.set_registration_id(b);
  EXPECT_EQ(stub_->GetRegistration(Call(other_key_).get(), other, &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HistoryTest, RejectionAndAttendanceAreKeptToo) {
  RequireApproval(event_);
  const std::string c = Register(3).registration().id();
  const std::string d = Register(4).registration().id();
  ASSERT_TRUE(Decide(rae_, c, true).ok());
  ASSERT_TRUE(Decide(tool_, d, false).ok());
  clock_.Advance(int64_t{40} * 86400000);  // the event has begun: check-in is open
  events::v1::MarkAttendanceRequest mark;
  mark.set_event_id(event_);
  mark.add_registration_ids(c);
  mark.set_attended(true);
  events::v1::MarkAttendanceResponse marked;
  ASSERT_TRUE(stub_->MarkAttendance(Call(rae_).get(), mark, &marked).ok());
  ASSERT_EQ(marked.marked(), 1);
  mark.set_attended(false);
  ASSERT_TRUE(stub_->MarkAttendance(Call(tool_).get(), mark, &marked).ok());

  ExpectHistory(Get(c), {{kRegistered, kPending, kAttendee, "", ""},
                         {kApproved, kConfirmed, kPerson, "Rae Registrations", ""},
                         {kAttended, kConfirmed, kPerson, "Rae Registrations", ""},
                         {kNotAttended, kConfirmed, kApiKey, "Mailing tool", ""}});
  ExpectHistory(Get(d), {{kRegistered, kPending, kAttendee, "", ""},
                         {kRejected, kRejectedStatus, kApiKey, "Mailing tool", ""}});
}

TEST_F(HistoryTest, TheReasonIsCheckedKeptAndOnTheDomainEventOnly) {
  const std::string a = Register(1).registration().id();
  grpc::Status too_long = Cancel(rae_, a, std::string(501, 'x'));
  EXPECT_EQ(too_long.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(too_long.error_message(), HasSubstr("reason"));
  EXPECT_THAT(too_long.error_message(), HasSubstr("500"));
  grpc::Status control = Cancel(rae_, a, "Spam\x1b[31m");
  EXPECT_EQ(control.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(control.error_message(), HasSubstr("reason"));
  EXPECT_EQ(Get(a).status(), kConfirmed);  // a refused reason changes nothing

  ASSERT_TRUE(Cancel(rae_, a, std::string(500, 'y')).ok());  // the longest allowed
  ExpectHistory(Get(a),
                {{kRegistered, kConfirmed, kAttendee, "", ""},
                 {kByOrganiser, kCancelled, kPerson, "Rae Registrations", std::string(500, 'y')}});
  bool cancelled_event = false;
  for (const auto& [type, changed] : Emitted(a)) {
    if (type == "registration.cancelled") {
      cancelled_event = true;
      EXPECT_EQ(changed.reason(), std::string(500, 'y'));
      EXPECT_TRUE(changed.by_organiser());
    } else {
      EXPECT_EQ(changed.reason(), "") << type;
      EXPECT_FALSE(changed.by_organiser()) << type;
    }
  }
  EXPECT_TRUE(cancelled_event);

  // The attendee's own cancellation has no reason and is not the organiser's.
  auto bob = Register(2);
  events::v1::CancelMyRegistrationRequest mine;
  mine.set_registration_token(bob.registration_token());
  Registration out;
  ASSERT_TRUE(stub_->CancelMyRegistration(Call().get(), mine, &out).ok());
  for (const auto& [type, changed] : Emitted(bob.registration().id())) {
    EXPECT_FALSE(changed.by_organiser()) << type;
    EXPECT_EQ(changed.reason(), "") << type;
  }
}

TEST_F(HistoryTest, TheHistoryKeepsTheLastFiftyEntriesOldestFirst) {
  const std::string a = Register(1).registration().id();
  clock_.Advance(int64_t{40} * 86400000);
  for (int i = 0; i < 60; ++i) {
    clock_.Advance(1000);
    events::v1::MarkAttendanceRequest mark;
    mark.set_event_id(event_);
    mark.add_registration_ids(a);
    mark.set_attended(i % 2 == 0);
    events::v1::MarkAttendanceResponse marked;
    ASSERT_TRUE(stub_->MarkAttendance(Call(rae_).get(), mark, &marked).ok());
  }
  const Registration r = Get(a);
  ASSERT_EQ(r.history_size(), 50);
  // The 61 entries were: registered, then marks 0..59; the last 50 are marks 10..59.
  for (int i = 0; i < 50; ++i) {
    const int mark = i + 10;
    EXPECT_EQ(r.history(i).change(), mark % 2 == 0 ? kAttended : kNotAttended) << i;
    if (i > 0) {
      EXPECT_GT(r.history(i).at_unix_ms(), r.history(i - 1).at_unix_ms()) << i;
    }
  }
  EXPECT_FALSE(r.attended());  // the last mark (59) was "not attended"
  EXPECT_EQ(r.history(49).change(), kNotAttended);
  // It is kept beside the registration, under its key: whatever deletes the one must
  // delete the other (docs/registration.md, "History").
  auto len = redis_->Command({"LLEN", absl::StrCat(keys_->PrefixFor(a), "rg:r:", a, ":history")});
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(redis::AsInt(**len), 50);
}

// Many clients on two replicas (two Registrars sharing the Redis, no lock between them)
// approve, reject and cancel the same registrations at once. Every change that succeeded is
// in the history exactly once, in an order the statuses allow, ending at the registration's
// status, and each matches a domain event.
TEST_F(HistoryTest, ManyClientsChangingOneRegistrationLeaveAHistoryThatAddsUp) {
  // A second replica of the service: its own Redis connection, store and registrar.
  redis::RedisClient second_redis(events::testing::TestRedisOptions());
  RedisRegistrationStore second_store(second_redis, *keys_, RedisRegistrationStore::Options{});
  RegistrarOptions options;
  options.limit_per_address_per_minute = 0;
  options.limit_per_event_per_second = 0;
  Registrar second(second_store, directory_, clock_, ids_, options);

  constexpr int kRounds = 12;
  constexpr int kThreads = 8;
  int promotions = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // An event of one place of its own, with approval; a holder of the place and someone
    // awaiting approval, then everyone at once.
    event_ = ids_.New("ev");
    directory_.Put(testing::OpenEvent(event_, 1, org_));
    RequireApproval(event_);
    const std::string holder = Register(100 + round * 2).registration().id();
    const std::string target = Register(101 + round * 2).registration().id();
    ASSERT_TRUE(Decide(rae_, holder, true).ok());
    std::atomic<int> target_changes{0};
    // Every other round the target is on the waiting list already, so that the race is
    // between cancelling the holder (a promotion) and cancelling the target; in the others
    // it is between approving, rejecting and cancelling them.
    const bool waiting = round % 2 == 1;
    if (waiting) {
      ASSERT_TRUE(Decide(rae_, target, true).ok());
      target_changes.fetch_add(1);
    }
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(static_cast<unsigned>(round * 100 + t));
        for (int i = 0; i < 6; ++i) {
          // Approve (3 in 8), reject, cancel the target, or cancel the holder (3 in 8): so
          // that the target is often approved onto the waiting list and then promoted.
          const int pick = static_cast<int>(rng() % 8);
          const int what = pick < 3 ? 0 : pick == 3 ? 1 : pick == 4 ? 2 : 3;
          const std::string& id = what == 3 ? holder : target;
          bool ok = false;
          if (t % 2 == 0) {  // through gRPC, as Rae
            grpc::Status s = what == 0   ? Decide(rae_, id, true)
                             : what == 1 ? Decide(rae_, id, false)
                                         : Cancel(rae_, id, "Race");
            ok = s.ok();
          } else {  // on the second replica, as the mailing tool's key
            ChangeBy by{kApiKey, "Mailing tool", "Race"};
            absl::StatusOr<Registration> r = what == 0 ? second.Decide(org_, event_, id, true, by)
                                             : what == 1
                                                 ? second.Decide(org_, event_, id, false, by)
                                                 : second.CancelByOrganiser(org_, event_, id, by);
            ok = r.ok();
          }
          if (ok && id == target) target_changes.fetch_add(1);
        }
      });
    }
    for (auto& th : threads) th.join();

    const Registration r = Get(target);
    ASSERT_GE(r.history_size(), 1);
    EXPECT_EQ(r.history(0).change(), kRegistered);
    EXPECT_EQ(r.history(0).status(), kPending);
    // Replays the history: each entry must be a change its previous status allows.
    events::v1::RegistrationStatus status = kPending;
    int by_clients = 0;
    for (int i = 1; i < r.history_size(); ++i) {
      const RegistrationHistoryEntry& e = r.history(i);
      SCOPED_TRACE(e.ShortDebugString());
      switch (e.change()) {
        case kApproved:
          EXPECT_EQ(status, kPending);
          EXPECT_TRUE(e.status() == kConfirmed || e.status() == kWaitlisted);
          break;
        case kRejected:
          EXPECT_EQ(status, kPending);
          EXPECT_EQ(e.status(), kRejectedStatus);
          break;
        case kByOrganiser:
          EXPECT_TRUE(status == kPending || status == kConfirmed || status == kWaitlisted);
          EXPECT_EQ(e.status(), kCancelled);
          EXPECT_EQ(e.reason(), "Race");
          break;
        case kPromoted:
          ++promotions;
          EXPECT_EQ(status, kWaitlisted);
          EXPECT_EQ(e.status(), kConfirmed);
          EXPECT_EQ(e.actor(), kAutomatic);
          break;
        default:
          ADD_FAILURE() << "an unexpected change";
      }
      if (e.actor() == kPerson) {
        EXPECT_EQ(e.actor_name(), "Rae Registrations");
      }
      if (e.actor() == kApiKey) {
        EXPECT_EQ(e.actor_name(), "Mailing tool");
      }
      if (e.actor() == kPerson || e.actor() == kApiKey) ++by_clients;
      status = e.status();
    }
    EXPECT_EQ(status, r.status());
    EXPECT_EQ(by_clients, target_changes.load());
    // One domain event per entry after the registration (which has two: created and its
    // status), in the same order.
    std::vector<std::string> types;
    for (const auto& [type, changed] : Emitted(target)) types.push_back(type);
    ASSERT_EQ(types.size(), static_cast<size_t>(r.history_size()) + 1);
    const std::map<events::v1::RegistrationChange, std::string> kinds = {
        {kApproved, "registration.approved"},
        {kRejected, "registration.rejected"},
        {kByOrganiser, "registration.cancelled"},
        {kPromoted, "registration.promoted"}};
    for (int i = 1; i < r.history_size(); ++i) {
      EXPECT_EQ(types[i + 1], kinds.at(r.history(i).change())) << i;
    }
  }
  // The race went through the waiting list at least once (a round with the target waiting
  // does unless its own cancellation comes first, which is rarely six times in a row), so
  // automatic promotions were checked too.
  EXPECT_GT(promotions, 0);
}

}  // namespace
}  // namespace events::registration
