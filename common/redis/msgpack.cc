#include "common/redis/msgpack.h"

namespace events::redis {
namespace {

// Big-endian, as MessagePack writes every length and number.
void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void PutStr(std::string& out, absl::string_view s) {
  const uint64_t n = s.size();
  if (n < 32) {
    out.push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    PutBigEndian(out, n, 1);
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    PutBigEndian(out, n, 2);
  } else {
    out.push_back(static_cast<char>(0xdb));
    PutBigEndian(out, n, 4);
  }
  out.append(s.data(), s.size());
}

void PutInt(std::string& out, int64_t v) {
  if (v >= 0 && v < 128) {
    out.push_back(static_cast<char>(v));  // positive fixint
  } else if (v < 0 && v >= -32) {
    out.push_back(static_cast<char>(0xe0 | (v + 32)));  // negative fixint
  } else {
    out.push_back(static_cast<char>(0xd3));  // int 64: one form for the rest keeps it simple
    PutBigEndian(out, static_cast<uint64_t>(v), 8);
  }
}

}  // namespace

MsgpackMap& MsgpackMap::Add(absl::string_view name, absl::string_view text) {
  PutStr(fields_, name);
  PutStr(fields_, text);
  ++size_;
  return *this;
}

MsgpackMap& MsgpackMap::Add(absl::string_view name, int64_t number) {
  PutStr(fields_, name);
  PutInt(fields_, number);
  ++size_;
  return *this;
}

MsgpackMap& MsgpackMap::Add(absl::string_view name, bool flag) {
  PutStr(fields_, name);
  fields_.push_back(static_cast<char>(flag ? 0xc3 : 0xc2));
  ++size_;
  return *this;
}

std::string MsgpackMap::Encode() const {
  std::string out;
  const uint64_t n = static_cast<uint64_t>(size_);
  if (n < 16) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0xde));
    PutBigEndian(out, n, 2);
  } else {
    out.push_back(static_cast<char>(0xdf));
    PutBigEndian(out, n, 4);
  }
  out += fields_;
  return out;
}

}  // namespace events::redis
