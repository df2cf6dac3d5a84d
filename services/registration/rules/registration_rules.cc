#include "services/registration/rules/registration_rules.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "common/util/text_rules.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace events::registration {
namespace {

using events::v1::Answer;
using events::v1::QuestionType;
using events::v1::RegistrationQuestion;

template <typename... Args>
absl::Status Invalid(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat(args...));
}

// A value from the request quoted in an error message: one line, short (text_rules.h).
std::string Shown(absl::string_view value) { return QuoteForMessage(value); }

// lower_snake_case, 2 to 48 characters, starting with a letter.
bool IsSnakeId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 48 || !absl::ascii_islower(id[0])) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

bool IsChoiceType(QuestionType type) {
  return type == events::v1::QUESTION_TYPE_SINGLE_CHOICE ||
         type == events::v1::QUESTION_TYPE_MULTIPLE_CHOICE;
}

bool HasOption(const RegistrationQuestion& q, absl::string_view choice) {
  for (const auto& option : q.options()) {
    if (option == choice) return true;
  }
  return false;
}

// The fields of an answer that do not belong to its question's type.
absl::Status CheckAnswerShape(const Answer& a, const RegistrationQuestion& q,
                              const std::string& field) {
  const bool text_ok = q.type() == events::v1::QUESTION_TYPE_TEXT;
  const bool choices_ok = IsChoiceType(q.type());
  const bool yes_ok = q.type() == events::v1::QUESTION_TYPE_YES_NO;
  if (!text_ok && !a.text().empty()) {
    return Invalid(field, ".text: question ", Shown(q.id()),
                   " is not a text question; put the answer in ", choices_ok ? "choices" : "yes");
  }
  if (!choices_ok && a.choices_size() > 0) {
    return Invalid(field, ".choices: question ", Shown(q.id()),
                   " is not a choice question; put the answer in ", text_ok ? "text" : "yes");
  }
  if (!yes_ok && a.yes()) {
    return Invalid(field, ".yes: question ", Shown(q.id()), " is not a yes/no question");
  }
  return absl::OkStatus();
}

absl::Status CheckChoices(const Answer& a, const RegistrationQuestion& q,
                          const std::string& field) {
  const std::string choices_field = absl::StrCat(field, ".choices");
  if (q.type() == events::v1::QUESTION_TYPE_SINGLE_CHOICE && a.choices_size() != 1) {
    return Invalid(choices_field, ": question ", Shown(q.id()),
                   " takes exactly one choice (it has ", a.choices_size(), ")");
  }
  if (a.choices_size() == 0 && q.required()) {
    return Invalid(choices_field, ": question ", Shown(q.id()),
                   " is required; choose at least one option");
  }
  std::set<absl::string_view> seen;
  for (const auto& choice : a.choices()) {
    if (!HasOption(q, choice)) {
      return Invalid(choices_field, ": ", Shown(choice), " is not one of the options of question ",
                     Shown(q.id()));
    }
    if (!seen.insert(choice).second) {
      return Invalid(choices_field, ": ", Shown(choice), " is chosen twice");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAnswer(const Answer& a, const RegistrationQuestion& q, const std::string& field) {
  EVENTS_RETURN_IF_ERROR(CheckAnswerShape(a, q, field));
  switch (q.type()) {
    case events::v1::QUESTION_TYPE_TEXT: {
      const size_t limit = q.max_length() > 0 ? static_cast<size_t>(q.max_length())
                                              : static_cast<size_t>(kDefaultTextAnswerChars);
      return CheckText(a.text(), absl::StrCat(field, ".text"), 1, limit, /*multiline=*/true);
    }
    case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
    case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE:
      return CheckChoices(a, q, field);
    default:
      // YES_NO: false and true are both answers. Other types cannot pass ValidateSettings.
      return absl::OkStatus();
  }
}

absl::Status ValidateAnswers(const events::v1::RegisterRequest& req,
                             const events::v1::RegistrationSettings& settings) {
  std::map<absl::string_view, const RegistrationQuestion*> questions;
  for (const auto& q : settings.questions()) questions.emplace(q.id(), &q);
  std::set<absl::string_view> answered;
  for (int i = 0; i < req.answers_size(); ++i) {
    const Answer& a = req.answers(i);
    const std::string field = absl::StrCat("answers[", i, "]");
    if (a.question_id().empty()) return Invalid(field, ".question_id is required");
    auto it = questions.find(a.question_id());
    if (it == questions.end()) {
      return Invalid(field, ".question_id: ", Shown(a.question_id()),
                     " is not a question of this event");
    }
    if (!answered.insert(a.question_id()).second) {
      return Invalid(field, ".question_id: question ", Shown(a.question_id()),
                     " is answered twice");
    }
    EVENTS_RETURN_IF_ERROR(CheckAnswer(a, *it->second, field));
  }
  for (const auto& q : settings.questions()) {
    if (q.required() && answered.count(q.id()) == 0) {
      return Invalid("answers: question ", Shown(q.id()), " is required");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePool(const events::v1::RegisterRequest& req,
                          const events::v1::RegistrationSettings& settings) {
  if (req.pool().empty() || req.pool() == kGeneralPool) return absl::OkStatus();
  for (const auto& pool : settings.pools()) {
    if (pool.id() == req.pool()) return absl::OkStatus();
  }
  if (settings.pools_size() == 0) {
    return Invalid("pool ", Shown(req.pool()),
                   ": this event has no reserved pools; leave pool empty");
  }
  return Invalid("pool ", Shown(req.pool()),
                 " is not a reserved pool of this event; leave it empty for the general places");
}

absl::Status ValidatePools(const events::v1::RegistrationSettings& s, int32_t capacity) {
  if (s.pools_size() > kMaxPools) {
    return Invalid("pools: at most ", kMaxPools, " reserved pools (it has ", s.pools_size(), ")");
  }
  std::set<absl::string_view> ids;
  int64_t places = 0;
  for (int i = 0; i < s.pools_size(); ++i) {
    const auto& pool = s.pools(i);
    const std::string field = absl::StrCat("pools[", i, "]");
    if (pool.id() == kGeneralPool) {
      return Invalid(field,
                     ".id \"general\" names the places that are not reserved; choose "
                     "another id");
    }
    if (!IsSnakeId(pool.id())) {
      return Invalid(field, ".id ", Shown(pool.id()),
                     " must be lower_snake_case, 2 to 48 characters starting with a letter, "
                     "e.g. lived_experience");
    }
    if (!ids.insert(pool.id()).second) {
      return Invalid(field, ".id ", Shown(pool.id()), " is used twice");
    }
    EVENTS_RETURN_IF_ERROR(
        CheckText(pool.name(), absl::StrCat(field, ".name"), 1, kMaxPoolNameChars));
    if (pool.places() < 1) {
      return Invalid(field, ".places must be at least 1 (it is ", pool.places(), ")");
    }
    places += pool.places();
  }
  if (places > capacity) {
    return Invalid("pools: the reserved places add up to ", places,
                   ", more than the event's capacity of ", capacity);
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const RegistrationQuestion& q, const std::string& field) {
  if (!IsChoiceType(q.type())) {
    if (q.options_size() > 0) return Invalid(field, ".options are only for choice questions");
    return absl::OkStatus();
  }
  if (q.options_size() < kMinOptions || q.options_size() > kMaxOptions) {
    return Invalid(field, ".options: a choice question needs ", kMinOptions, " to ", kMaxOptions,
                   " options (it has ", q.options_size(), ")");
  }
  std::set<absl::string_view> seen;
  for (int j = 0; j < q.options_size(); ++j) {
    const std::string& option = q.options(j);
    const std::string option_field = absl::StrCat(field, ".options[", j, "]");
    EVENTS_RETURN_IF_ERROR(CheckText(option, option_field, 1, kMaxOptionChars));
    // Choices must match an option exactly; invisible spaces would make that a trap.
    if (absl::StripAsciiWhitespace(option) != option) {
      return Invalid(option_field, " must not start or end with spaces");
    }
    if (!seen.insert(option).second) {
      return Invalid(option_field, " ", Shown(option), " is listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateQuestions(const events::v1::RegistrationSettings& s) {
  if (s.questions_size() > kMaxQuestions) {
    return Invalid("questions: at most ", kMaxQuestions, " questions (it has ", s.questions_size(),
                   ")");
  }
  std::set<absl::string_view> ids;
  for (int i = 0; i < s.questions_size(); ++i) {
    const RegistrationQuestion& q = s.questions(i);
    const std::string field = absl::StrCat("questions[", i, "]");
    if (!IsSnakeId(q.id())) {
      return Invalid(field, ".id ", Shown(q.id()),
                     " must be lower_snake_case, 2 to 48 characters starting with a letter, "
                     "e.g. dietary_needs");
    }
    if (!ids.insert(q.id()).second) {
      return Invalid(field, ".id ", Shown(q.id()), " is used twice");
    }
    EVENTS_RETURN_IF_ERROR(CheckText(q.text(), absl::StrCat(field, ".text"), 1,
                                     kMaxQuestionTextChars, /*multiline=*/true));
    if (q.type() == events::v1::QUESTION_TYPE_UNSPECIFIED ||
        !events::v1::QuestionType_IsValid(q.type())) {
      return Invalid(field,
                     ".type is required: QUESTION_TYPE_TEXT, QUESTION_TYPE_SINGLE_CHOICE, "
                     "QUESTION_TYPE_MULTIPLE_CHOICE or QUESTION_TYPE_YES_NO");
    }
    EVENTS_RETURN_IF_ERROR(ValidateOptions(q, field));
    if (q.type() == events::v1::QUESTION_TYPE_TEXT) {
      if (q.max_length() < 0 || q.max_length() > kMaxTextAnswerLimit) {
        return Invalid(field, ".max_length must be 1 to ", kMaxTextAnswerLimit, ", or 0 for ",
                       kDefaultTextAnswerChars, " (it is ", q.max_length(), ")");
      }
    } else if (q.max_length() != 0) {
      return Invalid(field, ".max_length is only for text questions");
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string NormaliseEmail(absl::string_view email) { return NormaliseEmailAddress(email); }

absl::Status ValidateRegisterRequest(const events::v1::RegisterRequest& req,
                                     const events::v1::RegistrationSettings& settings) {
  EVENTS_RETURN_IF_ERROR(CheckText(req.event_id(), "event_id", 1, kMaxEventIdChars));
  EVENTS_RETURN_IF_ERROR(CheckText(req.name(), "name", 1, kMaxNameChars));
  const std::string email = NormaliseEmail(req.email());
  if (email.empty()) return Invalid("email is required");
  EVENTS_RETURN_IF_ERROR(CheckEmail(email, "email"));
  EVENTS_RETURN_IF_ERROR(CheckText(req.organisation(), "organisation", 0, kMaxOrganisationChars));
  if (!events::v1::Participation_IsValid(req.participation())) {
    return Invalid("participation ", static_cast<int>(req.participation()),
                   " is not a known value");
  }
  EVENTS_RETURN_IF_ERROR(ValidatePool(req, settings));
  if (req.companion() && settings.companions_disabled()) {
    return Invalid(
        "companion: this event has no places for companions (carers or personal "
        "assistants)");
  }
  if (!req.idempotency_key().empty() && !IsIdempotencyKey(req.idempotency_key())) {
    return Invalid("idempotency_key must be ", kMinIdempotencyKeyChars, " to ",
                   kMaxIdempotencyKeyChars,
                   " characters of A-Z a-z 0-9 _ . : - (use a random UUID), or empty");
  }
  return ValidateAnswers(req, settings);
}

absl::Status ValidateSettings(const events::v1::RegistrationSettings& s, int32_t capacity) {
  EVENTS_RETURN_IF_ERROR(CheckText(s.event_id(), "event_id", 1, kMaxEventIdChars));
  EVENTS_RETURN_IF_ERROR(ValidatePools(s, capacity));
  return ValidateQuestions(s);
}

std::string RequestFingerprint(const events::v1::RegisterRequest& req) {
  events::v1::RegisterRequest canonical = req;
  canonical.clear_idempotency_key();
  canonical.set_email(NormaliseEmail(req.email()));
  // Fields this server does not know do not change what it does with the request.
  canonical.DiscardUnknownFields();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    canonical.SerializeToCodedStream(&out);
  }  // The stream flushes into `bytes` when destroyed.
  return Sha256Hex(bytes);
}

bool IsIdempotencyKey(absl::string_view key) {
  if (key.size() < kMinIdempotencyKeyChars || key.size() > kMaxIdempotencyKeyChars) return false;
  for (char c : key) {
    if (!(absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' || c == '-')) return false;
  }
  return true;
}

std::string PoolOf(const events::v1::RegisterRequest& req) {
  return req.pool().empty() ? std::string(kGeneralPool) : req.pool();
}

}  // namespace events::registration
