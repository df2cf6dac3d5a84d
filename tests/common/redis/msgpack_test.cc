// MsgpackMap's bytes, checked against the MessagePack specification's encodings
// (https://github.com/msgpack/msgpack/blob/master/spec.md) at each size boundary.
#include "common/redis/msgpack.h"

#include <gtest/gtest.h>

#include <string>

namespace events::redis {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(MsgpackMapTest, AnEmptyMapIsOneByte) { EXPECT_EQ(MsgpackMap().Encode(), Bytes({0x80})); }

TEST(MsgpackMapTest, ShortTextIsAFixstrAfterAFixmapHeader) {
  EXPECT_EQ(MsgpackMap().Add("id", "ab").Encode(), Bytes({0x81, 0xa2, 'i', 'd', 0xa2, 'a', 'b'}));
}

TEST(MsgpackMapTest, IntegersTakeTheFixintOrTheInt64Form) {
  EXPECT_EQ(MsgpackMap().Add("n", int64_t{0}).Encode(), Bytes({0x81, 0xa1, 'n', 0x00}));
  EXPECT_EQ(MsgpackMap().Add("n", 127).Encode(), Bytes({0x81, 0xa1, 'n', 0x7f}));
  EXPECT_EQ(MsgpackMap().Add("n", -1).Encode(), Bytes({0x81, 0xa1, 'n', 0xff}));
  EXPECT_EQ(MsgpackMap().Add("n", -32).Encode(), Bytes({0x81, 0xa1, 'n', 0xe0}));
  EXPECT_EQ(MsgpackMap().Add("n", 128).Encode(),
            Bytes({0x81, 0xa1, 'n', 0xd3, 0, 0, 0, 0, 0, 0, 0, 0x80}));
  EXPECT_EQ(MsgpackMap().Add("n", -33).Encode(),
            Bytes({0x81, 0xa1, 'n', 0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xdf}));
  EXPECT_EQ(MsgpackMap().Add("n", int64_t{1700000000123}).Encode(),
            Bytes({0x81, 0xa1, 'n', 0xd3, 0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b}));
}

TEST(MsgpackMapTest, BooleansAreTrueAndFalseNotText) {
  EXPECT_EQ(MsgpackMap().Add("a", true).Add("b", false).Encode(),
            Bytes({0x82, 0xa1, 'a', 0xc3, 0xa1, 'b', 0xc2}));
}

TEST(MsgpackMapTest, TextLengthsPickStr8Str16AndStr32) {
  const std::string s31(31, 'x'), s32(32, 'x'), s255(255, 'x'), s256(256, 'x'), s65536(65536, 'x');
  EXPECT_EQ(MsgpackMap().Add("s", s31).Encode().substr(3, 1), Bytes({0xbf}));
  EXPECT_EQ(MsgpackMap().Add("s", s32).Encode().substr(3, 2), Bytes({0xd9, 32}));
  EXPECT_EQ(MsgpackMap().Add("s", s255).Encode().substr(3, 2), Bytes({0xd9, 0xff}));
  EXPECT_EQ(MsgpackMap().Add("s", s256).Encode().substr(3, 3), Bytes({0xda, 0x01, 0x00}));
  EXPECT_EQ(MsgpackMap().Add("s", s65536).Encode().substr(3, 5),
            Bytes({0xdb, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(MsgpackMap().Add("s", s65536).Encode().size(), 3u + 5u + 65536u);
}

TEST(MsgpackMapTest, AnyBytesAreAStrOfTheirLength) {
  const std::string bytes("a\0\xff", 3);
  EXPECT_EQ(MsgpackMap().Add("b", bytes).Encode(), Bytes({0x81, 0xa1, 'b', 0xa3, 'a', 0, 0xff}));
}

TEST(MsgpackMapTest, SixteenFieldsOrMoreTakeTheMap16Header) {
  MsgpackMap fifteen, sixteen;
  for (int i = 0; i < 15; ++i) fifteen.Add(std::string(1, static_cast<char>('a' + i)), i);
  for (int i = 0; i < 16; ++i) sixteen.Add(std::string(1, static_cast<char>('a' + i)), i);
  EXPECT_EQ(fifteen.size(), 15);
  EXPECT_EQ(fifteen.Encode().substr(0, 1), Bytes({0x8f}));
  EXPECT_EQ(sixteen.Encode().substr(0, 3), Bytes({0xde, 0x00, 0x10}));
}

}  // namespace
}  // namespace events::redis
