#include "services/scheduling/store/redis_event_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/log/call_context.h"
#include "services/scheduling/store/index_member.h"
#include "services/scheduling/store/scheduling_scripts.h"

namespace events::scheduling {
namespace {

using events::v1::Event;
using events::v1::EventStatus;

// store/lua/apply.lua and fire_jobs.lua (CMakeLists.txt says what goes in front of each).
const redis::LuaScript& ApplyScript() { return lua::Apply(); }
const redis::LuaScript& FireJobsScript() { return lua::FireJobs(); }

// The organisation's index of one status, or of all its events for UNSPECIFIED.
std::string OrgIndexSuffix(const std::string& org_id, EventStatus status) {
  if (status == events::v1::EVENT_STATUS_UNSPECIFIED) return absl::StrCat("org:", org_id, ":all");
  return absl::StrCat("org:", org_id, ":st:", events::v1::EventStatus_Name(status));
}

void AppendAll(std::vector<std::string>& out, std::vector<std::string> more) {
  for (auto& s : more) out.push_back(std::move(s));
}

}  // namespace

RedisEventStore::RedisEventStore(redis::RedisClient& redis, const bus::Keyspace& keys,
                                 Options options)
    : redis_(redis), keys_(keys), options_(options) {}

std::string RedisEventStore::EventKey(const std::string& event_id) const {
  return absl::StrCat(keys_.PrefixFor(event_id), "event:", event_id);
}

std::string RedisEventStore::OrgIndex(int partition, const std::string& org_id,
                                      EventStatus status) const {
  return absl::StrCat(keys_.PartitionPrefix(partition), OrgIndexSuffix(org_id, status));
}

absl::Status RedisEventStore::Apply(const std::vector<EventWrite>& writes,
                                    const std::optional<events::v1::Series>& new_series) {
  if (writes.empty() && !new_series.has_value()) return absl::OkStatus();
  const std::string& anchor = writes.empty() ? new_series->id() : writes.front().event.id();
  const int partition = keys_.PartitionOf(anchor);
  for (const EventWrite& w : writes) {
    if (keys_.PartitionOf(w.event.id()) != partition) {
      return absl::InternalError(absl::StrCat("events ", anchor, " and ", w.event.id(),
                                              " are in different partitions "
                                              "and cannot change together"));
    }
  }
  const std::string p = keys_.PartitionPrefix(partition);
  std::vector<std::string> keys = {
      keys_.Stream(partition), absl::StrCat(p, "jobs"), absl::StrCat(p, "jobdata"),
      absl::StrCat(p, "upcoming"),
      absl::StrCat(p, "series:", new_series.has_value() ? new_series->id() : "-")};
  std::vector<std::string> args = {absl::StrCat(writes.size()),
                                   absl::StrCat(options_.stream_maxlen),
                                   new_series.has_value() ? "1" : "0",
                                   new_series.has_value() ? new_series->SerializeAsString() : ""};
  for (const EventWrite& w : writes) {
    const Event& e = w.event;
    keys.push_back(EventKey(e.id()));
    keys.push_back(OrgIndex(partition, e.org_id(), events::v1::EVENT_STATUS_UNSPECIFIED));
    keys.push_back(
        OrgIndex(partition, e.org_id(), w.expected_version == 0 ? e.status() : w.previous_status));
    keys.push_back(OrgIndex(partition, e.org_id(), e.status()));
    args.push_back(absl::StrCat(w.expected_version));
    args.push_back(absl::StrCat(e.version()));
    args.push_back(e.SerializeAsString());
    args.push_back(events::v1::EventStatus_Name(e.status()));
    args.push_back(IndexMember(e.start_unix_ms(), e.id()));
    args.push_back(w.expected_version == 0 ? "" : IndexMember(w.previous_start_unix_ms, e.id()));
    args.emplace_back(e.status() == events::v1::EVENT_STATUS_PUBLISHED ? "1" : "0");
    args.emplace_back(w.replace_jobs ? "1" : "0");
    args.push_back(e.series_id());
    args.push_back(absl::StrCat(w.jobs.size()));
    for (const DelayedJob& job : w.jobs) {
      args.push_back(job.id);
      args.push_back(absl::StrCat(job.due_unix_ms));
      AppendAll(args, bus::ToStreamFields(job.event));
    }
    args.push_back(absl::StrCat(w.domain_events.size()));
    for (const auto& de : w.domain_events) AppendAll(args, bus::ToStreamFields(de));
  }
  auto reply = redis_.Eval(ApplyScript(), keys, args);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  std::string outcome = redis::ArraySize(r) > 0 ? redis::AsString(redis::ArrayAt(r, 0)) : "";
  if (outcome == "ok") return absl::OkStatus();
  if (outcome == "conflict") {
    std::string key = redis::AsString(redis::ArrayAt(r, 1));
    std::string id = key.substr(key.rfind(':') + 1);
    return absl::AbortedError(
        absl::StrCat("event ", id, " was changed by someone else (now at version ",
                     redis::AsString(redis::ArrayAt(r, 2)), "); fetch it again and retry"));
  }
  if (outcome == "series_exists") {
    return absl::AlreadyExistsError(absl::StrCat("series ", new_series->id(), " already exists"));
  }
  return absl::InternalError(absl::StrCat("unexpected reply from the apply script: ", outcome));
}

absl::StatusOr<Event> RedisEventStore::Get(const std::string& event_id) {
  auto reply = redis_.Command({"HGET", EventKey(event_id), "data"});
  if (!reply.ok()) return reply.status();
  if (redis::IsNil(**reply))
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  Event event;
  if (!event.ParseFromString(redis::AsString(**reply))) {
    return absl::DataLossError(absl::StrCat("stored event ", event_id, " cannot be read"));
  }
  return event;
}

absl::StatusOr<events::v1::Series> RedisEventStore::GetSeries(const std::string& series_id) {
  auto reply = redis_.Command(
      {"HGET", absl::StrCat(keys_.PrefixFor(series_id), "series:", series_id), "data"});
  if (!reply.ok()) return reply.status();
  if (redis::IsNil(**reply)) {
    return absl::NotFoundError(absl::StrCat("series ", series_id, " not found"));
  }
  events::v1::Series series;
  if (!series.ParseFromString(redis::AsString(**reply))) {
    return absl::DataLossError(absl::StrCat("stored series ", series_id, " cannot be read"));
  }
  return series;
}

absl::StatusOr<EventPage> RedisEventStore::ListMerged(const std::string& index_suffix,
                                                      const std::string& after,
                                                      const std::string& upper, int page_size) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    commands.push_back({"ZRANGE", absl::StrCat(keys_.PartitionPrefix(p), index_suffix), after,
                        upper, "BYLEX", "LIMIT", "0", absl::StrCat(page_size + 1)});
  }
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::string> members;
  for (const auto& reply : *replies) {
    if (!redis::IsArray(*reply)) {
      return absl::InternalError(absl::StrCat("listing events failed: ", redis::AsString(*reply)));
    }
    for (size_t i = 0; i < redis::ArraySize(*reply); ++i) {
      members.push_back(redis::AsString(redis::ArrayAt(*reply, i)));
    }
  }
  std::sort(members.begin(), members.end());
  EventPage page;
  const bool more = members.size() > static_cast<size_t>(page_size);
  if (more) members.resize(page_size);
  if (more && !members.empty()) page.next_page_token = EncodePageToken(members.back());
  std::vector<std::vector<std::string>> gets;
  gets.reserve(members.size());
  for (const std::string& m : members) gets.push_back({"HGET", EventKey(m.substr(16)), "data"});
  if (gets.empty()) return page;
  auto loaded = redis_.Pipeline(gets);
  if (!loaded.ok()) return loaded.status();
  for (const auto& reply : *loaded) {
    Event event;
    // An index entry whose event vanished (e.g. deleted by an operator) is skipped.
    if (redis::IsNil(*reply) || !event.ParseFromString(redis::AsString(*reply))) continue;
    page.events.push_back(std::move(event));
  }
  return page;
}

absl::StatusOr<EventPage> RedisEventStore::ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                                        const std::string& page_token,
                                                        int page_size) {
  std::string after = absl::StrCat("[", IndexMember(from_unix_ms, ""));
  if (!page_token.empty()) {
    auto member = DecodePageToken(page_token);
    if (!member.ok()) return member.status();
    if (*member >= after.substr(1)) after = absl::StrCat("(", *member);
  }
  std::string upper = to_unix_ms > 0 ? absl::StrCat("(", IndexMember(to_unix_ms, "")) : "+";
  return ListMerged("upcoming", after, upper, page_size);
}

absl::StatusOr<EventPage> RedisEventStore::ListByOrganisation(const std::string& org_id,
                                                              EventStatus status,
                                                              const std::string& page_token,
                                                              int page_size) {
  std::string after = "-";
  if (!page_token.empty()) {
    auto member = DecodePageToken(page_token);
    if (!member.ok()) return member.status();
    after = absl::StrCat("(", *member);
  }
  return ListMerged(OrgIndexSuffix(org_id, status), after, "+", page_size);
}

absl::StatusOr<int> RedisEventStore::FireDueJobs(int partition, int64_t now_unix_ms, int limit) {
  absl::StatusOr<std::vector<absl::StatusOr<int>>> fired =
      FireDueJobsIn({partition}, now_unix_ms, limit);
  if (!fired.ok()) return fired.status();
  return std::move(fired->front());
}

absl::StatusOr<std::vector<absl::StatusOr<int>>> RedisEventStore::FireDueJobsIn(
    const std::vector<int>& partitions, int64_t now_unix_ms, int limit) {
  // The events fired carry the poll's trace (bus::DelayedJobWorker makes one per poll).
  const std::string traceparent = logging::CurrentTraceParent();
  std::vector<redis::ScriptCall> calls;
  calls.reserve(partitions.size());
  for (int partition : partitions) {
    const std::string prefix = keys_.PartitionPrefix(partition);
    calls.push_back(
        {{absl::StrCat(prefix, "jobs"), absl::StrCat(prefix, "jobdata"), keys_.Stream(partition)},
         {absl::StrCat(now_unix_ms), absl::StrCat(limit), absl::StrCat(options_.stream_maxlen),
          traceparent}});
  }
  auto replies = redis_.EvalMany(FireJobsScript(), calls);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<int>> fired;
  fired.reserve(replies->size());
  for (absl::StatusOr<redis::ReplyPtr>& reply : *replies) {
    if (reply.ok()) {
      fired.emplace_back(static_cast<int>(redis::AsInt(**reply)));
    } else {
      fired.emplace_back(reply.status());
    }
  }
  return fired;
}

int RedisEventStore::partitions() const { return keys_.partitions(); }

}  // namespace events::scheduling
