// A cancelled event, with real scheduling and registration services on the test Redis and
// no facts projector running: registration's projection still says "published" when
// CancelEvent returns, as it does for a moment in production. Nothing may be confirmed or
// registered after that, and the join link is gone.
#include <string>

#include "gtest/gtest.h"
#include "tests/registration/facts/in_process_registration.h"

namespace events::registration {
namespace {

class CancelledEventTest : public testing::InProcessRegistrationTest {
 protected:
  events::v1::RegisterResponse MustRegister(const std::string& event_id, int n) {
    events::v1::RegisterResponse out;
    grpc::Status s = TryRegister(event_id, n, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
  grpc::Status TryRegister(const std::string& event_id, int n, events::v1::RegisterResponse* out) {
    events::v1::RegisterRequest req;
    req.set_event_id(event_id);
    req.set_name("Person " + std::to_string(n));
    req.set_email("person" + std::to_string(n) + "@example.org");
    grpc::ClientContext ctx;
    return reg_stub_->Register(&ctx, req, out);
  }
  events::v1::Registration Mine(const std::string& token) {
    events::v1::GetMyRegistrationRequest req;
    req.set_registration_token(token);
    events::v1::Registration out;
    grpc::ClientContext ctx;
    grpc::Status s = reg_stub_->GetMyRegistration(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(CancelledEventTest, NothingIsConfirmedAndTheLinkIsHiddenOnceCancelEventReturns) {
  const events::v1::Event event = MustCreate();
  MustPublish(event.id());
  const events::v1::RegisterResponse confirmed = MustRegister(event.id(), 1);
  ASSERT_EQ(confirmed.registration().status(), events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(Mine(confirmed.registration_token()).join_link(),
            "https://meet.example.org/living-well");

  // One person waits for approval.
  events::v1::ConfigureRegistrationRequest configure;
  configure.mutable_settings()->set_event_id(event.id());
  configure.mutable_settings()->set_requires_approval(true);
  events::v1::RegistrationSettings settings;
  grpc::Status s =
      reg_stub_->ConfigureRegistration(Call(organiser_key_).get(), configure, &settings);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const events::v1::RegisterResponse pending = MustRegister(event.id(), 2);
  ASSERT_EQ(pending.registration().status(), events::v1::REGISTRATION_STATUS_PENDING_APPROVAL);

  events::v1::CancelEventRequest cancel;
  cancel.set_event_id(event.id());
  cancel.set_expected_version(MustGet(event.id()).version());
  cancel.set_reason("The speaker is unwell");
  events::v1::Event cancelled;
  s = stub_->CancelEvent(Call(organiser_key_).get(), cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // At once, with the projection still saying "published".
  events::v1::RegisterResponse late;
  s = TryRegister(event.id(), 3, &late);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("cancelled"), std::string::npos) << s.error_message();

  events::v1::DecideRegistrationRequest approve;
  approve.set_event_id(event.id());
  approve.set_registration_id(pending.registration().id());
  events::v1::Registration approved;
  s = reg_stub_->ApproveRegistration(Call(organiser_key_).get(), approve, &approved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();

  const events::v1::Registration mine = Mine(confirmed.registration_token());
  EXPECT_EQ(mine.status(), events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_EQ(mine.join_link(), "");
}

}  // namespace
}  // namespace events::registration
