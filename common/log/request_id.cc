#include "common/log/request_id.h"

#include <cstdint>
#include <random>

namespace events::logging {
namespace {

bool IsAllowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// The first usable id among the values of `key`; a client may send the key more than once.
template <typename Map>
std::string FirstUsable(const Map& metadata) {
  auto [it, end] = metadata.equal_range(kRequestIdKey);
  for (; it != end; ++it) {
    std::string id = SanitizeRequestId(std::string_view(it->second.data(), it->second.size()));
    if (!id.empty()) return id;
  }
  return "";
}

}  // namespace

std::string SanitizeRequestId(std::string_view raw) {
  std::string id;
  for (char c : raw) {
    if (id.size() == kMaxRequestIdLength) break;
    if (IsAllowed(c)) id.push_back(c);
  }
  return id;
}

std::string NewRequestId() {
  // Ids only need to be unique enough to tell calls apart in logs, not unguessable.
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (size_t half = 0; half < 2; ++half) {
    uint64_t bits = random();
    for (size_t i = 0; i < 16; ++i, bits >>= 4) id[half * 16 + i] = kHex[bits & 0xF];
  }
  return id;
}

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  std::string id = FirstUsable(ctx.client_metadata());
  return id.empty() ? "-" : id;
}

std::string AssignRequestId(std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata,
                            std::string& storage) {
  std::string id = FirstUsable(client_metadata);
  if (!id.empty()) return id;
  storage = NewRequestId();
  // Inserted after any unusable client values with the same key, so FirstUsable finds it.
  client_metadata.emplace(grpc::string_ref(kRequestIdKey), grpc::string_ref(storage));
  return storage;
}

}  // namespace events::logging
