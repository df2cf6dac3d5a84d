// People: the second factor (an authenticator app, recovery codes) and the person's own
// session (who am I, sign out).
#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/util/aead.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "services/people/domain/people.h"
#include "services/people/domain/secrets.h"
#include "services/people/store/people_store.h"

namespace events::people {
namespace {

constexpr int64_t kMinute = 60'000;

absl::Status Ended() { return absl::UnauthenticatedError(auth::kSessionEndedMessage); }

absl::Status RequirePerson(const auth::Caller& caller) {
  if (caller.member_id.empty()) {
    return absl::PermissionDeniedError(
        "this call is for a signed-in person (a session), not an API key");
  }
  return absl::OkStatus();
}

absl::Status CheckCodeShape(const std::string& code) {
  if (!LooksLikeTotpCode(code)) {
    return absl::InvalidArgumentError(
        "code must be the 6 digits your authenticator app shows for this account");
  }
  return absl::OkStatus();
}

std::string AssociatedData(const std::string& member_id) {
  return absl::StrCat("people.totp.v1:", member_id);
}

}  // namespace

absl::StatusOr<std::string> People::Seal(const std::string& member_id,
                                         const std::string& key) const {
  // Bound to the member: a sealed key copied to another member does not open.
  return events::Seal(options_.encryption_key, key, AssociatedData(member_id));
}

std::vector<std::string> People::HashesOf(const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  out.reserve(codes.size());
  for (const std::string& code : codes) out.push_back(Sha256Hex(NormaliseRecoveryCode(code)));
  return out;
}

absl::StatusOr<std::optional<int64_t>> People::StepOf(const std::string& member_id,
                                                      const std::string& sealed_key,
                                                      const std::string& code,
                                                      absl::string_view field) {
  absl::StatusOr<std::string> key =
      events::Open(options_.encryption_key, sealed_key, AssociatedData(member_id));
  if (!key.ok()) {
    return absl::InternalError(absl::StrCat(
        field,
        ": the authenticator key cannot be opened (is PEOPLE_ENCRYPTION_KEY the one it "
        "was sealed with?): ",
        key.status().message()));
  }
  return MatchTotp(*key, code, clock_.NowUnixMs());
}

absl::StatusOr<events::v1::SignInSession> People::VerifySecondFactor(
    const std::string& session_token, const events::v1::VerifySecondFactorRequest& request) {
  const std::string session_hash = Sha256Hex(session_token);
  absl::StatusOr<SessionRow> session = store_.GetSession(session_hash, clock_.NowUnixMs());
  if (absl::IsNotFound(session.status())) return Ended();
  if (!session.ok()) return session.status();
  if (!session->pending) {
    return absl::FailedPreconditionError("this session needs no code: you are signed in");
  }
  const bool has_code = !request.code().empty();
  const bool has_recovery = !request.recovery_code().empty();
  if (has_code == has_recovery) {
    return absl::InvalidArgumentError(
        "give either code (from your authenticator app) or recovery_code, not both or none");
  }
  VerifyMode mode = VerifyMode::kWrong;
  std::string value;
  if (has_code) {
    EVENTS_RETURN_IF_ERROR(CheckCodeShape(request.code()));
    EVENTS_ASSIGN_OR_RETURN(TotpRow totp, store_.GetTotp(session->member_id));
    if (totp.sealed_key.empty()) return Ended();  // the app was reset meanwhile
    EVENTS_ASSIGN_OR_RETURN(std::optional<int64_t> step,
                            StepOf(session->member_id, totp.sealed_key, request.code(), "code"));
    if (step.has_value()) {
      mode = VerifyMode::kStep;
      value = absl::StrCat(*step);
    }
  } else {
    const std::string normalised = NormaliseRecoveryCode(request.recovery_code());
    if (normalised.empty()) {
      return absl::InvalidArgumentError(
          "recovery_code must be one of your recovery codes: 10 letters and digits, like "
          "abcde-23456");
    }
    mode = VerifyMode::kRecovery;
    value = Sha256Hex(normalised);
  }
  const std::string token = NewSessionToken();
  int tries_left = 0;
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.VerifySecondFactor(session_hash, Sha256Hex(token), mode, value,
                                options_.max_code_failures, clock_.NowUnixMs(), &tries_left));
  if (outcome == "ended") return Ended();
  if (outcome == "not_pending") {
    return absl::FailedPreconditionError("this session needs no code: you are signed in");
  }
  if (outcome == "ended_now") {
    return absl::UnauthenticatedError(
        "too many wrong codes: your session has ended; sign in again");
  }
  if (outcome == "wrong") {
    return absl::InvalidArgumentError(absl::StrCat(
        has_code ? "code: that is not the code your app shows now (or it was used already)"
                 : "recovery_code: that is not one of your recovery codes (or it was used)",
        "; ", tries_left, tries_left == 1 ? " try" : " tries", " left"));
  }
  return SessionAnswer(token, session->member_id, false);
}

absl::StatusOr<events::v1::Me> People::GetMe(const auth::Caller& caller,
                                             const std::string& session_token) {
  EVENTS_RETURN_IF_ERROR(RequirePerson(caller));
  absl::StatusOr<SessionRow> session =
      store_.GetSession(Sha256Hex(session_token), clock_.NowUnixMs());
  if (absl::IsNotFound(session.status())) return Ended();
  if (!session.ok()) return session.status();
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, store_.GetMember(caller.member_id));
  events::v1::Me me;
  *me.mutable_member() = row.member;
  me.set_org_name(OrgName(row.member.org_id()));
  me.set_second_factor_given(session->second_factor);
  me.set_session_expires_unix_ms(session->expires_ms);
  me.set_idle_minutes(static_cast<int32_t>(session->idle_ms / kMinute));
  return me;
}

absl::StatusOr<events::v1::SecondFactorSetup> People::StartSecondFactorSetup(
    const auth::Caller& caller) {
  EVENTS_RETURN_IF_ERROR(RequirePerson(caller));
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, store_.GetMember(caller.member_id));
  const std::string key = NewTotpKey();
  EVENTS_ASSIGN_OR_RETURN(std::string sealed, Seal(caller.member_id, key));
  EVENTS_RETURN_IF_ERROR(store_.StartSecondFactorSetup(caller.member_id, sealed));
  events::v1::SecondFactorSetup out;
  out.set_secret_base32(Base32Grouped(key));
  out.set_otpauth_uri(OtpauthUri(key, options_.issuer, row.member.email()));
  return out;
}

absl::StatusOr<events::v1::RecoveryCodes> People::ConfirmSecondFactor(
    const auth::Caller& caller, const std::string& session_token,
    const events::v1::ConfirmSecondFactorRequest& request) {
  EVENTS_RETURN_IF_ERROR(RequirePerson(caller));
  EVENTS_RETURN_IF_ERROR(CheckCodeShape(request.code()));
  EVENTS_ASSIGN_OR_RETURN(TotpRow totp, store_.GetTotp(caller.member_id));
  if (totp.sealed_pending.empty()) {
    return absl::FailedPreconditionError(
        "no authenticator app is being set up: start setting one up first");
  }
  EVENTS_ASSIGN_OR_RETURN(std::optional<int64_t> step,
                          StepOf(caller.member_id, totp.sealed_pending, request.code(), "code"));
  if (!step.has_value()) {
    return absl::InvalidArgumentError(
        "code: that is not the code your app shows now; check that your phone's clock is right");
  }
  const std::vector<std::string> codes = NewRecoveryCodes();
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.ConfirmSecondFactor(caller.member_id, Sha256Hex(session_token), totp.sealed_pending,
                                 *step, HashesOf(codes), clock_.NowUnixMs()));
  if (outcome == "no_setup") {
    return absl::FailedPreconditionError(
        "the setup was started again or removed meanwhile: scan the newest code and try again");
  }
  if (outcome == "used") {
    return absl::InvalidArgumentError("code: this code was used already; wait for the next one");
  }
  if (outcome == "removed") return Ended();
  events::v1::RecoveryCodes out;
  for (const std::string& code : codes) out.add_codes(code);
  return out;
}

absl::StatusOr<events::v1::RecoveryCodes> People::RenewRecoveryCodes(
    const auth::Caller& caller, const events::v1::RenewRecoveryCodesRequest& request) {
  EVENTS_RETURN_IF_ERROR(RequirePerson(caller));
  EVENTS_RETURN_IF_ERROR(CheckCodeShape(request.code()));
  EVENTS_ASSIGN_OR_RETURN(TotpRow totp, store_.GetTotp(caller.member_id));
  if (totp.sealed_key.empty()) {
    return absl::FailedPreconditionError("set up an authenticator app first");
  }
  EVENTS_ASSIGN_OR_RETURN(std::optional<int64_t> step,
                          StepOf(caller.member_id, totp.sealed_key, request.code(), "code"));
  if (!step.has_value()) {
    return absl::InvalidArgumentError("code: that is not the code your app shows now");
  }
  const std::vector<std::string> codes = NewRecoveryCodes();
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.RenewRecoveryCodes(caller.member_id, *step, HashesOf(codes), clock_.NowUnixMs()));
  if (outcome == "no_app") {
    return absl::FailedPreconditionError("set up an authenticator app first");
  }
  if (outcome == "used") {
    return absl::InvalidArgumentError("code: this code was used already; wait for the next one");
  }
  events::v1::RecoveryCodes out;
  for (const std::string& code : codes) out.add_codes(code);
  return out;
}

absl::StatusOr<events::v1::SignOutResponse> People::SignOut(
    const std::string& session_token, const events::v1::SignOutRequest& request) {
  absl::StatusOr<int> ended =
      store_.SignOut(Sha256Hex(session_token), request.everywhere(), clock_.NowUnixMs());
  events::v1::SignOutResponse out;
  if (absl::IsNotFound(ended.status())) {
    // Signing out of a session that has ended is done; "everywhere" needs to know who.
    if (request.everywhere()) return Ended();
    return out;
  }
  if (!ended.ok()) return ended.status();
  out.set_sessions_ended(*ended);
  return out;
}

}  // namespace events::people
