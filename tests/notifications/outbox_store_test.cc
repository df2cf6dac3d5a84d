// The outbox's scripts on a real Redis: made once, claimed with a lease, recorded once,
// dead letters replayed, send limits, sender settings and undeliverable addresses.
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/testing/redis_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notifications/store/redis_outbox_store.h"

namespace events::notifications {
namespace {

constexpr int64_t kNow = 1768478400000;

class OutboxStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    store_ = std::make_unique<RedisOutboxStore>(*redis_, *keys_, RedisOutboxStore::Options{});
  }

  NewMail Mail(const std::string& cause, const std::string& registration) {
    return NewMail{MailId(2, cause, "registration_confirmed", registration),
                   "ev_1",
                   registration,
                   "registration_confirmed",
                   cause,
                   "",
                   "",
                   "",
                   false,
                   "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisOutboxStore> store_;
};

TEST_F(OutboxStoreTest, MailIsMadeOnceAndClaimedByOneSenderAtATime) {
  auto made = store_->Enqueue(2, "org_1", {Mail("e1", "rg_1"), Mail("e1", "rg_2")}, kNow);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made, 2);
  // The same domain event again (a redelivery) makes nothing.
  made = store_->Enqueue(2, "org_1", {Mail("e1", "rg_1")}, kNow + 5);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made, 0);
  auto claimed = store_->Claim(kNow, 60000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].org_id, "org_1");
  EXPECT_EQ((*claimed)[0].partition, 2);
  EXPECT_EQ((*claimed)[0].attempts, 0);
  EXPECT_EQ((*claimed)[0].created_ms, kNow);
  // The trace of the intake that made it, for the send to log in.
  EXPECT_EQ((*claimed)[0].mail.traceparent,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  // Leased: nobody else gets them until the lease is over.
  auto again = store_->Claim(kNow + 1000, 60000, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  again = store_->Claim(kNow + 61000, 60000, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 2u);
}

// A sign-in link is waited for at a browser: made after a backlog, it is claimed first.
TEST_F(OutboxStoreTest, UrgentMailIsClaimedBeforeABacklogAndKeepsItsMember) {
  std::vector<NewMail> backlog;
  backlog.reserve(5);
  for (int i = 0; i < 5; ++i) backlog.push_back(Mail("e1", absl::StrCat("rg_", i)));
  ASSERT_TRUE(store_->Enqueue(2, "org_1", backlog, kNow).ok());
  NewMail link{MailId(2, "e2", "sign_in_link", "mem_1"),
               "",
               "",
               "sign_in_link",
               "e2",
               "",
               "sil_1",
               "mem_1",
               /*urgent=*/true,
               /*traceparent=*/""};
  ASSERT_TRUE(store_->Enqueue(2, "org_1", {link}, kNow + 1000).ok());
  auto claimed = store_->Claim(kNow + 2000, 60000, 2);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].mail.id, link.id);
  EXPECT_EQ((*claimed)[0].mail.member_id, "mem_1");
  EXPECT_EQ((*claimed)[0].mail.arg, "sil_1");
  EXPECT_EQ((*claimed)[0].created_ms, kNow + 1000);
  EXPECT_EQ((*claimed)[1].mail.member_id, "");
}

TEST_F(OutboxStoreTest, ATryIsRecordedOnceAndDeadMailCanBeReplayed) {
  ASSERT_TRUE(store_->Enqueue(2, "org_1", {Mail("e1", "rg_1")}, kNow).ok());
  auto claimed = store_->Claim(kNow, 60000, 10);
  ASSERT_TRUE(claimed.ok() && claimed->size() == 1);
  MailResult dead{MailOutcome::kDead, 0, "Failed to connect", "ann@example.org"};
  auto first = store_->Record((*claimed)[0], dead, kNow + 1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  // A second sender that held an expired lease on the same try records nothing.
  auto stale = store_->Record((*claimed)[0], MailResult{}, kNow + 2);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto outbox = store_->ListOutbox("org_1", 10, events::v1::MAIL_STATE_DEAD);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].recipient(), "ann@example.org");
  EXPECT_EQ((*outbox)[0].attempts(), 1);
  EXPECT_EQ((*outbox)[0].last_error(), "Failed to connect");
  // Another organisation cannot replay it; its own can, once.
  auto other = store_->Replay("org_2", "", kNow + 3);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, 0);
  auto replayed = store_->Replay("org_1", "", kNow + 3);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, 1);
  replayed = store_->Replay("org_1", (*outbox)[0].mail_id(), kNow + 4);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, 0);
  auto back = store_->Claim(kNow + 5, 60000, 10);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].attempts, 0);
}

TEST_F(OutboxStoreTest, LimitsCountPerRecipientAndPerOrganisationInAWindow) {
  OutboxStore::Limits limits{2, 3, 3600LL * 1000};
  using V = OutboxStore::LimitVerdict;
  auto count = [&](const std::string& org, const std::string& to, int64_t at) {
    auto v = store_->CountSend(org, to, limits, at);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : V::kAllowed;
  };
  EXPECT_EQ(count("org_1", "ann@example.org", kNow), V::kAllowed);
  // The same address in another case is the same person.
  EXPECT_EQ(count("org_1", " ANN@example.org", kNow), V::kAllowed);
  EXPECT_EQ(count("org_1", "ann@example.org", kNow), V::kRecipientOver);
  EXPECT_EQ(count("org_1", "bob@example.org", kNow), V::kAllowed);
  // The organisation's fourth waits; it did not use up Cat's allowance.
  EXPECT_EQ(count("org_1", "cat@example.org", kNow), V::kOrganisationOver);
  EXPECT_EQ(count("org_1", "cat@example.org", kNow), V::kOrganisationOver);
  EXPECT_EQ(count("org_2", "cat@example.org", kNow), V::kAllowed);
  // The next window starts again.
  EXPECT_EQ(count("org_1", "cat@example.org", kNow + 3600LL * 1000), V::kAllowed);
}

TEST_F(OutboxStoreTest, SettingsChangeOnlyFromTheVersionRead) {
  EXPECT_TRUE(absl::IsNotFound(store_->GetSettings("org_1").status()));
  events::v1::SenderSettings s;
  s.set_from_name("Riverside Health Forum");
  s.add_coordinator_emails("access@example.org");
  s.add_coordinator_emails("desk@example.org");
  auto saved = store_->PutSettings("org_1", s, 0, kNow);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->version(), 1);
  EXPECT_TRUE(absl::IsAborted(store_->PutSettings("org_1", s, 0, kNow).status()));
  auto read = store_->GetSettings("org_1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->from_name(), "Riverside Health Forum");
  EXPECT_THAT(read->coordinator_emails(),
              ::testing::ElementsAre("access@example.org", "desk@example.org"));
}

TEST_F(OutboxStoreTest, UndeliverableAddressesAreRememberedWhateverTheirCase) {
  auto before = store_->Undeliverable("eve@example.org");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  ASSERT_TRUE(store_->MarkUndeliverable("Eve@Example.org", "RCPT failed: 550").ok());
  auto after = store_->Undeliverable("eve@example.org");
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ(**after, "RCPT failed: 550");
}

TEST(MailIdTest, IdsAreStablePerEventTemplateAndRecipientAndCarryTheirPartition) {
  EXPECT_EQ(MailId(3, "e1", "t", "rg_1"), MailId(3, "e1", "t", "rg_1"));
  EXPECT_NE(MailId(3, "e1", "t", "rg_1"), MailId(3, "e1", "t", "rg_2"));
  EXPECT_NE(MailId(3, "e1", "t", "rg_1"), MailId(3, "e2", "t", "rg_1"));
  EXPECT_EQ(PartitionOfMail(MailId(3, "e1", "t", "rg_1")), 3);
  EXPECT_EQ(PartitionOfMail("x.y"), -1);
  EXPECT_EQ(PartitionOfMail("3.ABCDEF"), -1);
  EXPECT_EQ(PartitionOfMail(""), -1);
}

}  // namespace
}  // namespace events::notifications
