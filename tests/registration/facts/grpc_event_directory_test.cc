// GrpcEventDirectory against the real scheduling service (in process, on the test Redis).
#include "services/registration/peers/grpc_event_directory.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/registration/facts/in_process_scheduling.h"

namespace events::registration {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

class GrpcEventDirectoryTest : public testing::InProcessSchedulingTest {
 protected:
  std::unique_ptr<GrpcEventDirectory> Directory() {
    return std::make_unique<GrpcEventDirectory>(channel_, service_key_, std::chrono::seconds(5),
                                                address_);
  }
};

TEST_F(GrpcEventDirectoryTest, FetchSeesADraftWithTheServiceKey) {
  events::v1::Event created = MustCreate();
  absl::StatusOr<EventFacts> facts = Directory()->Fetch(created.id());
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->event_id, created.id());
  EXPECT_EQ(facts->org_id, org_);
  EXPECT_EQ(facts->status, events::v1::EVENT_STATUS_DRAFT);
  EXPECT_EQ(facts->version, 1);
  EXPECT_EQ(facts->capacity, 250);
  EXPECT_EQ(facts->time_zone, "Europe/London");
  EXPECT_EQ(facts->start_unix_ms, created.start_unix_ms());
  EXPECT_EQ(facts->end_unix_ms, created.end_unix_ms());
  EXPECT_EQ(facts->end_unix_ms - facts->start_unix_ms, 90 * 60 * 1000);
  EXPECT_EQ(facts->registration_closes_unix_ms, created.registration_closes_unix_ms());
}

TEST_F(GrpcEventDirectoryTest, FetchFollowsPublication) {
  events::v1::Event created = MustCreate();
  events::v1::Event published = MustPublish(created.id());
  absl::StatusOr<EventFacts> facts = Directory()->Fetch(created.id());
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->status, events::v1::EVENT_STATUS_PUBLISHED);
  EXPECT_EQ(facts->version, published.version());
  EXPECT_GT(facts->registration_opens_unix_ms, 0);
}

TEST_F(GrpcEventDirectoryTest, JoinLinkNeedsNoPublication) {
  events::v1::Event created = MustCreate();
  absl::StatusOr<std::string> link = Directory()->JoinLink(created.id());
  ASSERT_TRUE(link.ok()) << link.status();
  EXPECT_EQ(*link, "https://meet.example.org/living-well");

  events::v1::EventDetails in_person = testing::FutureWebinar();
  in_person.set_format(events::v1::EVENT_FORMAT_IN_PERSON);
  in_person.clear_join_link();
  in_person.mutable_venue()->set_name("Riverside Community Centre");
  in_person.mutable_venue()->set_address("1 River Street, Leeds");
  events::v1::Event no_link = MustCreate(in_person);
  absl::StatusOr<std::string> none = Directory()->JoinLink(no_link.id());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, "");
}

TEST_F(GrpcEventDirectoryTest, AnUnknownEventIsNotFound) {
  absl::StatusOr<EventFacts> facts = Directory()->Fetch("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_TRUE(absl::IsNotFound(facts.status())) << facts.status();
  EXPECT_TRUE(absl::IsNotFound(Directory()->JoinLink("ev_01KAAAAAAAAAAAAAAAAAAAAAAA").status()));
}

TEST_F(GrpcEventDirectoryTest, SetCapacityChangesSchedulingAsTheOrganiser) {
  events::v1::Event created = MustCreate();
  MustPublish(created.id());
  absl::StatusOr<EventFacts> facts =
      Directory()->SetCapacity(created.id(), 300, "Bearer " + organiser_key_);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->capacity, 300);
  EXPECT_EQ(facts->version, 3);
  EXPECT_EQ(facts->status, events::v1::EVENT_STATUS_PUBLISHED);

  events::v1::Event now = MustGet(created.id());
  EXPECT_EQ(now.details().capacity(), 300);
  EXPECT_EQ(now.version(), 3);
  // Everything else is as it was.
  EXPECT_EQ(now.details().join_link(), created.details().join_link());
  EXPECT_EQ(now.details().title(), created.details().title());
  EXPECT_EQ(now.details().organiser_contact().email(), "sam@example.org");
  EXPECT_EQ(now.details().accessibility().provisions_size(), 2);
}

TEST_F(GrpcEventDirectoryTest, SetCapacityPassesSchedulingsRefusalsOn) {
  events::v1::Event created = MustCreate();
  auto directory = Directory();
  // A draft of another organisation is invisible to them.
  absl::StatusOr<EventFacts> draft =
      directory->SetCapacity(created.id(), 10, "Bearer " + other_key_);
  EXPECT_THAT(draft.status().code(),
              AnyOf(absl::StatusCode::kNotFound, absl::StatusCode::kPermissionDenied))
      << draft.status();
  // Published, they can read it but not change it.
  MustPublish(created.id());
  absl::StatusOr<EventFacts> published =
      directory->SetCapacity(created.id(), 10, "Bearer " + other_key_);
  EXPECT_THAT(published.status().code(),
              AnyOf(absl::StatusCode::kNotFound, absl::StatusCode::kPermissionDenied))
      << published.status();
  // The service key is not an organiser's.
  absl::StatusOr<EventFacts> service =
      directory->SetCapacity(created.id(), 10, "Bearer " + service_key_);
  EXPECT_TRUE(absl::IsPermissionDenied(service.status())) << service.status();
  absl::StatusOr<EventFacts> forged = directory->SetCapacity(created.id(), 10, "Bearer evk_forged");
  EXPECT_TRUE(absl::IsUnauthenticated(forged.status())) << forged.status();
  // Scheduling's own validation, naming its field.
  absl::StatusOr<EventFacts> zero =
      directory->SetCapacity(created.id(), 0, "Bearer " + organiser_key_);
  EXPECT_TRUE(absl::IsInvalidArgument(zero.status())) << zero.status();
  EXPECT_THAT(zero.status().message(), HasSubstr("capacity"));

  events::v1::Event now = MustGet(created.id());
  EXPECT_EQ(now.details().capacity(), 250);
  EXPECT_EQ(now.version(), 2);
}

// A port nothing listens on: bound, then closed. 0 when the kernel would not give one.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

TEST_F(GrpcEventDirectoryTest, AClosedPortIsUnavailableQuickly) {
  const int port = ClosedPort();
  ASSERT_NE(port, 0) << "no free port";
  const std::string address = "127.0.0.1:" + std::to_string(port);
  GrpcEventDirectory directory(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                               service_key_, std::chrono::milliseconds(300), address);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<EventFacts> facts = directory.Fetch("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(absl::IsUnavailable(facts.status())) << facts.status();
  EXPECT_THAT(facts.status().message(), HasSubstr("is scheduling running at " + address));
  EXPECT_THAT(facts.status().message(), HasSubstr("set EVENTS_SCHEDULING_ADDR"));
}

}  // namespace
}  // namespace events::registration
