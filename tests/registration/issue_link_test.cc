// IssueRegistrationLink over real gRPC on a real Redis: the personal link the notifications
// service puts in an e-mail, derived from the link secret (docs/registration.md, "Personal
// links"), its rotation, and who may ask for it.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registration/rules/link_token.h"
#include "tests/registration/registration_grpc_fixture.h"

namespace events::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The shared fixture (an event of one place), a key with the service role, and one
// registration (person 1, confirmed).
class IssueLinkTest : public RegistrationGrpcTest {
 protected:
  void SetUp() override {
    RegistrationGrpcTest::SetUp();
    if (HasFatalFailure()) return;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "notifications");
    ASSERT_TRUE(service.ok());
    service_key_ = service->plaintext;
    registered_ = MustRegister(1);
    id_ = registered_.registration().id();
  }

  events::v1::RegisterResponse MustRegister(int n) {
    events::v1::RegisterResponse registered;
    grpc::Status s = stub_->Register(Call("").get(), testing::Person(event_, n), &registered);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return registered;
  }

  grpc::Status Issue(const std::string& id, const std::string& rotation,
                     events::v1::RegistrationLink* link, const std::string& key) {
    events::v1::IssueRegistrationLinkRequest req;
    req.set_registration_id(id);
    req.set_rotation_id(rotation);
    return stub_->IssueRegistrationLink(Call(key).get(), req, link);
  }
  // The link's token, failing the test when the call fails.
  std::string MustIssue(const std::string& rotation, const std::string& id = "") {
    events::v1::RegistrationLink link;
    grpc::Status s = Issue(id.empty() ? id_ : id, rotation, &link, service_key_);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return link.token();
  }

  grpc::StatusCode Mine(const std::string& token, events::v1::Registration* seen = nullptr) {
    events::v1::GetMyRegistrationRequest req;
    req.set_registration_token(token);
    events::v1::Registration ignored;
    return stub_->GetMyRegistration(Call("").get(), req, seen != nullptr ? seen : &ignored)
        .error_code();
  }

  // The registration's hash as stored.
  std::map<std::string, std::string> Stored(const std::string& id) {
    std::map<std::string, std::string> out;
    auto reply = redis_->Command({"HGETALL", store_->RegistrationPrefix(id) + id});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i + 1 < redis::ArraySize(**reply); i += 2) {
      out[redis::AsString(redis::ArrayAt(**reply, i))] =
          redis::AsString(redis::ArrayAt(**reply, i + 1));
    }
    return out;
  }

  std::string service_key_;
  events::v1::RegisterResponse registered_;
  std::string id_;
};

TEST_F(IssueLinkTest, ANewRegistrationGetsTheTokenRegisterReturnedAndItsOwnView) {
  const std::string& token = registered_.registration_token();
  // Register's token is the derived one, with nonce "".
  EXPECT_EQ(token, DeriveLinkToken(kLinkSecret, id_, ""));
  events::v1::RegistrationLink link;
  ASSERT_TRUE(Issue(id_, "", &link, service_key_).ok());
  EXPECT_EQ(link.token(), token);
  // What GetMyRegistration shows the attendee, join link included.
  events::v1::Registration mine;
  ASSERT_EQ(Mine(token, &mine), grpc::StatusCode::OK);
  EXPECT_EQ(link.registration().SerializeAsString(), mine.SerializeAsString());
  EXPECT_EQ(link.registration().status(), events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(link.registration().join_link(), "https://meet.example.org/room");
  EXPECT_EQ(link.registration().email(), "person1@example.org");
  // Asking again changes nothing; Redis holds the hash only.
  EXPECT_EQ(MustIssue(""), token);
  for (const auto& [field, value] : Stored(id_)) {
    EXPECT_THAT(value, Not(HasSubstr(token.substr(token.find('.') + 1)))) << field;
  }
  EXPECT_EQ(Stored(id_)["token"], Sha256Hex(token));
}

TEST_F(IssueLinkTest, ARotationGivesANewLinkAndTheOldOneStopsWorking) {
  const std::string old_token = registered_.registration_token();
  const std::string rotation = absl::StrCat(id_, ":link_requested:1768478400000");
  const std::string rotated = MustIssue(rotation);
  EXPECT_NE(rotated, old_token);
  EXPECT_EQ(rotated, DeriveLinkToken(kLinkSecret, id_, rotation));
  EXPECT_EQ(Mine(old_token), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Mine(rotated), grpc::StatusCode::OK);
  // The old token can no longer change or cancel the registration either.
  events::v1::CancelMyRegistrationRequest cancel;
  cancel.set_registration_token(old_token);
  events::v1::Registration after;
  EXPECT_EQ(stub_->CancelMyRegistration(Call("").get(), cancel, &after).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // A retried e-mail (the same rotation) and a plain request both get the same link.
  EXPECT_EQ(MustIssue(rotation), rotated);
  EXPECT_EQ(MustIssue(""), rotated);
  EXPECT_EQ(Mine(rotated), grpc::StatusCode::OK);
  std::map<std::string, std::string> stored = Stored(id_);
  EXPECT_EQ(stored["link_nonce"], rotation);
  EXPECT_EQ(stored["token"], Sha256Hex(rotated));
  // Not a change of the registration: the version stays.
  EXPECT_EQ(stored["version"], "1");

  // A further rotation retires this link in turn.
  const std::string again = MustIssue(rotation + "0");
  EXPECT_NE(again, rotated);
  EXPECT_EQ(Mine(rotated), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Mine(again), grpc::StatusCode::OK);
}

TEST_F(IssueLinkTest, ConcurrentRotationsLeaveExactlyOneWorkingTokenTheStoredRotations) {
  // Straight to the domain, which the handler only wraps: the race is in Redis, and the
  // test server's few handler threads would refuse some of the calls (RESOURCE_EXHAUSTED).
  constexpr int kThreads = 8;
  std::vector<std::string> tokens(kThreads);
  std::vector<absl::Status> statuses(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      absl::StatusOr<Registered> link = registrar_->IssueLink(id_, absl::StrCat("rotation-", i));
      statuses[i] = link.status();
      if (link.ok()) tokens[i] = link->token;
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<int> working;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i];
    EXPECT_EQ(tokens[i], DeriveLinkToken(kLinkSecret, id_, absl::StrCat("rotation-", i)));
    if (Mine(tokens[i]) == grpc::StatusCode::OK) working.push_back(i);
  }
  ASSERT_EQ(working.size(), 1u);
  EXPECT_EQ(Mine(registered_.registration_token()), grpc::StatusCode::NOT_FOUND);
  // The one that works is the answer of the rotation applied last: the nonce stored, with
  // its own hash (never one rotation's nonce with another's hash).
  std::map<std::string, std::string> stored = Stored(id_);
  EXPECT_EQ(stored["link_nonce"], absl::StrCat("rotation-", working[0]));
  EXPECT_EQ(stored["token"], Sha256Hex(tokens[working[0]]));
  EXPECT_EQ(MustIssue(""), tokens[working[0]]);
}

TEST_F(IssueLinkTest, EveryStatusGetsItsLinkCancelledAndWaitlistedIncluded) {
  // The event has one place: person 2 waits.
  events::v1::RegisterResponse waiting = MustRegister(2);
  events::v1::RegistrationLink link;
  ASSERT_TRUE(Issue(waiting.registration().id(), "", &link, service_key_).ok());
  EXPECT_EQ(link.token(), waiting.registration_token());
  EXPECT_EQ(link.registration().status(), events::v1::REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(link.registration().waitlist_position(), 1);
  EXPECT_TRUE(link.registration().join_link().empty());

  // Person 1 cancels (person 2 gets the place); a cancellation e-mail needs the link too.
  events::v1::CancelMyRegistrationRequest cancel;
  cancel.set_registration_token(registered_.registration_token());
  events::v1::Registration cancelled;
  ASSERT_TRUE(stub_->CancelMyRegistration(Call("").get(), cancel, &cancelled).ok());
  ASSERT_TRUE(Issue(id_, "", &link, service_key_).ok());
  EXPECT_EQ(link.token(), registered_.registration_token());
  EXPECT_EQ(link.registration().status(), events::v1::REGISTRATION_STATUS_CANCELLED);
  EXPECT_TRUE(link.registration().join_link().empty());
  const std::string rotated = MustIssue("after-cancel");
  EXPECT_EQ(Mine(rotated), grpc::StatusCode::OK);

  ASSERT_TRUE(Issue(waiting.registration().id(), "", &link, service_key_).ok());
  EXPECT_EQ(link.registration().status(), events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(link.registration().join_link(), "https://meet.example.org/room");
}

TEST_F(IssueLinkTest, ATokenMadeBeforeLinksWereDerivedIsReplacedByTheDerivedOne) {
  // A registration made before this change: its token was random, only its hash stored,
  // and no nonce.
  const std::string key = store_->RegistrationPrefix(id_) + id_;
  const std::string legacy = absl::StrCat(id_, ".", RandomToken(32));
  ASSERT_TRUE(redis_->Command({"HSET", key, "token", Sha256Hex(legacy)}).ok());
  ASSERT_TRUE(redis_->Command({"HDEL", key, "link_nonce"}).ok());
  // Its link keeps working until one is issued (its hash is all there is to check it by).
  ASSERT_EQ(Mine(legacy), grpc::StatusCode::OK);
  const std::string derived = MustIssue("");
  EXPECT_EQ(derived, DeriveLinkToken(kLinkSecret, id_, ""));
  EXPECT_EQ(Mine(derived), grpc::StatusCode::OK);
  EXPECT_EQ(Mine(legacy), grpc::StatusCode::NOT_FOUND);
  std::map<std::string, std::string> stored = Stored(id_);
  ASSERT_EQ(stored.count("link_nonce"), 1u);
  EXPECT_EQ(stored["link_nonce"], "");
  EXPECT_EQ(MustIssue(""), derived);
}

TEST_F(IssueLinkTest, ReplacingTheSecretRetiresEveryLinkAndTheNextIssuedOneWorks) {
  // Registration 2 has a rotated link; both were made under the fixture's secret.
  events::v1::RegisterResponse second = MustRegister(2);
  const std::string second_id = second.registration().id();
  const std::string rotated = MustIssue("r1", second_id);
  ASSERT_EQ(Mine(rotated), grpc::StatusCode::OK);

  // The operator replaces the secret (a leak, say): another Registrar, same Redis.
  RegistrarOptions options;
  options.link_secret = "a new link secret, after the old one leaked";
  Registrar replaced(*store_, directory_, clock_, ids_, options);
  EXPECT_TRUE(absl::IsNotFound(replaced.GetMine(registered_.registration_token()).status()));
  EXPECT_TRUE(absl::IsNotFound(replaced.GetMine(rotated).status()));
  // Even though Redis still holds their hashes: whoever computed a link with the old
  // secret has nothing.
  EXPECT_EQ(Stored(id_)["token"], Sha256Hex(registered_.registration_token()));

  // The next link issued is derived under the new secret, with the stored nonce.
  absl::StatusOr<Registered> first = replaced.IssueLink(id_, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->token, DeriveLinkToken(options.link_secret, id_, ""));
  EXPECT_TRUE(replaced.GetMine(first->token).ok());
  absl::StatusOr<Registered> again = replaced.IssueLink(second_id, "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->token, DeriveLinkToken(options.link_secret, second_id, "r1"));
  EXPECT_TRUE(replaced.GetMine(again->token).ok());
  // The same rotation again, under the new secret, gives that link too.
  absl::StatusOr<Registered> retried = replaced.IssueLink(second_id, "r1");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->token, again->token);
}

TEST_F(IssueLinkTest, OnlyTheServiceRoleMayAsk) {
  auto integration =
      auth::IssueKey(*key_store_, ids_, clock_, directory_.Fetch(event_)->org_id,
                     {auth::Role::kIntegration}, {"registrations:read"}, "mailing tool");
  ASSERT_TRUE(integration.ok());
  events::v1::RegistrationLink link;
  grpc::Status organiser = Issue(id_, "", &link, key_);
  EXPECT_EQ(organiser.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(organiser.error_message(), HasSubstr("service"));
  EXPECT_EQ(Issue(id_, "", &link, integration->plaintext).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Issue(id_, "", &link, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Issue(id_, "", &link, "evk_not_a_key").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // An attendee's own token is no key either.
  EXPECT_EQ(Issue(id_, "", &link, registered_.registration_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(link.token().empty());
  // Nothing was rotated by the refused calls.
  EXPECT_EQ(Mine(registered_.registration_token()), grpc::StatusCode::OK);
}

TEST_F(IssueLinkTest, BadIdsAndRotationIdsAreNamedAndUnknownIdsNotFound) {
  events::v1::RegistrationLink link;
  grpc::Status empty = Issue("", "", &link, service_key_);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("registration_id"));
  EXPECT_EQ(Issue("rg_nope", "", &link, service_key_).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::string unknown = "rg_" + event_.substr(3) + "-" + ids_.New("x").substr(2);
  EXPECT_EQ(Issue(unknown, "", &link, service_key_).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Issue(unknown, "r", &link, service_key_).error_code(), grpc::StatusCode::NOT_FOUND);
  for (const std::string& bad : {std::string(129, 'r'), std::string("line\nbreak")}) {
    grpc::Status s = Issue(id_, bad, &link, service_key_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("rotation_id must be at most 128 printable ASCII"));
  }
  EXPECT_EQ(Mine(registered_.registration_token()), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace events::registration
