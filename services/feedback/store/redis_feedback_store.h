#pragma once

#include <string>

#include "common/bus/keyspace.h"
#include "services/feedback/store/feedback_store.h"

namespace events::redis {
class RedisClient;
}

namespace events::feedback {

// FeedbackStore on Redis: every change is one Lua script (store/lua/, layout in common.lua)
// on the keys of the event's partition, with its domain events appended to the partition
// stream in the same script. Thread-safe.
class RedisFeedbackStore final : public FeedbackStore {
 public:
  struct Options {
    int64_t stream_maxlen = 1000000;
  };
  RedisFeedbackStore(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                     Options options);

  absl::StatusOr<SurveyRecord> Get(const std::string& event_id) override;
  absl::Status UpsertFacts(const EventFacts& facts, int64_t default_window_ms) override;
  absl::StatusOr<SaveResult> SaveDefinition(const std::string& event_id,
                                            const events::v1::SurveyDefinition& definition,
                                            int64_t expected_version, bool structural,
                                            int64_t default_window_ms) override;
  absl::Status ApplyRegistration(const std::string& event_id, const std::string& registration_id,
                                 int status, bool attended, int64_t version,
                                 int64_t changed_unix_ms) override;
  absl::Status ApplyAccessRequest(const std::string& event_id, const std::string& request_id,
                                  const std::string& registration_id, int status,
                                  int64_t version) override;
  absl::StatusOr<SubmitResult> Submit(const Submission& submission) override;
  absl::StatusOr<std::optional<std::vector<events::v1::FeedbackAnswer>>> GetResponse(
      const std::string& event_id, const std::string& registration_id) override;
  absl::StatusOr<bool> HasAnswered(const std::string& event_id,
                                   const std::string& used_hash) override;
  absl::StatusOr<ReportData> ReadReport(const std::string& event_id,
                                        const events::v1::SurveyDefinition& definition) override;
  absl::StatusOr<std::vector<ExportRow>> ReadResponses(const std::string& event_id) override;
  absl::StatusOr<std::map<std::string, int64_t>> ReadTrends(const std::string& org_id) override;
  absl::StatusOr<int> FireDue(int partition, int64_t now_unix_ms, int batch) override;
  absl::StatusOr<std::vector<absl::StatusOr<int>>> FireDueIn(const std::vector<int>& partitions,
                                                             int64_t now_unix_ms,
                                                             int batch) override;
  int partitions() const override;
  absl::StatusOr<std::string> AccessOutcome(const std::string& event_id,
                                            const std::string& registration_id) override;
  absl::StatusOr<std::map<std::string, std::string>> ReadHeld(const std::string& event_id) override;
  absl::StatusOr<bool> ReleaseHeld(const HeldBatch& release) override;
  absl::StatusOr<std::vector<std::string>> ClosedWithHeld(int limit) override;
  absl::StatusOr<int> OpenNow(const std::string& event_id, int64_t now_unix_ms,
                              int64_t default_window_ms) override;
  absl::StatusOr<QuestionTexts> ReadTexts(const std::string& event_id,
                                          const std::string& question_id) override;

  // The field that keeps an anonymous survey's response hashes real hash tables, so that
  // their order says nothing about the order of submission (UNORDERED in common.lua).
  static constexpr char kUnorderedField[] = "_unordered";

  // "<prefix>{p<N>}:fb:<event id>:": the start of every key of the event (tests look inside).
  std::string EventPrefix(const std::string& event_id) const;

 private:
  std::string Jobs(const std::string& event_id) const;

  events::redis::RedisClient& redis_;
  const events::bus::Keyspace keys_;
  const Options options_;
};

// The contribution as stored with a named response and passed to the submit script:
// "a <field> <delta>" (event aggregates), "t <field> <delta>" (trends), "T <question> 0"
// (a text to delete on an edit), one per line.
std::string EncodeContribution(const Contribution& contribution);

}  // namespace events::feedback
