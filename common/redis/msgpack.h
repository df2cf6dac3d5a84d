#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace events::redis {

// Writes one MessagePack map, the record a Lua script reads by field name with
// `cmsgpack.unpack(ARGV[i])` (Redis's Lua has cmsgpack built in). One record per write
// replaces long positional ARGV lists: a field is named where it is written and where it is
// read, and a field left out is nil in Lua rather than a "" that means "not given".
//
// Only what the scripts need: strings, integers and booleans. A string may hold any bytes
// (serialized protobuf, ciphertext): it is written as MessagePack str, since Redis's cmsgpack
// cannot read bin ("Bad data format in input") and checks no UTF-8. cmsgpack gives integers
// to Lua as doubles, so they are exact up to 2^53 (unix ms and versions are).
// Fields are written in the order added; add each name once. Not thread-safe; cheap to copy.
class MsgpackMap {
 public:
  MsgpackMap& Add(absl::string_view name, absl::string_view text);
  // Without this overload a string literal would pick the bool one.
  MsgpackMap& Add(absl::string_view name, const char* text) {
    return Add(name, absl::string_view(text));
  }
  MsgpackMap& Add(absl::string_view name, int64_t number);
  MsgpackMap& Add(absl::string_view name, int number) {
    return Add(name, static_cast<int64_t>(number));
  }
  MsgpackMap& Add(absl::string_view name, bool flag);

  int size() const { return size_; }
  // The encoded map: its header (the number of fields) followed by the fields.
  std::string Encode() const;

 private:
  std::string fields_;
  int size_ = 0;
};

}  // namespace events::redis
