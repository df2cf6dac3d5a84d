// Every registration RPC's request validation that runs without a store: the first byte picks
// the RPC, the rest is its request. Register against settings with a pool and a question of
// every type, ConfigureRegistration's settings, the attendance CSV, e-mails, names, ids and
// page sizes. See rpc_fuzz.h for what is asserted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/text_rules.h"
#include "events/v1/registration.pb.h"
#include "fuzz/rpc_fuzz.h"
#include "services/registration/rules/csv.h"
#include "services/registration/rules/registration_rules.h"

namespace ev = events::v1;
namespace reg = events::registration;
using events::fuzz::CheckRpcStatus;

namespace {

constexpr int kCapacity = 120;

// An organiser's settings as Register meets them (already through ValidateSettings).
const ev::RegistrationSettings& Settings() {
  static const ev::RegistrationSettings* settings = [] {
    auto* s = new ev::RegistrationSettings;
    s->set_event_id("ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1");
    auto* pool = s->add_pools();
    pool->set_id("speakers");
    pool->set_name("Speakers and interpreters");
    pool->set_places(10);
    auto* text = s->add_questions();
    text->set_id("role");
    text->set_text("What is your role?");
    text->set_type(ev::QUESTION_TYPE_TEXT);
    text->set_required(true);
    text->set_max_length(80);
    auto* single = s->add_questions();
    single->set_id("track");
    single->set_text("Which track?");
    single->set_type(ev::QUESTION_TYPE_SINGLE_CHOICE);
    single->add_options("Design");
    single->add_options("Engineering");
    auto* multiple = s->add_questions();
    multiple->set_id("formats");
    multiple->set_text("Materials you would like");
    multiple->set_type(ev::QUESTION_TYPE_MULTIPLE_CHOICE);
    multiple->add_options("Large print");
    multiple->add_options("Braille");
    multiple->add_options("Easy read");
    auto* yes_no = s->add_questions();
    yes_no->set_id("photos");
    yes_no->set_text("May we photograph you?");
    yes_no->set_type(ev::QUESTION_TYPE_YES_NO);
    const absl::Status valid = reg::ValidateSettings(*s, kCapacity);
    events::fuzz::Check(valid.ok(), "the fuzzer's own settings are valid", valid.ToString());
    return s;
  }();
  return *settings;
}

void EventId(const std::string& id, const google::protobuf::Message& r, absl::string_view rpc) {
  CheckRpcStatus(events::ValidateEventId(id), r, rpc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int rpc = data[0] % 12;
  ++data;
  --size;
  switch (rpc) {
    case 0: {
      ev::RegisterRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "Register");
      (void)reg::IsIdempotencyKey(r.idempotency_key());
      const absl::Status valid = reg::ValidateRegisterRequest(r, Settings());
      CheckRpcStatus(valid, r, "Register");
      // The fingerprint that tells a retry from a different request: a pure function of
      // the request without its key.
      ev::RegisterRequest other = r;
      other.set_idempotency_key("another-key-0123456789");
      events::fuzz::Check(reg::RequestFingerprint(r) == reg::RequestFingerprint(other),
                          "the fingerprint ignores the idempotency key");
      if (valid.ok()) {
        const std::string pool = reg::PoolOf(r);
        events::fuzz::Check(pool == reg::kGeneralPool || pool == "speakers",
                            "an accepted request asks for a pool of the event", pool);
        events::fuzz::Check(events::CheckEmail(reg::NormaliseEmail(r.email()), "email").ok(),
                            "an accepted e-mail passes CheckEmail", r.email());
      }
      break;
    }
    case 1: {
      ev::ResendLinkRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "ResendLink");
      CheckRpcStatus(events::CheckEmail(reg::NormaliseEmail(r.email()), "email"), r, "ResendLink");
      break;
    }
    case 2: {
      ev::GetRegistrationFormRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "GetRegistrationForm");
      break;
    }
    case 3: {
      ev::UpdateMyRegistrationRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      if (!r.name().empty()) {
        CheckRpcStatus(events::CheckText(r.name(), "name", 1, reg::kMaxNameChars), r,
                       "UpdateMyRegistration");
      }
      break;
    }
    case 4: {
      ev::ConfigureRegistrationRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      const int32_t capacity =
          static_cast<int32_t>(static_cast<uint64_t>(r.expected_version()) % 100001);
      const absl::Status valid = reg::ValidateSettings(r.settings(), capacity);
      CheckRpcStatus(valid, r, "ConfigureRegistration");
      if (valid.ok()) {
        int64_t reserved = 0;
        for (const auto& p : r.settings().pools()) reserved += p.places();
        events::fuzz::Check(reserved <= capacity, "reserved places fit the capacity");
        events::fuzz::Check(r.settings().pools_size() <= reg::kMaxPools &&
                                r.settings().questions_size() <= reg::kMaxQuestions,
                            "pool and question limits");
      }
      break;
    }
    case 5: {
      ev::ListRegistrationsRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "ListRegistrations");
      CheckRpcStatus(events::PageSize(r.page().page_size(), {25, 100}), r, "ListRegistrations");
      break;
    }
    case 6: {
      ev::GetCapacityRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "GetCapacity");
      break;
    }
    case 7: {
      ev::ChangeCapacityRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "ChangeCapacity");
      break;
    }
    case 8: {
      ev::DecideRegistrationRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "ApproveRegistration");
      break;
    }
    case 9: {
      ev::MarkAttendanceRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "MarkAttendance");
      for (const std::string& email : r.emails()) {
        const std::string normal = reg::NormaliseEmail(email);
        events::fuzz::Check(reg::NormaliseEmail(normal) == normal, "NormaliseEmail is idempotent",
                            email);
      }
      break;
    }
    case 10: {
      ev::ImportAttendanceRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "ImportAttendance");
      CheckRpcStatus(reg::EmailsFromAttendanceCsv(r.csv()), r, "ImportAttendance");
      break;
    }
    case 11: {
      ev::CancelRegistrationRequest r;
      if (!events::fuzz::ParseRequest(data, size, r)) return 0;
      EventId(r.event_id(), r, "CancelRegistration");
      break;
    }
  }
  return 0;
}
