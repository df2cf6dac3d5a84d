// What eventctl prints for accessibility requests, and the words it takes.
#include "tools/eventctl/accessibility_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

events::v1::AccessibilityRequest Request() {
  events::v1::AccessibilityRequest r;
  r.set_id("ar_01KAAAAAAAAAAAAAAAAAAAAAAA-01KBBBBBBBBBBBBBBBBBBBBBBB");
  r.set_event_id("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  r.set_registration_id("rg_x");
  r.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  auto* n = r.add_needs();
  n->set_need("bsl_interpreter");
  n->set_deadline_unix_ms(1774173600000);  // 2026-03-22T10:00Z
  n->set_late(true);
  r.set_late(true);
  r.set_deadline_unix_ms(1774173600000);
  auto* t = r.add_history();
  t->set_from(events::v1::REQUEST_STATUS_SUBMITTED);
  t->set_to(events::v1::REQUEST_STATUS_FULFILLED);
  t->set_actor("key_1");
  t->set_at_unix_ms(1774173600000);
  return r;
}

TEST(AccessibilityPrinterTest, DescribesARequestWithAndWithoutDetails) {
  events::v1::AccessibilityRequest r = Request();
  std::string text = DescribeRequest(r);
  EXPECT_THAT(text, HasSubstr(": fulfilled (asked after a deadline)"));
  EXPECT_THAT(text, HasSubstr("bsl_interpreter"));
  EXPECT_THAT(text, HasSubstr("due 2026-03-22 10:00 UTC  late"));
  // An entry from before names were kept shows the key id, said to be one.
  EXPECT_THAT(text, HasSubstr("submitted -> fulfilled by key key_1"));
  r.mutable_history(0)->set_actor_name("Ada Access");
  EXPECT_THAT(DescribeRequest(r), HasSubstr("submitted -> fulfilled by Ada Access"));
  r.mutable_history(0)->clear_actor_name();
  EXPECT_THAT(text, Not(HasSubstr("Details:")));
  r.mutable_details()->set_details("BSL is my first language");
  r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  text = DescribeRequest(r);
  EXPECT_THAT(text, HasSubstr("Details:      BSL is my first language"));
  EXPECT_THAT(text, HasSubstr("the e-mail on the registration"));
  r.set_details_deleted(true);
  EXPECT_THAT(DescribeRequest(r), HasSubstr("Details:      deleted"));
}

// Deadlines were shown in UTC whatever the event's zone; the event's own times are in its
// zone, so a coordinator compared times an hour or more apart.
TEST(AccessibilityPrinterTest, DeadlinesAreShownInTheEventsZone) {
  const std::string text = DescribeRequest(Request(), "America/New_York");
  EXPECT_THAT(text, HasSubstr("due 2026-03-22 06:00 America/New_York  late"));
  EXPECT_THAT(text, HasSubstr("2026-03-22 06:00 America/New_York  submitted -> fulfilled"));
  EXPECT_THAT(text, Not(HasSubstr("UTC")));
  const std::string table =
      RequestTable({Request()}, {{"ev_01KAAAAAAAAAAAAAAAAAAAAAAA", "America/New_York"}});
  EXPECT_THAT(table, HasSubstr("2026-03-22 06:00 America/New_York"));
  // An event whose zone could not be had: UTC, and said so.
  EXPECT_THAT(RequestTable({Request()}, {}), HasSubstr("2026-03-22 10:00 UTC"));
}

TEST(AccessibilityPrinterTest, TablesCountsAndAudit) {
  EXPECT_EQ(RequestTable({}), "No accessibility requests.\n");
  std::string table = RequestTable({Request()});
  EXPECT_THAT(table, HasSubstr("fulfilled"));
  EXPECT_THAT(table, HasSubstr("late"));
  EXPECT_THAT(table, Not(HasSubstr("rg_x")));

  events::v1::RequestCounts c;
  c.set_event_id("ev_1");
  c.set_requests(3);
  c.set_late(1);
  auto* n = c.add_counts();
  n->set_need("bsl_interpreter");
  n->set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  n->set_count(2);
  std::string counts = DescribeCounts(c);
  EXPECT_THAT(counts, HasSubstr("ev_1: 3 (1 late, 0 at risk)"));
  EXPECT_THAT(counts, HasSubstr("bsl_interpreter"));
  EXPECT_THAT(counts, HasSubstr("submitted"));
  // A count the server withheld (below its minimum group) is not printed as 0.
  c.set_min_group(5);
  n->set_count(0);
  n->set_withheld(true);
  EXPECT_THAT(DescribeCounts(c), HasSubstr("fewer than 5"));
  // And the organiser is told why the newest requests may not show yet.
  EXPECT_THAT(DescribeCounts(c), HasSubstr("Counted in groups of at least 5"));

  events::v1::AuditEntry e;
  e.set_actor("key_coord");
  e.set_rpc("GetRequest");
  e.set_request_id("ar_1");
  e.set_at_unix_ms(1774173600000);
  EXPECT_THAT(AuditTable({e}), HasSubstr("2026-03-22T10:00Z"));
  EXPECT_THAT(AuditTable({e}), HasSubstr("key key_coord"));
  e.set_actor_name("Ada Access");
  EXPECT_THAT(AuditTable({e}), HasSubstr("Ada Access"));
  EXPECT_THAT(AuditTable({e}), Not(HasSubstr("key_coord")));
  EXPECT_EQ(AuditTable({}), "No reads of request details yet.\n");
  events::v1::AuditEntry listing;
  listing.set_rpc("ListRequests");
  listing.add_request_ids("ar_1");
  listing.add_request_ids("ar_2");
  EXPECT_THAT(AuditTable({listing}), HasSubstr("ar_1, ar_2"));

  events::v1::Provision p;
  p.set_id("pv_1");
  p.set_need("bsl_interpreter");
  p.set_status(events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
  p.set_description("BSL interpreter booked for the whole webinar");
  EXPECT_THAT(ProvisionTable({p}), HasSubstr("needs-reconfirmation"));
}

TEST(AccessibilityPrinterTest, ParsesWords) {
  EXPECT_EQ(*ParseRequestStatus("in-progress"), events::v1::REQUEST_STATUS_IN_PROGRESS);
  EXPECT_EQ(*ParseRequestStatus("all"), events::v1::REQUEST_STATUS_UNSPECIFIED);
  EXPECT_THAT(ParseRequestStatus("done").status().message(), HasSubstr("--status must be"));
  EXPECT_EQ(*ParseTransition("cannot"), events::v1::REQUEST_STATUS_UNFULFILLABLE);
  EXPECT_FALSE(ParseTransition("finish").ok());
  EXPECT_EQ(ParseContact("email:sam@example.org")->contact_method(),
            events::v1::CONTACT_METHOD_EMAIL);
  EXPECT_EQ(ParseContact("")->contact_method(), events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  EXPECT_THAT(ParseContact("pigeon:coop").status().message(), HasSubstr("--contact"));
}

}  // namespace
}  // namespace events::eventctl
