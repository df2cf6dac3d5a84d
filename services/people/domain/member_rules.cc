#include "services/people/domain/member_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/util/ids.h"
#include "common/util/text_rules.h"

namespace events::people {
namespace {

bool IsPrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

absl::string_view RoleWord(events::v1::MemberRole role) {
  switch (role) {
    case events::v1::MEMBER_ROLE_ORGANISER:
      return "organiser";
    case events::v1::MEMBER_ROLE_ACCESS_COORDINATOR:
      return "access_coordinator";
    case events::v1::MEMBER_ROLE_VIEWER:
      return "viewer";
    default:
      return "";
  }
}

}  // namespace

absl::Status CheckMemberName(absl::string_view name) { return CheckText(name, "name", 1, 100); }

absl::StatusOr<std::string> NormalisedEmail(absl::string_view email, absl::string_view field) {
  std::string normalised = NormaliseEmailAddress(email);
  if (normalised.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is required: the person's e-mail address"));
  }
  if (absl::Status s = CheckEmail(normalised, field); !s.ok()) return s;
  return normalised;
}

std::string EmailHash(absl::string_view normalised_email) { return Sha256Hex(normalised_email); }

absl::StatusOr<std::string> RolesText(const google::protobuf::RepeatedField<int>& roles,
                                      absl::string_view field) {
  if (roles.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " needs at least one role: organiser, access coordinator or viewer"));
  }
  std::vector<absl::string_view> words;
  for (int role : roles) {
    absl::string_view word = events::v1::MemberRole_IsValid(role)
                                 ? RoleWord(static_cast<events::v1::MemberRole>(role))
                                 : absl::string_view();
    if (word.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " holds ", role, ", not a role: use organiser, access coordinator or viewer"));
    }
    if (std::find(words.begin(), words.end(), word) != words.end()) {
      return absl::InvalidArgumentError(absl::StrCat(field, " names ", word, " twice"));
    }
    words.push_back(word);
  }
  if (words.size() > 1 && std::find(words.begin(), words.end(), "viewer") != words.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": viewer is a role on its own (it only reads); choose viewer alone"));
  }
  return absl::StrJoin(words, ",");
}

std::vector<events::v1::MemberRole> RolesOf(absl::string_view text) {
  std::vector<events::v1::MemberRole> out;
  for (absl::string_view word : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    for (auto role : {events::v1::MEMBER_ROLE_ORGANISER, events::v1::MEMBER_ROLE_ACCESS_COORDINATOR,
                      events::v1::MEMBER_ROLE_VIEWER}) {
      if (RoleWord(role) == word) out.push_back(role);
    }
  }
  return out;
}

std::string RolesInWords(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    words.push_back(word == "access_coordinator" ? "access coordinator" : std::string(word));
  }
  return words.empty() ? "no role" : absl::StrJoin(words, ", ");
}

absl::Status CheckBrowserSecret(absl::string_view secret) {
  if (secret.size() < 32 || secret.size() > 128 || !IsPrintableAscii(secret)) {
    return absl::InvalidArgumentError(
        "browser_secret must be 32 to 128 printable ASCII characters (the browser's own random "
        "secret)");
  }
  return absl::OkStatus();
}

absl::Status CheckIdempotencyKey(absl::string_view key) {
  if (key.empty()) return absl::OkStatus();
  if (key.size() > 128 || !IsPrintableAscii(key)) {
    return absl::InvalidArgumentError(
        "idempotency_key must be 1 to 128 printable ASCII characters (no spaces)");
  }
  return absl::OkStatus();
}

absl::Status CheckMemberId(absl::string_view member_id, absl::string_view field) {
  if (member_id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (!IsWellFormedId(member_id, "mem") || member_id.find('-') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a member id (\"mem_\" and 26 letters and digits)"));
  }
  return absl::OkStatus();
}

}  // namespace events::people
