#include "services/web/console/registration_settings_edits.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/registration/rules/registration_rules.h"

namespace events::web::console {
namespace {

namespace rules = events::registration;

bool IsSnakeId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 48 || !absl::ascii_islower(id[0])) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

struct TypeName {
  absl::string_view value;
  events::v1::QuestionType type;
};
constexpr TypeName kTypes[] = {
    {"text", events::v1::QUESTION_TYPE_TEXT},
    {"single_choice", events::v1::QUESTION_TYPE_SINGLE_CHOICE},
    {"multiple_choice", events::v1::QUESTION_TYPE_MULTIPLE_CHOICE},
    {"yes_no", events::v1::QUESTION_TYPE_YES_NO},
};

}  // namespace

int ReadWholeNumber(const Site& site, const Form& form, const std::string& id, int min, int max,
                    absl::string_view what_key, std::vector<FieldError>* errors) {
  const std::string text(absl::StripAsciiWhitespace(form.Get(id)));
  const std::string what = site.Text(what_key);
  int value = 0;
  if (text.empty()) {
    errors->push_back(
        {id, site.messages().Format("err_console_number_required", {{"what", what}})});
  } else if (!absl::SimpleAtoi(text, &value)) {
    errors->push_back({id, site.messages().Format("err_console_number_whole", {{"what", what}})});
  } else if (value < min || value > max) {
    errors->push_back(
        {id, site.messages().Format(
                 "err_console_number_range",
                 {{"what", what}, {"min", absl::StrCat(min)}, {"max", absl::StrCat(max)}})});
  }
  return value;
}

void AddPool(const Site& site, const Form& form, int capacity,
             events::v1::RegistrationSettings* settings, std::vector<FieldError>* errors) {
  const std::string id(absl::StripAsciiWhitespace(form.Get("pool_id")));
  const std::string name(absl::StripAsciiWhitespace(form.Get("pool_name")));
  if (id.empty()) {
    errors->push_back({"pool_id", site.Text("err_console_pool_id_required")});
  } else if (id == rules::kGeneralPool) {
    errors->push_back({"pool_id", site.Text("err_console_pool_id_general")});
  } else if (!IsSnakeId(id)) {
    errors->push_back({"pool_id", site.Text("err_console_pool_id_rule")});
  } else {
    for (const auto& p : settings->pools()) {
      if (p.id() == id) errors->push_back({"pool_id", site.Text("err_console_pool_id_taken")});
    }
  }
  if (name.empty()) {
    errors->push_back({"pool_name", site.Text("err_console_pool_name_required")});
  } else if (!CheckText(name, "pool_name", 1, rules::kMaxPoolNameChars).ok()) {
    errors->push_back({"pool_name", site.Text("err_console_pool_name_rule")});
  }
  const size_t before = errors->size();
  const int places = ReadWholeNumber(site, form, "pool_places", 1, 100000,
                                     "console_reg_settings_places_word", errors);
  if (errors->size() == before) {
    int64_t reserved = places;
    for (const auto& p : settings->pools()) reserved += p.places();
    if (reserved > capacity) {
      errors->push_back(
          {"pool_places", site.messages().Format("err_console_pool_places_over",
                                                 {{"total", absl::StrCat(reserved)},
                                                  {"capacity", absl::StrCat(capacity)}})});
    }
  }
  if (settings->pools_size() >= rules::kMaxPools) {
    errors->push_back(
        {"pool_id", site.messages().Format("err_console_pool_too_many",
                                           {{"max", absl::StrCat(rules::kMaxPools)}})});
  }
  auto* pool = settings->add_pools();
  pool->set_id(id);
  pool->set_name(name);
  pool->set_places(places);
}

std::string QuestionId(absl::string_view text, const events::v1::RegistrationSettings& settings) {
  std::string id;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      id += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
    if (id.size() >= 40) break;
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.empty() || !absl::ascii_islower(id[0])) id = absl::StrCat("q_", id);
  if (id.size() < 2) id = "question";
  std::set<std::string> taken;
  for (const auto& q : settings.questions()) taken.insert(q.id());
  const std::string stem = id;
  for (int n = 2; taken.count(id) > 0; ++n) id = absl::StrCat(stem, "_", n);
  return id;
}

void AddQuestion(const Site& site, const Form& form, events::v1::RegistrationSettings* settings,
                 std::vector<FieldError>* errors) {
  auto* q = settings->add_questions();
  const std::string text(absl::StripAsciiWhitespace(form.Get("question_text")));
  if (text.empty()) {
    errors->push_back({"question_text", site.Text("err_console_question_text_required")});
  } else if (!CheckText(text, "question_text", 1, rules::kMaxQuestionTextChars, true).ok()) {
    errors->push_back({"question_text", site.Text("err_console_question_text_rule")});
  }
  const std::string type = form.Get("question_type");
  for (const TypeName& t : kTypes) {
    if (t.value == type) q->set_type(t.type);
  }
  if (q->type() == events::v1::QUESTION_TYPE_UNSPECIFIED) {
    errors->push_back({"question_type-text", site.Text("err_console_question_type_required")});
  }
  const bool choice = q->type() == events::v1::QUESTION_TYPE_SINGLE_CHOICE ||
                      q->type() == events::v1::QUESTION_TYPE_MULTIPLE_CHOICE;
  if (choice) {
    std::set<std::string> seen;
    bool bad = false;
    bool repeated = false;
    for (absl::string_view line : absl::StrSplit(form.Get("question_options"), '\n')) {
      const std::string option(absl::StripAsciiWhitespace(line));
      if (option.empty()) continue;
      if (!CheckText(option, "option", 1, rules::kMaxOptionChars).ok()) bad = true;
      if (!seen.insert(option).second) repeated = true;
      q->add_options(option);
    }
    if (bad) {
      errors->push_back({"question_options", site.Text("err_console_question_option_rule")});
    } else if (repeated) {
      errors->push_back({"question_options", site.Text("err_console_question_option_twice")});
    } else if (q->options_size() < rules::kMinOptions || q->options_size() > rules::kMaxOptions) {
      errors->push_back({"question_options", site.Text("err_console_question_options_count")});
    }
  }
  if (q->type() == events::v1::QUESTION_TYPE_TEXT &&
      !absl::StripAsciiWhitespace(form.Get("question_max")).empty()) {
    q->set_max_length(ReadWholeNumber(site, form, "question_max", 1, rules::kMaxTextAnswerLimit,
                                      "console_reg_settings_max_word", errors));
  }
  if (settings->questions_size() > rules::kMaxQuestions) {
    errors->push_back(
        {"question_text", site.messages().Format("err_console_question_too_many",
                                                 {{"max", absl::StrCat(rules::kMaxQuestions)}})});
  }
  q->set_text(text);
  q->set_required(form.Get("question_required") == "yes");
  q->set_id(QuestionId(text, *settings));
}

}  // namespace events::web::console
