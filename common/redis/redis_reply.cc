// Reply helpers: read hiredis replies without hiredis types at every call site.

#include <hiredis/hiredis.h>

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"

namespace events::redis {
namespace {

// Returned for an out-of-range ArrayAt, so a short reply reads as nil instead of crashing.
const redisReply& NilReply() {
  static const redisReply nil = [] {
    redisReply r{};
    r.type = REDIS_REPLY_NIL;
    return r;
  }();
  return nil;
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const {
  if (reply != nullptr) freeReplyObject(reply);
}

bool IsError(const redisReply& r) { return r.type == REDIS_REPLY_ERROR; }

bool IsNil(const redisReply& r) { return r.type == REDIS_REPLY_NIL; }

bool IsArray(const redisReply& r) { return r.type == REDIS_REPLY_ARRAY; }

size_t ArraySize(const redisReply& r) { return IsArray(r) ? r.elements : 0; }

const redisReply& ArrayAt(const redisReply& r, size_t i) {
  if (i >= ArraySize(r) || r.element[i] == nullptr) return NilReply();
  return *r.element[i];
}

std::string AsString(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return r.str == nullptr ? std::string() : std::string(r.str, r.len);
    default:
      return std::string();
  }
}

int64_t AsInt(const redisReply& r) {
  if (r.type == REDIS_REPLY_INTEGER) return r.integer;
  int64_t value = 0;
  if (r.type == REDIS_REPLY_STRING && r.str != nullptr &&
      absl::SimpleAtoi(absl::string_view(r.str, r.len), &value)) {
    return value;
  }
  return 0;
}

}  // namespace events::redis
