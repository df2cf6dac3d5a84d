#include "services/feedback/store/redis_feedback_store.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/call_context.h"
#include "common/redis/redis_client.h"
#include "services/feedback/store/feedback_scripts.h"

namespace events::feedback {

namespace {

using events::redis::AsInt;
using events::redis::AsString;
using events::redis::ReplyPtr;

// store/lua/*.lua, built into feedback_scripts.h: each is the protobuf wire format, the
// delayed jobs, store/lua/common.lua, then its own (CMakeLists.txt).
const redis::LuaScript& FactsScript() { return lua::Facts(); }
const redis::LuaScript& SurveyScript() { return lua::Survey(); }
const redis::LuaScript& RegistrationScript() { return lua::Registration(); }
const redis::LuaScript& AccessScript() { return lua::Access(); }
const redis::LuaScript& SubmitScript() { return lua::Submit(); }
const redis::LuaScript& FireScript() { return lua::Fire(); }
const redis::LuaScript& OpenNowScript() { return lua::OpenNow(); }
const redis::LuaScript& ReleaseScript() { return lua::Release(); }

int64_t ToInt(const std::string& s) {
  int64_t v = 0;
  return absl::SimpleAtoi(s, &v) ? v : 0;
}

// A flat HGETALL reply as a map.
std::map<std::string, std::string> HashOf(const redisReply& r) {
  std::map<std::string, std::string> out;
  if (!redis::IsArray(r)) return out;
  for (size_t i = 0; i + 1 < redis::ArraySize(r); i += 2) {
    out[AsString(redis::ArrayAt(r, i))] = AsString(redis::ArrayAt(r, i + 1));
  }
  return out;
}

events::v1::SurveyState StateOf(const std::string& s) {
  if (s == "open") return events::v1::SURVEY_STATE_OPEN;
  if (s == "closed") return events::v1::SURVEY_STATE_CLOSED;
  if (s == "cancelled") return events::v1::SURVEY_STATE_CANCELLED;
  return events::v1::SURVEY_STATE_SCHEDULED;
}

std::string Field(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

absl::Status Unexpected(const char* what, const redisReply& r) {
  return absl::InternalError(
      absl::StrCat("feedback store: unexpected reply to ", what, ": ", AsString(r)));
}

std::vector<events::v1::FeedbackAnswer> AnswersOf(const std::string& bytes) {
  events::v1::SubmitResponseRequest stored;
  std::vector<events::v1::FeedbackAnswer> out;
  if (!stored.ParseFromString(bytes)) return out;
  for (const events::v1::FeedbackAnswer& a : stored.answers()) out.push_back(a);
  return out;
}

}  // namespace

std::string EncodeContribution(const Contribution& c) {
  std::string out;
  for (const FieldDelta& d : c.event) absl::StrAppend(&out, "a ", d.field, " ", d.delta, "\n");
  for (const FieldDelta& d : c.trend) absl::StrAppend(&out, "t ", d.field, " ", d.delta, "\n");
  for (const auto& [question, text] : c.texts) absl::StrAppend(&out, "T ", question, " 0\n");
  return out;
}

RedisFeedbackStore::RedisFeedbackStore(redis::RedisClient& redis, const bus::Keyspace& keys,
                                       Options options)
    : redis_(redis), keys_(keys), options_(options) {}

std::string RedisFeedbackStore::EventPrefix(const std::string& event_id) const {
  return absl::StrCat(keys_.PrefixFor(event_id), "fb:", event_id, ":");
}

std::string RedisFeedbackStore::Jobs(const std::string& event_id) const {
  return absl::StrCat(keys_.PrefixFor(event_id), "fb:jobs");
}

absl::StatusOr<SurveyRecord> RedisFeedbackStore::Get(const std::string& event_id) {
  const std::string e = EventPrefix(event_id);
  auto replies = redis_.Pipeline({{"HGETALL", e + "f"},
                                  {"HGETALL", e + "s"},
                                  {"GET", e + "attended"},
                                  {"HGET", e + "agg", "n"},
                                  {"HLEN", e + "held"}});
  if (!replies.ok()) return replies.status();
  const auto f = HashOf(*(*replies)[0]);
  const auto s = HashOf(*(*replies)[1]);
  if (f.empty() && s.empty()) {
    return absl::NotFoundError(absl::StrCat("nothing is known about event ", event_id));
  }
  SurveyRecord r;
  r.has_facts = !f.empty();
  r.facts.event_id = event_id;
  r.facts.org_id = Field(f, "org");
  r.facts.series_id = Field(f, "series");
  r.facts.status = static_cast<int>(ToInt(Field(f, "status")));
  r.facts.end_unix_ms = ToInt(Field(f, "end"));
  r.facts.time_zone = Field(f, "tz");
  r.facts.month = Field(f, "month");
  r.facts.version = ToInt(Field(f, "version"));
  r.custom = Field(s, "custom") == "1";
  if (r.custom && !r.definition.ParseFromString(Field(s, "def"))) {
    return absl::InternalError(absl::StrCat("the stored survey of ", event_id, " does not parse"));
  }
  r.version = ToInt(Field(s, "version"));
  r.state = StateOf(Field(s, "state"));
  r.opens_unix_ms = ToInt(Field(s, "opens"));
  r.closes_unix_ms = ToInt(Field(s, "closes"));
  r.invited = ToInt(Field(s, "invited"));
  r.attended = AsInt(*(*replies)[2]);
  r.responses = AsInt(*(*replies)[3]);
  r.held = AsInt(*(*replies)[4]);
  const std::string tracked = Field(s, "tracked");
  r.tracked = tracked.empty() ? r.attended > 0 : tracked == "1";
  return r;
}

absl::Status RedisFeedbackStore::UpsertFacts(const EventFacts& f, int64_t default_window_ms) {
  auto reply = redis_.Eval(
      FactsScript(), {EventPrefix(f.event_id), Jobs(f.event_id)},
      {f.event_id, f.org_id, f.series_id, absl::StrCat(f.status), absl::StrCat(f.end_unix_ms),
       f.time_zone, f.month, absl::StrCat(f.version), absl::StrCat(default_window_ms)});
  return reply.status();
}

absl::StatusOr<SaveResult> RedisFeedbackStore::SaveDefinition(
    const std::string& event_id, const events::v1::SurveyDefinition& definition,
    int64_t expected_version, bool structural, int64_t default_window_ms) {
  auto reply = redis_.Eval(
      SurveyScript(), {EventPrefix(event_id), Jobs(event_id)},
      {event_id, definition.SerializeAsString(), absl::StrCat(definition.window_days()),
       absl::StrCat(expected_version), structural ? "1" : "0", absl::StrCat(default_window_ms)});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (!redis::IsArray(r) || redis::ArraySize(r) < 2) return Unexpected("survey", r);
  const std::string outcome = AsString(redis::ArrayAt(r, 0));
  SaveResult result;
  if (outcome == "ok") {
    result.version = AsInt(redis::ArrayAt(r, 1));
  } else if (outcome == "version") {
    result.outcome = SaveOutcome::kVersionMismatch;
    result.version = AsInt(redis::ArrayAt(r, 1));
  } else {
    result.outcome = SaveOutcome::kAlreadyOpen;
  }
  return result;
}

absl::Status RedisFeedbackStore::ApplyRegistration(const std::string& event_id,
                                                   const std::string& registration_id, int status,
                                                   bool attended, int64_t version,
                                                   int64_t changed_unix_ms) {
  return redis_
      .Eval(RegistrationScript(),
            {EventPrefix(event_id), keys_.Stream(keys_.PartitionOf(event_id))},
            {registration_id, absl::StrCat(status), attended ? "1" : "0", absl::StrCat(version),
             event_id, absl::StrCat(changed_unix_ms), absl::StrCat(options_.stream_maxlen),
             logging::CurrentTraceParent()})
      .status();
}

absl::Status RedisFeedbackStore::ApplyAccessRequest(const std::string& event_id,
                                                    const std::string& request_id,
                                                    const std::string& registration_id, int status,
                                                    int64_t version) {
  return redis_
      .Eval(AccessScript(), {EventPrefix(event_id)},
            {request_id, registration_id, absl::StrCat(status), absl::StrCat(version)})
      .status();
}

absl::StatusOr<SubmitResult> RedisFeedbackStore::Submit(const Submission& s) {
  events::v1::SubmitResponseRequest stored;
  for (const events::v1::FeedbackAnswer& a : s.answers) *stored.add_answers() = a;
  std::vector<std::string> args = {absl::StrCat(options_.stream_maxlen),
                                   absl::StrCat(s.now_unix_ms),
                                   s.event_id,
                                   s.anonymous ? "anonymous" : "named",
                                   s.response_id,
                                   s.used_hash,
                                   s.registration_id,
                                   absl::StrCat(s.registration_status),
                                   s.attended ? "1" : "0",
                                   s.anonymous ? "" : stored.SerializeAsString(),
                                   s.anonymous ? "" : EncodeContribution(s.contribution),
                                   s.sealed,
                                   absl::StrCat(s.survey_version),
                                   s.envelope_id,
                                   absl::StrCat(s.trend_min_group),
                                   logging::CurrentTraceParent(),
                                   absl::StrCat(s.anonymous ? 0 : s.contribution.texts.size())};
  if (!s.anonymous) {
    for (const auto& [question, text] : s.contribution.texts) {
      args.push_back(question);
      args.push_back(text);
    }
  }
  const int partition = keys_.PartitionOf(s.event_id);
  auto reply =
      redis_.Eval(SubmitScript(),
                  {EventPrefix(s.event_id), keys_.Stream(partition),
                   absl::StrCat(keys_.PartitionPrefix(partition), "fb:org:", s.org_id, ":trend")},
                  args);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (!redis::IsArray(r) || redis::ArraySize(r) < 1) return Unexpected("submit", r);
  const std::string outcome = AsString(redis::ArrayAt(r, 0));
  const int64_t detail = redis::ArraySize(r) > 1 ? AsInt(redis::ArrayAt(r, 1)) : 0;
  SubmitResult result;
  result.detail = detail;
  if (redis::ArraySize(r) > 2) result.held = AsInt(redis::ArrayAt(r, 2));
  if (outcome == "ok") {
    result.outcome = detail == 1 ? SubmitOutcome::kReplaced : SubmitOutcome::kStored;
  } else if (outcome == "not_open") {
    result.outcome = SubmitOutcome::kNotOpen;
  } else if (outcome == "closed") {
    result.outcome = SubmitOutcome::kClosed;
  } else if (outcome == "cancelled") {
    result.outcome = SubmitOutcome::kCancelled;
  } else if (outcome == "changed") {
    result.outcome = SubmitOutcome::kChanged;
  } else if (outcome == "not_eligible") {
    result.outcome = SubmitOutcome::kNotEligible;
  } else if (outcome == "not_attended") {
    result.outcome = SubmitOutcome::kNotAttended;
  } else if (outcome == "already") {
    result.outcome = SubmitOutcome::kAlreadyAnswered;
  } else {
    return Unexpected("submit", r);
  }
  return result;
}

absl::StatusOr<std::optional<std::vector<events::v1::FeedbackAnswer>>>
RedisFeedbackStore::GetResponse(const std::string& event_id, const std::string& registration_id) {
  auto reply = redis_.Command({"HGET", EventPrefix(event_id) + "resp", registration_id});
  if (!reply.ok()) return reply.status();
  if (redis::IsNil(**reply)) return std::nullopt;
  return AnswersOf(AsString(**reply));
}

absl::StatusOr<bool> RedisFeedbackStore::HasAnswered(const std::string& event_id,
                                                     const std::string& used_hash) {
  auto reply = redis_.Command({"SISMEMBER", EventPrefix(event_id) + "used", used_hash});
  if (!reply.ok()) return reply.status();
  return AsInt(**reply) == 1;
}

absl::StatusOr<ReportData> RedisFeedbackStore::ReadReport(
    const std::string& event_id, const events::v1::SurveyDefinition& definition) {
  const std::string e = EventPrefix(event_id);
  std::vector<std::vector<std::string>> commands = {
      {"HGETALL", e + "agg"}, {"HGETALL", e + "an"}, {"HGET", e + "s", "state"},
      {"SCARD", e + "inv"},   {"HVALS", e + "r"},    {"GET", e + "attended"}};
  for (const events::v1::SurveyQuestion& q : definition.questions()) {
    commands.push_back({"HGETALL", e + "t:" + q.id()});
  }
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& r : *replies) {
    if (redis::IsError(*r)) return Unexpected("report read", *r);
  }
  ReportData data;
  for (const auto& [field, value] : HashOf(*(*replies)[0])) data.aggregates[field] = ToInt(value);
  for (const auto& [status, count] : HashOf(*(*replies)[1])) {
    data.requests_by_status[static_cast<int>(ToInt(status))] = ToInt(count);
  }
  const std::string state = AsString(*(*replies)[2]);
  if (state == "open" || state == "closed") {
    data.eligible = AsInt(*(*replies)[3]);
  } else {
    // Not opened yet: who would be invited now (same rule as the open script).
    const redisReply& regs = *(*replies)[4];
    const bool tracked = AsInt(*(*replies)[5]) > 0;
    for (size_t i = 0; i < redis::ArraySize(regs); ++i) {
      const std::string v = AsString(redis::ArrayAt(regs, i));
      const size_t colon = v.find(':');
      if (colon == std::string::npos || colon + 1 >= v.size()) continue;
      if (v.substr(0, colon) == "1" && (!tracked || v[colon + 1] == '1')) ++data.eligible;
    }
  }
  for (int i = 0; i < definition.questions_size(); ++i) {
    for (const auto& [id, text] : HashOf(*(*replies)[6 + i])) {
      if (id != kUnorderedField) data.texts[definition.questions(i).id()].push_back(text);
    }
  }
  return data;
}

absl::StatusOr<std::vector<ExportRow>> RedisFeedbackStore::ReadResponses(
    const std::string& event_id) {
  const std::string e = EventPrefix(event_id);
  auto replies = redis_.Pipeline({{"HGETALL", e + "resp"}, {"HGETALL", e + "at"}});
  if (!replies.ok()) return replies.status();
  const auto at = HashOf(*(*replies)[1]);
  std::vector<ExportRow> rows;
  for (const auto& [id, bytes] : HashOf(*(*replies)[0])) {
    if (id == kUnorderedField) continue;
    ExportRow row;
    row.answers = AnswersOf(bytes);
    row.submitted_unix_ms = ToInt(Field(at, id));
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<std::map<std::string, int64_t>> RedisFeedbackStore::ReadTrends(
    const std::string& org_id) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    commands.push_back(
        {"HGETALL", absl::StrCat(keys_.PartitionPrefix(p), "fb:org:", org_id, ":trend")});
  }
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::map<std::string, int64_t> merged;
  for (const ReplyPtr& r : *replies) {
    for (const auto& [field, value] : HashOf(*r)) merged[field] += ToInt(value);
  }
  return merged;
}

absl::StatusOr<int> RedisFeedbackStore::FireDue(int partition, int64_t now_unix_ms, int batch) {
  absl::StatusOr<std::vector<absl::StatusOr<int>>> fired =
      FireDueIn({partition}, now_unix_ms, batch);
  if (!fired.ok()) return fired.status();
  return std::move(fired->front());
}

absl::StatusOr<std::vector<absl::StatusOr<int>>> RedisFeedbackStore::FireDueIn(
    const std::vector<int>& partitions, int64_t now_unix_ms, int batch) {
  // The events fired carry the poll's trace (bus::DelayedJobWorker makes one per poll).
  const std::string traceparent = logging::CurrentTraceParent();
  std::vector<redis::ScriptCall> calls;
  calls.reserve(partitions.size());
  for (int partition : partitions) {
    const std::string prefix = keys_.PartitionPrefix(partition);
    calls.push_back({{prefix + "fb:jobs", keys_.Stream(partition)},
                     {absl::StrCat(now_unix_ms), absl::StrCat(batch),
                      absl::StrCat(options_.stream_maxlen), prefix, traceparent}});
  }
  auto replies = redis_.EvalMany(FireScript(), calls);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<int>> fired;
  fired.reserve(replies->size());
  for (absl::StatusOr<ReplyPtr>& reply : *replies) {
    if (reply.ok()) {
      fired.emplace_back(static_cast<int>(AsInt(**reply)));
    } else {
      fired.emplace_back(reply.status());
    }
  }
  return fired;
}

int RedisFeedbackStore::partitions() const { return keys_.partitions(); }

absl::StatusOr<std::string> RedisFeedbackStore::AccessOutcome(const std::string& event_id,
                                                              const std::string& registration_id) {
  auto reply = redis_.Command({"HVALS", EventPrefix(event_id) + "a:" + registration_id});
  if (!reply.ok()) return reply.status();
  std::vector<int> statuses;
  for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
    statuses.push_back(static_cast<int>(ToInt(AsString(redis::ArrayAt(**reply, i)))));
  }
  return AccessOutcomeOf(statuses);
}

absl::StatusOr<std::map<std::string, std::string>> RedisFeedbackStore::ReadHeld(
    const std::string& event_id) {
  auto reply = redis_.Command({"HGETALL", EventPrefix(event_id) + "held"});
  if (!reply.ok()) return reply.status();
  return HashOf(**reply);
}

absl::StatusOr<bool> RedisFeedbackStore::ReleaseHeld(const HeldBatch& release) {
  Contribution total = release.total;
  total.texts.clear();
  std::vector<std::string> args = {release.event_id, absl::StrCat(release.trend_min_group),
                                   EncodeContribution(total),
                                   absl::StrCat(release.held_ids.size())};
  for (const std::string& id : release.held_ids) args.push_back(id);
  for (const ReleasedResponse& response : release.responses) {
    events::v1::SubmitResponseRequest stored;
    for (const events::v1::FeedbackAnswer& a : response.answers) *stored.add_answers() = a;
    args.push_back(response.response_id);
    args.push_back(absl::StrCat(response.day_unix_ms));
    args.push_back(stored.SerializeAsString());
    args.push_back(absl::StrCat(response.texts.size()));
    for (const auto& [question, text] : response.texts) {
      args.push_back(question);
      args.push_back(text);
    }
  }
  const int partition = keys_.PartitionOf(release.event_id);
  const std::string prefix = keys_.PartitionPrefix(partition);
  auto reply = redis_.Eval(
      ReleaseScript(),
      {EventPrefix(release.event_id), absl::StrCat(prefix, "fb:org:", release.org_id, ":trend"),
       prefix + "fb:release"},
      args);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (!redis::IsArray(r) || redis::ArraySize(r) < 1) return Unexpected("release", r);
  const std::string outcome = AsString(redis::ArrayAt(r, 0));
  if (outcome == "raced") return false;
  if (outcome != "ok") return Unexpected("release", r);
  return true;
}

absl::StatusOr<std::vector<std::string>> RedisFeedbackStore::ClosedWithHeld(int limit) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    commands.push_back(
        {"SRANDMEMBER", keys_.PartitionPrefix(p) + "fb:release", absl::StrCat(limit)});
  }
  auto replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::string> events;
  for (const ReplyPtr& r : *replies) {
    if (redis::IsError(*r)) return Unexpected("release set", *r);
    for (size_t i = 0; i < redis::ArraySize(*r); ++i) {
      events.push_back(AsString(redis::ArrayAt(*r, i)));
    }
  }
  return events;
}

absl::StatusOr<int> RedisFeedbackStore::OpenNow(const std::string& event_id, int64_t now_unix_ms,
                                                int64_t default_window_ms) {
  auto reply = redis_.Eval(
      OpenNowScript(),
      {EventPrefix(event_id), Jobs(event_id), keys_.Stream(keys_.PartitionOf(event_id))},
      {event_id, absl::StrCat(now_unix_ms), absl::StrCat(options_.stream_maxlen),
       absl::StrCat(default_window_ms), logging::CurrentTraceParent()});
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (!redis::IsArray(r) || redis::ArraySize(r) < 2) return Unexpected("open now", r);
  if (AsString(redis::ArrayAt(r, 0)) != "ok") {
    return absl::FailedPreconditionError(
        absl::StrCat("the survey of event ", event_id, " is ", AsString(redis::ArrayAt(r, 1)),
                     ", not scheduled: only a survey that has not opened yet can be opened now"));
  }
  return static_cast<int>(AsInt(redis::ArrayAt(r, 1)));
}

absl::StatusOr<QuestionTexts> RedisFeedbackStore::ReadTexts(const std::string& event_id,
                                                            const std::string& question_id) {
  const std::string e = EventPrefix(event_id);
  auto replies = redis_.Pipeline({{"HGET", e + "agg", absl::StrCat("q:", question_id, ":n")},
                                  {"HGETALL", e + "t:" + question_id}});
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& r : *replies) {
    if (redis::IsError(*r)) return Unexpected("texts read", *r);
  }
  QuestionTexts out;
  if (!redis::IsNil(*(*replies)[0])) out.answered = ToInt(AsString(*(*replies)[0]));
  for (const auto& [id, text] : HashOf(*(*replies)[1])) {
    if (id != kUnorderedField) out.texts.push_back(text);
  }
  return out;
}

}  // namespace events::feedback
