// The OpenAPI document's JSON writer: keys in the order they were set, strings escaped.
#include "services/web/api/ordered_json.h"

#include "gtest/gtest.h"

namespace events::web::api {
namespace {

TEST(OrderedJsonTest, KeepsKeysInTheOrderTheyWereFirstSet) {
  OrderedJson doc;
  doc["zeta"] = 1;
  doc["alpha"]["b"] = true;
  doc["zeta"] = "again";  // replaces in place
  doc["list"].Push(OrderedJson());
  doc["empty"] = OrderedJson::Object();
  EXPECT_EQ(doc.Dump(1),
            "{\n \"zeta\": \"again\",\n \"alpha\": {\n  \"b\": true\n },\n \"list\": [\n  "
            "null\n ],\n \"empty\": {}\n}\n");
}

TEST(OrderedJsonTest, EscapesQuotesBackslashesAndControlCharacters) {
  OrderedJson text(std::string("a\"b\\c\nd\x01 é"));
  EXPECT_EQ(text.Dump(), "\"a\\\"b\\\\c\\nd\\u0001 é\"\n");
}

TEST(OrderedJsonTest, FindsMembersWithoutAddingThem) {
  OrderedJson doc;
  doc["a"] = int64_t{-7};
  ASSERT_NE(doc.Find("a"), nullptr);
  EXPECT_EQ(doc.Find("b"), nullptr);
  EXPECT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc.Dump(), "{\n  \"a\": -7\n}\n");
}

}  // namespace
}  // namespace events::web::api
