#include "services/scheduling/domain/lifecycle.h"

#include <tuple>

#include "gtest/gtest.h"

namespace events::scheduling {
namespace {

using events::v1::EventStatus;

struct Case {
  EventStatus from;
  Action action;
  bool allowed;
  EventStatus to;
};

class LifecycleTest : public ::testing::TestWithParam<Case> {};

TEST_P(LifecycleTest, TransitionIsAllowedOrRefusedAsDesigned) {
  const Case& c = GetParam();
  absl::Status s = CheckTransition(c.from, c.action, "ev_x");
  if (c.allowed) {
    EXPECT_TRUE(s.ok()) << s;
    EXPECT_EQ(StatusAfter(c.from, c.action), c.to);
  } else {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(s.message().find("ev_x"), absl::string_view::npos) << s;
    EXPECT_NE(s.message().find(StatusWord(c.from)), absl::string_view::npos) << s;
  }
}

constexpr auto D = events::v1::EVENT_STATUS_DRAFT;
constexpr auto P = events::v1::EVENT_STATUS_PUBLISHED;
constexpr auto C = events::v1::EVENT_STATUS_CANCELLED;
constexpr auto X = events::v1::EVENT_STATUS_COMPLETED;

INSTANTIATE_TEST_SUITE_P(
    EveryStatusAndAction, LifecycleTest,
    ::testing::Values(Case{D, Action::kUpdate, true, D}, Case{D, Action::kSetAgenda, true, D},
                      Case{D, Action::kPublish, true, P}, Case{D, Action::kReschedule, false, D},
                      Case{D, Action::kCancel, true, C}, Case{D, Action::kComplete, false, D},
                      Case{P, Action::kUpdate, true, P}, Case{P, Action::kSetAgenda, true, P},
                      Case{P, Action::kPublish, false, P}, Case{P, Action::kReschedule, true, P},
                      Case{P, Action::kCancel, true, C}, Case{P, Action::kComplete, true, X},
                      Case{C, Action::kUpdate, false, C}, Case{C, Action::kSetAgenda, false, C},
                      Case{C, Action::kPublish, false, C}, Case{C, Action::kReschedule, false, C},
                      Case{C, Action::kCancel, false, C}, Case{C, Action::kComplete, false, C},
                      Case{X, Action::kUpdate, false, X}, Case{X, Action::kSetAgenda, false, X},
                      Case{X, Action::kPublish, false, X}, Case{X, Action::kReschedule, false, X},
                      Case{X, Action::kCancel, false, X}, Case{X, Action::kComplete, false, X}));

TEST(LifecycleMessagesTest, RefusalsSayWhatToDoInstead) {
  EXPECT_NE(CheckTransition(D, Action::kReschedule, "ev_x").message().find("UpdateEvent"),
            absl::string_view::npos);
  EXPECT_NE(CheckTransition(P, Action::kPublish, "ev_x").message().find("already published"),
            absl::string_view::npos);
  EXPECT_NE(CheckTransition(C, Action::kUpdate, "ev_x").message().find("cannot change any more"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace events::scheduling
