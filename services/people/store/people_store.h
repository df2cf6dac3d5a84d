#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/people.pb.h"

namespace events::people {

// Who did something, for the audit log.
struct Actor {
  std::string id;
  std::string name;
};

// A member as stored, with what the API does not show.
struct MemberRow {
  // With its e-mail address and recovery_codes_left.
  events::v1::Member member;
  std::string email_hash;
  std::string invited_by_id;
  // The stored roles, "organiser,access_coordinator".
  std::string roles;
};

// A session as stored ({p0}:people:session:<sha256>, common/auth/people_keys.h).
struct SessionRow {
  std::string member_id;
  std::string org_id;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  int64_t idle_ms = 0;
  bool second_factor = false;
  bool pending = false;
};

// A sign-in link record (the token itself is never stored).
struct LinkRow {
  std::string member_id;
  std::string org_id;
  int64_t expires_ms = 0;
  bool used = false;
};

// The member's authenticator app at rest (sealed keys).
struct TotpRow {
  std::string sealed_key;
  std::string sealed_pending;
};

struct InviteWrite {
  events::v1::Member member;  // id, org, name, e-mail, status, invited time and by whom
  std::string email_hash;
  std::string roles;
  Actor actor;
  // The inviting person's name; "" for an API key or eventctl.
  std::string invited_by_name;
  std::string idempotency_hash;  // "" for none
  std::string audit_detail;
  events::v1::DomainEvent event;
};

// One membership of an address, asked to sign in.
struct LinkWrite {
  std::string member_id;
  std::string link_id;
  events::v1::DomainEvent event;
};

struct SignInRequestWrite {
  std::string email_hash;
  std::string visitor_hash;
  int per_address = 5;
  int per_visitor = 30;
  int64_t window_ms = 0;
  int64_t link_ms = 0;
  int64_t link_expires_ms = 0;
  std::string browser_hash;
  std::vector<LinkWrite> links;
};

enum class VerifyMode { kStep, kRecovery, kWrong };

// Where members, links, sessions and the audit log live (docs/people.md, "Keys"). Every
// write is one Lua script. The scripts answer with a word that the domain turns into a
// status: see each method. Errors of their own: UNAVAILABLE when Redis cannot be reached.
// Thread-safe.
class PeopleStore {
 public:
  virtual ~PeopleStore() = default;

  // "created", "again" (the idempotency key was used: *member_id set to that member) or
  // "exists" (the address is a member: *member_id set to them).
  virtual absl::StatusOr<std::string> Invite(const InviteWrite& write, std::string* member_id) = 0;
  // "ok", "not_found", "removed", "version" (*stored_version set) or "last_organiser".
  virtual absl::StatusOr<std::string> ChangeRoles(const std::string& org_id,
                                                  const std::string& member_id,
                                                  const std::string& roles,
                                                  int64_t expected_version, const Actor& actor,
                                                  int64_t now_ms, int64_t* stored_version) = 0;
  // "ok", "not_found", "removed" or "last_organiser".
  virtual absl::StatusOr<std::string> Remove(const std::string& org_id,
                                             const std::string& member_id, const Actor& actor,
                                             int64_t now_ms) = 0;
  // "ok", "not_found" or "removed".
  virtual absl::StatusOr<std::string> ResetSecondFactor(const std::string& org_id,
                                                        const std::string& member_id,
                                                        const Actor& actor, int64_t now_ms) = 0;
  // "ok" or "limited".
  virtual absl::StatusOr<std::string> RequestSignIn(const SignInRequestWrite& write,
                                                    int64_t now_ms) = 0;
  // "ok" (*member_id and *pending set), "expired", "used", "other_browser", "removed".
  virtual absl::StatusOr<std::string> CompleteSignIn(const std::string& link_id,
                                                     const std::string& browser_hash,
                                                     const std::string& session_hash,
                                                     int64_t session_ends_ms, int64_t idle_ms,
                                                     int64_t now_ms, std::string* member_id,
                                                     bool* pending) = 0;
  // "ok", "ended", "not_pending", "wrong" (*tries_left set) or "ended_now".
  virtual absl::StatusOr<std::string> VerifySecondFactor(const std::string& session_hash,
                                                         const std::string& new_session_hash,
                                                         VerifyMode mode, const std::string& value,
                                                         int max_failures, int64_t now_ms,
                                                         int* tries_left) = 0;
  virtual absl::Status StartSecondFactorSetup(const std::string& member_id,
                                              const std::string& sealed_key) = 0;
  // "ok", "no_setup", "used" or "removed".
  virtual absl::StatusOr<std::string> ConfirmSecondFactor(
      const std::string& member_id, const std::string& session_hash, const std::string& sealed_key,
      int64_t step, const std::vector<std::string>& code_hashes, int64_t now_ms) = 0;
  // "ok", "no_app" or "used".
  virtual absl::StatusOr<std::string> RenewRecoveryCodes(
      const std::string& member_id, int64_t step, const std::vector<std::string>& code_hashes,
      int64_t now_ms) = 0;
  // Sessions ended; NOT_FOUND when the session had ended already.
  virtual absl::StatusOr<int> SignOut(const std::string& session_hash, bool everywhere,
                                      int64_t now_ms) = 0;

  // NOT_FOUND when there is no such member.
  virtual absl::StatusOr<MemberRow> GetMember(const std::string& member_id) = 0;
  // Every member of the organisation, removed ones included, by invitation time.
  virtual absl::StatusOr<std::vector<MemberRow>> ListMembers(const std::string& org_id) = 0;
  // Entries [offset, offset + count) of the audit log, newest first.
  virtual absl::StatusOr<std::vector<events::v1::PeopleAuditEntry>> ListAudit(
      const std::string& org_id, int64_t offset, int count) = 0;
  // The member ids indexed under an address (all organisations).
  virtual absl::StatusOr<std::vector<std::string>> MembersWithEmail(
      const std::string& email_hash) = 0;
  // The session at `now_ms`. NOT_FOUND when there is no such session or it has ended (its
  // absolute end or idle time passed, by the rule every service's session read keeps).
  virtual absl::StatusOr<SessionRow> GetSession(const std::string& session_hash,
                                                int64_t now_ms) = 0;
  // NOT_FOUND when the link has gone (its lifetime is over) or never was.
  virtual absl::StatusOr<LinkRow> GetLink(const std::string& link_id) = 0;
  // Empty fields when the member has no app.
  virtual absl::StatusOr<TotpRow> GetTotp(const std::string& member_id) = 0;
};

}  // namespace events::people
