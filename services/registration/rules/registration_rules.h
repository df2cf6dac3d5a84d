#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "events/v1/registration.pb.h"

// Pure rules of the registration service: what a registration and an organiser's settings
// must look like. No Redis, no gRPC; every function is thread-safe (no shared state).
namespace events::registration {

// Limits, documented in docs/registration.md.
inline constexpr size_t kMaxNameChars = 200;
inline constexpr size_t kMaxOrganisationChars = 200;
inline constexpr size_t kMaxEventIdChars = 128;
inline constexpr size_t kMinIdempotencyKeyChars = 16;
inline constexpr size_t kMaxIdempotencyKeyChars = 128;
inline constexpr int kMaxPools = 10;
inline constexpr size_t kMaxPoolNameChars = 100;
inline constexpr int kMaxQuestions = 30;
inline constexpr size_t kMaxQuestionTextChars = 500;
inline constexpr int kMinOptions = 2;
inline constexpr int kMaxOptions = 20;
inline constexpr size_t kMaxOptionChars = 200;
inline constexpr int32_t kMaxTextAnswerLimit = 2000;
inline constexpr int32_t kDefaultTextAnswerChars = 500;
// The pool of the places that are not reserved.
inline constexpr absl::string_view kGeneralPool = "general";

// The form in which e-mail addresses are stored, compared and hashed: trimmed and
// lower-cased as a whole (NormaliseEmailAddress in common/util/text_rules.h, which folds
// non-ASCII letters too: "JOSÉ@x.org" is "josé@x.org"). RFC 5321 lets the local part be
// case-sensitive, but no real mailbox provider treats it so, and one person registering
// twice as "Ann@x.org" and "ann@x.org" is the failure that matters. Register and
// ResendLink both check this form, so they accept the same input.
std::string NormaliseEmail(absl::string_view email);

// Checks an attendee's registration against the event's settings (which must already have
// passed ValidateSettings): every field, the pool, the companion, the idempotency key and
// each answer against its question. OK, or INVALID_ARGUMENT naming the first field that
// breaks a rule and the rule, e.g. `answers: question "access_needs" is required`.
// The e-mail is checked in its normalised form (NormaliseEmail).
absl::Status ValidateRegisterRequest(const events::v1::RegisterRequest& req,
                                     const events::v1::RegistrationSettings& settings);

// Checks an organiser's registration settings for an event of the given capacity: the
// reserved pools (at most kMaxPools, their places adding up to no more than the capacity)
// and the questions (at most kMaxQuestions). OK, or INVALID_ARGUMENT naming the field.
absl::Status ValidateSettings(const events::v1::RegistrationSettings& s, int32_t capacity);

// Lower-case hex SHA-256 of a canonical encoding of the request without its idempotency key
// (e-mail normalised, unknown fields dropped, deterministic serialisation), so a retry with
// the same key can be told apart from a different request reusing the key. Answers are
// compared in the order given.
std::string RequestFingerprint(const events::v1::RegisterRequest& req);

// Whether `key` is a well-formed idempotency key (kMinIdempotencyKeyChars to
// kMaxIdempotencyKeyChars of A-Z a-z 0-9 _ . : -).
bool IsIdempotencyKey(absl::string_view key);

// The pool the request asks for: its pool, or kGeneralPool when empty.
std::string PoolOf(const events::v1::RegisterRequest& req);

}  // namespace events::registration
