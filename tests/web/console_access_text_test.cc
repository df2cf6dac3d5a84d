// The access desk's words: deadlines in the event's calendar days, who did what, the moves a
// coordinator is offered.
#include "gtest/gtest.h"
#include "services/web/console/access_text.h"
#include "services/web/view/embedded.h"

namespace events::web::console {
namespace {

using events::v1::RequestStatus;

Catalogue English() { return *Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB"); }

// 2027-03-10 12:00 UTC (12:00 in London, GMT).
constexpr int64_t kNoon = 1'804'680'000'000;
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

TEST(AccessTextTest, DeadlinesAreCountedInCalendarDaysOfTheEventsZone) {
  const Catalogue m = English();
  const std::string london = "Europe/London";
  EXPECT_EQ(DeadlineWords(m, kNoon + 3 * kDay, kNoon, london), "In 3 days");
  EXPECT_EQ(DeadlineWords(m, kNoon + kDay, kNoon, london), "In 1 day");
  EXPECT_EQ(DeadlineWords(m, kNoon + 2 * kHour, kNoon, london), "Due today");
  EXPECT_EQ(DeadlineWords(m, kNoon - 2 * kHour, kNoon, london), "Due today (the time has passed)");
  EXPECT_EQ(DeadlineWords(m, kNoon - kDay, kNoon, london), "1 day late");
  EXPECT_EQ(DeadlineWords(m, kNoon - 2 * kDay, kNoon, london), "2 days late");
  // 11pm tonight and 1am tomorrow are a calendar day apart, though two hours.
  EXPECT_EQ(DeadlineWords(m, kNoon + 13 * kHour, kNoon + 11 * kHour, london), "In 1 day");
  // In Tokyo (UTC+9) noon UTC is already 9pm; 4am UTC tomorrow is 1pm there, tomorrow.
  EXPECT_EQ(DeadlineWords(m, kNoon + 16 * kHour, kNoon, "Asia/Tokyo"), "In 1 day");
  EXPECT_EQ(DeadlineWords(m, kNoon + 11 * kHour, kNoon, london), "Due today");
  EXPECT_EQ(DeadlineWords(m, 0, kNoon, london), "");
}

TEST(AccessTextTest, ThePersonIsNamedAndOldEntriesShowTheirId) {
  const Catalogue m = English();
  EXPECT_EQ(ActorWords(m, "mem_01", "Ada Access"), "Ada Access");
  EXPECT_EQ(ActorWords(m, "attendee", ""), "The attendee");
  EXPECT_EQ(ActorWords(m, "system", ""), "The system (the event moved)");
  EXPECT_EQ(ActorWords(m, "key_01HX", ""), "key key_01HX");
}

TEST(AccessTextTest, CoordinatorsAreOfferedTheWorkflowsMovesOnly) {
  using events::v1::REQUEST_STATUS_ACKNOWLEDGED;
  using events::v1::REQUEST_STATUS_FULFILLED;
  using events::v1::REQUEST_STATUS_IN_PROGRESS;
  using events::v1::REQUEST_STATUS_UNFULFILLABLE;
  using Moves = std::vector<RequestStatus>;
  EXPECT_EQ(CoordinatorMoves(events::v1::REQUEST_STATUS_SUBMITTED),
            (Moves{REQUEST_STATUS_ACKNOWLEDGED, REQUEST_STATUS_IN_PROGRESS,
                   REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE}));
  EXPECT_EQ(
      CoordinatorMoves(REQUEST_STATUS_ACKNOWLEDGED),
      (Moves{REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE}));
  EXPECT_EQ(CoordinatorMoves(REQUEST_STATUS_IN_PROGRESS),
            (Moves{REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE}));
  EXPECT_EQ(
      CoordinatorMoves(events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION),
      (Moves{REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE}));
  EXPECT_EQ(CoordinatorMoves(REQUEST_STATUS_UNFULFILLABLE), (Moves{REQUEST_STATUS_IN_PROGRESS}));
  EXPECT_EQ(CoordinatorMoves(REQUEST_STATUS_FULFILLED), Moves{});
  EXPECT_EQ(CoordinatorMoves(events::v1::REQUEST_STATUS_WITHDRAWN), Moves{});
  EXPECT_EQ(RequestStatusWords(English(), REQUEST_STATUS_UNFULFILLABLE), "Cannot be fulfilled");
}

}  // namespace
}  // namespace events::web::console
