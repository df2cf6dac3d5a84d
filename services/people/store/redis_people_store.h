#pragma once

#include "common/bus/keyspace.h"
#include "common/redis/msgpack.h"
#include "common/redis/redis_client.h"
#include "services/people/store/people_store.h"

namespace events::people {

// PeopleStore on Redis: the scripts in store/lua/ (each after protobuf.lua, xadd_event.lua,
// keys.lua and common.lua) and plain reads. Every key in one hash slot, partition 0's, and people's
// domain events on partition 0's stream (common/auth/people_keys.h; docs/people.md, "Keys").
// Thread-safe.
class RedisPeopleStore final : public PeopleStore {
 public:
  RedisPeopleStore(redis::RedisClient& redis, const bus::Keyspace& keys,
                   int64_t stream_maxlen = 1000000);

  absl::StatusOr<std::string> Invite(const InviteWrite& write, std::string* member_id) override;
  absl::StatusOr<std::string> ChangeRoles(const std::string& org_id, const std::string& member_id,
                                          const std::string& roles, int64_t expected_version,
                                          const Actor& actor, int64_t now_ms,
                                          int64_t* stored_version) override;
  absl::StatusOr<std::string> Remove(const std::string& org_id, const std::string& member_id,
                                     const Actor& actor, int64_t now_ms) override;
  absl::StatusOr<std::string> ResetSecondFactor(const std::string& org_id,
                                                const std::string& member_id, const Actor& actor,
                                                int64_t now_ms) override;
  absl::StatusOr<std::string> RequestSignIn(const SignInRequestWrite& write,
                                            int64_t now_ms) override;
  absl::StatusOr<std::string> CompleteSignIn(const std::string& link_id,
                                             const std::string& browser_hash,
                                             const std::string& session_hash,
                                             int64_t session_ends_ms, int64_t idle_ms,
                                             int64_t now_ms, std::string* member_id,
                                             bool* pending) override;
  absl::StatusOr<std::string> VerifySecondFactor(const std::string& session_hash,
                                                 const std::string& new_session_hash,
                                                 VerifyMode mode, const std::string& value,
                                                 int max_failures, int64_t now_ms,
                                                 int* tries_left) override;
  absl::Status StartSecondFactorSetup(const std::string& member_id,
                                      const std::string& sealed_key) override;
  absl::StatusOr<std::string> ConfirmSecondFactor(const std::string& member_id,
                                                  const std::string& session_hash,
                                                  const std::string& sealed_key, int64_t step,
                                                  const std::vector<std::string>& code_hashes,
                                                  int64_t now_ms) override;
  absl::StatusOr<std::string> RenewRecoveryCodes(const std::string& member_id, int64_t step,
                                                 const std::vector<std::string>& code_hashes,
                                                 int64_t now_ms) override;
  absl::StatusOr<int> SignOut(const std::string& session_hash, bool everywhere,
                              int64_t now_ms) override;

  absl::StatusOr<MemberRow> GetMember(const std::string& member_id) override;
  absl::StatusOr<std::vector<MemberRow>> ListMembers(const std::string& org_id) override;
  absl::StatusOr<std::vector<events::v1::PeopleAuditEntry>> ListAudit(const std::string& org_id,
                                                                      int64_t offset,
                                                                      int count) override;
  absl::StatusOr<std::vector<std::string>> MembersWithEmail(const std::string& email_hash) override;
  absl::StatusOr<SessionRow> GetSession(const std::string& session_hash, int64_t now_ms) override;
  absl::StatusOr<LinkRow> GetLink(const std::string& link_id) override;
  absl::StatusOr<TotpRow> GetTotp(const std::string& member_id) override;

 private:
  // Runs a script with its KEYS, and ARGV = now, the record, then `more`; its reply's
  // strings.
  absl::StatusOr<std::vector<std::string>> Run(const redis::LuaScript& script,
                                               const std::vector<std::string>& keys, int64_t now_ms,
                                               const redis::MsgpackMap& record,
                                               const std::vector<std::string>& more = {});
  // "<prefix>{p0}:people:<suffix>" (common/auth/people_keys.h).
  std::string Key(absl::string_view suffix) const;
  // The member's hash, or with `what` (":totp", ":sessions") one of its keys.
  std::string Member(absl::string_view member_id, absl::string_view what = "") const;
  // One of the organisation's keys: `what` is ":members", ":emails", ":audit"...
  std::string Org(absl::string_view org_id, absl::string_view what) const;

  redis::RedisClient& redis_;
  const bus::Keyspace& keys_;
  const int64_t stream_maxlen_;
};

}  // namespace events::people
