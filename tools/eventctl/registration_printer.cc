#include "tools/eventctl/registration_printer.h"

#include <algorithm>
#include <cstddef>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/registration/rules/csv.h"

namespace events::eventctl {
namespace {

using events::v1::Participation;
using events::v1::QuestionType;
using events::v1::RegistrationStatus;

// Characters on screen: UTF-8 code points rather than bytes, so that names such as "Zoë"
// keep the columns straight.
size_t Shown(absl::string_view text) {
  size_t shown = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++shown;
  }
  return shown;
}

// Pads to `width` characters on screen.
std::string Pad(absl::string_view text, size_t width) {
  std::string out(text);
  const size_t shown = Shown(text);
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

std::string Lower(absl::string_view word) {
  std::string w = absl::AsciiStrToLower(absl::StripAsciiWhitespace(word));
  std::replace(w.begin(), w.end(), '_', '-');
  return w;
}

std::string PoolName(absl::string_view pool) {
  return pool.empty() || pool == "general" ? "general places" : absl::StrCat("pool ", pool);
}

std::string QuestionTypeWord(QuestionType type) {
  switch (type) {
    case events::v1::QUESTION_TYPE_TEXT:
      return "text";
    case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
      return "single choice";
    case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE:
      return "multiple choice";
    case events::v1::QUESTION_TYPE_YES_NO:
      return "yes or no";
    default:
      return "unknown type";
  }
}

std::string AnswerValue(const events::v1::Answer& a) {
  if (!a.text().empty()) return a.text();
  if (!a.choices().empty()) return absl::StrJoin(a.choices(), " | ");
  return a.yes() ? "yes" : "no";
}

std::string UtcTime(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

}  // namespace

std::string RegistrationStatusWord(RegistrationStatus status) {
  // The export's words, shortened where the command line's --status uses a shorter one.
  std::string word = registration::RegistrationStatusWord(status);
  if (status == events::v1::REGISTRATION_STATUS_PENDING_APPROVAL) return "pending";
  return word.empty() ? "unknown" : word;
}

std::string ParticipationWord(Participation participation) {
  // The command line's words: the export's with '-' for '_' (--participation lived-experience).
  return absl::StrReplaceAll(registration::ParticipationWord(participation), {{"_", "-"}});
}

std::string DescribeRegisterOutcome(const events::v1::RegisterResponse& response) {
  const events::v1::Registration& r = response.registration();
  std::string out;
  switch (r.status()) {
    case events::v1::REGISTRATION_STATUS_CONFIRMED:
      out = "You are registered: your place is confirmed.\n";
      break;
    case events::v1::REGISTRATION_STATUS_WAITLISTED:
      out = absl::StrFormat(
          "The event is full, so you are on the waiting list, at position %d. You will get a "
          "place as soon as one is free.\n",
          r.waitlist_position());
      break;
    case events::v1::REGISTRATION_STATUS_PENDING_APPROVAL:
      out = "Your registration is waiting for the organiser's approval.\n";
      break;
    default:
      out = absl::StrCat("Registration status: ", RegistrationStatusWord(r.status()), "\n");
      break;
  }
  absl::StrAppendFormat(&out, "  Registration: %s (event %s)\n", r.id(), r.event_id());
  if (r.companion()) absl::StrAppend(&out, "  Companion:    a place for your companion too\n");
  if (!r.pool().empty() && r.pool() != "general") {
    absl::StrAppendFormat(&out, "  Pool:         %s\n", r.pool());
  }
  if (!r.join_link().empty()) absl::StrAppendFormat(&out, "  Join link:    %s\n", r.join_link());
  absl::StrAppendFormat(&out, "  Token:        %s\n", response.registration_token());
  absl::StrAppend(&out,
                  "This token is shown only once: keep it safe. With it you can see, change or "
                  "cancel your registration:\n",
                  "  EVENTS_REGISTRATION_TOKEN=", response.registration_token(),
                  " eventctl my show\n");
  return out;
}

std::string DescribeRegistration(const events::v1::Registration& r) {
  std::string out = absl::StrFormat("Registration %s for event %s (%s)\n", r.id(), r.event_id(),
                                    RegistrationStatusWord(r.status()));
  absl::StrAppendFormat(&out, "  Name:          %s\n", r.name());
  absl::StrAppendFormat(&out, "  E-mail:        %s\n", r.email());
  if (!r.organisation().empty()) {
    absl::StrAppendFormat(&out, "  Organisation:  %s\n", r.organisation());
  }
  std::string taking_part = ParticipationWord(r.participation());
  if (!taking_part.empty()) absl::StrAppendFormat(&out, "  Taking part:   %s\n", taking_part);
  absl::StrAppendFormat(&out, "  Place:         %s%s\n", PoolName(r.pool()),
                        r.companion() ? ", with a companion (2 places)" : "");
  if (r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED) {
    absl::StrAppendFormat(&out, "  Waiting list:  position %d\n", r.waitlist_position());
  }
  if (!r.join_link().empty()) absl::StrAppendFormat(&out, "  Join link:     %s\n", r.join_link());
  absl::StrAppendFormat(&out, "  Marketing:     %s\n",
                        r.marketing_opt_in() ? "yes, happy to hear about other events" : "no");
  for (const auto& a : r.answers()) {
    absl::StrAppendFormat(&out, "  Answer:        %s = %s\n", a.question_id(), AnswerValue(a));
  }
  if (r.attended()) absl::StrAppend(&out, "  Attended:      yes\n");
  if (r.created_unix_ms() > 0) {
    absl::StrAppendFormat(&out, "  Registered:    %s\n", UtcTime(r.created_unix_ms()));
  }
  return out;
}

std::string RegistrationTable(const std::vector<events::v1::Registration>& registrations) {
  if (registrations.empty()) return "No registrations.\n";
  struct Row {
    std::string id, status, position, pool, name, email, attended;
  };
  std::vector<Row> rows;
  rows.push_back({"ID", "STATUS", "POS", "POOL", "NAME", "E-MAIL", "ATTENDED"});
  bool any_companion = false;
  for (const auto& r : registrations) {
    Row row;
    row.id = r.id();
    row.status = RegistrationStatusWord(r.status());
    row.position =
        r.status() == events::v1::REGISTRATION_STATUS_WAITLISTED && r.waitlist_position() > 0
            ? absl::StrCat(r.waitlist_position())
            : "-";
    row.pool = r.pool().empty() ? "general" : r.pool();
    row.name = r.name();
    if (r.companion()) {
      absl::StrAppend(&row.name, " (+1)");
      any_companion = true;
    }
    row.email = r.email();
    row.attended = r.attended() ? "yes" : "-";
    rows.push_back(std::move(row));
  }
  // Each column as wide as its widest cell, so that long ids and names never shift the rest.
  size_t id = 0, status = 0, position = 0, pool = 0, name = 0, email = 0;
  for (const Row& row : rows) {
    id = std::max(id, Shown(row.id));
    status = std::max(status, Shown(row.status));
    position = std::max(position, Shown(row.position));
    pool = std::max(pool, Shown(row.pool));
    name = std::max(name, Shown(row.name));
    email = std::max(email, Shown(row.email));
  }
  std::string out;
  for (const Row& row : rows) {
    absl::StrAppend(&out, Pad(row.id, id), "  ", Pad(row.status, status), "  ",
                    Pad(row.position, position), "  ", Pad(row.pool, pool), "  ",
                    Pad(row.name, name), "  ", Pad(row.email, email), "  ", row.attended, "\n");
  }
  if (any_companion) absl::StrAppend(&out, "(+1): with a companion, who has a place too\n");
  return out;
}

std::string DescribeCapacity(const events::v1::CapacitySummary& s) {
  std::string out = absl::StrFormat("Event %s: %d places\n", s.event_id(), s.capacity());
  absl::StrAppendFormat(&out, "  Confirmed: %d places taken, %d free\n", s.confirmed_places(),
                        std::max(0, s.capacity() - s.confirmed_places()));
  absl::StrAppendFormat(&out, "  Waiting:   %d on the waiting list\n", s.waitlisted());
  absl::StrAppendFormat(&out, "  Pending:   %d waiting for approval\n", s.pending_approval());
  if (!s.pools().empty()) {
    absl::StrAppend(&out, "  Per pool:\n");
    for (const auto& p : s.pools()) {
      absl::StrAppendFormat(&out, "    %-20s %d of %d taken, %d waiting\n", p.pool(), p.taken(),
                            p.places(), p.waitlisted());
    }
  }
  return out;
}

std::string DescribeSettings(const events::v1::RegistrationSettings& s) {
  std::string out =
      absl::StrFormat("Registration form of event %s (version %d)\n", s.event_id(), s.version());
  absl::StrAppendFormat(&out, "  Approval:   %s\n",
                        s.requires_approval()
                            ? "needed: the organiser approves each registration"
                            : "not needed: places are confirmed at once while they last");
  absl::StrAppendFormat(&out, "  Companions: %s\n",
                        s.companions_disabled() ? "no companion places"
                                                : "a companion (carer, personal assistant) may "
                                                  "come too, taking a second place");
  for (const auto& p : s.pools()) {
    absl::StrAppendFormat(&out, "  Pool:       %s \"%s\", %d places held back\n", p.id(), p.name(),
                          p.places());
  }
  for (const auto& q : s.questions()) {
    std::string kind = QuestionTypeWord(q.type());
    if (!q.options().empty()) absl::StrAppend(&kind, ": ", absl::StrJoin(q.options(), " | "));
    if (q.required()) absl::StrAppend(&kind, ", required");
    absl::StrAppendFormat(&out, "  Question:   %s (%s) %s\n", q.id(), kind, q.text());
  }
  return out;
}

std::string DescribeAttendance(const events::v1::MarkAttendanceResponse& r, bool attended) {
  std::string out =
      absl::StrFormat("Marked %d registration%s as %s.\n", r.marked(), r.marked() == 1 ? "" : "s",
                      attended ? "attended" : "not attended");
  if (!r.not_found().empty()) {
    absl::StrAppendFormat(&out, "Not found (no confirmed registration for this event): %s\n",
                          absl::StrJoin(r.not_found(), ", "));
  }
  return out;
}

absl::StatusOr<RegistrationStatus> ParseRegistrationStatus(absl::string_view word) {
  std::string w = Lower(word);
  if (w.empty() || w == "all") return events::v1::REGISTRATION_STATUS_UNSPECIFIED;
  if (w == "confirmed") return events::v1::REGISTRATION_STATUS_CONFIRMED;
  if (w == "waitlisted" || w == "waiting") return events::v1::REGISTRATION_STATUS_WAITLISTED;
  if (w == "pending" || w == "pending-approval") {
    return events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
  }
  if (w == "cancelled" || w == "canceled") return events::v1::REGISTRATION_STATUS_CANCELLED;
  if (w == "rejected") return events::v1::REGISTRATION_STATUS_REJECTED;
  return absl::InvalidArgumentError(
      absl::StrCat("--status \"", word,
                   "\" is not one of confirmed, waitlisted, pending, cancelled, rejected, all"));
}

absl::StatusOr<Participation> ParseParticipation(absl::string_view word) {
  std::string w = Lower(word);
  if (w.empty()) return events::v1::PARTICIPATION_UNSPECIFIED;
  if (w == "lived-experience") return events::v1::PARTICIPATION_LIVED_EXPERIENCE;
  if (w == "carer") return events::v1::PARTICIPATION_CARER;
  if (w == "professional") return events::v1::PARTICIPATION_PROFESSIONAL;
  if (w == "student") return events::v1::PARTICIPATION_STUDENT;
  if (w == "other") return events::v1::PARTICIPATION_OTHER;
  return absl::InvalidArgumentError(
      absl::StrCat("--participation \"", word,
                   "\" is not one of lived-experience, carer, professional, student, other"));
}

absl::StatusOr<bool> ParseYesNo(absl::string_view word, absl::string_view option) {
  std::string w = Lower(word);
  if (w == "yes" || w == "y" || w == "true" || w == "on") return true;
  if (w == "no" || w == "n" || w == "false" || w == "off") return false;
  return absl::InvalidArgumentError(absl::StrCat(option, " \"", word, "\" should be yes or no"));
}

absl::StatusOr<events::v1::ReservedPool> ParsePool(absl::string_view spec) {
  std::vector<absl::string_view> parts = absl::StrSplit(spec, ':');
  int places = 0;
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() ||
      !absl::SimpleAtoi(parts[2], &places)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--pool \"", spec,
        "\" should be ID:NAME:PLACES, e.g. lived_experience:People with lived experience:20"));
  }
  events::v1::ReservedPool pool;
  pool.set_id(std::string(parts[0]));
  pool.set_name(std::string(parts[1]));
  pool.set_places(places);
  return pool;
}

absl::StatusOr<events::v1::RegistrationQuestion> ParseQuestion(absl::string_view spec) {
  auto bad = [spec](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--question \"", spec, "\": ", why,
                     "; use ID:TYPE:TEXT[:OPTIONS][:required], TYPE one of text, single-choice, "
                     "multiple-choice, yes-no, OPTIONS like a|b|c (choice types only), e.g. "
                     "\"topics:multiple-choice:What interests you?:care|housing|work:required\""));
  };
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  if (parts.size() < 3) return bad("too few parts");
  events::v1::RegistrationQuestion q;
  q.set_id(parts[0]);
  if (q.id().empty()) return bad("the ID is empty");
  std::string type = Lower(parts[1]);
  if (type == "text") {
    q.set_type(events::v1::QUESTION_TYPE_TEXT);
  } else if (type == "single-choice" || type == "choice") {
    q.set_type(events::v1::QUESTION_TYPE_SINGLE_CHOICE);
  } else if (type == "multiple-choice" || type == "multi-choice" || type == "multiple") {
    q.set_type(events::v1::QUESTION_TYPE_MULTIPLE_CHOICE);
  } else if (type == "yes-no" || type == "yesno") {
    q.set_type(events::v1::QUESTION_TYPE_YES_NO);
  } else {
    return bad(absl::StrCat("unknown TYPE \"", parts[1], "\""));
  }
  // From the end: ":required", then the options of a choice question; the rest is the text.
  size_t end = parts.size();
  if (end > 3 && Lower(parts[end - 1]) == "required") {
    q.set_required(true);
    --end;
  }
  const bool choice = q.type() == events::v1::QUESTION_TYPE_SINGLE_CHOICE ||
                      q.type() == events::v1::QUESTION_TYPE_MULTIPLE_CHOICE;
  if (choice) {
    if (end < 4) return bad("a choice question needs OPTIONS");
    for (absl::string_view option : absl::StrSplit(parts[end - 1], '|')) {
      q.add_options(std::string(absl::StripAsciiWhitespace(option)));
    }
    --end;
  }
  q.set_text(
      absl::StrJoin(parts.begin() + 2, parts.begin() + static_cast<std::ptrdiff_t>(end), ":"));
  if (q.text().empty()) return bad("the TEXT is empty");
  return q;
}

absl::StatusOr<std::vector<events::v1::Answer>> BuildAnswers(
    const std::vector<std::string>& specs, const events::v1::RegistrationSettings& form) {
  std::map<std::string, const events::v1::RegistrationQuestion*> questions;
  std::vector<std::string> ids;
  for (const auto& q : form.questions()) {
    questions[q.id()] = &q;
    ids.push_back(q.id());
  }
  std::vector<events::v1::Answer> answers;
  std::map<std::string, size_t> index;  // question id -> position in `answers`
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--answer \"", spec, "\" should be QUESTION_ID=VALUE"));
    }
    std::string id = spec.substr(0, eq);
    absl::string_view value = absl::string_view(spec).substr(eq + 1);
    auto q = questions.find(id);
    if (q == questions.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--answer \"", spec, "\": the event has no question \"", id, "\"",
          ids.empty() ? "; it asks no questions"
                      : absl::StrCat("; its questions are ", absl::StrJoin(ids, ", "))));
    }
    const QuestionType type = q->second->type();
    auto seen = index.find(id);
    if (seen != index.end() && type != events::v1::QUESTION_TYPE_MULTIPLE_CHOICE) {
      return absl::InvalidArgumentError(
          absl::StrCat("--answer: question \"", id, "\" is answered more than once"));
    }
    if (seen == index.end()) {
      seen = index.emplace(id, answers.size()).first;
      answers.emplace_back().set_question_id(id);
    }
    events::v1::Answer& a = answers[seen->second];
    switch (type) {
      case events::v1::QUESTION_TYPE_TEXT:
        a.set_text(std::string(value));
        break;
      case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
        a.add_choices(std::string(value));
        break;
      case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE:
        for (absl::string_view choice : absl::StrSplit(value, '|', absl::SkipWhitespace())) {
          a.add_choices(std::string(absl::StripAsciiWhitespace(choice)));
        }
        break;
      case events::v1::QUESTION_TYPE_YES_NO: {
        absl::StatusOr<bool> yes = ParseYesNo(value, absl::StrCat("--answer ", id));
        if (!yes.ok()) return yes.status();
        a.set_yes(*yes);
        break;
      }
      default:
        // A question type this eventctl does not know yet: send the value as text and let
        // the service judge it.
        a.set_text(std::string(value));
        break;
    }
  }
  return answers;
}

}  // namespace events::eventctl
