// The move of people's keys and sessions from their names before issue 19 (global) to
// people's one hash slot (store/legacy_keys.h), on the suite's Redis: keys written as the
// previous version wrote them are moved, then read, signed in with and used as sessions
// through the store and the Authenticator's session read.
#include "services/people/store/legacy_keys.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/auth/key_store.h"
#include "common/auth/people_keys.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/people/store/redis_people_store.h"

namespace events::people {
namespace {

template <typename T>
T ValueOf(absl::StatusOr<T> r) {
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : T{};
}

class PeopleKeyMoveTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1'780'000'000'000;
  static constexpr int64_t kIdle = int64_t{30} * 60'000;

  void SetUp() override {
    // The layout before exists only on one Redis: cluster support came with the new one,
    // and the layout's keys of several slots could not even be written together there.
    if (events::testing::TestRedisIsCluster()) {
      GTEST_SKIP() << "keys of the layout before exist only on a single Redis";
    }
    redis_ = std::make_unique<redis::RedisClient>(events::testing::TestRedisOptions());
    ASSERT_FALSE(HasFailure());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisPeopleStore>(*redis_, *keys_);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
  }

  // A key named as before issue 19.
  std::string Old(const std::string& suffix) const { return keys_->Global(suffix); }

  void Run(const std::vector<std::string>& command) {
    auto reply = redis_->Command(command);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_FALSE(redis::IsError(**reply)) << redis::AsString(**reply);
  }

  // A member of org_a with a session, written as the version before issue 19 wrote them
  // (services/people/store/lua of that version); the session's token.
  std::string WriteOldMember(const std::string& id, const std::string& email) {
    const std::string hash = Sha256Hex(email);
    Run({"HSET",
         Old("people:member:" + id),
         "org_id",
         "org_a",
         "name",
         "Name of " + id,
         "email",
         email,
         "email_hash",
         hash,
         "roles",
         "organiser",
         "status",
         "active",
         "invited_ms",
         absl::StrCat(kNow),
         "invited_by_id",
         "key_1",
         "invited_by",
         "",
         "last_sign_in_ms",
         absl::StrCat(kNow),
         "removed_ms",
         "0",
         "version",
         "1",
         "second_factor",
         "0"});
    Run({"ZADD", Old("people:org:org_a:members"), absl::StrCat(kNow), id});
    Run({"HSET", Old("people:org:org_a:emails"), hash, id});
    Run({"SADD", Old("people:email:" + hash), id});
    Run({"LPUSH", Old("people:org:org_a:audit"), "an audit entry"});
    std::string token = "evs_" + std::string(40, 'T') + id.substr(id.size() - 3);
    const std::string session = Old("auth:session:" + Sha256Hex(token));
    Run({"HSET",          session,
         "member_id",     id,
         "org_id",        "org_a",
         "created_ms",    absl::StrCat(kNow),
         "expires_ms",    absl::StrCat(kNow + int64_t{12} * 3'600'000),
         "idle_ms",       absl::StrCat(kIdle),
         "seen_ms",       absl::StrCat(kNow),
         "second_factor", "0",
         "pending",       "0",
         "failures",      "0"});
    Run({"PEXPIRE", session, absl::StrCat(kIdle)});
    Run({"SADD", Old("people:member:" + id + ":sessions"), Sha256Hex(token)});
    return token;
  }

  // How many keys of this test are still under old names.
  int64_t OldKeysLeft() {
    int64_t n = 0;
    for (const char* pattern : {"people:*", "auth:session:*"}) {
      std::string cursor = "0";
      do {
        auto reply = redis_->Command({"SCAN", cursor, "MATCH", Old(pattern), "COUNT", "1000"});
        EXPECT_TRUE(reply.ok());
        if (!reply.ok()) return -1;
        cursor = redis::AsString(redis::ArrayAt(**reply, 0));
        n += static_cast<int64_t>(redis::ArraySize(redis::ArrayAt(**reply, 1)));
      } while (cursor != "0");
    }
    return n;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisPeopleStore> store_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
};

TEST_F(PeopleKeyMoveTest, OldNamesMapToPeoplesSlotAndOthersToNothing) {
  const std::string p = keys_->prefix();
  EXPECT_EQ(NewNameOf(*keys_, p + "people:member:mem_1:totp"), p + "{p0}:people:member:mem_1:totp");
  EXPECT_EQ(NewNameOf(*keys_, p + "auth:session:ab12"), p + "{p0}:people:session:ab12");
  EXPECT_EQ(NewNameOf(*keys_, p + "auth:key:ab12"), "");
  EXPECT_EQ(NewNameOf(*keys_, p + "{p0}:people:member:mem_1"), "");
  EXPECT_EQ(NewNameOf(*keys_, "other:people:member:mem_1"), "");
}

TEST_F(PeopleKeyMoveTest, MovedKeysAreReadSignedInWithAndUsedAsSessions) {
  const std::string token = WriteOldMember("mem_old", "amira@example.org");
  Run({"HSET", Old("people:member:mem_old:totp"), "pending", "sealed"});
  Run({"SET", Old("people:rl:email:" + Sha256Hex("amira@example.org")), "2", "PX", "900000"});
  // Keys of other services, and of another installation's prefix, stay where they are.
  Run({"HSET", Old("auth:key:k1"), "key_id", "k1"});
  Run({"HSET", "other-" + Old("people:member:mem_x"), "org_id", "org_x"});

  LegacyMove move = ValueOf(MoveLegacyKeys(*redis_, *keys_));
  // The member, its app, sessions set and session; org_a's 3 keys; the address; the counter.
  EXPECT_EQ(move.moved, 9);
  EXPECT_EQ(move.left, 0);
  EXPECT_EQ(OldKeysLeft(), 0);
  EXPECT_EQ(redis::AsInt(**redis_->Command({"EXISTS", Old("auth:key:k1")})), 1);
  EXPECT_EQ(redis::AsInt(**redis_->Command({"EXISTS", "other-" + Old("people:member:mem_x")})), 1);
  Run({"DEL", "other-" + Old("people:member:mem_x")});

  // The session works, with its time to live kept.
  const std::string session_key = auth::SessionKey(*keys_, Sha256Hex(token));
  const int64_t ttl = redis::AsInt(**redis_->Command({"PTTL", session_key}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, kIdle);
  auth::SessionRecord session = ValueOf(key_store_->FindSession(Sha256Hex(token), kNow + 60'000));
  EXPECT_EQ(session.member_id, "mem_old");
  EXPECT_EQ(session.roles, "organiser");

  // Members are read, and the address index holds: the same address cannot be invited twice.
  std::vector<MemberRow> members = ValueOf(store_->ListMembers("org_a"));
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].member.email(), "amira@example.org");
  EXPECT_EQ(ValueOf(store_->GetTotp("mem_old")).sealed_pending, "sealed");
  EXPECT_EQ(ValueOf(store_->ListAudit("org_a", 0, 10)).size(), 1u);
  InviteWrite again;
  again.member.set_member_id("mem_new");
  again.member.set_org_id("org_a");
  again.member.set_email("amira@example.org");
  again.email_hash = Sha256Hex("amira@example.org");
  again.event.set_id("evt_1");
  again.event.set_type("people.member_invited");
  std::string holder;
  EXPECT_EQ(ValueOf(store_->Invite(again, &holder)), "exists");
  EXPECT_EQ(holder, "mem_old");

  // Signing in: the moved address index finds the member, and the moved counter counts on.
  SignInRequestWrite request;
  request.email_hash = Sha256Hex("amira@example.org");
  request.visitor_hash = Sha256Hex("192.0.2.1");
  request.per_address = 3;
  request.window_ms = 900'000;
  request.link_ms = 900'000;
  request.link_expires_ms = kNow + 900'000;
  request.browser_hash = Sha256Hex("browser");
  EXPECT_EQ(ValueOf(store_->MembersWithEmail(request.email_hash)),
            std::vector<std::string>{"mem_old"});
  LinkWrite link{"mem_old", "ln_1", {}};
  link.event.set_id("evt_2");
  link.event.set_type("people.sign_in_requested");
  request.links.push_back(link);
  EXPECT_EQ(ValueOf(store_->RequestSignIn(request, kNow)), "ok");  // the third of 3
  EXPECT_EQ(ValueOf(store_->RequestSignIn(request, kNow)), "limited");
  std::string member;
  bool pending = true;
  EXPECT_EQ(ValueOf(store_->CompleteSignIn("ln_1", request.browser_hash, Sha256Hex("new"),
                                           kNow + 3'600'000, kIdle, kNow, &member, &pending)),
            "ok");
  EXPECT_EQ(member, "mem_old");
  EXPECT_FALSE(pending);
  // Sign out everywhere ends the moved session too.
  EXPECT_EQ(ValueOf(store_->SignOut(Sha256Hex("new"), true, kNow)), 2);
  EXPECT_FALSE(key_store_->FindSession(Sha256Hex(token), kNow).ok());

  // Moving again finds nothing to move.
  LegacyMove second = ValueOf(MoveLegacyKeys(*redis_, *keys_));
  EXPECT_EQ(second.moved, 0);
  EXPECT_EQ(second.left, 0);
}

// A key written under its old name after it was moved (an older replica, during the upgrade)
// never overwrites what this version wrote: it is left, and counted.
TEST_F(PeopleKeyMoveTest, AnOldKeyWhoseNewNameExistsIsLeftNotOverwritten) {
  Run({"HSET", Old("people:member:mem_1"), "org_id", "org_a", "status", "active"});
  Run({"HSET", auth::MemberKey(*keys_, "mem_1"), "org_id", "org_a", "status", "removed"});
  Run({"SET", Old("people:link:ln_1"), "old"});
  LegacyMove move = ValueOf(MoveLegacyKeys(*redis_, *keys_));
  EXPECT_EQ(move.moved, 1);
  EXPECT_EQ(move.left, 1);
  EXPECT_EQ(ValueOf(store_->GetMember("mem_1")).member.status(), events::v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(OldKeysLeft(), 1);
}

// Replicas starting at once each run the move: every key moves once, and neither fails.
TEST_F(PeopleKeyMoveTest, ReplicasMovingAtOnceMoveEveryKeyOnce) {
  constexpr int kMembers = 150;
  std::vector<std::string> tokens;
  tokens.reserve(kMembers);
  for (int i = 0; i < kMembers; ++i) {
    tokens.push_back(
        WriteOldMember(absl::StrCat("mem_", 1000 + i), absl::StrCat("p", i, "@x.org")));
  }
  std::vector<absl::StatusOr<LegacyMove>> results(3, LegacyMove{});
  std::vector<std::thread> replicas;
  replicas.reserve(results.size());
  for (auto& result : results) {
    replicas.emplace_back([this, &result] {
      redis::RedisClient own(events::testing::TestRedisOptions());
      result = MoveLegacyKeys(own, *keys_);
    });
  }
  for (std::thread& t : replicas) t.join();
  int64_t moved = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    moved += result->moved;
    EXPECT_EQ(result->left, 0);
  }
  // Per member: its hash, sessions set, address index and session; org_a's 3 keys once.
  EXPECT_EQ(moved, kMembers * 4 + 3);
  EXPECT_EQ(OldKeysLeft(), 0);
  for (int i = 0; i < kMembers; i += 37) {
    EXPECT_EQ(
        ValueOf(key_store_->FindSession(Sha256Hex(tokens[static_cast<size_t>(i)]), kNow)).member_id,
        absl::StrCat("mem_", 1000 + i));
  }
}

}  // namespace
}  // namespace events::people
