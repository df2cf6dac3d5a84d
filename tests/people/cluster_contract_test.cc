// People's key contract (store/lua/common.lua, common/auth/people_keys.h) on a one-node Redis
// Cluster: there Redis refuses a script that touches a key outside the slot of its KEYS, so
// every store call and session read running here shows that people keeps to one slot. The
// test starts its own redis-server in cluster mode (OwnRedisServer::StartOneNodeCluster).
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/auth_scripts.h"
#include "common/auth/key_store.h"
#include "common/auth/people_keys.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/msgpack.h"
#include "common/redis/redis_client.h"
#include "common/testing/one_node_cluster_test.h"
#include "common/testing/redis_for_test.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/people/store/people_scripts.h"
#include "services/people/store/redis_people_store.h"

namespace events::people {

namespace {

// The value of `r`, or a test failure naming the status and T{}: dereferencing an error
// would abort the test binary and leave the cluster node it started running.
template <typename T>
T ValueOf(absl::StatusOr<T> r) {
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : T{};
}

class PeopleClusterTest : public events::testing::OneNodeClusterTest {
 protected:
  static constexpr int64_t kNow = 1'780'000'000'000;
  static constexpr int64_t kHour = 3'600'000;

  void SetUp() override {
    ASSERT_NE(server(), nullptr) << "redis-server did not start in cluster mode";
    redis_ = std::make_unique<redis::RedisClient>(server()->Options());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    store_ = std::make_unique<RedisPeopleStore>(*redis_, *keys_);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
  }

  static events::v1::DomainEvent Event(const std::string& type, const std::string& subject) {
    events::v1::DomainEvent e;
    e.set_id("evt_" + subject + "_" + type);
    e.set_type(type);
    e.set_source("people");
    e.set_time_unix_ms(kNow);
    e.set_subject(subject);
    e.set_data(std::string("bytes \0\xff", 8));  // reaches the stream unchanged
    return e;
  }

  // Invites `id` to `org` (with an idempotency key when `idem` is not empty).
  std::string Invite(const std::string& org, const std::string& id, const std::string& email,
                     const std::string& roles, const std::string& idem = "",
                     std::string* member_id = nullptr) {
    InviteWrite w;
    w.member.set_member_id(id);
    w.member.set_org_id(org);
    w.member.set_name("Name of " + id);
    w.member.set_email(email);
    w.member.set_invited_unix_ms(kNow);
    w.email_hash = Sha256Hex(email);
    w.roles = roles;
    w.actor = {"key_1", "eventctl"};
    w.idempotency_hash = idem.empty() ? "" : Sha256Hex(idem);
    w.audit_detail = "invited as " + roles;
    w.event = Event("people.member_invited", id);
    std::string ignored;
    return ValueOf(store_->Invite(w, member_id ? member_id : &ignored));
  }

  // Asks for sign-in links for `email`, one per membership in `members`; the link ids.
  std::vector<std::string> RequestLinks(const std::string& email,
                                        const std::vector<std::string>& members,
                                        const std::string& browser) {
    SignInRequestWrite w;
    w.email_hash = Sha256Hex(email);
    w.visitor_hash = Sha256Hex("192.0.2.1");
    w.window_ms = int64_t{15} * 60'000;
    w.link_ms = int64_t{15} * 60'000;
    w.link_expires_ms = kNow + w.link_ms;
    w.browser_hash = Sha256Hex(browser);
    std::vector<std::string> links;
    for (const std::string& m : members) {
      links.push_back(absl::StrCat("ln_", m, "_", ++link_count_));
      w.links.push_back({m, links.back(), Event("people.sign_in_requested", links.back())});
    }
    EXPECT_EQ(ValueOf(store_->RequestSignIn(w, kNow)), "ok");
    return links;
  }

  // Completes sign-in with `link` as a session whose hash is `session_hash`; pending or not.
  bool Complete(const std::string& link, const std::string& browser,
                const std::string& session_hash) {
    std::string member;
    bool pending = false;
    EXPECT_EQ(
        ValueOf(store_->CompleteSignIn(link, Sha256Hex(browser), session_hash, kNow + 12 * kHour,
                                       kHour / 2, kNow, &member, &pending)),
        "ok");
    return pending;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisPeopleStore> store_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  int link_count_ = 0;
};

// Without this the other tests would prove nothing: the node refuses a strict ("#!lua")
// script's key of another slot than its KEYS, whichever node owns the slot.
TEST_F(PeopleClusterTest, TheNodeRefusesAScriptKeyOutsideTheSlotOfItsKeys) {
  const redis::LuaScript strict("test_cross_slot", "return redis.call('GET', ARGV[1])");
  const std::string people = auth::PeopleKey(*keys_, "a");
  EXPECT_TRUE(redis_->Eval(strict, {people}, {auth::PeopleKey(*keys_, "b")}).ok());
  auto refused = redis_->Eval(strict, {people}, {keys_->Global("people:b")});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "same slot")) << refused.status();
}

TEST_F(PeopleClusterTest, MembersAreInvitedChangedAndRemovedInPeoplesSlot) {
  EXPECT_EQ(Invite("org_a", "mem_amira", "amira@example.org", "organiser", "idem-1"), "created");
  std::string holder;
  EXPECT_EQ(Invite("org_a", "mem_other", "other@example.org", "viewer", "idem-1", &holder),
            "again");
  EXPECT_EQ(holder, "mem_amira");
  EXPECT_EQ(Invite("org_a", "mem_dup", "amira@example.org", "viewer", "", &holder), "exists");
  EXPECT_EQ(holder, "mem_amira");
  EXPECT_EQ(Invite("org_a", "mem_bea", "bea@example.org", "viewer"), "created");

  const Actor actor{"key_1", "eventctl"};
  int64_t version = 0;
  EXPECT_EQ(ValueOf(store_->ChangeRoles("org_a", "mem_amira", "viewer", 0, actor, kNow, &version)),
            "last_organiser");
  EXPECT_EQ(ValueOf(store_->ChangeRoles("org_a", "mem_bea", "organiser", 7, actor, kNow, &version)),
            "version");
  EXPECT_EQ(version, 1);
  EXPECT_EQ(ValueOf(store_->ChangeRoles("org_a", "mem_bea", "organiser,access_coordinator", 1,
                                        actor, kNow, &version)),
            "ok");
  EXPECT_EQ(ValueOf(store_->ResetSecondFactor("org_a", "mem_bea", actor, kNow)), "ok");
  EXPECT_EQ(ValueOf(store_->Remove("org_a", "mem_amira", actor, kNow)), "ok");
  EXPECT_EQ(ValueOf(store_->Remove("org_a", "mem_amira", actor, kNow)), "removed");
  EXPECT_EQ(ValueOf(store_->Remove("org_b", "mem_bea", actor, kNow)), "not_found");

  std::vector<MemberRow> members = ValueOf(store_->ListMembers("org_a"));
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].member.status(), events::v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(members[1].roles, "organiser,access_coordinator");
  EXPECT_EQ(ValueOf(store_->GetMember("mem_bea")).member.version(), 3);
  EXPECT_TRUE(ValueOf(store_->MembersWithEmail(Sha256Hex("amira@example.org"))).empty());
  EXPECT_EQ(ValueOf(store_->ListAudit("org_a", 0, 100)).size(), 5u);  // 2 invites, 3 changes
  // Both invitations went to people's stream, event bytes intact.
  auto stream = redis_->Command({"XRANGE", keys_->Stream(auth::kPeoplePartition), "-", "+"});
  ASSERT_TRUE(stream.ok()) << stream.status();
  ASSERT_EQ(redis::ArraySize(**stream), 2u);
}

TEST_F(PeopleClusterTest, SignInSecondFactorAndSessionsKeepToPeoplesSlot) {
  // One address, a member of two organisations: one request makes a link for each.
  ASSERT_EQ(Invite("org_a", "mem_a", "amira@example.org", "organiser"), "created");
  ASSERT_EQ(Invite("org_b", "mem_b", "amira@example.org", "organiser,access_coordinator"),
            "created");
  std::vector<std::string> links = RequestLinks("amira@example.org", {"mem_a", "mem_b"}, "br-1");
  EXPECT_EQ(ValueOf(store_->GetLink(links[1])).org_id, "org_b");
  const std::string s1 = Sha256Hex("session-1");
  EXPECT_FALSE(Complete(links[1], "br-1", s1));
  std::string member;
  bool pending = false;
  EXPECT_EQ(ValueOf(store_->CompleteSignIn(links[1], Sha256Hex("br-1"), Sha256Hex("again"),
                                           kNow + kHour, kHour, kNow, &member, &pending)),
            "used");
  auth::SessionRecord read = ValueOf(key_store_->FindSession(s1, kNow + 1000));
  EXPECT_EQ(read.member_id, "mem_b");
  EXPECT_EQ(read.roles, "organiser,access_coordinator");

  // An authenticator app, then renewed codes.
  ASSERT_TRUE(store_->StartSecondFactorSetup("mem_b", "sealed-key").ok());
  EXPECT_EQ(ValueOf(store_->GetTotp("mem_b")).sealed_pending, "sealed-key");
  EXPECT_EQ(ValueOf(store_->ConfirmSecondFactor("mem_b", s1, "sealed-key", 100,
                                                {Sha256Hex("rc-1"), Sha256Hex("rc-2")}, kNow)),
            "ok");
  EXPECT_TRUE(ValueOf(store_->GetSession(s1, kNow)).second_factor);
  EXPECT_EQ(ValueOf(store_->RenewRecoveryCodes("mem_b", 100, {Sha256Hex("rc-3")}, kNow)), "used");
  EXPECT_EQ(ValueOf(store_->RenewRecoveryCodes("mem_b", 101, {Sha256Hex("rc-3")}, kNow)), "ok");
  EXPECT_EQ(ValueOf(store_->GetMember("mem_b")).member.recovery_codes_left(), 1);

  // The next sign-in waits for a code: a wrong one, then one for a new time step.
  const std::string s2 = Sha256Hex("session-2"), s3 = Sha256Hex("session-3");
  EXPECT_TRUE(Complete(RequestLinks("amira@example.org", {"mem_b"}, "br-2")[0], "br-2", s2));
  EXPECT_TRUE(ValueOf(key_store_->FindSession(s2, kNow)).pending);
  int tries = 0;
  EXPECT_EQ(ValueOf(store_->VerifySecondFactor(s2, s3, VerifyMode::kWrong, "", 5, kNow, &tries)),
            "wrong");
  EXPECT_EQ(tries, 4);
  EXPECT_EQ(ValueOf(store_->VerifySecondFactor(s2, s3, VerifyMode::kStep, "102", 5, kNow, &tries)),
            "ok");
  EXPECT_FALSE(key_store_->FindSession(s2, kNow).ok());  // the old token stopped working
  EXPECT_TRUE(ValueOf(key_store_->FindSession(s3, kNow)).second_factor);

  // And with a recovery code.
  const std::string s4 = Sha256Hex("session-4"), s5 = Sha256Hex("session-5");
  EXPECT_TRUE(Complete(RequestLinks("amira@example.org", {"mem_b"}, "br-3")[0], "br-3", s4));
  EXPECT_EQ(ValueOf(store_->VerifySecondFactor(s4, s5, VerifyMode::kRecovery, Sha256Hex("rc-3"), 5,
                                               kNow, &tries)),
            "ok");

  // Sign out here, then everywhere; the reset ends what is left.
  EXPECT_EQ(ValueOf(store_->SignOut(s3, false, kNow)), 1);
  EXPECT_EQ(ValueOf(store_->SignOut(s1, true, kNow)), 2);  // s1 and s5
  EXPECT_TRUE(absl::IsNotFound(store_->SignOut(s5, false, kNow).status()));
  EXPECT_EQ(ValueOf(store_->ResetSecondFactor("org_b", "mem_b", {"key_1", "eventctl"}, kNow)),
            "ok");
  EXPECT_TRUE(ValueOf(store_->GetTotp("mem_b")).sealed_key.empty());
  std::vector<std::string> actions;
  for (const auto& entry : ValueOf(store_->ListAudit("org_b", 0, 100))) {
    actions.insert(actions.begin(), entry.action());
  }
  EXPECT_EQ(actions, (std::vector<std::string>{
                         "member_invited", "signed_in", "sign_in_refused", "second_factor_set_up",
                         "recovery_codes_renewed", "signed_in", "second_factor_refused",
                         "signed_in", "signed_in", "recovery_code_used", "signed_in", "signed_out",
                         "signed_out_everywhere", "second_factor_reset"}));
}

// The session read, in the session's slot: it writes the seen key it is given, reads the
// record and the member it names from it, and refuses a session whose member was removed.
TEST_F(PeopleClusterTest, TheSessionReadKeepsToTheSlotAndRefusesASessionOfARemovedMember) {
  ASSERT_EQ(Invite("org_a", "mem_a", "amira@example.org", "organiser"), "created");
  ASSERT_EQ(Invite("org_a", "mem_c", "cai@example.org", "viewer"), "created");
  const std::string s = Sha256Hex("session-c");
  Complete(RequestLinks("cai@example.org", {"mem_c"}, "br")[0], "br", s);
  ASSERT_TRUE(key_store_->FindSession(s, kNow).ok());
  auto seen = redis_->Command({"GET", auth::SeenKey(*keys_, s)});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(redis::AsString(**seen), absl::StrCat(kNow));
  ASSERT_TRUE(
      redis_->Command({"HSET", auth::MemberKey(*keys_, "mem_c"), "status", "removed"}).ok());
  EXPECT_TRUE(absl::IsNotFound(key_store_->FindSession(s, kNow).status()));
  // Refused, not deleted: only people ends sessions (RemoveMember does, with the member).
  auto left = redis_->Command({"SCARD", auth::MemberKey(*keys_, "mem_c") + ":sessions"});
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(redis::AsInt(**left), 1);
  // Past its idle time it is marked ended on its seen key, in the same slot.
  EXPECT_TRUE(absl::IsNotFound(key_store_->FindSession(s, kNow + kHour).status()));
  seen = redis_->Command({"GET", auth::SeenKey(*keys_, s)});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(redis::AsString(**seen), "ended");
}

// The contract is checked by the scripts themselves too, so a store that passes no KEYS, or
// keys of two slots, fails on a single Redis as well as here.
TEST_F(PeopleClusterTest, ScriptsRefuseNoKeysKeysOfTwoSlotsAndAKeyThatIsNoSeenKey) {
  // The store's own scripts, called the wrong way.
  const redis::LuaScript& sign_out = lua::SignOut();
  const std::string record =
      redis::MsgpackMap().Add("session", "abc").Add("everywhere", false).Encode();
  auto none = redis_->Eval(sign_out, {}, {absl::StrCat(kNow), record});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::StrContains(none.status().message(), "called without KEYS")) << none.status();
  auto split = redis_->Eval(
      sign_out, {auth::SessionKey(*keys_, "abc"), keys_->PartitionPrefix(1) + "people:session:x"},
      {absl::StrCat(kNow), record});
  ASSERT_FALSE(split.ok());
  EXPECT_TRUE(absl::StrContains(split.status().message(), "slot")) << split.status();

  // The session read takes the seen key: the session record itself, the member, or no key
  // at all are refused before anything is read.
  const redis::LuaScript& session = auth::lua::Session();
  for (const std::vector<std::string>& keys :
       {std::vector<std::string>{auth::MemberKey(*keys_, "mem_a")},
        std::vector<std::string>{auth::SessionKey(*keys_, "abc")}, std::vector<std::string>{}}) {
    auto refused = redis_->Eval(session, keys, {"1"});
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "must be a session's seen key"))
        << refused.status();
  }
}

}  // namespace
}  // namespace events::people
