// The contacts projection, feed, CSV export and unsubscribes, against a real Redis, with
// the registration service faked (FakeRegistrations).
#include <memory>

#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/contacts/contacts_projector.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"
#include "tests/integrations/integrations_test_support.h"

namespace events::integrations {
namespace {

using ::testing::HasSubstr;

class ContactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_,
                                                      RedisIntegrationsStore::Options{});
    box_ = std::make_unique<SecretBox>(std::string(32, 'k'));
    integrations_ =
        std::make_unique<Integrations>(*store_, key_store_, registrations_, *box_, *keys_, clock_,
                                       ids_, UrlPolicy{}, [this](const events::v1::DomainEvent& e) {
                                         published_.push_back(e);
                                         return absl::OkStatus();
                                       });
    projector_ = std::make_unique<ContactsProjector>(*store_, registrations_);
    event_a_ = ids_.New("ev");
    event_b_ = ids_.New("ev");
  }

  // A registration as the registration service has it, and its event as the stream has it.
  events::v1::Registration Register(const std::string& org, const std::string& event,
                                    const std::string& email, const std::string& name,
                                    bool opt_in) {
    events::v1::Registration r;
    r.set_id(ids_.New("rg"));
    r.set_event_id(event);
    r.set_email(email);
    r.set_name(name);
    r.set_marketing_opt_in(opt_in);
    r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
    r.set_version(0);
    registrations_.Put(r);
    orgs_[r.id()] = org;
    EXPECT_TRUE(projector_->Apply(Changed("registration.created", r)).ok());
    return r;
  }

  events::v1::DomainEvent Changed(const std::string& type, const events::v1::Registration& r) {
    events::v1::RegistrationChanged c;
    c.set_registration_id(r.id());
    c.set_event_id(r.event_id());
    c.set_org_id(orgs_[r.id()]);
    c.set_status(r.status());
    c.set_marketing_opt_in(r.marketing_opt_in());
    c.set_version(r.version());
    events::v1::DomainEvent e;
    e.set_id(absl::StrCat(r.id(), ":", type, ":", r.version()));
    e.set_type(type);
    e.set_org_id(orgs_[r.id()]);
    e.set_data_type("events.v1.RegistrationChanged");
    e.set_data(c.SerializeAsString());
    return e;
  }

  std::vector<events::v1::MailingContact> Feed(const std::string& org, int64_t after = 0,
                                               const std::string& event = "") {
    events::v1::ListContactsRequest req;
    req.set_after_cursor(after);
    req.set_event_id(event);
    auto page = integrations_->ListContacts(org, req);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? std::vector<events::v1::MailingContact>(page->contacts().begin(),
                                                               page->contacts().end())
                     : std::vector<events::v1::MailingContact>{};
  }

  SystemClock clock_;
  IdGenerator ids_{clock_};
  auth::FakeKeyStore key_store_;
  testing::FakeRegistrations registrations_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisIntegrationsStore> store_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<Integrations> integrations_;
  std::unique_ptr<ContactsProjector> projector_;
  std::vector<events::v1::DomainEvent> published_;
  std::map<std::string, std::string> orgs_;
  std::string event_a_, event_b_;
};

TEST_F(ContactsTest, OnlyRegistrantsWhoOptedInAreContacts) {
  Register("org_a", event_a_, "Ada@Example.org ", "Ada Lovelace", true);
  Register("org_a", event_a_, "quiet@example.org", "Quiet Person", false);
  Register("org_a", event_b_, "ada@example.org", "Ada Lovelace", true);
  auto feed = Feed("org_a");
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].email(), "ada@example.org");
  EXPECT_EQ(feed[0].first_name(), "Ada");
  EXPECT_EQ(feed[0].last_name(), "Lovelace");
  EXPECT_TRUE(feed[0].subscribed());
  std::vector<std::string> tags(feed[0].tags().begin(), feed[0].tags().end());
  std::vector<std::string> expected = {"event:" + event_a_, "event:" + event_b_};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(tags, expected);
  EXPECT_TRUE(Feed("org_b").empty());
}

TEST_F(ContactsTest, TheFeedIsIncrementalFromACursor) {
  Register("org_a", event_a_, "one@example.org", "One", true);
  Register("org_a", event_a_, "two@example.org", "Two", true);
  auto all = Feed("org_a");
  ASSERT_EQ(all.size(), 2u);
  const int64_t cursor = all.back().cursor();
  EXPECT_TRUE(Feed("org_a", cursor).empty());
  Register("org_a", event_b_, "three@example.org", "Three", true);
  auto next = Feed("org_a", cursor);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].email(), "three@example.org");
  // Per event.
  auto only_b = Feed("org_a", 0, event_b_);
  ASSERT_EQ(only_b.size(), 1u);
  EXPECT_EQ(only_b[0].email(), "three@example.org");
}

TEST_F(ContactsTest, WithdrawnConsentOrCancellationTakesTheContactOff) {
  auto r = Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  const int64_t cursor = Feed("org_a").back().cursor();
  r.set_marketing_opt_in(false);
  r.set_version(1);
  registrations_.Put(r);
  ASSERT_TRUE(projector_->Apply(Changed("registration.updated", r)).ok());
  auto change = Feed("org_a", cursor);
  ASSERT_EQ(change.size(), 1u);
  EXPECT_FALSE(change[0].subscribed());
  // A late, older event does not bring it back.
  r.set_marketing_opt_in(true);
  r.set_version(0);
  ASSERT_TRUE(projector_->Apply(Changed("registration.created", r)).ok());
  EXPECT_FALSE(Feed("org_a").back().subscribed());
  // Opting in again, then cancelling.
  r.set_version(2);
  registrations_.Put(r);
  ASSERT_TRUE(projector_->Apply(Changed("registration.updated", r)).ok());
  EXPECT_TRUE(Feed("org_a").back().subscribed());
  r.set_status(events::v1::REGISTRATION_STATUS_CANCELLED);
  r.set_version(3);
  registrations_.Put(r);
  ASSERT_TRUE(projector_->Apply(Changed("registration.cancelled", r)).ok());
  EXPECT_FALSE(Feed("org_a").back().subscribed());
}

TEST_F(ContactsTest, RegistrationDownLeavesTheEventForARetry) {
  events::v1::Registration r;
  r.set_id(ids_.New("rg"));
  r.set_event_id(event_a_);
  r.set_email("ada@example.org");
  r.set_marketing_opt_in(true);
  registrations_.Put(r);
  orgs_[r.id()] = "org_a";
  registrations_.SetUnavailable(true);
  EXPECT_TRUE(absl::IsUnavailable(projector_->Apply(Changed("registration.created", r))));
  registrations_.SetUnavailable(false);
  EXPECT_TRUE(projector_->Apply(Changed("registration.created", r)).ok());
  EXPECT_EQ(Feed("org_a").size(), 1u);
}

TEST_F(ContactsTest, CsvExportHasTheMailingToolColumns) {
  Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  Register("org_a", event_b_, "eve@example.org", "=cmd|' /C calc'!A0 Evil", true);
  Register("org_a", event_b_, "no@example.org", "No Consent", false);
  auto csv = integrations_->ExportContacts("org_a", "");
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->rows(), 2);
  EXPECT_EQ(csv->content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->content(),
            absl::StrCat("email,first_name,last_name,tags\r\n",
                         "ada@example.org,Ada,Lovelace,event:", event_a_, "\r\n",
                         "eve@example.org,'=cmd|',/C calc'!A0 Evil,event:", event_b_, "\r\n"));
  auto one = integrations_->ExportContacts("org_a", event_a_);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->rows(), 1);
  EXPECT_EQ(one->filename(), absl::StrCat("contacts-", event_a_, ".csv"));
  EXPECT_TRUE(absl::IsInvalidArgument(integrations_->ExportContacts("org_a", "nope").status()));
}

TEST_F(ContactsTest, UnsubscribeWithdrawsConsentEverywhereInTheOrganisationAndNowhereElse) {
  auto a1 = Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  auto a2 = Register("org_a", event_b_, "ADA@example.org", "Ada Lovelace", true);
  auto other_person = Register("org_a", event_a_, "bob@example.org", "Bob Smith", true);
  auto elsewhere = Register("org_b", ids_.New("ev"), "ada@example.org", "Ada Lovelace", true);
  events::v1::UnsubscribeRequest req;
  req.set_email(" Ada@Example.org");
  req.set_source("mailchimp");
  auto done = integrations_->Unsubscribe("org_a", req);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->registrations_changed(), 2);
  EXPECT_FALSE(registrations_.Get(a1.id()).marketing_opt_in());
  EXPECT_FALSE(registrations_.Get(a2.id()).marketing_opt_in());
  EXPECT_TRUE(registrations_.Get(other_person.id()).marketing_opt_in());
  EXPECT_TRUE(registrations_.Get(elsewhere.id()).marketing_opt_in());
  // The contact left org_a's list, not org_b's.
  for (const auto& c : Feed("org_a")) {
    EXPECT_EQ(c.subscribed(), c.email() == "bob@example.org") << c.email();
  }
  ASSERT_EQ(Feed("org_b").size(), 1u);
  EXPECT_TRUE(Feed("org_b")[0].subscribed());
  // contact.unsubscribed, with the address's hash, never the address.
  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0].type(), "contact.unsubscribed");
  EXPECT_EQ(published_[0].org_id(), "org_a");
  events::v1::ContactUnsubscribed payload;
  ASSERT_TRUE(payload.ParseFromString(published_[0].data()));
  EXPECT_EQ(payload.email_sha256(), EmailSha256("ada@example.org"));
  EXPECT_EQ(payload.registrations_changed(), 2);
  EXPECT_THAT(published_[0].SerializeAsString(), ::testing::Not(HasSubstr("ada@")));
  // A later opt-in of a suppressed address is not projected.
  Register("org_a", ids_.New("ev"), "ada@example.org", "Ada Lovelace", true);
  for (const auto& c : Feed("org_a")) {
    if (c.email() == "ada@example.org") {
      EXPECT_FALSE(c.subscribed());
    }
  }
  // Unsubscribing again is harmless.
  auto again = integrations_->Unsubscribe("org_a", req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->registrations_changed(), 0);
}

TEST_F(ContactsTest, LaterOptInsOfAnUnsubscribedAddressHaveTheirConsentWithdrawn) {
  Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  events::v1::UnsubscribeRequest req;
  req.set_email("ada@example.org");
  ASSERT_TRUE(integrations_->Unsubscribe("org_a", req).ok());
  // A new registration with consent, after the unsubscribe: withdrawn in registration too.
  auto later = Register("org_a", event_b_, "Ada@example.org", "Ada Lovelace", true);
  EXPECT_FALSE(registrations_.Get(later.id()).marketing_opt_in());
  for (const auto& c : Feed("org_a")) EXPECT_FALSE(c.subscribed()) << c.email();
  // When registration cannot be reached for the withdrawal, the event waits for a retry,
  // and the retry (now stale for the projection) still withdraws.
  registrations_.SetWithdrawUnavailable(true);
  events::v1::Registration r;
  r.set_id(ids_.New("rg"));
  r.set_event_id(event_a_);
  r.set_email("ada@example.org");
  r.set_marketing_opt_in(true);
  r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
  registrations_.Put(r);
  orgs_[r.id()] = "org_a";
  EXPECT_TRUE(absl::IsUnavailable(projector_->Apply(Changed("registration.created", r))));
  EXPECT_TRUE(registrations_.Get(r.id()).marketing_opt_in());
  registrations_.SetWithdrawUnavailable(false);
  EXPECT_TRUE(projector_->Apply(Changed("registration.created", r)).ok());
  EXPECT_FALSE(registrations_.Get(r.id()).marketing_opt_in());
  for (const auto& c : Feed("org_a")) EXPECT_FALSE(c.subscribed()) << c.email();
}

TEST_F(ContactsTest, UnsubscribeCountsOnlyConsentsItChanged) {
  auto open = Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  auto withdrawn = Register("org_a", event_b_, "ada@example.org", "Ada Lovelace", true);
  auto cancelled = Register("org_a", ids_.New("ev"), "ada@example.org", "Ada Lovelace", true);
  // Changed in registration, and not yet seen by the projection.
  auto w = registrations_.Get(withdrawn.id());
  w.set_marketing_opt_in(false);
  registrations_.Put(w);
  auto c = registrations_.Get(cancelled.id());
  c.set_status(events::v1::REGISTRATION_STATUS_CANCELLED);
  registrations_.Put(c);
  events::v1::UnsubscribeRequest req;
  req.set_email("ada@example.org");
  auto done = integrations_->Unsubscribe("org_a", req);
  ASSERT_TRUE(done.ok()) << done.status();
  // The open one and the cancelled one, whose consent the organiser's export still shows.
  EXPECT_EQ(done->registrations_changed(), 2);
  EXPECT_FALSE(registrations_.Get(open.id()).marketing_opt_in());
  EXPECT_FALSE(registrations_.Get(cancelled.id()).marketing_opt_in());
  EXPECT_EQ(registrations_.withdrawn(), 2);
}

TEST_F(ContactsTest, UnsubscribeReachesRegistrationsThatLeftTheListBefore) {
  auto cancelled = Register("org_a", event_a_, "ada@example.org", "Ada Lovelace", true);
  auto rejected = Register("org_a", event_b_, "ada@example.org", "Ada Lovelace", true);
  auto withdrawn = Register("org_a", ids_.New("ev"), "ada@example.org", "Ada Lovelace", true);
  auto other = Register("org_a", event_a_, "bob@example.org", "Bob Smith", true);
  // Cancelled and rejected with their consent still given, and one that withdrew it: the
  // projection has seen all three, so the contact has no registration left.
  cancelled.set_status(events::v1::REGISTRATION_STATUS_CANCELLED);
  rejected.set_status(events::v1::REGISTRATION_STATUS_REJECTED);
  withdrawn.set_marketing_opt_in(false);
  for (auto* r : {&cancelled, &rejected, &withdrawn}) {
    r->set_version(1);
    registrations_.Put(*r);
    ASSERT_TRUE(projector_->Apply(Changed("registration.updated", *r)).ok());
  }
  for (const auto& c : Feed("org_a")) {
    EXPECT_EQ(c.subscribed(), c.email() == "bob@example.org") << c.email();
  }

  events::v1::UnsubscribeRequest req;
  req.set_email("ada@example.org");
  auto done = integrations_->Unsubscribe("org_a", req);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->registrations_changed(), 2);
  EXPECT_FALSE(registrations_.Get(cancelled.id()).marketing_opt_in());
  EXPECT_FALSE(registrations_.Get(rejected.id()).marketing_opt_in());
  EXPECT_EQ(registrations_.withdrawn(), 2);  // not the one already withdrawn
  EXPECT_TRUE(registrations_.Get(other.id()).marketing_opt_in());
  // Done once: the next unsubscribe finds nothing left to withdraw.
  auto again = integrations_->Unsubscribe("org_a", req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->registrations_changed(), 0);

  // Opting in again on a registration takes it off the "left" ones (it is a contact again,
  // until the suppression withdraws it at once).
  auto back = registrations_.Get(withdrawn.id());
  back.set_marketing_opt_in(true);
  back.set_version(2);
  registrations_.Put(back);
  ASSERT_TRUE(projector_->Apply(Changed("registration.updated", back)).ok());
  EXPECT_FALSE(registrations_.Get(withdrawn.id()).marketing_opt_in());
}

TEST_F(ContactsTest, UnsubscribeChecksItsInput) {
  events::v1::UnsubscribeRequest req;
  EXPECT_THAT(std::string(integrations_->Unsubscribe("org_a", req).status().message()),
              HasSubstr("email"));
  req.set_email("not-an-address");
  EXPECT_TRUE(absl::IsInvalidArgument(integrations_->Unsubscribe("org_a", req).status()));
}

}  // namespace
}  // namespace events::integrations
