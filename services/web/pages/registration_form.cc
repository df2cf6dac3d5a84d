#include "services/web/pages/registration_form.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "common/util/utf8.h"
#include "services/registration/rules/registration_rules.h"

namespace events::web {
namespace {

constexpr size_t kMaxDetailsChars = 2000;
constexpr size_t kMaxOtherNeedChars = 200;
constexpr size_t kMaxContactChars = 200;

const char* const kParticipation[] = {"lived_experience", "carer", "professional", "student",
                                      "other"};
const char* const kContactMethods[] = {"registration_email", "email", "phone", "text_message"};

std::string Trim(absl::string_view s) { return std::string(absl::StripAsciiWhitespace(s)); }

std::string QuestionField(const std::string& id) { return absl::StrCat("q-", id); }

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& options,
              const std::string& value) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

// A single-line text field: required or not, at most `max` characters, no control
// characters. Adds at most one error.
void CheckLine(const Catalogue& m, std::vector<FieldError>* errors, const std::string& field,
               const std::string& value, bool required, size_t max, absl::string_view required_key,
               absl::string_view long_key, absl::string_view invalid_key, bool multiline = false) {
  if (value.empty()) {
    if (required) errors->push_back({field, m.Text(required_key)});
    return;
  }
  if (CountCodePoints(value) > max) {
    errors->push_back({field, m.Format(long_key, {{"max", std::to_string(max)}})});
    return;
  }
  if (!CheckText(value, field, required ? 1 : 0, max, multiline).ok()) {
    errors->push_back({field, m.Text(invalid_key)});
  }
}

events::v1::Participation ParticipationOf(const std::string& value) {
  if (value == "lived_experience") return events::v1::PARTICIPATION_LIVED_EXPERIENCE;
  if (value == "carer") return events::v1::PARTICIPATION_CARER;
  if (value == "professional") return events::v1::PARTICIPATION_PROFESSIONAL;
  if (value == "student") return events::v1::PARTICIPATION_STUDENT;
  if (value == "other") return events::v1::PARTICIPATION_OTHER;
  return events::v1::PARTICIPATION_UNSPECIFIED;
}

events::v1::ContactMethod ContactOf(const std::string& value) {
  if (value == "registration_email") return events::v1::CONTACT_METHOD_REGISTRATION_EMAIL;
  if (value == "email") return events::v1::CONTACT_METHOD_EMAIL;
  if (value == "phone") return events::v1::CONTACT_METHOD_PHONE;
  if (value == "text_message") return events::v1::CONTACT_METHOD_TEXT_MESSAGE;
  return events::v1::CONTACT_METHOD_UNSPECIFIED;
}

std::string ErrorFor(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return e.message;
  }
  return "";
}

Data Hidden(const std::string& name, const std::string& value) {
  Data d(Data::type::object);
  d.set("name", name);
  d.set("value", value);
  return d;
}

Data Row(const std::string& key, const std::string& value) {
  Data d(Data::type::object);
  d.set("key", key);
  d.set("value", value);
  return d;
}

std::string NeedLabel(const events::v1::Catalogue& needs, const std::string& code) {
  for (const auto& n : needs.needs()) {
    if (n.need() == code) return n.label();
  }
  return code;
}

}  // namespace

RegistrationAnswers ReadAnswers(const Form& form,
                                const events::v1::RegistrationSettings& settings) {
  RegistrationAnswers a;
  a.name = Trim(form.Get("name"));
  a.email = Trim(form.Get("email"));
  a.organisation = Trim(form.Get("organisation"));
  a.participation = form.Get("participation");
  a.pool = form.Get("pool");
  if (a.pool == "general") a.pool.clear();
  a.companion = form.Get("companion") == "yes";
  a.marketing = form.Get("marketing") == "yes";
  a.support = form.Get("support");
  for (const auto& q : settings.questions()) {
    std::vector<std::string> values = form.All(QuestionField(q.id()));
    if (q.type() == events::v1::QUESTION_TYPE_TEXT) {
      for (auto& v : values) v = Trim(v);
    }
    values.erase(std::remove(values.begin(), values.end(), ""), values.end());
    if (!values.empty()) a.questions[q.id()] = std::move(values);
  }
  for (const std::string& need : form.All("needs")) {
    if (!need.empty() && std::find(a.needs.begin(), a.needs.end(), need) == a.needs.end()) {
      a.needs.push_back(need);
    }
  }
  a.other_need = Trim(form.Get("other_need"));
  a.details = Trim(form.Get("details"));
  a.contact_method = form.Get("contact_method");
  a.contact_value = Trim(form.Get("contact_value"));
  a.consent = form.Get("consent") == "yes";
  return a;
}

std::vector<FieldError> CheckDetails(const Catalogue& m, const RegistrationAnswers& a,
                                     const events::v1::RegistrationSettings& settings) {
  std::vector<FieldError> errors;
  CheckLine(m, &errors, "name", a.name, true, events::registration::kMaxNameChars,
            "err_name_required", "err_name_long", "err_name_invalid");
  if (a.email.empty()) {
    errors.push_back({"email", m.Text("err_email_required")});
  } else if (!CheckEmail(NormaliseEmailAddress(a.email), "email").ok()) {
    errors.push_back({"email", m.Text("err_email_format")});
  }
  CheckLine(m, &errors, "organisation", a.organisation, false,
            events::registration::kMaxOrganisationChars, "err_name_required",
            "err_organisation_long", "err_organisation_invalid");
  if (ParticipationOf(a.participation) == events::v1::PARTICIPATION_UNSPECIFIED) {
    errors.push_back({"participation", m.Text("err_participation_required")});
  }
  if (!a.pool.empty()) {
    bool known = false;
    for (const auto& p : settings.pools()) known = known || p.id() == a.pool;
    if (!known) errors.push_back({"pool", m.Text("err_pool_unknown")});
  }
  for (const auto& q : settings.questions()) {
    const std::string field = QuestionField(q.id());
    auto it = a.questions.find(q.id());
    if (it == a.questions.end()) {
      if (q.required()) {
        errors.push_back(
            {field, m.Format(q.type() == events::v1::QUESTION_TYPE_TEXT ? "err_question_required"
                                                                        : "err_question_choose",
                             {{"question", q.text()}})});
      }
      continue;
    }
    const std::vector<std::string>& values = it->second;
    switch (q.type()) {
      case events::v1::QUESTION_TYPE_TEXT: {
        const size_t max = q.max_length() > 0
                               ? static_cast<size_t>(q.max_length())
                               : static_cast<size_t>(events::registration::kDefaultTextAnswerChars);
        if (values.size() != 1 || CountCodePoints(values[0]) > max) {
          errors.push_back({field, m.Format("err_question_long", {{"question", q.text()},
                                                                  {"max", std::to_string(max)}})});
        } else if (!CheckText(values[0], field, 1, max, true).ok()) {
          errors.push_back({field, m.Format("err_question_invalid", {{"question", q.text()}})});
        }
        break;
      }
      case events::v1::QUESTION_TYPE_YES_NO:
        if (values.size() != 1 || (values[0] != "yes" && values[0] != "no")) {
          errors.push_back({field, m.Format("err_question_choose", {{"question", q.text()}})});
        }
        break;
      case events::v1::QUESTION_TYPE_SINGLE_CHOICE:
      case events::v1::QUESTION_TYPE_MULTIPLE_CHOICE: {
        bool ok = q.type() == events::v1::QUESTION_TYPE_MULTIPLE_CHOICE || values.size() == 1;
        std::set<std::string> seen;
        for (const auto& v : values) ok = ok && Contains(q.options(), v) && seen.insert(v).second;
        if (!ok) {
          errors.push_back({field, m.Format("err_question_choose", {{"question", q.text()}})});
        }
        break;
      }
      default:
        break;
    }
  }
  if (a.support != "yes" && a.support != "no") {
    errors.push_back({"support", m.Text("err_support_required")});
  }
  return errors;
}

std::vector<FieldError> CheckAccess(const Catalogue& m, const RegistrationAnswers& a,
                                    const events::v1::Catalogue& needs) {
  std::vector<FieldError> errors;
  if (a.needs.empty()) {
    errors.push_back({"needs", m.Text("err_needs_required")});
  } else {
    for (const auto& code : a.needs) {
      bool known = false;
      for (const auto& n : needs.needs()) known = known || n.need() == code;
      if (!known) {
        errors.push_back({"needs", m.Text("err_needs_unknown")});
        break;
      }
    }
  }
  const bool other = std::find(a.needs.begin(), a.needs.end(), "other") != a.needs.end();
  CheckLine(m, &errors, "other_need", a.other_need, other, kMaxOtherNeedChars,
            "err_other_need_required", "err_other_need_long", "err_other_need_invalid");
  CheckLine(m, &errors, "details", a.details, false, kMaxDetailsChars, "err_details_long",
            "err_details_long", "err_details_invalid", /*multiline=*/true);
  const events::v1::ContactMethod method = ContactOf(a.contact_method);
  if (method == events::v1::CONTACT_METHOD_UNSPECIFIED) {
    errors.push_back({"contact_method", m.Text("err_contact_required")});
  } else if (method != events::v1::CONTACT_METHOD_REGISTRATION_EMAIL) {
    CheckLine(m, &errors, "contact_value", a.contact_value, true, kMaxContactChars,
              "err_contact_value_required", "err_contact_value_long", "err_contact_value_invalid");
  }
  if (!a.consent) errors.push_back({"consent", m.Text("err_consent_required")});
  return errors;
}

events::v1::RegisterRequest ToRegisterRequest(const std::string& event_id,
                                              const RegistrationAnswers& a,
                                              const events::v1::RegistrationSettings& settings) {
  events::v1::RegisterRequest r;
  r.set_event_id(event_id);
  r.set_name(a.name);
  r.set_email(a.email);
  r.set_organisation(a.organisation);
  r.set_participation(ParticipationOf(a.participation));
  r.set_marketing_opt_in(a.marketing);
  r.set_companion(a.companion && !settings.companions_disabled());
  r.set_pool(a.pool);
  for (const auto& q : settings.questions()) {
    auto it = a.questions.find(q.id());
    if (it == a.questions.end()) continue;
    auto* answer = r.add_answers();
    answer->set_question_id(q.id());
    switch (q.type()) {
      case events::v1::QUESTION_TYPE_TEXT:
        answer->set_text(it->second.front());
        break;
      case events::v1::QUESTION_TYPE_YES_NO:
        answer->set_yes(it->second.front() == "yes");
        break;
      default:
        for (const auto& v : it->second) answer->add_choices(v);
    }
  }
  return r;
}

events::v1::SubmitRequestRequest ToAccessRequest(const std::string& token,
                                                 const RegistrationAnswers& a) {
  events::v1::SubmitRequestRequest r;
  r.set_registration_token(token);
  for (const auto& need : a.needs) r.add_needs(need);
  auto* d = r.mutable_details();
  d->set_details(a.details);
  d->set_other_need(a.other_need);
  d->set_contact_method(ContactOf(a.contact_method));
  if (d->contact_method() != events::v1::CONTACT_METHOD_REGISTRATION_EMAIL) {
    d->set_contact_value(a.contact_value);
  }
  r.set_consent(a.consent);
  return r;
}

DataList HiddenFields(const RegistrationAnswers& a, bool details, bool access) {
  DataList out;
  if (details) {
    out.push_back(Hidden("name", a.name));
    out.push_back(Hidden("email", a.email));
    out.push_back(Hidden("organisation", a.organisation));
    out.push_back(Hidden("participation", a.participation));
    out.push_back(Hidden("pool", a.pool));
    if (a.companion) out.push_back(Hidden("companion", "yes"));
    if (a.marketing) out.push_back(Hidden("marketing", "yes"));
    out.push_back(Hidden("support", a.support));
    for (const auto& [id, values] : a.questions) {
      for (const auto& v : values) out.push_back(Hidden(QuestionField(id), v));
    }
  }
  if (access) {
    for (const auto& need : a.needs) out.push_back(Hidden("needs", need));
    out.push_back(Hidden("other_need", a.other_need));
    out.push_back(Hidden("details", a.details));
    out.push_back(Hidden("contact_method", a.contact_method));
    out.push_back(Hidden("contact_value", a.contact_value));
    if (a.consent) out.push_back(Hidden("consent", "yes"));
  }
  return out;
}

namespace {

// One radio button or checkbox.
Data Option(const std::string& field, size_t index, const std::string& value,
            const std::string& label, bool checked) {
  Data d(Data::type::object);
  // The first option carries the field's own id, which the error summary links to.
  d.set("id", index == 0 ? field : absl::StrCat(field, "-", index + 1));
  d.set("value", value);
  d.set("label", label);
  d.set("checked", checked);
  return d;
}

// A field's error, for the template: {error, error_id}.
void SetError(Data& data, const std::string& field, const std::vector<FieldError>& errors) {
  const std::string message = ErrorFor(errors, field);
  if (message.empty()) return;
  data.set("error", message);
  data.set("error_id", absl::StrCat(field, "-error"));
}

Data Field(const std::string& id, const std::string& value, const std::vector<FieldError>& errors) {
  Data d(Data::type::object);
  d.set("id", id);
  d.set("value", value);
  SetError(d, id, errors);
  return d;
}

}  // namespace

Data DetailsFormData(Data data, const Catalogue& m, const RegistrationAnswers& a,
                     const events::v1::RegistrationSettings& settings,
                     const std::vector<FieldError>& errors) {
  data.set("name", Field("name", a.name, errors));
  data.set("email", Field("email", a.email, errors));
  data.set("organisation", Field("organisation", a.organisation, errors));
  Data participation = Field("participation", a.participation, errors);
  DataList options;
  size_t i = 0;
  for (const char* value : kParticipation) {
    options.push_back(Option("participation", i++, value,
                             m.Text(absl::StrCat("participation_", value)),
                             a.participation == value));
  }
  participation.set("options", options);
  data.set("participation", participation);
  if (settings.pools_size() > 0) {
    Data pool = Field("pool", a.pool, errors);
    DataList pools;
    pools.push_back(Option("pool", 0, "general", m.Text("pool_general"), a.pool.empty()));
    i = 1;
    for (const auto& p : settings.pools()) {
      pools.push_back(Option("pool", i++, p.id(), p.name(), a.pool == p.id()));
    }
    pool.set("options", pools);
    data.set("pool", pool);
  }
  if (!settings.companions_disabled()) {
    Data companion = Field("companion", "", errors);
    companion.set("checked", a.companion);
    data.set("companion", companion);
  }
  DataList questions;
  for (const auto& q : settings.questions()) {
    const std::string field = QuestionField(q.id());
    auto it = a.questions.find(q.id());
    const std::vector<std::string> given =
        it == a.questions.end() ? std::vector<std::string>{} : it->second;
    Data d = Field(field, given.empty() ? "" : given.front(), errors);
    d.set("text", q.text());
    d.set("optional", !q.required());
    if (q.type() == events::v1::QUESTION_TYPE_TEXT) {
      d.set("is_text", true);
    } else {
      DataList choices;
      size_t n = 0;
      if (q.type() == events::v1::QUESTION_TYPE_YES_NO) {
        choices.push_back(
            Option(field, n++, "yes", m.Text("answer_yes"), !given.empty() && given[0] == "yes"));
        choices.push_back(
            Option(field, n++, "no", m.Text("answer_no"), !given.empty() && given[0] == "no"));
      } else {
        for (const auto& option : q.options()) {
          const bool checked = std::find(given.begin(), given.end(), option) != given.end();
          choices.push_back(Option(field, n++, option, option, checked));
        }
      }
      DataList named;
      for (auto choice : choices) {
        choice.set("name_attr", field);
        named.push_back(choice);
      }
      d.set("choices", named);
      d.set(q.type() == events::v1::QUESTION_TYPE_MULTIPLE_CHOICE ? "is_checkboxes" : "is_radios",
            true);
    }
    questions.push_back(d);
  }
  if (!questions.empty()) data.set("questions", questions);
  Data marketing = Field("marketing", "", errors);
  marketing.set("checked", a.marketing);
  data.set("marketing", marketing);
  Data support = Field("support", a.support, errors);
  DataList yes_no;
  yes_no.push_back(Option("support", 0, "yes", m.Text("answer_yes"), a.support == "yes"));
  yes_no.push_back(Option("support", 1, "no", m.Text("answer_no"), a.support == "no"));
  support.set("options", yes_no);
  data.set("support", support);
  return data;
}

Data AccessFormData(Data data, const Catalogue& m, const RegistrationAnswers& a,
                    const events::v1::Catalogue& needs, const std::vector<FieldError>& errors) {
  Data need_field = Field("needs", "", errors);
  DataList options;
  size_t i = 0;
  for (const auto& n : needs.needs()) {
    const bool checked = std::find(a.needs.begin(), a.needs.end(), n.need()) != a.needs.end();
    Data option = Option("needs", i++, n.need(), n.label(), checked);
    if (n.need() == "other") option.set("other", true);
    options.push_back(option);
  }
  need_field.set("options", options);
  data.set("needs", need_field);
  data.set("other_need", Field("other_need", a.other_need, errors));
  data.set("details", Field("details", a.details, errors));
  Data contact = Field("contact_method", a.contact_method, errors);
  DataList methods;
  i = 0;
  for (const char* value : kContactMethods) {
    methods.push_back(Option("contact_method", i++, value, m.Text(absl::StrCat("contact_", value)),
                             a.contact_method == value));
  }
  contact.set("options", methods);
  data.set("contact_method", contact);
  data.set("contact_value", Field("contact_value", a.contact_value, errors));
  Data consent = Field("consent", "", errors);
  consent.set("checked", a.consent);
  consent.set("wording", needs.consent_wording());
  data.set("consent", consent);
  return data;
}

DataList SummaryRows(const Catalogue& m, const RegistrationAnswers& a,
                     const events::v1::RegistrationSettings& settings,
                     const events::v1::Catalogue& needs) {
  DataList rows;
  rows.push_back(Row(m.Text("label_name"), a.name));
  rows.push_back(Row(m.Text("label_email"), a.email));
  if (!a.organisation.empty()) rows.push_back(Row(m.Text("label_organisation"), a.organisation));
  rows.push_back(
      Row(m.Text("label_participation"), m.Text(absl::StrCat("participation_", a.participation))));
  if (settings.pools_size() > 0) {
    std::string pool = m.Text("pool_general");
    for (const auto& p : settings.pools()) {
      if (p.id() == a.pool) pool = p.name();
    }
    rows.push_back(Row(m.Text("label_pool"), pool));
  }
  if (!settings.companions_disabled()) {
    rows.push_back(
        Row(m.Text("label_companion"), m.Text(a.companion ? "answer_yes" : "answer_no")));
  }
  for (const auto& q : settings.questions()) {
    auto it = a.questions.find(q.id());
    std::string value = m.Text("answer_none");
    if (it != a.questions.end()) {
      value.clear();
      for (const auto& v : it->second) {
        const std::string shown = q.type() == events::v1::QUESTION_TYPE_YES_NO
                                      ? m.Text(v == "yes" ? "answer_yes" : "answer_no")
                                      : v;
        absl::StrAppend(&value, value.empty() ? "" : ", ", shown);
      }
    }
    rows.push_back(Row(q.text(), value));
  }
  rows.push_back(Row(m.Text("label_marketing"), m.Text(a.marketing ? "answer_yes" : "answer_no")));
  rows.push_back(
      Row(m.Text("label_support"), m.Text(a.support == "yes" ? "answer_yes" : "answer_no")));
  if (a.support == "yes") {
    std::string list;
    for (const auto& code : a.needs) {
      absl::StrAppend(&list, list.empty() ? "" : ", ", NeedLabel(needs, code));
    }
    rows.push_back(Row(m.Text("label_needs"), list));
    if (!a.other_need.empty()) rows.push_back(Row(m.Text("label_other_need"), a.other_need));
    if (!a.details.empty()) rows.push_back(Row(m.Text("label_details"), a.details));
    std::string contact = m.Text(absl::StrCat("contact_", a.contact_method));
    if (a.contact_method != "registration_email") absl::StrAppend(&contact, ": ", a.contact_value);
    rows.push_back(Row(m.Text("label_contact"), contact));
  }
  return rows;
}

DataList ErrorList(const std::vector<FieldError>& errors) {
  DataList out;
  for (const auto& e : errors) {
    Data d(Data::type::object);
    d.set("field", e.field);
    d.set("message", e.message);
    out.push_back(d);
  }
  return out;
}

void SetErrors(Data& data, const std::vector<FieldError>& errors) {
  if (errors.empty()) return;
  data.set("errors", ErrorList(errors));
  data.set("has_errors", true);
}

}  // namespace events::web
