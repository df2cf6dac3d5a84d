// MsgpackMap read by Redis's own Lua (cmsgpack.unpack), against the test Redis
// (EVENTS_TEST_REDIS_URL): what a script sees of each kind of field, and the numbers and
// bytes it writes back from a record.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/redis/msgpack.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"

namespace events::redis {
namespace {

using ::events::testing::TestRedisOptions;
using ::events::testing::UniqueKeyPrefix;

// KEYS: 1 a hash the record's fields are written to. ARGV: 1 the record.
// Returns the Lua type of each field, in the order asked by ARGV[2..].
const LuaScript& UnpackScript() {
  static const auto* script = new LuaScript("test_msgpack_unpack", R"lua(
local r = cmsgpack.unpack(ARGV[1])
local types = {}
for i = 2, #ARGV do
  local v = r[ARGV[i]]
  types[#types + 1] = type(v)
  if v ~= nil and type(v) ~= 'boolean' then redis.call('HSET', KEYS[1], ARGV[i], v) end
end
return types
)lua");
  return *script;
}

class MsgpackLuaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RedisOptions options = TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<RedisClient>(options);
    hash_ = UniqueKeyPrefix() + "record";
  }

  std::vector<std::string> Unpack(const MsgpackMap& record, const std::vector<std::string>& names) {
    std::vector<std::string> args = {record.Encode()};
    args.insert(args.end(), names.begin(), names.end());
    std::vector<std::string> out;
    auto reply = redis_->Eval(UnpackScript(), {hash_}, args);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < ArraySize(**reply); ++i) out.push_back(AsString(ArrayAt(**reply, i)));
    return out;
  }
  std::string Stored(const std::string& field) {
    auto reply = redis_->Command({"HGET", hash_, field});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? AsString(**reply) : "";
  }

  std::unique_ptr<RedisClient> redis_;
  std::string hash_;
};

TEST_F(MsgpackLuaTest, EachKindOfFieldReachesLuaAsItsOwnType) {
  MsgpackMap record;
  record.Add("text", "Jo Bloggs").Add("bytes", std::string("\0\xff\n", 3)).Add("n", 7);
  record.Add("yes", true).Add("no", false);
  EXPECT_EQ(Unpack(record, {"text", "bytes", "n", "yes", "no", "absent"}),
            (std::vector<std::string>{"string", "string", "number", "boolean", "boolean", "nil"}));
  EXPECT_EQ(Stored("text"), "Jo Bloggs");
  EXPECT_EQ(Stored("bytes"), std::string("\0\xff\n", 3));
  EXPECT_EQ(Stored("n"), "7");
}

TEST_F(MsgpackLuaTest, UnixMillisecondsAndNegativeNumbersAreWrittenBackExactly) {
  MsgpackMap record;
  record.Add("ms", int64_t{1700000000123})
      .Add("far", int64_t{253402300799999})  // 9999-12-31T23:59:59.999Z
      .Add("minus", -33)
      .Add("zero", 0);
  (void)Unpack(record, {"ms", "far", "minus", "zero"});
  EXPECT_EQ(Stored("ms"), "1700000000123");
  EXPECT_EQ(Stored("far"), "253402300799999");
  EXPECT_EQ(Stored("minus"), "-33");
  EXPECT_EQ(Stored("zero"), "0");
}

TEST_F(MsgpackLuaTest, LongTextAndBytesArriveWhole) {
  const std::string text(70000, 'a');
  std::string bytes;
  for (int i = 0; i < 70000; ++i) bytes.push_back(static_cast<char>(i % 256));
  MsgpackMap record;
  record.Add("text", text).Add("bytes", bytes).Add("mid", std::string(300, 'b'));
  (void)Unpack(record, {"text", "bytes", "mid"});
  // Compared whole, without printing 70,000 bytes on failure.
  EXPECT_TRUE(Stored("text") == text);
  EXPECT_TRUE(Stored("bytes") == bytes);
  EXPECT_EQ(Stored("mid"), std::string(300, 'b'));
}

}  // namespace
}  // namespace events::redis
