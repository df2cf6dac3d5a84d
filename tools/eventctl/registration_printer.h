#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/registration.pb.h"

namespace events::eventctl {

// "confirmed", "waitlisted", "pending", "cancelled", "rejected" (the words --status takes).
std::string RegistrationStatusWord(events::v1::RegistrationStatus status);
// "lived-experience", "carer", "professional", "student", "other"; "" when not given.
std::string ParticipationWord(events::v1::Participation participation);

// What Register answered, for the person who registered: where they stand, the id, and
// the token with a warning that it is shown only once.
std::string DescribeRegisterOutcome(const events::v1::RegisterResponse& response);

// A readable, multi-line description of one registration.
std::string DescribeRegistration(const events::v1::Registration& registration);

// One line per registration: id, status, waiting-list position, pool, name, e-mail,
// attended. A note when there are none.
std::string RegistrationTable(const std::vector<events::v1::Registration>& registrations);

// Places, confirmed, waiting, pending, and a line per reserved pool.
std::string DescribeCapacity(const events::v1::CapacitySummary& summary);

// Approval, companions, pools and questions of an event's registration form.
std::string DescribeSettings(const events::v1::RegistrationSettings& settings);

// What MarkAttendance or ImportAttendance did.
std::string DescribeAttendance(const events::v1::MarkAttendanceResponse& response, bool attended);

// Command-line words to API values. INVALID_ARGUMENT listing the accepted words.
// "" and "all" are REGISTRATION_STATUS_UNSPECIFIED (every status).
absl::StatusOr<events::v1::RegistrationStatus> ParseRegistrationStatus(absl::string_view word);
// "" is PARTICIPATION_UNSPECIFIED.
absl::StatusOr<events::v1::Participation> ParseParticipation(absl::string_view word);
// yes/no, y/n, true/false, on/off; `option` names the option in the error.
absl::StatusOr<bool> ParseYesNo(absl::string_view word, absl::string_view option);

// --pool "ID:NAME:PLACES", e.g. "lived_experience:People with lived experience:20".
absl::StatusOr<events::v1::ReservedPool> ParsePool(absl::string_view spec);

// --question "ID:TYPE:TEXT[:OPTIONS][:required]": TYPE is text, single-choice,
// multiple-choice or yes-no; OPTIONS ("a|b|c") only, and always, for the choice types.
// TEXT may itself contain ':'.
absl::StatusOr<events::v1::RegistrationQuestion> ParseQuestion(absl::string_view spec);

// --answer "QUESTION_ID=VALUE" values, typed by the event's form: a text, one choice, choices
// separated by '|' (or given in several --answer), or yes/no. INVALID_ARGUMENT for a
// question the form does not have (naming the ones it has) or a malformed value.
absl::StatusOr<std::vector<events::v1::Answer>> BuildAnswers(
    const std::vector<std::string>& specs, const events::v1::RegistrationSettings& form);

}  // namespace events::eventctl
