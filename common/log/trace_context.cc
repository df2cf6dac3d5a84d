#include "common/log/trace_context.h"

#include <cstdint>
#include <random>

namespace events::logging {
namespace {

constexpr size_t kVersion00Length = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return !text.empty();
}

bool AllZero(std::string_view text) { return text.find_first_not_of('0') == std::string::npos; }

// `bytes` random bytes as lower-case hex, never all zero (the spec's invalid value).
std::string RandomHex(size_t bytes) {
  // Seeded per thread from the system's entropy: unguessable enough for ids that only need
  // to be unique, and no lock on the hot path.
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(bytes * 2, '0');
  do {
    for (size_t i = 0; i < id.size(); i += 16) {
      uint64_t bits = random();
      for (size_t j = i; j < id.size() && j < i + 16; ++j, bits >>= 4) id[j] = kHex[bits & 0xF];
    }
  } while (AllZero(id));
  return id;
}

}  // namespace

std::optional<TraceParent> ParseTraceParent(std::string_view header) {
  if (header.size() < kVersion00Length) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may add fields after a '-', which a
  // version-00 reader skips (the spec's rule for forward compatibility).
  if (version == "00" ? header.size() != kVersion00Length
                      : header.size() > kVersion00Length && header[kVersion00Length] != '-') {
    return std::nullopt;
  }
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  TraceParent parent{std::string(header.substr(3, 32)), std::string(header.substr(36, 16)),
                     std::string(header.substr(53, 2))};
  if (!IsLowerHex(parent.trace_id) || !IsLowerHex(parent.parent_id) || !IsLowerHex(parent.flags) ||
      AllZero(parent.trace_id) || AllZero(parent.parent_id)) {
    return std::nullopt;
  }
  return parent;
}

std::string FormatTraceParent(std::string_view trace_id, std::string_view span_id,
                              std::string_view flags) {
  std::string out;
  out.reserve(kVersion00Length);
  out.append("00-").append(trace_id).append("-").append(span_id).append("-").append(flags);
  return out;
}

std::string NewTraceId() { return RandomHex(16); }

std::string NewSpanId() { return RandomHex(8); }

}  // namespace events::logging
