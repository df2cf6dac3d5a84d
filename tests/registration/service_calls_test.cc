// The calls only the platform's own services make (integrations' contact sync), over real
// gRPC on a real Redis: LookupRegistration, WithdrawMarketingConsent and
// ListEventRegistrations.
#include "common/bus/event_bus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/registration/registration_grpc_fixture.h"

namespace events::registration {
namespace {

using ::testing::HasSubstr;

// The shared fixture, plus a key with the service role and an event with room for ten.
class ServiceCallsTest : public RegistrationGrpcTest {
 protected:
  void SetUp() override {
    RegistrationGrpcTest::SetUp();
    if (HasFatalFailure()) return;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "integrations");
    ASSERT_TRUE(service.ok());
    service_key_ = service->plaintext;
    directory_.Put(testing::OpenEvent(event_, 10, directory_.Fetch(event_)->org_id));
  }

  std::string service_key_;
};

TEST_F(ServiceCallsTest, TheServiceRoleLooksUpAndWithdrawsConsent) {
  auto person = testing::Person(event_, 1);
  person.set_marketing_opt_in(true);
  person.set_organisation("Analytical Engines Ltd");
  events::v1::RegisterResponse registered;
  ASSERT_TRUE(stub_->Register(Call("").get(), person, &registered).ok());
  const std::string id = registered.registration().id();

  events::v1::LookupRegistrationRequest lookup;
  lookup.set_registration_id(id);
  events::v1::Registration seen;
  // Organisers and anonymous callers may not; the service role may.
  EXPECT_EQ(stub_->LookupRegistration(Call(key_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->LookupRegistration(Call("").get(), lookup, &seen).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).ok());
  EXPECT_EQ(seen.email(), "person1@example.org");
  EXPECT_EQ(seen.name(), "Person 1");
  EXPECT_TRUE(seen.marketing_opt_in());
  EXPECT_EQ(seen.event_id(), event_);
  EXPECT_EQ(seen.status(), registered.registration().status());
  // Only what contact sync needs: no answers, organisation or join link.
  EXPECT_TRUE(seen.organisation().empty());
  EXPECT_TRUE(seen.join_link().empty());
  EXPECT_EQ(seen.answers_size(), 0);

  events::v1::WithdrawMarketingConsentRequest withdraw;
  withdraw.set_registration_id(id);
  events::v1::Registration after;
  EXPECT_EQ(stub_->WithdrawMarketingConsent(Call(key_).get(), withdraw, &after).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->WithdrawMarketingConsent(Call(service_key_).get(), withdraw, &after).ok());
  EXPECT_FALSE(after.marketing_opt_in());
  EXPECT_GT(after.version(), seen.version());
  EXPECT_TRUE(after.organisation().empty());
  // Again: nothing to change.
  ASSERT_TRUE(stub_->WithdrawMarketingConsent(Call(service_key_).get(), withdraw, &after).ok());
  EXPECT_FALSE(after.marketing_opt_in());

  // The change went out as registration.updated with marketing_opt_in false, once.
  auto entries = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
  ASSERT_TRUE(entries.ok());
  int updated = 0;
  for (size_t i = 0; i < redis::ArraySize(**entries); ++i) {
    const auto& entry = redis::ArrayAt(**entries, i);
    std::vector<std::pair<std::string, std::string>> fields;
    const auto& kv = redis::ArrayAt(entry, 1);
    for (size_t j = 0; j + 1 < redis::ArraySize(kv); j += 2) {
      fields.emplace_back(redis::AsString(redis::ArrayAt(kv, j)),
                          redis::AsString(redis::ArrayAt(kv, j + 1)));
    }
    auto event = bus::FromStreamFields(fields);
    ASSERT_TRUE(event.ok());
    if (event->type() != "registration.updated") continue;
    events::v1::RegistrationChanged change;
    ASSERT_TRUE(change.ParseFromString(event->data()));
    EXPECT_FALSE(change.marketing_opt_in());
    EXPECT_EQ(change.registration_id(), id);
    ++updated;
  }
  EXPECT_EQ(updated, 1);
}

TEST_F(ServiceCallsTest, TheServiceRoleListsAnEventsRegistrationsForItsOrganisation) {
  for (int i = 1; i <= 3; ++i) {
    events::v1::RegisterResponse registered;
    ASSERT_TRUE(stub_->Register(Call("").get(), testing::Person(event_, i), &registered).ok());
  }
  events::v1::ListEventRegistrationsRequest request;
  request.set_org_id(directory_.Fetch(event_)->org_id);
  request.mutable_list()->set_event_id(event_);
  request.mutable_list()->mutable_page()->set_page_size(2);
  events::v1::ListRegistrationsResponse page;
  // Only the service role, and only with the organisation that owns the event.
  EXPECT_EQ(stub_->ListEventRegistrations(Call(key_).get(), request, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->ListEventRegistrations(Call("").get(), request, &page).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(stub_->ListEventRegistrations(Call(service_key_).get(), request, &page).ok());
  EXPECT_EQ(page.registrations_size(), 2);
  EXPECT_FALSE(page.next_page_token().empty());
  request.mutable_list()->mutable_page()->set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListEventRegistrations(Call(service_key_).get(), request, &page).ok());
  EXPECT_EQ(page.registrations_size(), 1);

  events::v1::ListEventRegistrationsRequest other = request;
  other.set_org_id("org_someoneelse");
  other.mutable_list()->clear_page();
  EXPECT_EQ(stub_->ListEventRegistrations(Call(service_key_).get(), other, &page).error_code(),
            grpc::StatusCode::NOT_FOUND);
  other.clear_org_id();
  grpc::Status missing = stub_->ListEventRegistrations(Call(service_key_).get(), other, &page);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(missing.error_message(), HasSubstr("org_id"));
}

TEST_F(ServiceCallsTest, BadAndUnknownIdsAreNamed) {
  events::v1::LookupRegistrationRequest lookup;
  events::v1::Registration seen;
  grpc::Status empty = stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("registration_id"));
  lookup.set_registration_id("rg_nope");
  EXPECT_EQ(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::string core = event_.substr(3);
  lookup.set_registration_id("rg_" + core + "-" + ids_.New("x").substr(2));
  EXPECT_EQ(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace events::registration
