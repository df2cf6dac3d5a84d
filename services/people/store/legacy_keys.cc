// Moving people's keys from the global names before issue 19 to partition 0's hash slot.

#include "services/people/store/legacy_keys.h"

#include <algorithm>
#include <cstddef>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth/people_keys.h"

namespace events::people {
namespace {

constexpr absl::string_view kOldPeople = "people:";
constexpr absl::string_view kOldSession = "auth:session:";
constexpr absl::string_view kOldMember = "people:member:";
// Members per round trip (their session sets, then their moves).
constexpr size_t kMembersPerBatch = 100;
constexpr size_t kKeysPerBatch = 500;

// `text` with the characters that SCAN's MATCH reads as a pattern escaped.
std::string GlobEscaped(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Every key matching `pattern`, added to `out` (SCAN may return a key twice).
absl::Status ScanInto(redis::RedisClient& redis, const std::string& pattern,
                      std::set<std::string>& out) {
  std::string cursor = "0";
  do {
    auto reply = redis.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    const redisReply& r = **reply;
    if (redis::ArraySize(r) != 2) {
      return absl::InternalError("SCAN answered something other than a cursor and a list of keys");
    }
    cursor = redis::AsString(redis::ArrayAt(r, 0));
    const redisReply& found = redis::ArrayAt(r, 1);
    for (size_t i = 0; i < redis::ArraySize(found); ++i) {
      out.insert(redis::AsString(redis::ArrayAt(found, i)));
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

// Counts one RENAMENX answer into `move`.
absl::Status Count(const redisReply& r, LegacyMove& move) {
  if (redis::IsError(r)) {
    // Gone since the scan: another replica moved it first, or it expired.
    if (redis::AsString(r) == "ERR no such key") return absl::OkStatus();
    return absl::InternalError(
        absl::StrCat("moving a key of people to its new name failed: ", redis::AsString(r)));
  }
  (redis::AsInt(r) == 1 ? move.moved : move.left) += 1;
  return absl::OkStatus();
}

std::vector<std::string> RenameNx(const bus::Keyspace& keys, const std::string& old_key) {
  return {"RENAMENX", old_key, NewNameOf(keys, old_key)};
}

// Moves each member of `members` (old names of member hashes) with the keys of `old` that
// belong to it, in one MULTI per member; takes those keys out of `old`.
absl::Status MoveMembers(redis::RedisClient& redis, const bus::Keyspace& keys,
                         const std::vector<std::string>& members, std::set<std::string>& old,
                         LegacyMove& move) {
  std::vector<std::vector<std::string>> reads;
  reads.reserve(members.size());
  for (const std::string& member : members) reads.push_back({"SMEMBERS", member + ":sessions"});
  auto sessions = redis.Pipeline(reads);
  if (!sessions.ok()) return sessions.status();
  std::vector<std::vector<std::string>> commands;
  std::vector<size_t> execs;
  for (size_t i = 0; i < members.size(); ++i) {
    std::vector<std::string> group = {members[i]};
    for (const char* what : {":totp", ":sessions"}) {
      if (old.count(members[i] + what) > 0) group.push_back(members[i] + what);
    }
    const redisReply& hashes = *(*sessions)[i];
    for (size_t h = 0; h < redis::ArraySize(hashes); ++h) {
      std::string session =
          keys.Global(absl::StrCat(kOldSession, redis::AsString(redis::ArrayAt(hashes, h))));
      if (old.count(session) > 0) group.push_back(std::move(session));
    }
    commands.push_back({"MULTI"});
    for (const std::string& key : group) {
      commands.push_back(RenameNx(keys, key));
      old.erase(key);
    }
    commands.push_back({"EXEC"});
    execs.push_back(commands.size() - 1);
  }
  auto replies = redis.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t exec : execs) {
    const redisReply& results = *(*replies)[exec];
    if (redis::IsError(results)) {
      return absl::InternalError(absl::StrCat("moving a member of people to its new names failed: ",
                                              redis::AsString(results)));
    }
    for (size_t i = 0; i < redis::ArraySize(results); ++i) {
      if (absl::Status s = Count(redis::ArrayAt(results, i), move); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status MoveEach(redis::RedisClient& redis, const bus::Keyspace& keys,
                      const std::vector<std::string>& batch, LegacyMove& move) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(batch.size());
  for (const std::string& key : batch) commands.push_back(RenameNx(keys, key));
  auto replies = redis.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const auto& reply : *replies) {
    if (absl::Status s = Count(*reply, move); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

std::string NewNameOf(const bus::Keyspace& keys, absl::string_view old_key) {
  if (!absl::ConsumePrefix(&old_key, keys.prefix())) return "";
  if (absl::ConsumePrefix(&old_key, kOldSession)) return auth::SessionKey(keys, old_key);
  if (absl::ConsumePrefix(&old_key, kOldPeople)) return auth::PeopleKey(keys, old_key);
  return "";
}

absl::StatusOr<LegacyMove> MoveLegacyKeys(redis::RedisClient& redis, const bus::Keyspace& keys) {
  // Data of people is small (docs/people.md): the old names fit in memory.
  std::set<std::string> old;
  const std::string prefix = GlobEscaped(keys.prefix());
  for (absl::string_view name : {kOldPeople, kOldSession}) {
    if (absl::Status s = ScanInto(redis, absl::StrCat(prefix, name, "*"), old); !s.ok()) return s;
  }
  LegacyMove move;
  // Members first, each with its sessions: "<prefix>people:member:<id>" with no ':' after.
  const std::string member_start = keys.Global(std::string(kOldMember));
  std::vector<std::string> members;
  for (const std::string& key : old) {
    if (absl::StartsWith(key, member_start) &&
        key.find(':', member_start.size()) == std::string::npos) {
      members.push_back(key);
    }
  }
  for (size_t i = 0; i < members.size(); i += kMembersPerBatch) {
    const std::vector<std::string> batch(
        members.begin() + static_cast<std::ptrdiff_t>(i),
        members.begin() +
            static_cast<std::ptrdiff_t>(std::min(members.size(), i + kMembersPerBatch)));
    if (absl::Status s = MoveMembers(redis, keys, batch, old, move); !s.ok()) return s;
  }
  // Then the rest: organisations' lists, addresses, links, counters, sessions of no member.
  std::vector<std::string> batch;
  for (const std::string& key : old) {
    batch.push_back(key);
    if (batch.size() == kKeysPerBatch) {
      if (absl::Status s = MoveEach(redis, keys, batch, move); !s.ok()) return s;
      batch.clear();
    }
  }
  if (!batch.empty()) {
    if (absl::Status s = MoveEach(redis, keys, batch, move); !s.ok()) return s;
  }
  return move;
}

}  // namespace events::people
