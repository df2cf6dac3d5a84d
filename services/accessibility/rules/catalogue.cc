#include "services/accessibility/rules/catalogue.h"

#include "absl/strings/str_cat.h"
#include "common/util/text_rules.h"

namespace events::accessibility {

const char* const kConsentWording =
    "I agree that the organiser's access coordinators may hold the access needs and details "
    "I give here, to arrange support for this event. They are encrypted, read only by access "
    "coordinators, and deleted after the event; I can withdraw or erase them at any time.";

const std::vector<NeedInfo>& DefaultNeeds() {
  // Lead times: how long booking the support usually takes in the UK (interpreters and
  // human captioners are booked weeks ahead; a quiet room is a matter of days).
  static const std::vector<NeedInfo>* const needs = new std::vector<NeedInfo>{
      {"bsl_interpreter", "British Sign Language interpreter", 14},
      {"other_sign_language", "Another sign language interpreter", 21},
      {"lipspeaker", "Lipspeaker", 14},
      {"deafblind_interpreter", "Deafblind interpreter", 21},
      {"live_captions", "Live captions by a person (CART)", 14},
      {"automatic_captions", "Automatic captions", 1},
      {"speech_to_text_reporter", "Speech-to-text reporter", 14},
      {"hearing_loop", "Hearing loop", 7},
      {"easy_read", "Easy-read materials", 14},
      {"large_print", "Large print", 7},
      {"materials_in_advance", "Materials in advance", 7},
      {"screen_reader_documents", "Screen-reader-friendly documents", 7},
      {"step_free_access", "Step-free access", 7},
      {"accessible_toilet", "Accessible toilet", 7},
      {"quiet_space", "Quiet space", 3},
      {"regular_breaks", "Regular breaks", 2},
      {"carer_place", "A place for a personal assistant or carer", 3},
      {kOtherNeed, "Something else (say what)", 7},
  };
  return *needs;
}

const NeedInfo* FindNeed(absl::string_view code) {
  for (const NeedInfo& n : DefaultNeeds()) {
    if (code == n.code) return &n;
  }
  return nullptr;
}

events::v1::Catalogue BuildCatalogue(const std::string& org_id, const LeadTimes& overrides) {
  events::v1::Catalogue c;
  c.set_org_id(org_id);
  c.set_consent_wording(kConsentWording);
  for (const NeedInfo& n : DefaultNeeds()) {
    events::v1::CatalogueNeed* need = c.add_needs();
    need->set_need(n.code);
    need->set_label(n.label);
    auto it = overrides.find(n.code);
    need->set_customised(it != overrides.end());
    need->set_lead_time_days(it != overrides.end() ? it->second : n.lead_time_days);
  }
  return c;
}

int LeadTimeDays(const LeadTimes& overrides, const std::string& need) {
  auto it = overrides.find(need);
  if (it != overrides.end()) return it->second;
  const NeedInfo* info = FindNeed(need);
  return info == nullptr ? 0 : info->lead_time_days;
}

absl::Status ValidateLeadTime(const std::string& need, int64_t days) {
  if (need.empty()) return absl::InvalidArgumentError("need is required");
  if (FindNeed(need) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("need ", QuoteForMessage(need),
                                                   " is not in the catalogue (see GetCatalogue)"));
  }
  if (days < 0 || days > kMaxLeadTimeDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("lead_time_days must be between 0 and ", kMaxLeadTimeDays, ", not ", days));
  }
  return absl::OkStatus();
}

}  // namespace events::accessibility
